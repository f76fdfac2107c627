import { logitsBytes, stageActivationBytes } from './activations';
import { extraModelMemory, type ExtraModelPart } from './extra-models';
import { autocastCopyBytes, modelStateBytes, offloadTarget, shardingStage } from './model-states';
import { countParameters, paddedVocab, type ParameterCounts } from './parameters';
import type { TrainingPlan } from './plan';
import { dequantizedWeightBytes, frozenBase, loraLayerActivationBytes, type FrozenBase } from './adapter-memory';

const GIB = 2 ** 30;
// A PyTorch process's CUDA context (kernels, cuBLAS handles) takes about 723 MiB before any tensor exists
// (discuss.pytorch.org/t/73021); NCCL communicators add their own buffers. Stated allowance: 1 GiB.
const CUDA_CONTEXT_BYTES = 1 * GIB;
// DeepSpeed config docs: reduce_bucket_size and allgather_bucket_size default 5e8 elements; stage3_prefetch_bucket_size 5e7,
// stage3_max_live_parameters 1e9. HF transformers DeepSpeed docs: "overlap_comm uses 4.5x the allgather_bucket_size and
// reduce_bucket_size values" (5e8 x 2 bytes x 2 x 4.5 = 9 GB).
const DEEPSPEED_BUCKET_DEFAULT = 5e8;
const DEEPSPEED_PREFETCH_DEFAULT = 5e7;
const DEEPSPEED_MAX_LIVE_DEFAULT = 1e9;
const DEEPSPEED_OVERLAP_FACTOR = 4.5;

export interface MemoryBuffers {
  cudaContext: number;
  communicationBuckets: number;
  /** ZeRO-3 / FSDP parameters gathered for the layers being computed. */
  liveParameters: number;
  /** A quantized base weight dequantized to 16 bits for its GEMM (and DoRA's W + BA), one matrix at a time. */
  dequantizedWeight: number;
  /** torch.autocast's 16-bit copies of the fp32 trainable weights, held from the forward into the backward pass. */
  autocastCopies: number;
}

/** An adapter run's share of the memory: the frozen base, the trained adapter, what LoRA adds to the activations. */
export interface AdapterMemory {
  /** Frozen base weights on the GPU (included in `weights`). */
  baseWeights: number;
  /** Bits per weight of the base's linear layers (16 when not quantized). */
  baseBits: number;
  /** Trained adapter weights on the GPU (included in `weights`). */
  adapterWeights: number;
  trainableParams: number;
  /** LoRA dropout copies of the adapted modules' inputs (included in `activations`). */
  activations: number;
}

export interface MemoryBlock {
  available: boolean;
  /** Pipeline rank reported: the more loaded of the first and last stage. */
  stage: 'first' | 'last' | 'only';
  weights: number;
  gradients: number;
  optimizer: number;
  activations: number;
  logits: number;
  buffers: number;
  /** Reference, reward and value models the run holds besides the trained one (TRL), per GPU. */
  otherModels: number;
  /** A colocated vLLM engine's reservation (TRL use_vllm, vllm_mode colocate). */
  generationEngine: number;
  otherModelParts?: ExtraModelPart[];
  /** Temporaries of an unfused optimizer step (PyTorch AdamW: exp_avg_sq.sqrt() the size of the updated partition, fp32). */
  optimizerStep: number;
  /** The peak: max of forward/backward (states + activations + logits + buffers) and optimizer step (states + temporaries + buffers). */
  total: number;
  /** Which phase sets the peak. */
  peakPhase: 'forward-backward' | 'optimizer-step';
  capacity: number;
  fits: boolean;
  bufferParts: MemoryBuffers;
  /** Present when an adapter (LoRA, QLoRA) trains on a frozen base. */
  adapter?: AdapterMemory;
  /** Host memory per node for offloaded states. */
  cpu?: { perGpu: number; perNode: number };
  nvme?: { perGpu: number };
  assumptions: string[];
  sources: string[];
  missing: string[];
}

function buffersFor(plan: TrainingPlan, counts: ParameterCounts, gradientBytes: number, trainableOnGpu: number, base: FrozenBase | undefined, assumptions: string[]): MemoryBuffers {
  const stage = shardingStage(plan);
  const framework = plan.framework ?? 'plain';
  const zero = plan.zero ?? {};
  let communicationBuckets = 0;
  let liveParameters = 0;
  if (framework === 'deepspeed' && stage >= 1) {
    const overlap = plan.overlap?.gradReduce ?? stage === 3;
    const reduce = zero.reduceBucketSize ?? DEEPSPEED_BUCKET_DEFAULT;
    const allgather = stage === 3 ? 0 : (zero.allgatherBucketSize ?? DEEPSPEED_BUCKET_DEFAULT);
    communicationBuckets = (reduce + allgather) * 2 * (overlap ? DEEPSPEED_OVERLAP_FACTOR : 1);
    assumptions.push(`DeepSpeed buckets: reduce ${reduce.toExponential(1)}${allgather ? ` + all-gather ${allgather.toExponential(1)}` : ''} elements x 2 bytes${overlap ? ' x 4.5 (overlap_comm)' : ''}`);
  } else if (framework === 'plain' && (plan.parallel?.dp ?? 1) > 1 && stage === 0) {
    // PyTorch DDP keeps its own bucket copy of every gradient unless gradient_as_bucket_view=True (DDP docs).
    communicationBuckets = gradientBytes;
    assumptions.push('PyTorch DDP gradient buckets: one more copy of the gradients (gradient_as_bucket_view off)');
  }
  if (stage === 3 && framework === 'deepspeed') {
    const prefetch = zero.prefetchBucketSize ?? DEEPSPEED_PREFETCH_DEFAULT;
    const maxLive = zero.maxLiveParameters ?? DEEPSPEED_MAX_LIVE_DEFAULT;
    // DeepSpeed stage3.py estimator: 4 x largest_layer_params (its 16-bit weights and gradients), plus the prefetch bucket.
    liveParameters = 4 * counts.largestLayer + 2 * Math.min(prefetch, maxLive);
  } else if (stage === 3) {
    const tp = plan.parallel?.tp ?? 1;
    const layer = Math.max(counts.denseLayer, counts.moeLayer) / tp;
    // FSDP full shard with one unit per transformer layer: the current and the prefetched unit gathered in 16 bits,
    // the current unit's unsharded fp32 gradient, and the root unit (embeddings, output layer) gathered throughout.
    // With an adapter the gathered base is in its stored (quantized) bytes and only the adapter has gradients.
    const trainableShare = counts.trainable / Math.max(1, counts.total);
    const gathered = base ? (base.sharded ? base.linearBits / 8 : 0) * layer + 2 * trainableShare * layer : 2 * layer;
    liveParameters = 2 * gathered + 4 * trainableShare * layer + 2 * (counts.embedding + counts.lmHead) / tp;
    assumptions.push('full sharding: two gathered transformer layers, one unsharded layer gradient and the gathered root (embeddings) counted as live');
  }
  const dequantizedWeight = dequantizedWeightBytes(plan) / (plan.parallel?.tp ?? 1);
  const autocastCopies = autocastCopyBytes(plan, trainableOnGpu);
  if (autocastCopies > 0) assumptions.push('torch.autocast: fp32 weights and gradients, and a 16-bit copy of each trainable weight held from the forward into the backward pass');
  return { cudaContext: CUDA_CONTEXT_BYTES, communicationBuckets, liveParameters, dequantizedWeight, autocastCopies };
}

interface StageMemory {
  weights: number;
  frozenWeights: number;
  adapterActivations: number;
  gradients: number;
  optimizer: number;
  activations: number;
  logits: number;
  buffers: MemoryBuffers;
  optimizerStep: number;
  cpu: number;
  nvme: number;
}

/**
 * PyTorch's unfused Adam/AdamW computes denom = exp_avg_sq.sqrt() / bias_correction + eps as a new fp32 tensor the size
 * of the parameters it updates (torch/optim/adam.py _single_tensor_adam; the foreach path allocates the same per group).
 * DeepSpeed updates one flat partition, so the temporary is the whole partition: LLaMA-Factory issue 1221 failed exactly
 * there, asking for 3.14 GiB = 6.74e9 / 8 x 4 bytes.
 */
function optimizerStepBytes(plan: TrainingPlan, trainableOnGpu: number, shard: number, assumptions: string[]): number {
  const type = plan.optimizer?.type ?? 'adamw';
  const fused = plan.optimizer?.fused ?? plan.framework === 'megatron';
  if (fused || (type !== 'adam' && type !== 'adamw') || offloadTarget(plan.zero?.offloadOptimizer)) return 0;
  assumptions.push('unfused PyTorch AdamW: the step allocates an fp32 temporary the size of the updated partition (optimizer.fused not set)');
  return (trainableOnGpu / shard) * 4;
}

function stageMemory(plan: TrainingPlan, counts: ParameterCounts, rank: number, assumptions: string[]): StageMemory {
  const stage = counts.perStage[rank];
  const last = rank === counts.perStage.length - 1;
  const ep = plan.parallel?.ep ?? 1;
  const onGpu = rank === 0 ? counts.perGpu.firstStage : counts.perGpu.lastStage;
  const experts = rank === 0 ? counts.perGpu.firstStageExperts : counts.perGpu.lastStageExperts;
  const dense = onGpu - experts;
  const trainableShare = counts.trainable / Math.max(1, counts.total);
  const base = frozenBase(plan, counts);
  if (base) assumptions.push(...base.assumptions);
  const denseStates = modelStateBytes(plan, dense, dense * trainableShare, base);
  // Megatron: expert parameters are data-parallel over world / (etp x ep x pp) ranks, i.e. dp x cp / ep here.
  const expertPlan: TrainingPlan = { ...plan, parallel: { ...plan.parallel, dp: Math.max(1, (plan.parallel?.dp ?? 1) / ep) } };
  const expertStates = modelStateBytes(expertPlan, experts, experts * trainableShare, base);
  const moeLayersHere = (() => {
    const model = plan.model ?? {};
    if ((model.experts ?? 1) <= 1) return 0;
    const before = counts.perStage.slice(0, rank).reduce((sum, s) => sum + s.layers, 0);
    const firstDense = model.firstDenseLayers ?? 0;
    return Math.max(0, stage.layers - Math.max(0, firstDense - before));
  })();
  const activations = stageActivationBytes(plan, rank, stage.layers, moeLayersHere);
  assumptions.push(...activations.assumptions, ...denseStates.assumptions);
  // LoRA's stored inputs follow the layer's: every layer and in-flight micro-batch, or only the rematerialized layer.
  const adapterActivations = loraLayerActivationBytes(plan) * (plan.recompute === 'full' ? 1 : activations.layerMicrobatches);
  const gradients = denseStates.gradients + expertStates.gradients;
  const shard = shardingStage(plan) >= 1 ? denseStates.shardDegree : 1;
  const quantConstants = (base?.constantsPerParam ?? 0) * onGpu;
  return {
    optimizerStep: optimizerStepBytes(plan, onGpu * trainableShare, shard, assumptions),
    weights: denseStates.weights + expertStates.weights + quantConstants,
    frozenWeights: denseStates.frozenWeights + expertStates.frozenWeights + quantConstants,
    adapterActivations,
    gradients,
    optimizer: denseStates.optimizer + expertStates.optimizer,
    activations: activations.total + adapterActivations,
    logits: last ? logitsBytes(plan, paddedVocab(plan)) : 0,
    buffers: buffersFor(plan, counts, gradients, onGpu * trainableShare, base, assumptions),
    cpu: denseStates.offloadedToCpu + expertStates.offloadedToCpu,
    nvme: denseStates.offloadedToNvme + expertStates.offloadedToNvme,
  };
}

function sumBuffers(b: MemoryBuffers): number {
  return b.cudaContext + b.communicationBuckets + b.liveParameters + b.dequantizedWeight + b.autocastCopies;
}

function forwardBackwardPeak(m: StageMemory): number {
  return m.weights + m.gradients + m.optimizer + m.activations + m.logits + sumBuffers(m.buffers);
}

/** The autocast copies are freed with the backward graph, before the optimizer step. */
function optimizerStepPeak(m: StageMemory): number {
  return m.weights + m.gradients + m.optimizer + m.optimizerStep + sumBuffers(m.buffers) - m.buffers.autocastCopies;
}

function stageTotal(m: StageMemory): number {
  return Math.max(forwardBackwardPeak(m), optimizerStepPeak(m));
}

/**
 * Per-GPU memory of the most loaded GPU: model states per the ZeRO paper and the framework's byte accounting,
 * activations per Korthikanti et al. for the pipeline schedule's in-flight micro-batches, the loss peak, communication
 * buckets and gathered parameters, and a stated allowance for the CUDA context. Compares against the GPU's capacity.
 */
/** Why memory is not estimated for a model known only by its total parameter count. */
export const ONLY_TOTAL = 'a layer-by-layer shape: only a total parameter count is known for this architecture (a Mamba-1 or MoE hybrid such as Jamba, or an encoder-decoder; the estimator lays out only Megatron-LM hybrid patterns of Mamba-2, attention and MLP layers)';

export function estimateMemory(plan: TrainingPlan): MemoryBlock {
  const assumptions: string[] = [];
  const sources = [
    'ZeRO (Rajbhandari et al., SC20) Table 1; Megatron-LM dist_optimizer.md; DeepSpeed stage_1_and_2.py / stage3.py',
    'Korthikanti et al. 2022 (arXiv:2205.05198) Table 2, Eq. 5, App. B',
    'DeepSpeed config docs: bucket sizes and overlap_comm 4.5x; discuss.pytorch.org/t/73021 (CUDA context ~723 MiB)',
  ];
  const counts = countParameters(plan);
  const missing = [...counts.missing];
  for (const key of ['seqLength'] as const) if (plan.model?.[key] === undefined) missing.push(`model.${key}`);
  if (plan.hardware?.memoryGiB === undefined) missing.push('hardware.gpu or hardware.memoryGiB');
  if (plan.batch?.micro === undefined) missing.push('batch.micro');
  const capacity = (plan.hardware?.memoryGiB ?? 0) * GIB;
  const empty: MemoryBlock = {
    available: false, stage: 'only', weights: 0, gradients: 0, optimizer: 0, activations: 0, logits: 0, buffers: 0, otherModels: 0, generationEngine: 0, optimizerStep: 0, total: 0,
    peakPhase: 'forward-backward', capacity, fits: false, bufferParts: { cudaContext: 0, communicationBuckets: 0, liveParameters: 0, dequantizedWeight: 0, autocastCopies: 0 }, assumptions, sources, missing,
  };
  // A catalog entry with only a published total (Jamba's Mamba layers, T5's encoder-decoder) has no layer layout to place in memory.
  if (missing.length === 0 && counts.perStage.length === 0) missing.push(ONLY_TOTAL);
  if (missing.length > 0) return empty;
  assumptions.push(...counts.assumptions);
  const pp = counts.perStage.length;
  const first = stageMemory(plan, counts, 0, assumptions);
  const last = pp > 1 ? stageMemory(plan, counts, pp - 1, assumptions) : first;
  const chosen = stageTotal(last) > stageTotal(first) ? last : first;
  // The other models are held through both phases, so they add to the peak without moving it between phases.
  const extra = extraModelMemory(plan, counts);
  assumptions.push(...extra.assumptions);
  sources.push(...extra.sources);
  const total = stageTotal(chosen) + extra.models + extra.generationEngine;
  const gpusPerNode = plan.hardware?.gpusPerNode ?? 8;
  const block: MemoryBlock = {
    available: true,
    stage: pp === 1 ? 'only' : chosen === last ? 'last' : 'first',
    weights: chosen.weights,
    gradients: chosen.gradients,
    optimizer: chosen.optimizer,
    activations: chosen.activations,
    logits: chosen.logits,
    buffers: sumBuffers(chosen.buffers),
    otherModels: extra.models,
    generationEngine: extra.generationEngine,
    ...(extra.parts.length > 0 ? { otherModelParts: extra.parts } : {}),
    optimizerStep: chosen.optimizerStep,
    total,
    peakPhase: optimizerStepPeak(chosen) > forwardBackwardPeak(chosen) ? 'optimizer-step' : 'forward-backward',
    capacity,
    fits: total <= capacity,
    bufferParts: chosen.buffers,
    assumptions: [...new Set(assumptions)],
    sources,
    missing: [],
  };
  if (plan.adapter) {
    block.adapter = {
      baseWeights: chosen.frozenWeights, baseBits: frozenBase(plan, counts)?.linearBits ?? 16, adapterWeights: chosen.weights - chosen.frozenWeights,
      trainableParams: counts.trainable, activations: chosen.adapterActivations,
    };
    if (chosen.buffers.dequantizedWeight > 0) block.assumptions.push('one base weight matrix dequantized to 16 bits at a time during its GEMM (bitsandbytes), counted in buffers');
  }
  if (chosen.cpu > 0) block.cpu = { perGpu: chosen.cpu, perNode: chosen.cpu * gpusPerNode };
  if (chosen.nvme > 0) block.nvme = { perGpu: chosen.nvme };
  if (offloadTarget(plan.zero?.offloadOptimizer) || offloadTarget(plan.zero?.offloadParams)) {
    block.assumptions.push('host memory: offloaded states of all GPUs on a node, without pinned-buffer overhead');
  }
  return block;
}

/** One pipeline stage's memory, as the plan page draws it: the parts of its forward-backward peak and its total. */
export interface StageMemoryBar {
  rank: number;
  weights: number;
  gradients: number;
  optimizer: number;
  activations: number;
  logits: number;
  buffers: number;
  /** Other models and a colocated generation engine, held on every GPU. */
  otherModels: number;
  /** The stage's peak: the larger of forward-backward and the optimizer step, plus the other models. */
  total: number;
}

/**
 * Memory of the first and the last pipeline stage (one bar without a pipeline): the ends hold the embedding, the output
 * layer and the most in-flight micro-batches, so the peak is at one of them (estimateMemory reports the larger).
 */
export function memoryOfEndStages(plan: TrainingPlan): StageMemoryBar[] {
  const counts = countParameters(plan);
  if (counts.perStage.length === 0 || counts.missing.length > 0) return [];
  const extra = extraModelMemory(plan, counts);
  const others = extra.models + extra.generationEngine;
  const ranks = counts.perStage.length > 1 ? [0, counts.perStage.length - 1] : [0];
  return ranks.map((rank) => {
    const m = stageMemory(plan, counts, rank, []);
    return {
      rank, weights: m.weights, gradients: m.gradients, optimizer: m.optimizer, activations: m.activations, logits: m.logits,
      buffers: sumBuffers(m.buffers), otherModels: others, total: stageTotal(m) + others,
    };
  });
}

