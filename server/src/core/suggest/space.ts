import type { Recompute, TrainingPlan } from '../estimate/plan';
import { expertsSplit, headsSplit, interleavedMicrobatchesFit, interleavedPipelineAllowed, kvGroupsFit, layersSplit, sequenceSplitsForCp, unevenMiddleLayers, virtualChunksSplit } from '../facts/layout-predicates';
import type { Sharding } from './layout';

/**
 * The values each dimension of a layout may take for one run, every one allowed by the rules TrainLint checks
 * (facts/layout-predicates.ts). Which dimensions exist depends on the framework: Megatron-LM splits the model (TP, PP,
 * VPP, CP, EP) and shards only the optimizer (--use-distributed-optimizer); DeepSpeed and FSDP keep the model whole on
 * each GPU and shard the model states over data parallel.
 */
export interface SearchSpace {
  tp: number[];
  pipelines: PipelineSplit[];
  cp: number[];
  ep: number[];
  sharding: Sharding[];
  /** Cheapest first: a layout that fits with less recomputation is never slower (recomputing only adds work). */
  recompute: Recompute[];
  /** Interleaving degrees allowed for a pipeline split with this many micro-batches. */
  vpp(split: PipelineSplit, microbatches: number): number[];
}

export interface PipelineSplit {
  pp: number;
  /** Layers on the first and last stages when they differ from the middle ones. */
  first?: number;
  last?: number;
}

export function divisors(n: number, max = n): number[] {
  const out: number[] = [];
  for (let d = 1; d <= Math.min(n, max); d++) if (n % d === 0) out.push(d);
  return out;
}

/** The tokens a GPU holds per micro-batch below which context parallelism only adds communication (an assumption, stated in the output). */
export const MIN_TOKENS_PER_CP_RANK = 1024;
/** Megatron-LM keeps tensor parallelism inside a node (NVLink); the largest node in the catalog has 8 GPUs. */
const MAX_TP = 8;

/**
 * Pipeline splits: every pipeline size that divides the layers; DeepSpeed's PipelineModule balances any split itself
 * (partition_method 'parameters', deepspeed/runtime/pipe/module.py), so there every size up to the layer count; and for
 * Megatron-LM the uneven splits --decoder-first/last-pipeline-num-layers allow, with the middle stages full and the
 * remainder shared by the first and last (Llama 3 405B: 126 layers on 16 stages, Dubey et al. 2024 Sec. 3.3.2).
 */
function pipelineSplits(layers: number, world: number, uneven: 'none' | 'first-last' | 'any'): PipelineSplit[] {
  const out: PipelineSplit[] = [];
  for (let pp = 1; pp <= Math.min(layers, world); pp++) {
    if (world % pp !== 0) continue;
    if (layersSplit(layers, pp) || uneven === 'any') {
      out.push({ pp });
      continue;
    }
    if (uneven === 'none' || pp < 3) continue;
    const middle = Math.ceil(layers / pp);
    const rest = layers - (pp - 2) * middle;
    const first = Math.floor(rest / 2);
    const last = rest - first;
    if (first >= 1 && last <= middle && unevenMiddleLayers(layers, pp, first, last) === middle) out.push({ pp, first, last });
  }
  return out;
}

function shardingOptions(plan: TrainingPlan): Sharding[] {
  if (plan.framework === 'megatron') {
    // Megatron-DeepSpeed and GPT-NeoX shard through DeepSpeed's ZeRO, which the file's DeepSpeed config sets: kept as it is.
    if (plan.pipelineEngine === 'deepspeed') return [plan.zero?.stage ? { kind: 'zero', stage: plan.zero.stage as 1 | 2 | 3 } : { kind: 'none' }];
    // The distributed optimizer moves the same bytes as an all-reduce (reduce-scatter + all-gather): kept where the file has it.
    return plan.distributedOptimizer ? [{ kind: 'distributed-optimizer' }] : [{ kind: 'none' }, { kind: 'distributed-optimizer' }];
  }
  if (plan.framework === 'fsdp') return [{ kind: 'fsdp', mode: 'shard-grad-op' }, { kind: 'fsdp', mode: 'full-shard' }];
  // bf16 at stage 0 runs DeepSpeed's BF16_Optimizer, which shards the optimizer states like stage 1 (programs/deepspeed/plan.ts).
  const unsharded: Sharding[] = plan.precision === 'bf16' ? [] : [{ kind: 'none' }];
  if (plan.framework === 'deepspeed') return [...unsharded, { kind: 'zero', stage: 1 }, { kind: 'zero', stage: 2 }, { kind: 'zero', stage: 3 }];
  return [{ kind: 'none' }];
}

export function searchSpace(plan: TrainingPlan, world: number, gpusPerNode: number): SearchSpace {
  const model = plan.model ?? {};
  const current = plan.parallel ?? {};
  const layers = model.layers ?? 1;
  const megatron = plan.framework === 'megatron';
  const ownPipeline = megatron && plan.pipelineEngine !== 'deepspeed';
  const tp = megatron
    ? divisors(gpusPerNode, MAX_TP).filter((t) => world % t === 0 && (model.heads === undefined || headsSplit(model.heads, t))
      && (model.kvHeads === undefined || kvGroupsFit(model.kvHeads, t)) && (model.ffnHiddenSize === undefined || model.ffnHiddenSize % t === 0))
    : [current.tp ?? 1];
  const pipelines = megatron ? pipelineSplits(layers, world, ownPipeline ? 'first-last' : 'any') : [{ pp: current.pp ?? 1 }];
  const seq = model.seqLength ?? 0;
  const cp = ownPipeline && seq > 0
    ? divisors(world, 64).filter((c) => sequenceSplitsForCp(seq, c) && (c === 1 || seq / c >= MIN_TOKENS_PER_CP_RANK))
    : [current.cp ?? 1];
  const experts = model.experts ?? 0;
  const ep = megatron && experts > 1 ? divisors(experts, 64).filter((e) => expertsSplit(experts, e)) : [current.ep ?? 1];
  // Selective recomputation is Megatron-LM's (Korthikanti et al. 2022); DeepSpeed's PipelineEngine and HF models checkpoint whole layers.
  const recompute: Recompute[] = ownPipeline ? ['none', 'selective', 'full'] : ['none', 'full'];
  return {
    tp, pipelines, cp, ep, sharding: shardingOptions(plan), recompute,
    vpp(split, microbatches) {
      if (!ownPipeline || split.first !== undefined || !interleavedPipelineAllowed(split.pp, false) || !interleavedMicrobatchesFit(microbatches, split.pp)) return [1];
      return divisors(layers / split.pp).filter((v) => v === 1 || virtualChunksSplit(layers / split.pp, v));
    },
  };
}
