// The checks every fuzz case (and every saved reproducer) goes through: analysis, the language server's handlers, plan,
// estimate, and safe fixes applied until none is left, each result analysed again as its program loads it.
import { analyze, type FileAnalysis } from '../../server/src/core/analyze';
import { estimate } from '../../server/src/core/estimate/estimate';
import { applyEdits, safeFixEdits } from '../../server/src/core/fix/apply';
import { buildPlan, mergePlans } from '../../server/src/core/plan/build-plan';
import { analysisFailed } from '../../server/src/core/rules/syntax-rules';
import type { ShellParser } from '../../server/src/core/shell/syntax';
import { editProblem } from '../../server/src/core/fix/edit-problem';
import type { Analyzed } from '../../server/src/lsp/analyses';
import { Converter } from '../../server/src/lsp/convert';
import { codeLenses, completion, hover, inlayHints, planPage, summary } from '../../server/src/lsp/features';

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

/**
 * The language server's handlers on the analysed document, as an editor calls them: hover and completion at the start,
 * the end, seven places between and where each finding starts, inlay hints over the whole text, code lenses, the
 * summary and the plan page. An exception in any of them is the case's failure.
 */
function editorRequests(analysis: FileAnalysis, path: string, shellParser: ShellParser | undefined): void {
  const converter = new Converter(analysis);
  const analyzedDoc: Analyzed = {
    uri: `file:///fuzz/${path}`, version: 1, analysis, converter, settings: analysis.settings, linked: [], included: true, resultId: '1',
    reanalyze: (text) => analysed(text, path, shellParser),
  };
  const length = analysis.text.length;
  const offsets = [...Array.from({ length: 9 }, (_, i) => Math.floor((i * length) / 8)), ...analysis.diagnostics.slice(0, 10).map((d) => d.range.start)];
  for (const offset of offsets) {
    hover(analyzedDoc, converter.position(offset));
    completion(analyzedDoc, converter.position(offset));
  }
  inlayHints(analyzedDoc, converter.range({ start: 0, end: length }));
  codeLenses(analyzedDoc);
  summary(analyzedDoc);
  planPage(analyzedDoc);
}

function checkSteps(text: string, path: string, shellParser: ShellParser | undefined): Failure | undefined {
  const analysis = analysed(text, path, shellParser);
  editorRequests(analysis, path, shellParser);
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
