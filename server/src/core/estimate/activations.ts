import { headDim, mambaWidths } from './parameters';
import { usesAutocast } from './model-states';
import type { ModelSpec, TrainingPlan } from './plan';

/**
 * Activation memory after Korthikanti et al. 2022 (arXiv:2205.05198) Sec. 4, Table 2: bytes per transformer layer with
 * 16-bit activations and 1-byte dropout masks. Per layer and micro-batch: attention 11sbh + 5as^2b, MLP 19sbh, two
 * layer norms 4sbh, i.e. sbh(34 + 5as/h) for a GPT layer. The terms are generalised to grouped-query attention, GLU
 * MLPs, MoE routing and FlashAttention, and split into the part tensor parallelism divides (Q, K, V, scores, attention
 * output, MLP intermediates) and the part only sequence parallelism divides (norm inputs, block inputs, dropout masks).
 */

export interface LayerActivationBytes {
  /** Divided by TP always. */
  tensorParallel: number;
  /** Divided by TP only with sequence parallelism. */
  replicated: number;
  /** The s x s score terms (softmax, its dropout mask and output), divided by TP; dropped by selective recompute and FlashAttention. */
  scores: number;
}

export interface ActivationBytes {
  /** Stored activations of one GPU of the stage, all in-flight micro-batches. */
  total: number;
  /** Bytes one layer stores for one micro-batch on one GPU. */
  perLayer: number;
  /** Layers of this stage x in-flight micro-batches (x chunks), i.e. how many perLayer copies are held. */
  layerMicrobatches: number;
  /** A layer rematerialized during the backward pass under full recomputation. */
  recomputeWorkingSet: number;
  embeddingDropout: number;
  pipelineOutputs: number;
  assumptions: string[];
  sources: string[];
}

interface LayerShape {
  s: number;
  b: number;
  h: number;
  heads: number;
  qWidth: number;
  kWidth: number;
  vWidth: number;
  /** Attention output (input of the output projection): heads x value head dim. */
  outWidth: number;
  ffn: number;
  /** Copies of the MLP intermediates (top-k routed experts plus shared experts for MoE). */
  mlpCopies: number;
  glu: boolean;
  dropout: boolean;
  flash: boolean;
  /** Mixed precision by torch.autocast, whose softmax returns fp32. */
  autocast: boolean;
  bytes: number;
  /** Bytes of a stored GEMM input: Transformer Engine keeps FP8 casts of linear-layer inputs for the backward pass. */
  gemmInputBytes: number;
  extraNorms: number;
}

/** Korthikanti Sec. 4.1 terms for one layer, in bytes, for s tokens x b sequences. */
function layerActivationTerms(shape: LayerShape): LayerActivationBytes {
  const { s, b, h, heads, qWidth, kWidth, vWidth, outWidth, ffn, mlpCopies, glu, dropout, flash, autocast, bytes, gemmInputBytes } = shape;
  const sb = s * b;
  const mask = dropout ? 1 : 0;
  // Replicated: two norm inputs (4sbh), QKV input (2sbh), MLP input (2sbh), attention and MLP dropout masks (sbh each).
  // The QKV and MLP inputs are GEMM inputs (1 byte each under FP8).
  const replicated = sb * h * ((2 + shape.extraNorms) * bytes + 2 * gemmInputBytes + mask * 2);
  // Tensor parallel: Q and K (4sbh), V (2sbh), attention output (2sbh, one V width per head), MLP up-projection(s) and activation output (8sbh + 8sbh for 4h).
  // The attention output and the MLP activation output feed GEMMs (the output and down projections).
  const attention = sb * (bytes * (qWidth + kWidth + vWidth) + gemmInputBytes * outWidth);
  const mlp = mlpCopies * sb * ffn * (bytes * (glu ? 2 : 1) + gemmInputBytes);
  // Scores: softmax output 2as^2b, dropout mask as^2b, dropout output 2as^2b; FlashAttention keeps only the fp32 log-sum-exp (4 bytes per row).
  // torch.autocast runs softmax in fp32 (autocast's fp32 op list), so its saved output takes 4 bytes and the P.V matmul
  // saves its own 16-bit cast of the (dropped-out) probabilities.
  const probabilities = autocast ? 4 + bytes : dropout ? 2 * bytes : bytes;
  const scores = flash ? 4 * heads * sb : heads * s * sb * (probabilities + (dropout ? 1 : 0));
  return { tensorParallel: attention + mlp, replicated, scores };
}

/**
 * A hybrid stack's stored bytes per layer, averaged over its kinds. An attention layer keeps Korthikanti's attention
 * terms and an MLP layer the MLP terms, each with one norm input and one GEMM input replicated. A Mamba-2 layer keeps,
 * as MambaMixer's forward saves them for the backward pass: its norm and in_proj inputs (replicated), the in_proj
 * output (z, x, B, C, dt), the conv1d input and output over x, B, C, and y, the gated norm's output and out_proj's
 * input over d_inner (split by TP). The SSM scan's chunk states are not counted.
 */
function hybridLayerTerms(shape: LayerShape, model: ModelSpec): LayerActivationBytes {
  const hybrid = model.hybrid!;
  const sb = shape.s * shape.b;
  const oneNormOneGemm = sb * shape.h * (shape.bytes + shape.gemmInputBytes + (shape.dropout ? 1 : 0));
  const attention = layerActivationTerms({ ...shape, ffn: 0, mlpCopies: 0 });
  const mlp = layerActivationTerms({ ...shape, heads: 0, qWidth: 0, kWidth: 0, vWidth: 0, outWidth: 0 });
  const m = mambaWidths(model);
  const mambaTp = sb * shape.bytes * (m.inProj + 2 * m.conv + 3 * m.inner);
  const layers = Math.max(1, hybrid.mamba + hybrid.attention + hybrid.mlp);
  return {
    replicated: oneNormOneGemm,
    tensorParallel: (hybrid.attention * attention.tensorParallel + hybrid.mlp * mlp.tensorParallel + hybrid.mamba * mambaTp) / layers,
    scores: (hybrid.attention * attention.scores) / layers,
  };
}

function layerShape(plan: TrainingPlan, moeLayer: boolean): LayerShape {
  const model: ModelSpec = plan.model ?? {};
  const cp = plan.parallel?.cp ?? 1;
  const h = model.hiddenSize ?? 0;
  const d = headDim(model);
  const heads = model.heads ?? 0;
  const mla = model.mla;
  // MLA materializes per-head keys (nope + rope dims) and values (v dim) for core attention.
  const qWidth = mla ? heads * (mla.qkNopeHeadDim + mla.qkRopeHeadDim) : heads * d;
  const kWidth = mla ? qWidth : (model.kvHeads ?? heads) * d;
  const vWidth = mla ? heads * mla.vHeadDim : (model.kvHeads ?? heads) * d;
  const precision = plan.precision ?? 'bf16';
  return {
    s: (model.seqLength ?? 0) / cp,
    b: plan.batch?.micro ?? 1,
    h,
    heads,
    qWidth,
    kWidth,
    vWidth,
    outWidth: mla ? heads * mla.vHeadDim : heads * d,
    ffn: moeLayer ? (model.moeFfnHiddenSize ?? model.ffnHiddenSize ?? 4 * h) : (model.ffnHiddenSize ?? 4 * h),
    mlpCopies: moeLayer ? (model.topK ?? 1) + (model.sharedExperts ?? 0) : 1,
    glu: model.glu === true,
    dropout: model.dropout === true,
    flash: plan.flashAttention !== false,
    autocast: usesAutocast(plan),
    bytes: precision === 'fp32' || precision === 'tf32' ? 4 : 2,
    // Transformer Engine's Linear saves the FP8 cast of its input for the weight gradient (transformer_engine/pytorch/module/linear.py).
    gemmInputBytes: precision === 'fp32' || precision === 'tf32' ? 4 : precision === 'fp8' ? 1 : 2,
    extraNorms: Math.max(0, (model.normsPerLayer ?? 2) - 2),
  };
}

/** Bytes one layer stores per micro-batch on one GPU under the plan's TP, SP and recompute settings (Korthikanti Table 2). */
export function storedLayerBytes(plan: TrainingPlan, moeLayer = false): number {
  const terms = plan.model?.hybrid ? hybridLayerTerms(layerShape(plan, false), plan.model) : layerActivationTerms(layerShape(plan, moeLayer));
  const t = plan.parallel?.tp ?? 1;
  const sp = plan.parallel?.sequenceParallel === true;
  const shape = layerShape(plan, moeLayer);
  if (plan.recompute === 'full') {
    // Korthikanti Table 2, full recomputation: only the layer input, 2sbh, divided by t with sequence parallelism
    // (or DeepSpeed's partitioned activations, ZeRO-R P_a).
    const input = shape.s * shape.b * shape.h * shape.bytes;
    return sp || plan.partitionActivations ? input / t : input;
  }
  const replicated = sp ? terms.replicated / t : terms.replicated;
  // Selective recomputation (Korthikanti Sec. 5) drops the s x s score terms: sbh(10 + 24/t) instead of sbh(10 + 24/t + 5as/ht).
  const scores = plan.recompute === 'selective' ? 0 : terms.scores / t;
  return replicated + terms.tensorParallel / t + scores;
}

/** Bytes a layer holds without any recomputation (the working set rematerialized by full recomputation). */
function fullLayerBytes(plan: TrainingPlan, moeLayer: boolean): number {
  return storedLayerBytes({ ...plan, recompute: 'none' }, moeLayer);
}

/**
 * Micro-batches (times chunks) whose activations a pipeline rank holds at the peak, as layer-micro-batch counts.
 * 1F1B keeps p - r in flight on rank r (Narayanan Sec. 2.2); Megatron's interleaved schedule warms up
 * 2(p - r - 1) + (v - 1)p + 1 chunks of L/(pv) layers, which for rank 0 is Korthikanti's factor 1 + (p - 1)/(pv);
 * GPipe keeps all m; ZB-H1 keeps p and ZB-H2 2p - 1 (Qi et al. 2024, Table 1).
 */
export function inFlightLayerMicrobatches(plan: TrainingPlan, rank: number, stageLayers: number): number {
  const p = plan.parallel?.pp ?? 1;
  const v = plan.parallel?.vpp ?? 1;
  const m = plan.batch?.gradAccum ?? 1;
  const schedule = plan.parallel?.schedule ?? (v > 1 ? 'interleaved' : '1f1b');
  if (p === 1) return stageLayers;
  if (schedule === 'gpipe') return stageLayers * m;
  if (schedule === 'interleaved' && v > 1) {
    const chunks = Math.min(2 * (p - rank - 1) + (v - 1) * p + 1, m * v);
    return (chunks * stageLayers) / v;
  }
  if (schedule === 'zb-h2') return stageLayers * Math.min(2 * p - 1 - rank, m);
  return stageLayers * Math.min(p - rank, m);
}

/** Stored activations of one GPU on pipeline rank `rank` holding `stageLayers` layers (`moeLayers` of them MoE). */
export function stageActivationBytes(plan: TrainingPlan, rank: number, stageLayers: number, moeLayers: number): ActivationBytes {
  const assumptions: string[] = [];
  const sources = ['Korthikanti et al. 2022 (arXiv:2205.05198) Sec. 4, Table 2, Eq. 5 and App. B'];
  const denseBytes = storedLayerBytes(plan, false);
  const moeBytes = storedLayerBytes(plan, true);
  const perLayer = stageLayers > 0 ? (denseBytes * (stageLayers - moeLayers) + moeBytes * moeLayers) / stageLayers : 0;
  const layerMicrobatches = inFlightLayerMicrobatches(plan, rank, stageLayers);
  const inFlightMicrobatches = stageLayers > 0 ? layerMicrobatches / stageLayers : 0;
  const model = plan.model ?? {};
  const shape = layerShape(plan, false);
  const t = plan.parallel?.tp ?? 1;
  const sp = plan.parallel?.sequenceParallel === true;
  const sbh = shape.s * shape.b * shape.h;
  const recomputeWorkingSet = plan.recompute === 'full' ? Math.max(fullLayerBytes(plan, false), moeLayers > 0 ? fullLayerBytes(plan, true) : 0) : 0;
  if (plan.recompute === 'full') assumptions.push('full recomputation: one layer is rematerialized at a time during the backward pass (its activations added once)');
  // Korthikanti Sec. 4.2: embedding dropout mask sbhp/t on the first stage (1 byte per element, with SP divided by t).
  const embeddingDropout = rank === 0 && model.dropout ? (sbh * inFlightMicrobatches) / (sp ? t : 1) : 0;
  const deallocated = plan.deallocatePipelineOutputs ?? plan.framework === 'megatron';
  // Korthikanti App. B: without output-tensor deallocation each in-flight micro-batch keeps its stage output, 2sbh bytes.
  const pipelineOutputs = (plan.parallel?.pp ?? 1) > 1 && !deallocated ? 2 * sbh * inFlightMicrobatches : 0;
  if (pipelineOutputs > 0) assumptions.push('pipeline output tensors are kept until the backward pass (no deallocation as in Megatron)');
  if (shape.bytes === 2 && plan.precision === 'fp8') assumptions.push('fp8 run: GEMM inputs stored as FP8 (Transformer Engine), other activations at 16 bits');
  return {
    total: perLayer * layerMicrobatches + recomputeWorkingSet + embeddingDropout + pipelineOutputs,
    perLayer, layerMicrobatches, recomputeWorkingSet, embeddingDropout, pipelineOutputs, assumptions, sources,
  };
}

/** Korthikanti Sec. 4.1 without parallelism: the percentage of a layer's activations selective recomputation removes, 5as/h / (34 + 5as/h). */
export function selectiveRecomputeSavings(model: ModelSpec): number {
  const a = model.heads ?? 0;
  const s = model.seqLength ?? 0;
  const h = model.hiddenSize ?? 1;
  return (5 * a * s) / h / (34 + (5 * a * s) / h);
}

/**
 * The loss peak on the stage holding the output layer: Korthikanti Sec. 4.2 for p = 1, 4sbh/t (final norm and output
 * layer inputs) plus fp32 logits 4sbv/t, used for Megatron's vocabulary-parallel cross entropy. Other frameworks
 * (transformers' LlamaForCausalLM upcasts logits with .float() before the loss) hold fp32 logits and fp32 log-probabilities: 8sbv.
 */
export function logitsBytes(plan: TrainingPlan, vocab: number): number {
  const shape = layerShape(plan, false);
  const t = plan.parallel?.tp ?? 1;
  const sp = plan.parallel?.sequenceParallel === true;
  const sb = shape.s * shape.b;
  const inputs = (4 * sb * shape.h) / (sp ? t : 1);
  // Liger fused_linear_cross_entropy.py: rows in chunks of about BT x H / V, so one chunk's fp32 logits are ~4sbh bytes,
  // plus the input gradient it fills (2sbh). Cut cross entropy (Wijmans et al. 2024) computes the loss blockwise in SRAM.
  if (plan.fusedLoss === 'liger') return inputs + 4 * sb * shape.h + 2 * sb * shape.h;
  if (plan.fusedLoss === 'cut-cross-entropy') return inputs;
  const logits = plan.framework === 'megatron' ? (4 * sb * vocab) / t : (8 * sb * vocab) / t;
  return inputs + logits;
}
