// The checks every fuzz case (and every saved reproducer) goes through: analysis, plan, estimate, and safe fixes applied
// until none is left, each result analysed again as its program loads it.
import { analyze, type FileAnalysis } from '../../server/src/core/analyze';
import { estimate } from '../../server/src/core/estimate/estimate';
import { applyEdits, safeFixEdits } from '../../server/src/core/fix/apply';
import { buildPlan, mergePlans } from '../../server/src/core/plan/build-plan';
import { analysisFailed } from '../../server/src/core/rules/syntax-rules';
import type { ShellParser } from '../../server/src/core/shell/syntax';
import { editProblem } from '../../server/src/cli/verify-edit';

export type FailureKind = 'exception' | 'slow' | 'fix-breaks-loading' | 'fix-not-converging';

export interface Failure {
  kind: FailureKind;
  detail: string;
}

/** A case taking longer than this fails (issue 14: no file may take over 2 s). */
export const SLOW_MS = 2000;
/** Rounds of safe fixes `check --fix` applies (cli/check.ts fixFile); fixes left after them do not converge. */
export const FIX_ROUNDS = 5;

function analysed(text: string, path: string, shellParser: ShellParser | undefined): FileAnalysis {
  const analysis = analyze(text, { path, shellParser });
  // analyze turns an escaped exception into this one finding; for the fuzzer it is the exception.
  const failed = analysis.diagnostics.find((d) => d.code === analysisFailed.meta.code);
  if (failed) throw new Error(failed.message);
  return analysis;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack?.split('\n').slice(1, 4).join('\n') ?? ''}` : String(error);
  return text.slice(0, 600);
}

function checkSteps(text: string, path: string, shellParser: ShellParser | undefined): Failure | undefined {
  const analysis = analysed(text, path, shellParser);
  const built = buildPlan(analysis, analysis.settings);
  if (built) {
    estimate(built.plan);
    // With a model named the estimator reaches its memory and time blocks too.
    estimate(mergePlans(built.plan, { model: { name: 'meta-llama/Llama-2-7b-hf' } }));
  }
  let current = analysis;
  for (let round = 0; round < FIX_ROUNDS; round++) {
    const { edits } = safeFixEdits(current.diagnostics);
    if (edits.length === 0) return undefined;
    const next = analysed(applyEdits(current.text, edits).text, path, shellParser);
    const problem = editProblem(current, next, false);
    if (problem) return { kind: 'fix-breaks-loading', detail: problem };
    current = next;
  }
  const left = safeFixEdits(current.diagnostics).fixes.map((f) => f.title);
  return left.length > 0 ? { kind: 'fix-not-converging', detail: `safe fixes still offered after ${FIX_ROUNDS} rounds: ${left.slice(0, 3).join('; ')}` } : undefined;
}

/**
 * CPU time of this process in ms: unlike wall time it does not grow when other processes share the cores (a 4.5 MB
 * mutated DeepSpeed file took 250-520 ms alone and 2.4-3.1 s of wall time beside two builds).
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The first failure of one file (its text and the path it is named by), or undefined when it passes every check. */
export function checkCase(text: string, path: string, shellParser: ShellParser | undefined): Failure | undefined {
  const start = cpuMs();
  let failure: Failure | undefined;
  try {
    failure = checkSteps(text, path, shellParser);
  } catch (error) {
    failure = { kind: 'exception', detail: firstLine(error) };
  }
  const ms = cpuMs() - start;
  if (failure || ms <= SLOW_MS) return failure;
  // Timed again: a garbage collection left over from an earlier case may have landed in this one.
  const again = cpuMs();
  checkSteps(text, path, shellParser);
  const retimed = cpuMs() - again;
  return retimed > SLOW_MS ? { kind: 'slow', detail: `took ${Math.round(ms)} ms of CPU, then ${Math.round(retimed)} ms` } : undefined;
}
