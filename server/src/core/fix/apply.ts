import type { Diagnostic, Fix } from '../diagnostic';
import type { TextEdit } from '../text/range';

/** Applies non-overlapping edits; overlapping ones after the first are skipped and returned. */
export function applyEdits(text: string, edits: TextEdit[]): { text: string; skipped: TextEdit[] } {
  const sorted = [...edits].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  const kept: TextEdit[] = [];
  const skipped: TextEdit[] = [];
  let lastEnd = -1;
  for (const edit of sorted) {
    if (edit.range.start < lastEnd) {
      skipped.push(edit);
      continue;
    }
    kept.push(edit);
    lastEnd = Math.max(edit.range.end, edit.range.start);
  }
  let out = '';
  let cursor = 0;
  for (const edit of kept) {
    out += text.slice(cursor, edit.range.start) + edit.newText;
    cursor = edit.range.end;
  }
  return { text: out + text.slice(cursor), skipped };
}

/**
 * The edits of every safe fix, at most one fix per diagnostic, without overlaps:
 * what `--fix` and `source.fixAll.trainlint` apply.
 */
export function safeFixEdits(diagnostics: Diagnostic[]): { fixes: Fix[]; edits: TextEdit[] } {
  const fixes: Fix[] = [];
  const edits: TextEdit[] = [];
  const taken: TextEdit[] = [];
  for (const diagnostic of diagnostics) {
    const fix = diagnostic.fixes.find((f) => f.safe && !f.otherFile);
    if (!fix) continue;
    const overlaps = fix.edits.some((e) => taken.some((t) => e.range.start < t.range.end && t.range.start < e.range.end));
    if (overlaps) continue;
    fixes.push(fix);
    edits.push(...fix.edits);
    taken.push(...fix.edits);
  }
  return { fixes, edits };
}
