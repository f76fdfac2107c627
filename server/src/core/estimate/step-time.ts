import { logitsBytes, storedLayerBytes } from './activations';
import { attentionKernel, attentionSecondsPerFlop } from './attention-efficiency';
import { pipelineBubble } from './bubble';
import { estimateFlops, forwardFlopsPerToken, recomputedLayerFraction, type FlopsConvention } from './flops';
import { bytesPerParameter, offloadTarget, shardDegree, shardingStage, shardInstances } from './model-states';
import { countParameters, headDim, paddedVocab, type ParameterCounts } from './parameters';
import type { TrainingPlan } from './plan';
import { stepTimeConfidence, type StepTimeConfidence } from './calibration';

/**
 * The free constants of the performance model. They were chosen by `node out/bench/accuracy.js --calibrate`: coordinate
 * descent on a grid (13 seeded starts) minimising the median absolute error of predicted TFLOP/s per GPU over the
 * calibration rows only - every other row of each source (Narayanan Tables 1-2, Korthikanti Table 5, Megatron-LM H100
 * table, BLOOM and its prequel sweep, Megatron tables.tex, NeMo launcher, MT-NLG) is held out. The half-width grid starts
 * at 16 so that GEMM efficiency keeps its shape dependence; bench/README.md has the resulting figures.
 */
export interface StepTimeConstants {
  /** Best GEMM speed as a share of the measured max-achievable matmul (MAMF) for large, well-shaped GEMMs. */
  gemmEfficiency: number;
  /** GEMM width (hidden size per tensor-parallel rank, and tokens per micro-batch) at which efficiency halves. */
  gemmHalfWidth: number;
  /** Share of the fused attention kernel's benchmark speed (attention-efficiency.ts) reached in training. */
  attentionEfficiency: number;
  /** Memory traffic of the non-GEMM kernels, as a multiple of the bytes a layer stores for the backward pass. */
  elementwiseTraffic: number;
  /** Share of the nominal link bandwidth collectives achieve. */
  networkEfficiency: number;
  /** Share of overlappable communication actually hidden behind compute. */
  overlapEfficiency: number;
  /** FP8 GEMM speed as a share of the FP8 dense peak (casts and scaling included). */
  fp8GemmEfficiency: number;
  /** Seconds per micro-batch per stage lost in DeepSpeed's PipelineEngine (instruction dispatch, p2p handshakes). */
  deepspeedPipelineOverhead: number;
}

export const STEP_TIME_CONSTANTS: StepTimeConstants = {
  gemmEfficiency: 0.8,
  gemmHalfWidth: 16,
  attentionEfficiency: 0.52,
  elementwiseTraffic: 6,
  networkEfficiency: 0.6,
  overlapEfficiency: 0.8,
  fp8GemmEfficiency: 0.55,
  deepspeedPipelineOverhead: 0.03,
};

// When the catalog has no measured matmul ceiling: stas00's MAMF table (hardware.json) gives 73-87% of dense peak on NVIDIA parts.
const DEFAULT_MAMF_SHARE = 0.8;
// ASSUMPTION (no measurement in the material): a host-side Adam step (ZeRO-Offload) updates 1e9 parameters per second
// for each GPU's share of the CPU cores.
const CPU_ADAM_PARAMS_PER_SECOND = 1e9;
// PCIe Gen4 x16 carries about 32 GB/s each way (hardware.json, A100 PCIe note); 25 GB/s assumed achievable for offload copies.
const PCIE_GBPS = 25;

export interface TimeBlock {
  available: boolean;
  iterationSeconds: number;
  /** Model FLOPs (convention of the flops block) per second per GPU, in TFLOP/s. */
  tflopsPerGpu: number;
  mfu: number;
  hfu: number;
  tokensPerSecond: number;
  measured: boolean;
  /** Whether published runs of the same GPU and regime fitted the model (server/src/core/estimate/calibration.ts). */
  confidence: StepTimeConfidence;
  breakdown: {
    computeSeconds: number;
    bubbleSeconds: number;
    tensorParallelSeconds: number;
    pipelineP2pSeconds: number;
    dataParallelSeconds: number;
    optimizerSeconds: number;
  };
  assumptions: string[];
  sources: string[];
  missing: string[];
}

/** The block when no step time can be given (inputs missing, or the model failed on the plan). */
export function unavailableTime(assumptions: string[], sources: string[], missing: string[]): TimeBlock {
  return {
    available: false, iterationSeconds: 0, tflopsPerGpu: 0, mfu: 0, hfu: 0, tokensPerSecond: 0, measured: false,
    confidence: { level: 'extrapolated', reason: 'no step time' },
    breakdown: { computeSeconds: 0, bubbleSeconds: 0, tensorParallelSeconds: 0, pipelineP2pSeconds: 0, dataParallelSeconds: 0, optimizerSeconds: 0 },
    assumptions, sources, missing,
  };
}

interface StageTime {
  compute: number;
  tensorParallel: number;
  p2p: number;
  /** ZeRO-3/FSDP per-micro-batch gathers, exposed. */
  gathers: number;
  total: number;
}

function gemmRate(plan: TrainingPlan, width: number, tokens: number, k: StepTimeConstants, sixteenBit = false): number {
  const hw = plan.hardware ?? {};
  const peak16 = (hw.peak16Tflops ?? hw.peakTflops ?? 0) * 1e12;
  const shapeFactor = 1 + k.gemmHalfWidth / Math.max(1, width) + k.gemmHalfWidth / Math.max(1, tokens);
  if (plan.precision === 'fp8' && !sixteenBit) return ((hw.peakTflops ?? 0) * 1e12 * k.fp8GemmEfficiency) / shapeFactor;
  const peak = sixteenBit ? peak16 : (hw.peakTflops ?? 0) * 1e12;
  // The measured ceiling (MAMF) is for 16-bit matmuls.
  const ceilingShare = hw.matmulTflops !== undefined && peak16 > 0 ? Math.min(1, (hw.matmulTflops * 1e12) / peak16) : DEFAULT_MAMF_SHARE;
  return (peak * ceilingShare * k.gemmEfficiency) / shapeFactor;
}

/**
 * Effective per-GPU bandwidth of a collective over a group of `groupSize` ranks spaced `groupStride` apart. Inside a node
 * it is the NVLink/PCIe link; across nodes a ring enters and leaves each node once, so the group's members on one node
 * share that node's NICs: per-GPU NIC bandwidth x members per node, capped by the intra-node link (a ring crosses each
 * node boundary once per channel and NCCL runs one channel per NIC, so a node's traffic does not grow with its members).
 */
function bandwidth(plan: TrainingPlan, groupStride: number, groupSize: number, k: StepTimeConstants, aggregate = true): number {
  const hw = plan.hardware ?? {};
  const perNode = hw.gpusPerNode ?? 8;
  const intra = hw.intraNodeGBps ?? 32;
  if (groupStride * groupSize <= perNode) return intra * 1e9 * k.networkEfficiency;
  const membersPerNode = aggregate ? Math.max(1, Math.min(groupSize, Math.floor(perNode / groupStride))) : 1;
  return Math.min(intra, (hw.interNodeGBps ?? 12.5) * membersPerNode) * 1e9 * k.networkEfficiency;
}

/** Tensor-parallel traffic per layer per micro-batch: 8bsh(t - 1)/t elements forward + backward (Narayanan Sec. 3.2; 4 all-reduces). */
export function tensorParallelBytesPerLayer(tokens: number, hidden: number, tp: number, bytesPerElement = 2): number {
  return tp > 1 ? (8 * tokens * hidden * (tp - 1) * bytesPerElement) / tp : 0;
}

/** Elements sent between pipeline stages per micro-batch: b s h, or b s h / t with Megatron's scatter/gather (Narayanan Sec. 4.1). */
export function pipelineP2pElements(tokens: number, hidden: number, tp: number, scatterGather: boolean): number {
  return (tokens * hidden) / (scatterGather ? tp : 1);
}

/**
 * Share of the tensor-parallel traffic that overlap can hide. Megatron's --tp-comm-overlap (Transformer Engine userbuffers)
 * pipelines the all-gather and reduce-scatter with the GEMMs of both passes (ub_overlap_ag / ub_overlap_rs forward,
 * ub_overlap_rs_dgrad and bulk dgrad/wgrad overlap backward). PyTorch's async TP (torchtitan, inductor micro-pipeline TP)
 * measured "up to ~29% forward pass speedup and ~8% E2E speedup" on Llama3 8B and 20% / 8% on 70B (Wang et al., PyTorch
 * dev-discuss 209487, Aug 2024): about the forward pass's saving alone, so only the forward's 2 of the 4 collectives per
 * layer are hidden (the recomputed forward runs inside the backward pass).
 */
export function tensorParallelOverlapShare(plan: TrainingPlan, recompute: number): number {
  if (!plan.overlap?.tensorParallel) return 0;
  return plan.framework === 'megatron' ? 1 : 0.5 / (1 + 0.5 * recompute);
}

function stageTime(plan: TrainingPlan, counts: ParameterCounts, rank: number, k: StepTimeConstants, assumptions: string[]): StageTime {
  const model = plan.model ?? {};
  const parallel = plan.parallel ?? {};
  const tp = parallel.tp ?? 1;
  const cp = parallel.cp ?? 1;
  const ep = parallel.ep ?? 1;
  const pp = parallel.pp ?? 1;
  const h = model.hiddenSize ?? 0;
  const tokens = ((plan.batch?.micro ?? 1) * (model.seqLength ?? 0)) / cp;
  const stage = counts.perStage[rank];
  const layersHere = stage.layers;
  const f = forwardFlopsPerToken(plan);
  const layersBefore = counts.perStage.slice(0, rank).reduce((sum, s) => sum + s.layers, 0);
  const denseHere = Math.max(0, Math.min(layersHere, f.denseLayers - layersBefore));
  const moeHere = layersHere - denseHere;
  const trainableShare = counts.trainable / Math.max(1, counts.total);
  // Every GEMM runs forward, input-gradient and weight-gradient (Narayanan App.); frozen weights skip the weight gradient.
  const gemmPasses = 2 + trainableShare;
  const recompute = recomputedLayerFraction(plan);
  const layerGemm = (tokens * (denseHere * f.denseLayerGemm + moeHere * f.moeLayerGemm)) / tp;
  const last = rank === pp - 1;
  const logitsGemm = last ? (tokens * f.logits * 3) / tp : 0;
  const gemmFlops = layerGemm * (gemmPasses + recompute) + logitsGemm;
  const gemmSeconds = gemmFlops / gemmRate(plan, h / tp, tokens, k);

  const flash = plan.flashAttention !== false;
  // FlashAttention skips the masked half of a causal score matrix; the unfused path computes it all.
  const attentionForward = (tokens * layersHere * f.attentionCore * (flash ? 0.5 : 1)) / tp;
  const attentionRecompute = recompute > 0 ? recompute : plan.recompute === 'selective' ? 1 : 0;
  const peak16 = (plan.hardware?.peak16Tflops ?? plan.hardware?.peakTflops ?? 0) * 1e12;
  const attentionSeconds = flash
    ? attentionForward * attentionSecondsPerFlop(attentionKernel(plan), model.seqLength ?? 0, cp, attentionRecompute, peak16, k.attentionEfficiency)
    : (attentionForward * (3 + attentionRecompute)) / gemmRate(plan, headDim(model), tokens, k, true);

  const memoryBandwidth = (plan.hardware?.memoryBandwidthGBps ?? 2000) * 1e9;
  const layerTraffic = storedLayerBytes({ ...plan, recompute: 'none' }, false) * denseHere + storedLayerBytes({ ...plan, recompute: 'none' }, true) * moeHere;
  // The softmax cross-entropy over the vocabulary is memory bound too: its traffic scales with the logits tensor.
  const lossTraffic = last ? logitsBytes(plan, paddedVocab(plan)) : 0;
  // Non-GEMM kernels move a multiple of what the layer stores for backward; recomputation repeats the forward half of it.
  const elementwiseSeconds = (k.elementwiseTraffic * (layerTraffic * (1 + 0.5 * attentionRecompute) + lossTraffic)) / memoryBandwidth;

  // Full recomputation repeats the forward pass's two of the four collectives per layer.
  const tpBytes = tensorParallelBytesPerLayer(tokens, h, tp) * layersHere * (1 + 0.5 * recompute);
  const tpSeconds = tpBytes / bandwidth(plan, 1, tp, k);
  const tpExposed = tpSeconds * (1 - tensorParallelOverlapShare(plan, recompute) * k.overlapEfficiency);

  let epSeconds = 0;
  if (moeHere > 0 && ep > 1) {
    // Expert parallelism: dispatch and combine all-to-alls of top-k token copies, forward and backward.
    const bytes = 4 * tokens * (model.topK ?? 1) * h * 2 * ((ep - 1) / ep) * moeHere;
    epSeconds = bytes / bandwidth(plan, tp, ep, k);
  }
  let cpSeconds = 0;
  if (cp > 1) {
    // Ring attention passes every other rank's K and V around the context-parallel ring, forward and backward, mostly under compute.
    const kv = 2 * tokens * (model.kvHeads ?? model.heads ?? 0) * headDim(model) * 2;
    cpSeconds = ((3 * kv * (cp - 1)) / tp) * layersHere / bandwidth(plan, tp, cp, k) * (1 - k.overlapEfficiency);
  }

  let p2p = 0;
  if (pp > 1) {
    // One activation tensor forward and one gradient backward per micro-batch and model chunk, 2 bytes per element.
    const v = parallel.vpp ?? 1;
    const scatterGather = parallel.sequenceParallel === true || plan.framework === 'megatron';
    const bytes = 2 * 2 * v * pipelineP2pElements(tokens, h, tp, scatterGather);
    const overlapped = plan.overlap?.pipelineP2p ?? (plan.framework === 'megatron' && v > 1);
    p2p = (bytes / bandwidth(plan, tp * cp * (parallel.dp ?? 1), 2, k)) * (overlapped ? 1 - k.overlapEfficiency : 1);
  }

  let gathers = 0;
  if (shardingStage(plan) === 3) {
    // ZeRO-3 / FSDP: parameters all-gathered for forward and backward and gradients reduce-scattered, every micro-batch (ZeRO Sec. 7.2.2: 3 Psi).
    const n = shardDegree(plan);
    const paramsHere = rank === 0 ? counts.perGpu.firstStage : counts.perGpu.lastStage;
    // FSDP no_sync() skips the reduce-scatter on all but the last of the accumulation micro-batches.
    const accum = plan.batch?.gradAccum ?? 1;
    const volume = plan.fsdpNoSync && accum > 1 ? 2 + 1 / accum : 3;
    // Two parameter gathers (1 byte each with FP8 parameter gathers) and the gradient reduce-scatter (16-bit).
    const bytes = (2 * parameterGatherBytes(plan) + 2 * (volume - 2)) * paramsHere * ((n - 1) / n);
    // Per-module gathers do not reach the node-aggregated bandwidth of bucketed reductions: the ZeRO-3 rows of Narayanan et
    // al. Table 2 imply the 3 Psi volume moving over about one NIC per GPU (174.6B on 1536 GPUs: ~50 s of a 65 s step).
    const seconds = bytes / bandwidth(plan, tp * cp, n, k, false);
    const computeWindow = gemmSeconds + attentionSeconds + elementwiseSeconds;
    const hidden = plan.overlap?.paramGather === false ? 0 : Math.min(seconds, computeWindow) * k.overlapEfficiency;
    gathers = seconds - hidden;
    if (offloadTarget(plan.zero?.offloadParams)) {
      // Offloaded parameters cross PCIe each forward and backward.
      gathers += (2 * paramsHere * 2) / (PCIE_GBPS * 1e9);
    }
  }
  if (pp > 1 && (plan.framework === 'deepspeed' || plan.pipelineEngine === 'deepspeed')) p2p += k.deepspeedPipelineOverhead;
  const compute = gemmSeconds + attentionSeconds + elementwiseSeconds + epSeconds + cpSeconds;
  if (rank === 0 && plan.recompute === 'full') assumptions.push('full recomputation repeats the forward GEMMs, attention and half the tensor-parallel traffic');
  return { compute, tensorParallel: tpExposed, p2p, gathers, total: compute + tpExposed + p2p + gathers };
}

/**
 * Exposed data-parallel synchronisation per iteration. Gradients are reduced once per step, after the last micro-batch
 * (gradient accumulation skips the sync before); an overlapped reduction hides under that micro-batch's backward pass
 * and an overlapped parameter all-gather (distributed optimizer, ZeRO-1/2) under the next forward pass.
 */
function dataParallelSeconds(plan: TrainingPlan, counts: ParameterCounts, stage0: StageTime, k: StepTimeConstants): number {
  const dp = plan.parallel?.dp ?? 1;
  const sharding = shardingStage(plan);
  if (dp <= 1) return 0;
  const tp = plan.parallel?.tp ?? 1;
  const cp = plan.parallel?.cp ?? 1;
  const trainable = (counts.trainable / Math.max(1, counts.total)) * counts.perGpu.firstStage;
  // Gradients are reduced in the dtype they are kept in: fp32 main gradients for Megatron, FSDP and DeepSpeed's BF16 optimizer.
  const gradientBytes = bytesPerParameter(plan).gradients;
  const exposed = (seconds: number, overlapped: boolean | undefined, window: number) =>
    overlapped ? Math.max(seconds * (1 - k.overlapEfficiency), seconds - k.overlapEfficiency * window) : seconds;
  const backward = (2 / 3) * stage0.compute;
  const forward = (1 / 3) * stage0.compute;
  // Sharded state replicated over `instances` groups (HSDP): each shard's gradients are all-reduced across the replicas.
  const instances = sharding >= 1 ? shardInstances(plan) : 1;
  const group = dp / instances;
  const replicaBytes = (2 * ((instances - 1) / instances) * trainable * gradientBytes) / group;
  const replicaSeconds = instances > 1 ? replicaBytes / bandwidth(plan, tp * cp * group, instances, k) : 0;
  if (sharding === 3) return exposed(replicaSeconds, plan.overlap?.gradReduce, backward);
  const share = (group - 1) / group;
  const link = bandwidth(plan, tp * cp, group, k);
  // Ring all-reduce sends 2(n - 1)/n of the buffer per GPU; sharded optimizers reduce-scatter gradients ((n - 1)/n) and
  // all-gather the updated parameters ((n - 1)/n) instead (ZeRO Sec. 7.2.1: same 2 Psi volume).
  const reduceSeconds = ((sharding >= 1 ? 1 : 2) * share * trainable * gradientBytes) / link + replicaSeconds;
  const gatherSeconds = sharding >= 1 ? (share * trainable * parameterGatherBytes(plan)) / link : 0;
  return exposed(reduceSeconds, plan.overlap?.gradReduce, backward) + exposed(gatherSeconds, plan.overlap?.paramGather, forward);
}

/** Bytes per parameter of a parameter all-gather: 16-bit, or FP8 with Megatron --fp8-param-gather in an FP8 run. */
function parameterGatherBytes(plan: TrainingPlan): number {
  return plan.precision === 'fp8' && plan.fp8ParamGather === true ? 1 : 2;
}

function optimizerSeconds(plan: TrainingPlan, counts: ParameterCounts): number {
  const perParameter = bytesPerParameter(plan);
  const n = shardingStage(plan) >= 1 ? shardDegree(plan) : 1;
  const trainable = (counts.trainable / Math.max(1, counts.total)) * counts.perGpu.firstStage;
  if (offloadTarget(plan.zero?.offloadOptimizer)) {
    // ZeRO-Offload: CPU Adam over the shard plus gradients down and 16-bit parameters up over PCIe.
    return trainable / n / CPU_ADAM_PARAMS_PER_SECOND + (trainable / n) * (4 + 2) / (PCIE_GBPS * 1e9);
  }
  // The update reads and writes weights, gradients and optimizer state once: memory bound.
  const bytes = 2 * trainable * (perParameter.weights + perParameter.gradients + perParameter.optimizer / n);
  return bytes / ((plan.hardware?.memoryBandwidthGBps ?? 2000) * 1e9);
}

/**
 * Iteration time from a performance model: compute at a shape-dependent share of the GPU's measured matmul ceiling,
 * attention and memory-bound kernels, tensor-parallel collectives per layer over NVLink (network when TP spans nodes),
 * pipeline point-to-point and bubble, data-parallel gradient reduction and ZeRO-3 gathers with an overlapped share,
 * recomputation and the optimizer step. MFU and HFU follow PaLM Sec. 4.1 (model vs hardware FLOPs over peak).
 */
export function estimateStepTime(plan: TrainingPlan, convention: FlopsConvention = 'palm', constants: StepTimeConstants = STEP_TIME_CONSTANTS): TimeBlock {
  const assumptions: string[] = [];
  const sources = [
    'Narayanan et al. SC21 Sec. 2-3 (bubble, TP traffic 8bsh(t-1)/t per layer, scatter/gather p2p) and App. (3 GEMM passes)',
    'stas00/ml-engineering MAMF table (achievable matmul ceiling); ZeRO Sec. 7 (communication volume 2 Psi / 3 Psi)',
    'PaLM (Chowdhery et al. 2022) Sec. 4.1 and App. B: MFU and HFU',
  ];
  const flops = estimateFlops(plan, convention);
  const counts = countParameters(plan);
  const missing = [...new Set([...flops.missing, ...counts.missing])];
  if (plan.hardware?.peakTflops === undefined) missing.push('hardware.gpu or hardware.peakTflops');
  if (plan.parallel?.worldSize === undefined) missing.push('parallel.worldSize');
  const empty = unavailableTime(assumptions, sources, missing);
  if (missing.length > 0) return empty;
  const world = plan.parallel!.worldSize!;
  const peak = plan.hardware!.peakTflops! * 1e12;
  const tokensPerIteration = plan.batch!.global! * plan.model!.seqLength!;
  const finish = (iterationSeconds: number, measured: boolean, breakdown: TimeBlock['breakdown']): TimeBlock => ({
    available: true,
    iterationSeconds,
    tflopsPerGpu: flops.perIteration.model / iterationSeconds / world / 1e12,
    mfu: flops.perIteration.model / (iterationSeconds * world * peak),
    hfu: flops.perIteration.hardware / (iterationSeconds * world * peak),
    tokensPerSecond: tokensPerIteration / iterationSeconds,
    measured,
    confidence: measured ? { level: 'measured', reason: 'the iteration time is the measured one the input gives' } : stepTimeConfidence(plan),
    breakdown,
    assumptions: [...assumptions, ...flops.assumptions],
    sources: [...sources, ...flops.sources],
    missing: [],
  });
  const measuredSeconds = plan.training?.measuredIterationSeconds;
  if (measuredSeconds !== undefined && measuredSeconds > 0) {
    assumptions.push('measured iteration time used instead of the prediction');
    return finish(measuredSeconds, true, empty.breakdown);
  }
  if (counts.perStage.length === 0) return { ...empty, missing: ['model shape (layers, hiddenSize, heads, vocabSize) for a predicted time'] };

  const pp = counts.perStage.length;
  const stages = counts.perStage.map((_, rank) => stageTime(plan, counts, rank, constants, assumptions));
  const m = plan.batch?.gradAccum ?? 1;
  const v = plan.parallel?.vpp ?? 1;
  const slowest = stages.reduce((a, b) => (b.total > a.total ? b : a));
  const sum = stages.reduce((s, x) => s + x.total, 0);
  let bubbleSeconds = 0;
  if (pp > 1) {
    const schedule = plan.parallel?.schedule ?? (v > 1 ? 'interleaved' : '1f1b');
    // Idle time while the pipeline fills and drains: (sum of stage times - the slowest) / v (Narayanan Sec. 2.2; Calculon).
    bubbleSeconds = (sum - slowest.total) / (schedule === 'interleaved' ? v : 1);
    if (schedule === 'zb-h1' || schedule === 'zb-h2') {
      const zb = pipelineBubble({ pp, microbatches: m, schedule });
      const plain = pipelineBubble({ pp, microbatches: m, schedule: '1f1b' });
      bubbleSeconds *= zb.overIdeal / Math.max(1e-12, plain.overIdeal);
    }
  }
  const steady = m * slowest.total;
  const dataParallel = dataParallelSeconds(plan, counts, stages[0], constants);
  const optimizer = optimizerSeconds(plan, counts);
  const iterationSeconds = steady + bubbleSeconds + dataParallel + optimizer;
  return finish(iterationSeconds, false, {
    computeSeconds: m * slowest.compute,
    bubbleSeconds,
    tensorParallelSeconds: m * slowest.tensorParallel,
    pipelineP2pSeconds: m * slowest.p2p,
    dataParallelSeconds: dataParallel + m * slowest.gathers,
    optimizerSeconds: optimizer,
  });
}
