import { analysisFailed, duplicateKey, nestingTooDeep, parseError } from '../rules/syntax-rules';
import type { Diagnostic } from '../diagnostic';
import type { FileAnalysis } from '../analyze';

/** The findings that mean the program's loader no longer reads the file as a whole. */
const LOAD_FAILURES = new Set([parseError, duplicateKey, nestingTooDeep, analysisFailed].map((rule) => rule.meta.code));

/**
 * Why an edited text must not be written, judged by analysing it again as its program loads it: it no longer loads (a
 * syntax error, a duplicate key, a merge that broke), or, with `anyFinding`, it has a finding of a kind the text before
 * had fewer of (a fix that creates a problem is no safe fix). Undefined when the edit may be written.
 */
export function editProblem(before: FileAnalysis, after: FileAnalysis, anyFinding: boolean): string | undefined {
  const counts = new Map<string, number>();
  for (const d of before.diagnostics) counts.set(d.code, (counts.get(d.code) ?? 0) + 1);
  const added = after.diagnostics.find((d: Diagnostic) => {
    const left = counts.get(d.code) ?? 0;
    counts.set(d.code, left - 1);
    return left <= 0 && (anyFinding || LOAD_FAILURES.has(d.code));
  });
  if (!added) return undefined;
  return `${LOAD_FAILURES.has(added.code) ? 'the edit would make the file fail to load' : 'the edit would add a finding'} (${added.rule}: ${added.message})`;
}
