import { analyze, applyEdits, fromSource, toSource, type FileAnalysis, type LinkedFile, type Settings } from '../core/index';
import type { TrainingPlan } from '../core/estimate/plan';
import { suggestionEdits, type SuggestionWrite } from '../core/suggest/edits';
import { layoutOf, shardingLabel, type Layout } from '../core/suggest/layout';
import { suggestLayouts, type Evaluated, type SuggestResult } from '../core/suggest/search';
import { completePlan } from '../core/estimate/complete-plan';
import { howToGive } from '../core/report/estimate-report';
import type { ShellParser } from '../core/shell/syntax';
import { UsageError } from './args';
import { planFor } from './estimate-command';
import { analyzeInContext, type FileInContext } from './file-context';
import { readText } from './files';
import { writeFilesSafely } from '../node/safe-write';

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
  writes: SuggestionWrite[];
  context: FileInContext;
  shellParser?: ShellParser;
}

export function runSuggest(request: SuggestRequest): SuggestOutcome {
  const { plan } = planFor({ file: request.file }, request.flags, request.shellParser);
  const result = suggestLayouts(plan, { world: request.world, top: request.top });
  if (!result.ok) {
    const needs = [...new Set((result.missing ?? []).map(howToGive))];
    throw new UsageError(`${request.file}: ${result.message}${needs.length ? `: needs ${needs.join('; ')}` : ''}`);
  }
  const current = layoutOf(completePlan(plan as TrainingPlan).plan);
  const context = analyzeInContext(request.file, request.flags, request.shellParser);
  const fileWorld = result.fileWorld ?? result.world;
  const writes = result.suggestions.map((s) => suggestionEdits(context.analysis, context.analysis.settings, context.linked, current, s.layout, result.global, fileWorld));
  return { result, current, writes, context, shellParser: request.shellParser };
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
const seconds = (s: number) => (s >= 100 ? `${s.toFixed(0)} s` : `${s.toFixed(2)} s`);
const pct = (share: number) => `${(100 * share).toFixed(1)}%`;
const speedup = (t: number, now: number) => (t <= now ? `${pct(1 - t / now)} less time per step` : `${pct(t / now - 1)} more time per step`);

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
    out.push('', `now: the file's layout${fits ? '' : `, which does not fit: ${gib(c.memoryBytes)} is over ${pct(1 - result.headroom)} of ${gib(c.capacityBytes)}`}${c.problems.length ? `; ${c.problems.join('; ')}` : ''}`);
  }
  for (const note of result.notes) out.push(`note: ${note}`);
  if (result.suggestions.length === 0) out.push('', 'No layout fits: a larger GPU, more GPUs or a smaller global batch is needed.');
  result.suggestions.forEach((s, i) => {
    const write = writes[i];
    out.push('', `${i + 1}. ${s.changes.length ? s.changes.join(', ') : 'the file\'s own layout'}${result.current ? ` (${speedup(s.iterationSeconds, result.current.iterationSeconds)})` : ''}`);
    if (write.files.length > 0) out.push(`   trainlint suggest ${file} --apply ${i + 1}   edits ${write.files.map((f) => f.path ?? file).join(', ')}`);
    for (const step of write.byHand) out.push(`   apply by hand: ${step}`);
  });
  return out.join('\n') + '\n';
}

export function renderSuggestJson(outcome: SuggestOutcome): string {
  const { result, writes, current } = outcome;
  return JSON.stringify({
    world: result.world, gpu: result.gpu, globalBatch: result.global, headroom: result.headroom, evaluated: result.evaluated, notes: result.notes,
    current: result.current ? { ...result.current, layout: current } : undefined,
    suggestions: result.suggestions.map((s, i) => ({ rank: i + 1, ...s, edits: writes[i].files.map((f) => ({ file: f.path ?? outcome.context.path, edits: f.edits })), byHand: writes[i].byHand })),
  }, null, 2) + '\n';
}

const errorCodes = (analysis: { diagnostics: Array<{ severity: string; code: string }> }) =>
  new Set(analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));

/**
 * Writes suggestion `n` (1-based) into the file and the configs it links to, after checking that the edited files raise
 * no error they did not already raise: an edit TrainLint itself would reject is not written.
 */
export function applySuggestion(outcome: SuggestOutcome, n: number, dryRun: boolean): { written: string[]; byHand: string[] } {
  const { context, writes, shellParser } = outcome;
  if (n < 1 || n > writes.length) throw new UsageError(`--apply ${n}: there ${writes.length === 1 ? 'is 1 suggestion' : `are ${writes.length} suggestions`}`);
  const write = writes[n - 1];
  const edited = write.files.map((f) => {
    const path = f.path ?? context.path;
    const source = toSource(readText(path));
    const { text, skipped } = applyEdits(source.text, f.edits);
    if (skipped.length > 0) throw new UsageError(`--apply ${n}: the edits to ${path} overlap; apply by hand`);
    return { path, source, text };
  });
  const textOf = (path: string) => edited.find((e) => e.path === path)?.text;
  const linked: LinkedFile[] = context.linked.map((l) => {
    const text = textOf(l.path);
    return text === undefined || !l.analysis ? l : { ...l, analysis: analyze(text, { path: l.path, settings: l.analysis.settings, shellParser }) };
  });
  const mainText = textOf(context.path) ?? context.analysis.text;
  const checks: Array<[string, FileAnalysis, FileAnalysis]> = [[context.path, context.analysis, analyze(mainText, { path: context.path, settings: context.settings, shellParser, linked })]];
  context.linked.forEach((l, i) => {
    if (l.analysis && linked[i].analysis !== l.analysis) checks.push([l.path, l.analysis, linked[i].analysis!]);
  });
  for (const [path, before, after] of checks) {
    const had = errorCodes(before);
    const added = [...errorCodes(after)].filter((code) => !had.has(code));
    if (added.length > 0) throw new UsageError(`--apply ${n}: the edited ${path} would raise ${added.join(', ')} (trainlint check); apply by hand`);
  }
  // All edited files or none, each through a link to its target, keeping its mode (node/safe-write.ts).
  if (!dryRun) writeFilesSafely(edited.map((e) => ({ path: e.path, before: fromSource({ text: e.source.text, hadBom: e.source.hadBom }), after: fromSource({ text: e.text, hadBom: e.source.hadBom }) })));
  return { written: edited.map((e) => e.path), byHand: write.byHand };
}
