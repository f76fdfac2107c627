import type { Recompute, TrainingPlan } from '../estimate/plan';
import type { Format } from '../programs/ids';
import type { Settings } from '../settings';
import type { ConfigNode, ConfigTree } from '../syntax/config-tree';
import type { TextEdit } from '../text/range';

/** How the data-parallel replicas share the model states: what the run's program offers (space.ts shardingOptions). */
export type Sharding =
  | { kind: 'none' }
  | { kind: 'distributed-optimizer' }
  | { kind: 'zero'; stage: 1 | 2 | 3 }
  | { kind: 'fsdp'; mode: 'shard-grad-op' | 'full-shard' };

/** One parallel layout of a run: every field `trainlint suggest` may change, and nothing else. */
export interface Layout {
  tp: number;
  pp: number;
  /** Model chunks per pipeline rank (Megatron's interleaved schedule when > 1). */
  vpp: number;
  cp: number;
  ep: number;
  dp: number;
  /** Layers on the first and last pipeline stages when the layers do not split evenly (Megatron --decoder-first/last-pipeline-num-layers). */
  firstStageLayers?: number;
  lastStageLayers?: number;
  sharding: Sharding;
  /** Optimizer states (and, under ZeRO-3/FSDP, parameters) kept in CPU memory: tried only when nothing fits without. */
  offload: boolean;
  micro: number;
  accum: number;
  recompute: Recompute;
}

export function shardingLabel(sharding: Sharding): string {
  switch (sharding.kind) {
    case 'none': return 'none';
    case 'distributed-optimizer': return 'distributed optimizer';
    case 'zero': return `ZeRO-${sharding.stage}`;
    case 'fsdp': return `FSDP ${sharding.mode}`;
  }
}

/** The layout a completed plan describes (its sharding read the way the estimator reads it). */
export function layoutOf(plan: TrainingPlan): Layout {
  const p = plan.parallel ?? {};
  const stages = p.stageLayers;
  const uneven = stages && stages.length > 1 && stages.some((n) => n !== stages[0]);
  const stage = plan.zero?.stage ?? 0;
  const sharding: Sharding = plan.distributedOptimizer ? { kind: 'distributed-optimizer' }
    : plan.fsdp ? { kind: 'fsdp', mode: plan.fsdp }
    : stage > 0 ? { kind: 'zero', stage: stage as 1 | 2 | 3 } : { kind: 'none' };
  return {
    tp: p.tp ?? 1, pp: p.pp ?? 1, vpp: p.vpp ?? 1, cp: p.cp ?? 1, ep: p.ep ?? 1, dp: p.dp ?? 1,
    firstStageLayers: uneven ? stages[0] : undefined, lastStageLayers: uneven ? stages[stages.length - 1] : undefined,
    sharding, offload: Boolean(plan.zero?.offloadOptimizer), micro: plan.batch?.micro ?? 1, accum: plan.batch?.gradAccum ?? 1,
    recompute: plan.recompute ?? 'none',
  };
}

/** The plan with the layout written into it; everything else (model, precision, hardware, global batch) stays. */
export function planWith(base: TrainingPlan, layout: Layout): TrainingPlan {
  const { tp, pp, vpp, cp, ep, dp, micro, accum, sharding, offload } = layout;
  const layers = base.model?.layers ?? 0;
  const first = layout.firstStageLayers;
  const last = layout.lastStageLayers;
  const middle = first !== undefined && last !== undefined && pp > 2 ? (layers - first - last) / (pp - 2) : undefined;
  const stageLayers = middle !== undefined ? Array.from({ length: pp }, (_, r) => (r === 0 ? first! : r === pp - 1 ? last! : middle)) : undefined;
  const zeroStage = sharding.kind === 'zero' ? sharding.stage : 0;
  return {
    ...base,
    parallel: {
      ...base.parallel, tp, pp, cp, ep, dp, worldSize: tp * pp * cp * dp, vpp: vpp > 1 ? vpp : undefined, stageLayers,
      schedule: vpp > 1 ? 'interleaved' : base.parallel?.schedule === 'interleaved' ? '1f1b' : base.parallel?.schedule,
      sequenceParallel: tp > 1 ? base.parallel?.sequenceParallel : false,
    },
    batch: { ...base.batch, micro, gradAccum: accum, global: micro * accum * dp },
    distributedOptimizer: sharding.kind === 'distributed-optimizer' || undefined,
    fsdp: sharding.kind === 'fsdp' ? sharding.mode : undefined,
    zero: { ...base.zero, stage: zeroStage, offloadOptimizer: offload ? 'cpu' : undefined, offloadParams: offload && (zeroStage === 3 || sharding.kind === 'fsdp') ? 'cpu' : undefined },
    recompute: layout.recompute,
    recomputeLayers: layout.recompute === 'full' ? undefined : base.recomputeLayers,
  };
}

/** What differs between two layouts, in words ("TP 4 -> 8", "micro-batch 2 x 256 -> 1 x 512"). */
export function layoutChanges(from: Layout, to: Layout): string[] {
  const out: string[] = [];
  const stagesText = (l: Layout) => (l.firstStageLayers !== undefined ? ` (first/last stage ${l.firstStageLayers}/${l.lastStageLayers} layers)` : '');
  const sizes: Array<[string, string, string]> = [
    ['TP', String(from.tp), String(to.tp)], ['PP', `${from.pp}${stagesText(from)}`, `${to.pp}${stagesText(to)}`], ['VPP', String(from.vpp), String(to.vpp)],
    ['CP', String(from.cp), String(to.cp)], ['EP', String(from.ep), String(to.ep)], ['DP', String(from.dp), String(to.dp)],
  ];
  for (const [name, a, b] of sizes) if (a !== b) out.push(`${name} ${a} → ${b}`);
  if (shardingLabel(from.sharding) !== shardingLabel(to.sharding)) out.push(`sharding ${shardingLabel(from.sharding)} → ${shardingLabel(to.sharding)}`);
  if (from.offload !== to.offload) out.push(to.offload ? 'offload optimizer states to CPU' : 'no CPU offload');
  if (from.micro !== to.micro || from.accum !== to.accum) out.push(`micro-batch x accumulation ${from.micro} x ${from.accum} → ${to.micro} x ${to.accum}`);
  if (from.recompute !== to.recompute) out.push(`recompute ${from.recompute} → ${to.recompute}`);
  return out;
}

/** What a program's writer is handed: one parsed file (core/programs/<id>/layout-writer.ts). */
export interface LayoutWriteContext {
  tree: ConfigTree;
  root: ConfigNode;
  text: string;
  settings: Settings;
  format: Format;
}

/** Edits that make the file state a layout, and in words each change the file's program cannot take as an edit. */
export interface LayoutWrite {
  edits: TextEdit[];
  byHand: string[];
}

/**
 * How a program writes a layout's model split, sharding and recomputation into its file (the batch fields are written
 * for every program by rescale/global-batch.ts batchEdits). A field it cannot express goes to `byHand`, never a guess.
 */
export type LayoutWriter = (ctx: LayoutWriteContext, from: Layout, to: Layout) => LayoutWrite;
