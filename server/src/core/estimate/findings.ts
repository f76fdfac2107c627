import { estimate, type Estimate, type EstimateOptions } from './estimate';
import type { TrainingPlan } from './plan';
import { interleavedMicrobatchesFit } from '../facts/layout-predicates';

export type FindingRule = 'out-of-memory' | 'pipeline-bubble' | 'compute-underutilized';
export type FindingSeverity = 'error' | 'warning' | 'info';

/** One field of the plan changed by a remedy, by its path in TrainingPlan ("zero.stage", "batch.micro"). */
export interface PlanChange {
  path: string;
  from: unknown;
  to: unknown;
}

export interface Remedy {
  title: string;
  changes: PlanChange[];
  /** The figures recomputed with the changes applied. */
  result: ChangedFigures;
}

/** What a changed plan comes to: the figures remedies and the plan page's what-if rows compare. */
export interface ChangedFigures {
  memoryBytes?: number;
  fits?: boolean;
  bubbleFraction?: number;
  iterationSeconds?: number;
  mfu?: number;
}

export function changedFigures(after: Estimate): ChangedFigures {
  return {
    memoryBytes: after.memory.available ? after.memory.total : undefined,
    fits: after.memory.available ? after.memory.fits : undefined,
    bubbleFraction: after.bubble.available ? after.bubble.fraction : undefined,
    iterationSeconds: after.time.available ? after.time.iterationSeconds : undefined,
    mfu: after.time.available ? after.time.mfu : undefined,
  };
}

export interface Finding {
  rule: FindingRule;
  severity: FindingSeverity;
  message: string;
  remedies: Remedy[];
}

export interface FindingOptions {
  /** Share of GPU memory above which out-of-memory is a warning (default 0.9). */
  memoryWarningShare?: number;
  /** Share of the step above which the pipeline bubble is reported (default 0.1). */
  bubbleWarningShare?: number;
  /** Tokens per micro-batch per GPU below which matmuls run under their efficient size (default 1024). */
  minTokensPerMicrobatch?: number;
  estimateOptions?: EstimateOptions;
}

const GIB = 2 ** 30;

function gib(bytes: number): string {
  return `${(bytes / GIB).toFixed(1)} GiB`;
}

function percent(share: number): string {
  return `${(100 * share).toFixed(1)}%`;
}

export function getPath(plan: TrainingPlan, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], plan);
}

export function withChanges(plan: TrainingPlan, changes: PlanChange[]): TrainingPlan {
  const copy = JSON.parse(JSON.stringify(plan)) as Record<string, any>;
  for (const { path, to } of changes) {
    const keys = path.split('.');
    let node = copy;
    for (const key of keys.slice(0, -1)) node = node[key] ??= {};
    node[keys[keys.length - 1]] = to;
  }
  return copy as TrainingPlan;
}

export function change(plan: TrainingPlan, path: string, to: unknown): PlanChange {
  return { path, from: getPath(plan, path), to };
}

function remedy(base: Estimate, title: string, changes: PlanChange[], options: FindingOptions): Remedy {
  return { title, changes, result: changedFigures(estimate(withChanges(base.plan, changes), options.estimateOptions)) };
}

/** The next sharding step: Megatron's distributed optimizer, FSDP full shard, the next ZeRO stage, then optimizer offload. */
export function nextShardingChange(plan: TrainingPlan): { title: string; changes: PlanChange[] } | undefined {
  if (plan.framework === 'megatron') {
    return plan.distributedOptimizer ? undefined : { title: 'shard the optimizer states (--use-distributed-optimizer)', changes: [change(plan, 'distributedOptimizer', true)] };
  }
  if (plan.fsdp === 'shard-grad-op') return { title: 'shard parameters too (FSDP full shard)', changes: [change(plan, 'fsdp', 'full-shard')] };
  const stage = plan.zero?.stage ?? 0;
  if (plan.fsdp !== 'full-shard' && stage < 3) {
    return { title: `ZeRO stage ${stage + 1}`, changes: [change(plan, 'zero.stage', stage + 1)] };
  }
  if (!plan.zero?.offloadOptimizer) {
    const title = plan.framework === 'fsdp' ? 'offload parameters, gradients and optimizer to CPU (FSDP offload)' : 'offload optimizer states to CPU (ZeRO-Offload)';
    const changes = [change(plan, 'zero.offloadOptimizer', 'cpu')];
    if (plan.framework === 'fsdp') changes.push(change(plan, 'zero.offloadParams', 'cpu'));
    return { title, changes };
  }
  return undefined;
}

function outOfMemory(base: Estimate, options: FindingOptions): Finding | undefined {
  const memory = base.memory;
  if (!memory.available || memory.capacity <= 0) return undefined;
  const share = memory.total / memory.capacity;
  const warningShare = options.memoryWarningShare ?? 0.9;
  if (share <= warningShare) return undefined;
  const plan = base.plan;
  const terms: [string, number][] = [
    ['optimizer states', memory.optimizer], ['activations', memory.activations], ['weights', memory.weights],
    ['gradients', memory.gradients], ['logits', memory.logits], ['buffers', memory.buffers],
  ];
  const largest = terms.filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([name, v]) => `${name} ${gib(v)}`).join(', ');
  const where = memory.stage === 'only' ? '' : ` (${memory.stage} pipeline stage)`;
  const gpu = plan.hardware?.gpu ? ` of the ${plan.hardware.gpu}` : '';
  const message = share > 1
    ? `Estimated peak memory ${gib(memory.total)} per GPU${where} exceeds the ${gib(memory.capacity)}${gpu}: ${largest}.`
    : `Estimated peak memory ${gib(memory.total)} per GPU${where} is ${percent(share)} of the ${gib(memory.capacity)}${gpu}: ${largest}.`;
  const remedies: Remedy[] = [];
  if (plan.fsdpNoSync && (plan.batch?.gradAccum ?? 1) > 1) {
    // accelerate gradient_synchronization.md: "in memory intensive situations while using FSDP, we recommend to set
    // sync_each_batch to True in the GradientAccumulationPlugin to disable no_sync".
    remedies.push(remedy(base, 'reduce-scatter gradients every micro-batch (accelerator_config: {gradient_accumulation_kwargs: {sync_each_batch: true}})',
      [change(plan, 'fsdpNoSync', false)], options));
  }
  const sharding = nextShardingChange(plan);
  if (sharding) remedies.push(remedy(base, sharding.title, sharding.changes, options));
  const adapter = plan.adapter;
  if (adapter && (adapter.baseBits ?? (adapter.type === 'qlora' ? 4 : 16)) > 4) {
    // QLoRA (Dettmers et al. 2023): the frozen base in 4-bit NF4 takes about a quarter of its 16-bit bytes.
    remedies.push(remedy(base, 'load the frozen base in 4 bits (QLoRA: load_in_4bit)', [change(plan, 'adapter.type', 'qlora'), change(plan, 'adapter.baseBits', 4)], options));
  }
  // Selective recomputation only removes the s x s attention scores, which FlashAttention already avoids.
  const recomputeSteps: TrainingPlan['recompute'][] = plan.recompute === 'none' ? (plan.flashAttention ? ['full'] : ['selective', 'full'])
    : plan.recompute === 'selective' ? ['full'] : [];
  for (const recompute of recomputeSteps) remedies.push(remedy(base, `${recompute} activation recomputation`, [change(plan, 'recompute', recompute)], options));
  const micro = plan.batch?.micro ?? 1;
  const accum = plan.batch?.gradAccum ?? 1;
  if (micro >= 2) {
    const smaller = Math.floor(micro / 2);
    remedies.push(remedy(base, `micro-batch ${smaller} with ${(accum * micro) / smaller} accumulation steps (same global batch)`,
      [change(plan, 'batch.micro', smaller), change(plan, 'batch.gradAccum', (accum * micro) / smaller)], options));
  }
  // Memory that rests on a guessed input (a vocabulary no setting gives: the embedding, output layer and logits) is not
  // certain enough for an error.
  const guessed = base.guessed.length > 0 ? ` (It rests on a guess: ${base.guessed.join(', ')}; see the assumptions.)` : '';
  return { rule: 'out-of-memory', severity: share > 1 && guessed === '' ? 'error' : 'warning', message: message + guessed, remedies };
}

function pipelineBubbleFinding(base: Estimate, options: FindingOptions): Finding | undefined {
  const bubble = base.bubble;
  const threshold = options.bubbleWarningShare ?? 0.1;
  if (!bubble.available || bubble.schedule === 'none' || bubble.fraction <= threshold) return undefined;
  const plan = base.plan;
  const pp = plan.parallel?.pp ?? 1;
  const micro = plan.batch?.micro ?? 1;
  const accum = plan.batch?.gradAccum ?? 1;
  const remedies: Remedy[] = [];
  if (micro >= 2) {
    const smaller = Math.floor(micro / 2);
    remedies.push(remedy(base, `${(accum * micro) / smaller} micro-batches of ${smaller} (same global batch)`,
      [change(plan, 'batch.micro', smaller), change(plan, 'batch.gradAccum', (accum * micro) / smaller)], options));
  }
  const vpp = plan.parallel?.vpp ?? 1;
  const layersPerStage = (plan.model?.layers ?? 0) / pp;
  const nextVpp = [vpp * 2, vpp * 3].find((v) => Number.isInteger(layersPerStage / v) && layersPerStage / v >= 1);
  // DeepSpeed's PipelineEngine runs one schedule, 1F1B (deepspeed/runtime/pipe/schedule.py TrainSchedule): no other to switch to.
  const otherSchedules = plan.framework !== 'deepspeed' && plan.pipelineEngine !== 'deepspeed';
  if (otherSchedules && nextVpp && interleavedMicrobatchesFit(accum, pp) && bubble.schedule !== 'zb-h1' && bubble.schedule !== 'zb-h2') {
    remedies.push(remedy(base, `interleaved schedule with ${nextVpp} model chunks per stage`,
      [change(plan, 'parallel.vpp', nextVpp), change(plan, 'parallel.schedule', 'interleaved')], options));
  }
  if (otherSchedules && (bubble.schedule === '1f1b' || bubble.schedule === 'gpipe')) {
    remedies.push(remedy(base, 'zero-bubble ZB-H1 schedule (same activation memory as 1F1B; Qi et al. 2024)', [change(plan, 'parallel.schedule', 'zb-h1')], options));
  }
  const message = `Pipeline bubble: ${percent(bubble.fraction)} of each step is idle (${bubble.schedule}, ${pp} stages, ${bubble.microbatches} micro-batches; `
    + `${percent(bubble.overIdeal)} of the ideal time).`;
  // Without an option the run can take, the idle share is a fact to know, not a change to make.
  return { rule: 'pipeline-bubble', severity: remedies.length > 0 ? 'warning' : 'info', message, remedies };
}

function underutilized(base: Estimate, options: FindingOptions): Finding | undefined {
  const plan = base.plan;
  const seq = plan.model?.seqLength;
  const micro = plan.batch?.micro;
  if (seq === undefined || micro === undefined) return undefined;
  const tokens = (micro * seq) / (plan.parallel?.cp ?? 1);
  const minimum = options.minTokensPerMicrobatch ?? 1024;
  if (tokens >= minimum) return undefined;
  const remedies: Remedy[] = [];
  const accum = plan.batch?.gradAccum ?? 1;
  if (accum >= 2) {
    const larger = micro * 2;
    remedies.push(remedy(base, `micro-batch ${larger} with ${Math.max(1, Math.floor(accum / 2))} accumulation steps (same global batch)`,
      [change(plan, 'batch.micro', larger), change(plan, 'batch.gradAccum', Math.max(1, Math.floor(accum / 2)))], options));
  }
  const message = `Each GPU processes ${tokens} tokens per micro-batch (micro-batch ${micro} x sequence ${seq}${(plan.parallel?.cp ?? 1) > 1 ? ` / CP ${plan.parallel?.cp}` : ''}): `
    + `matrix multiplies this thin run below their efficient size.`;
  return { rule: 'compute-underutilized', severity: 'info', message, remedies };
}

/** Plain findings for the diagnostics layer: out-of-memory, pipeline bubble, under-utilized compute, each with remedies as data. */
export function findingsFor(base: Estimate, options: FindingOptions = {}): Finding[] {
  return [outOfMemory(base, options), pipelineBubbleFinding(base, options), underutilized(base, options)].filter((f): f is Finding => f !== undefined);
}
