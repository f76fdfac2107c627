import { readFileSync } from 'node:fs';
import { buildPlan } from '../core/plan/build-plan';
import { estimate, type Estimate } from '../core/estimate/estimate';
import { completePlan } from '../core/estimate/complete-plan';
import type { TrainingPlan } from '../core/estimate/plan';
import { planFieldProblems } from '../core/estimate/plan-fields';
import { estimateSections, howToGive } from '../core/report/estimate-report';
import { mergeSettings, type Settings } from '../core/index';
import type { ShellParser } from '../core/shell/syntax';
import { UsageError } from './args';
import { analyzeInContext } from './file-context';

const NO_PLAN: Partial<Record<string, string>> = {
  unknown: 'not a training config TrainLint reads',
  accelerate: 'an accelerate config says how processes are launched, not what is trained: estimate the training config or script it launches (a DeepSpeed config it names is read with that file)',
};

/** The plan of a config file, or of a hand-written plan JSON, with what was assumed about it. */
export function planFor(source: { file?: string; planFile?: string }, flags: Settings, shellParser?: ShellParser): { plan: TrainingPlan; notes: string[]; format: string } {
  if (source.planFile) {
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(source.planFile, 'utf8'));
    } catch (error) {
      throw new UsageError(`cannot read the plan ${source.planFile}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!isObject(value)) throw new UsageError(`${source.planFile} is not a plan object`);
    // `trainlint plan FILE > plan.json` writes the plan inside {format, plan, assumptions, ...}: read it back as it is.
    const plan = typeof value.format === 'string' && isObject(value.plan) ? value.plan : value;
    const problems = planFieldProblems(plan);
    if (problems.length > 0) throw new UsageError(`${source.planFile}:\n  ${problems.join('\n  ')}`);
    return { plan: plan as TrainingPlan, notes: [], format: 'plan' };
  }
  const file = source.file!;
  const context = analyzeInContext(file, flags, shellParser);
  // A template or a config another tool completes: what runs is not this text (core/detect/templates.ts).
  if (context.analysis.detection.skip) throw new UsageError(`${file}: not read as written: ${context.analysis.detection.skip}`);
  const built = buildPlan(context.analysis, context.analysis.settings, context.linked);
  if (!built) {
    // A launch script whose training config is a separate file (llamafactory-cli train X.yaml, axolotl train X.yaml):
    // the plan is that file's, in the layout the script launches it with.
    const launched = context.linked.filter((l) => (l.link.kind === 'llamafactory-config' || l.link.kind === 'axolotl-config') && l.analysis);
    if (launched.length === 1) {
      // The script's world size carries over; its format hint does not (flags reach the launched file's own links too).
      const inner = planFor({ file: launched[0].path }, mergeSettings({ cluster: launched[0].link.context.cluster }, flags), shellParser);
      return { ...inner, notes: [`the plan of ${launched[0].link.target}, which this script launches`, ...inner.notes] };
    }
  }
  const why = context.analysis.format === 'unknown' ? ` (${context.analysis.detection.reason})` : '';
  if (!built) throw new UsageError(`${file}: ${NO_PLAN[context.analysis.format] ?? `no plan can be read from this ${context.analysis.format} file`}${why}`);
  return { plan: built.plan, notes: built.notes, format: context.analysis.format };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function renderPlanJson(plan: TrainingPlan, notes: string[], format: string): string {
  const completed = completePlan(plan);
  return JSON.stringify({ format, plan: completed.plan, assumptions: [...notes, ...completed.assumptions], missing: completed.missing, conflicts: completed.conflicts }, null, 2) + '\n';
}

export function runEstimate(plan: TrainingPlan, iterationSeconds: number | undefined, convention: 'palm' | 'megatron' | 'narayanan' | undefined): Estimate {
  const withTime = iterationSeconds !== undefined ? { ...plan, training: { ...plan.training, measuredIterationSeconds: iterationSeconds } } : plan;
  return estimate(withTime, { convention });
}

/** The estimate as text: one table per block, then what it assumed, what is missing and the sources. */
export function renderEstimateText(result: Estimate, notes: string[]): string {
  const out: string[] = [];
  for (const section of estimateSections(result)) {
    out.push(section.title);
    const width = Math.max(0, ...section.rows.map(([label]) => label.length));
    for (const [label, value] of section.rows) out.push(`  ${label.padEnd(width)}  ${value}`);
    for (const note of section.notes) out.push(`  (${note})`);
    out.push('');
  }
  const assumptions = [...notes, ...result.assumptions];
  if (assumptions.length > 0) out.push('Assumptions', ...assumptions.map((a) => `  - ${a}`), '');
  // In the user's words (flags, .trainlint.yaml), once each; --format json keeps the estimator's field names.
  if (result.missing.length > 0) out.push('Missing', ...[...new Set(result.missing.map(howToGive))].map((m) => `  - ${m}`), '');
  if (result.conflicts.length > 0) out.push('Conflicts', ...result.conflicts.map((c) => `  - ${c}`), '');
  const sources = [...new Set(estimateSections(result).flatMap((s) => s.sources))];
  if (sources.length > 0) out.push('Sources', ...sources.map((s) => `  - ${s}`), '');
  return out.join('\n');
}

/** The estimate as JSON: the contract fields of issue 3 (bytes, seconds, fractions 0..1). */
export function renderEstimateJson(result: Estimate, notes: string[]): string {
  const { plan, assumptions, missing, conflicts, memory, bubble, flops, time, cost, parameters } = result;
  return JSON.stringify({ plan, assumptions: [...notes, ...assumptions], missing, conflicts, parameters, memory, bubble, flops, time, cost }, null, 2) + '\n';
}
