import { analyze, applyEdits, fromSource, toSource, type Settings } from '../core/index';
import type { TrainingPlan } from '../core/estimate/plan';
import { suggestionEdits } from '../core/suggest/edits';
import { layoutOf, shardingLabel, type Layout, type LayoutWrite } from '../core/suggest/layout';
import { suggestLayouts, type Evaluated, type SuggestResult } from '../core/suggest/search';
import { completePlan } from '../core/estimate/complete-plan';
import type { ShellParser } from '../core/shell/syntax';
import type { TextEdit } from '../core/text/range';
import { UsageError } from './args';
import { planFor } from './estimate-command';
import { analyzeInContext, type FileInContext } from './file-context';
import { readText, writeAtomically } from './files';

export interface SuggestRequest {
  file: string;
  flags: Settings;
  /** --gpus: the cluster to search for, even where the file states its own world size. */
  world?: number;
  top: number;
  shellParser?: ShellParser;
}

export interface SuggestOutcome {
  result: SuggestResult;
  current: Layout;
  /** Per suggestion, the edits to the file and what must be done by hand. */
  writes: LayoutWrite[];
  context: FileInContext;
  shellParser?: ShellParser;
}

export function runSuggest(request: SuggestRequest): SuggestOutcome {
  const { plan } = planFor({ file: request.file }, request.flags, request.shellParser);
  const result = suggestLayouts(plan, { world: request.world, top: request.top });
  if (!result.ok) throw new UsageError(`${request.file}: ${result.message}`);
  const current = layoutOf(completePlan(plan as TrainingPlan).plan);
  const context = analyzeInContext(request.file, request.flags, request.shellParser);
  const fileWorld = result.fileWorld ?? result.world;
  const writes = result.suggestions.map((s) => suggestionEdits(context.analysis, context.analysis.settings, current, s.layout, result.global, fileWorld));
  return { result, current, writes, context, shellParser: request.shellParser };
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
const seconds = (s: number) => (s >= 100 ? `${s.toFixed(0)} s` : `${s.toFixed(2)} s`);
const pct = (share: number) => `${(100 * share).toFixed(1)}%`;

function row(label: string, e: Evaluated): string[] {
  const l = e.layout;
  const pp = l.firstStageLayers !== undefined ? `${l.pp}*` : String(l.pp);
  return [label, String(l.tp), pp, String(l.vpp), String(l.cp), String(l.ep), String(l.dp), shardingLabel(l.sharding) + (l.offload ? ' + offload' : ''),
    `${l.micro} x ${l.accum}`, l.recompute, gib(e.memoryBytes), seconds(e.iterationSeconds), pct(e.mfu)];
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i >= 10 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd());
}

export function renderSuggestText(file: string, outcome: SuggestOutcome): string {
  const { result, writes } = outcome;
  const out: string[] = [];
  const gpus = `${result.world} x ${result.gpu ?? 'GPU'}`;
  out.push(`Layouts for ${file} on ${gpus}, global batch ${result.global} (kept), ranked by predicted step time.`);
  out.push(`A layout fits when its peak memory is at most ${pct(1 - result.headroom)} of the GPU's (${pct(result.headroom)} headroom); ${result.evaluated} layouts were estimated.`);
  out.push('');
  const header = ['#', 'TP', 'PP', 'VPP', 'CP', 'EP', 'DP', 'sharding', 'micro x accum', 'recompute', 'memory/GPU', 'step', 'MFU'];
  const rows = [header];
  if (result.current) rows.push(row('now', result.current));
  result.suggestions.forEach((s, i) => rows.push(row(String(i + 1), s)));
  out.push(...table(rows));
  if (result.suggestions.some((s) => s.layout.firstStageLayers !== undefined)) out.push('  (PP n*: uneven split, fewer layers on the first and last stages)');
  if (result.current) {
    const c = result.current;
    const fits = c.memoryBytes <= (1 - result.headroom) * c.capacityBytes;
    out.push('', `now: the file's layout${fits ? '' : `, which does not fit (${gib(c.memoryBytes)} of ${gib(c.capacityBytes)})`}${c.problems.length ? `; ${c.problems.join('; ')}` : ''}`);
  }
  for (const note of result.notes) out.push(`note: ${note}`);
  if (result.suggestions.length === 0) out.push('', 'No layout fits: a larger GPU, more GPUs or a smaller global batch is needed.');
  result.suggestions.forEach((s, i) => {
    const write = writes[i];
    out.push('', `${i + 1}. ${s.changes.length ? s.changes.join(', ') : 'the file\'s own layout'}${result.current ? ` (${pct(1 - s.iterationSeconds / result.current.iterationSeconds)} faster)` : ''}`);
    if (write.edits.length > 0) out.push(`   trainlint suggest ${file} --apply ${i + 1}   writes ${write.edits.length} edit${write.edits.length === 1 ? '' : 's'}`);
    for (const step of write.byHand) out.push(`   apply by hand: ${step}`);
  });
  return out.join('\n') + '\n';
}

export function renderSuggestJson(outcome: SuggestOutcome): string {
  const { result, writes, current } = outcome;
  return JSON.stringify({
    world: result.world, gpu: result.gpu, globalBatch: result.global, headroom: result.headroom, evaluated: result.evaluated, notes: result.notes,
    current: result.current ? { ...result.current, layout: current } : undefined,
    suggestions: result.suggestions.map((s, i) => ({ rank: i + 1, ...s, edits: writes[i].edits, byHand: writes[i].byHand })),
  }, null, 2) + '\n';
}

const errorCodes = (analysis: { diagnostics: Array<{ severity: string; code: string }> }) =>
  new Set(analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));

/**
 * Writes suggestion `n` (1-based) into the file, after checking that the edited text raises no error the file did not
 * already have: an edit that TrainLint itself would reject is not written.
 */
export function applySuggestion(outcome: SuggestOutcome, n: number, dryRun: boolean): { written: boolean; edits: TextEdit[]; byHand: string[] } {
  const { context, writes } = outcome;
  if (n < 1 || n > writes.length) throw new UsageError(`--apply ${n}: there ${writes.length === 1 ? 'is 1 suggestion' : `are ${writes.length} suggestions`}`);
  const write = writes[n - 1];
  if (write.edits.length === 0) return { written: false, edits: [], byHand: write.byHand };
  const source = toSource(readText(context.path));
  const { text, skipped } = applyEdits(source.text, write.edits);
  if (skipped.length > 0) throw new UsageError(`--apply ${n}: the edits overlap; apply by hand`);
  const after = analyze(text, { path: context.path, settings: context.settings, shellParser: outcome.shellParser, linked: context.linked });
  const before = errorCodes(context.analysis);
  const added = [...errorCodes(after)].filter((code) => !before.has(code));
  if (added.length > 0) throw new UsageError(`--apply ${n}: the edited file would raise ${added.join(', ')} (trainlint check); apply by hand`);
  if (!dryRun) writeAtomically(context.path, fromSource({ text, hadBom: source.hadBom }));
  return { written: !dryRun, edits: write.edits, byHand: write.byHand };
}
