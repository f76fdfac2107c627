/**
 * The divisibility rules Megatron-LM enforces on a parallel layout, as pure predicates: the parallel-layout rules report
 * a file that breaks one, and `trainlint suggest` proposes only layouts that keep all of them.
 * Source: NVIDIA/Megatron-LM@d98e8a64dd megatron/training/arguments.py (validate_args), megatron/core/transformer/
 * transformer_config.py (__post_init__), megatron/core/parallel_state.py (initialize_model_parallel).
 */

/** validate_args: "world size is not divisible by total_model_size (TP*PP*CP)". */
export function replicaDivides(world: number, tp: number, pp: number, cp: number): boolean {
  return world % (tp * pp * cp) === 0;
}

/** parallel_state: the world size divides into expert-tensor x expert x pipeline groups. */
export function expertGridDivides(world: number, etp: number, ep: number, pp: number): boolean {
  return world % (etp * ep * pp) === 0;
}

/** validate_args: "Number of layers should be divisible by the pipeline-model-parallel size". */
export function layersSplit(layers: number, pp: number): boolean {
  return layers % pp === 0;
}

/**
 * TransformerConfig with --decoder-first/last-pipeline-num-layers: the layers left after the first and last stages
 * must split evenly over the middle stages. The middle layer count, or undefined where the split does not hold.
 */
export function unevenMiddleLayers(layers: number, pp: number, first: number | undefined, last: number | undefined): number | undefined {
  const middleStages = pp - (first !== undefined ? 1 : 0) - (last !== undefined ? 1 : 0);
  const middle = layers - (first ?? 0) - (last ?? 0);
  if (middle < 0 || (middleStages > 0 && middle % middleStages !== 0) || (middleStages === 0 && middle !== 0)) return undefined;
  return middleStages > 0 ? middle / middleStages : 0;
}

/** validate_args: layers per pipeline stage divide into virtual chunks. */
export function virtualChunksSplit(layersPerStage: number, vpp: number): boolean {
  return layersPerStage % vpp === 0;
}

/** validate_args: the interleaved schedule needs pipeline size > 2 (> 1 with --overlap-p2p-communication). */
export function interleavedPipelineAllowed(pp: number, overlapP2p: boolean): boolean {
  return pp > (overlapP2p ? 1 : 2);
}

/**
 * The interleaved schedule runs micro-batches in groups of the pipeline size: releases before mid-2024 raise "number of
 * microbatches is not divisible by pipeline-model-parallel-size when using interleaved schedule" (megatron/core/
 * pipeline_parallel/schedules.py forward_backward_pipelining_with_interleaving), so a layout valid in every release keeps it.
 */
export function interleavedMicrobatchesFit(microbatches: number, pp: number): boolean {
  return microbatches % pp === 0;
}

/** TransformerConfig: "num_attention_heads must be a multiple of tensor_model_parallel_size". */
export function headsSplit(heads: number, tp: number): boolean {
  return heads % tp === 0;
}

/** TransformerConfig: "num_query_groups must be a multiple or divisor of tensor_model_parallel_size". */
export function kvGroupsFit(groups: number, tp: number): boolean {
  return groups % tp === 0 || tp % groups === 0;
}

/** validate_args: "seq-length should be a multiple of 2 * context-parallel-size" (load-balanced ring attention chunks). */
export function sequenceSplitsForCp(seq: number, cp: number): boolean {
  return cp <= 1 || seq % (2 * cp) === 0;
}

/** validate_args: "Number of experts should be a multiple of expert model parallel_size." */
export function expertsSplit(experts: number, ep: number): boolean {
  return experts % ep === 0;
}

/** DeepSpeed's _batch_assertion and Megatron's global batch check: global = micro x accumulation x data-parallel size. */
export function batchIdentityHolds(global: number, micro: number, accum: number, dp: number): boolean {
  return global === micro * accum * dp;
}
