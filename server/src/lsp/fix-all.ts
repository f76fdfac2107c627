import { applyEdits, safeFixEdits, type TextEdit } from '../core/index';
import { editProblem } from '../core/fix/edit-problem';
import type { Analyzed } from './analyses';

/** As many rounds as the CLI's `--fix` (server/src/cli/check.ts): a fix can reveal another (a renamed key's misspelt value). */
export const FIX_ALL_ROUNDS = 5;

/**
 * Applies the safe fixes, analyses the result again and repeats until none is left (at most FIX_ALL_ROUNDS rounds).
 * Returns how many fixes were applied and the edits that turn the analysed text into the fixed one, by offsets into
 * the analysed text, so that one WorkspaceEdit against the version that was asked for does it all. Nothing is offered
 * when the result would no longer load, or would have a finding the text did not have: the judgement `check --fix`
 * makes before it writes (core/fix/edit-problem.ts), since here the editor writes.
 */
export function fixAll(analyzed: Analyzed): { applied: number; edits: TextEdit[] } {
  const original = analyzed.analysis.text;
  let current = analyzed.analysis;
  let applied = 0;
  let rounds = 0;
  let firstRound: TextEdit[] = [];
  for (let round = 0; round < FIX_ALL_ROUNDS; round++) {
    const { fixes, edits } = safeFixEdits(current.diagnostics);
    if (edits.length === 0) break;
    const { text } = applyEdits(current.text, edits);
    if (text === current.text) break; // Fixes that change nothing would loop.
    applied += fixes.length;
    rounds++;
    if (round === 0) firstRound = edits;
    current = analyzed.reanalyze(text);
  }
  if (applied === 0 || editProblem(analyzed.analysis, current, true)) return { applied: 0, edits: [] };
  // One round: its own edits, exactly as the fixes wrote them; more: the difference, since later rounds edit later texts.
  return { applied, edits: rounds === 1 ? firstRound : differences(original, current.text) };
}

/**
 * Edits from `before` to `after`: one per changed line when the fixes kept the line count (renames and rewritten
 * values do), trimmed to the characters that differ; otherwise one edit over the changed span.
 */
export function differences(before: string, after: string): TextEdit[] {
  if (before === after) return [];
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length !== b.length) return [span(before, after, 0)];
  const edits: TextEdit[] = [];
  let offset = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) edits.push(span(a[i], b[i], offset));
    offset += a[i].length + 1;
  }
  return edits;
}

/** The one edit that turns `a` into `b`, without their common start and end (never splitting a surrogate pair). */
function span(a: string, b: string, base: number): TextEdit {
  let start = 0;
  const limit = Math.min(a.length, b.length);
  while (start < limit && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  if (start > 0 && isHighSurrogate(a.charCodeAt(start - 1))) start--;
  let end = 0;
  while (end < limit - start && a.charCodeAt(a.length - 1 - end) === b.charCodeAt(b.length - 1 - end)) end++;
  if (end > 0 && isLowSurrogate(a.charCodeAt(a.length - end))) end--;
  return { range: { start: base + start, end: base + a.length - end }, newText: b.slice(start, b.length - end) };
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;
