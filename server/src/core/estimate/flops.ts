import { countParameters, headDim, mambaWidths, paddedVocab, queryWidth } from './parameters';
import type { ModelSpec, TrainingPlan } from './plan';

/**
 * How FLOPs are counted. Published throughput figures use different conventions and are not comparable without
 * conversion (formulas.md section 3):
 * - 'palm': 6N + 12 L H Q T per token, non-causal attention, no rematerialization (PaLM App. B) - PaLM's MFU definition.
 * - '6nd': 6N per token (Kaplan et al.; Llama 3's 3.8e25 = 6 x 405e9 x 15.6e12).
 * - 'megatron': current Megatron-LM num_floating_point_operations: per-GEMM 3 x 2 FLOPs, causal attention halved,
 *   GQA, SwiGLU, MoE and MLA aware, input embedding excluded.
 * - 'megatron-noncausal': the same before causal halving (Megatron-LM 2024 and NeMo launcher tables).
 * - 'narayanan': Narayanan et al. SC21 Eq. 3 / Korthikanti et al. Eq. 7-8 for a GPT shape.
 */
export type FlopsConvention = 'palm' | '6nd' | 'megatron' | 'megatron-noncausal' | 'narayanan';

export interface FlopsResult {
  available: boolean;
  convention: FlopsConvention;
  /** Model FLOPs exclude recomputation; hardware FLOPs include it (PaLM Sec. 4.1 / App. B). */
  perIteration: { model: number; hardware: number };
  perToken: { model: number; hardware: number };
  /** Whole run, when the number of training tokens is known. */
  perRun?: { model: number; hardware: number };
  assumptions: string[];
  sources: string[];
  missing: string[];
}

/** Forward FLOPs per token of one layer's pieces, before any parallel split. */
export interface ForwardFlopsPerToken {
  /** Projection and MLP GEMMs of a dense layer. */
  denseLayerGemm: number;
  /** Projection, router and active-expert GEMMs of a MoE layer. */
  moeLayerGemm: number;
  denseLayers: number;
  moeLayers: number;
  /** QK^T and AV of one layer with the full (non-causal) s x s score matrix. */
  attentionCore: number;
  /** Output projection to the (padded) vocabulary. */
  logits: number;
}

const SOURCES: Record<FlopsConvention, string> = {
  palm: 'PaLM (Chowdhery et al. 2022) App. B: model FLOPs per token = 6N + 12 L H Q T; rematerialization excluded',
  '6nd': 'Kaplan et al. 2020 Sec. 2.1: C = 6N per training token; Llama 3 (2024): 3.8e25 = 6 x 405e9 x 15.6e12',
  megatron: 'NVIDIA/Megatron-LM megatron/training/training.py num_floating_point_operations (3 x 2 per GEMM, causal attention /2)',
  'megatron-noncausal': 'NVIDIA/Megatron-LM training.py num_floating_point_operations, 2024 form: (1 + g/n + s/h) attention term, no causal halving; NeMo launcher benchmark tables',
  narayanan: 'Narayanan et al. SC21 App. Eq. 3: 96 B s l h^2 (1 + s/6h + V/16lh); Korthikanti et al. 2022 App. A Eq. 7 (model) and Eq. 8 (selective recompute)',
};

function attentionProjectionFlops(model: ModelSpec): number {
  const h = model.hiddenSize ?? 0;
  const a = model.heads ?? 0;
  if (model.mla) {
    const m = model.mla;
    const qHead = m.qkNopeHeadDim + m.qkRopeHeadDim;
    const q = m.qLoraRank ? h * m.qLoraRank + m.qLoraRank * a * qHead : h * a * qHead;
    const kv = h * (m.kvLoraRank + m.qkRopeHeadDim) + m.kvLoraRank * a * (m.qkNopeHeadDim + m.vHeadDim);
    return 2 * (q + kv + a * m.vHeadDim * h);
  }
  const qWidth = queryWidth(model);
  const kvWidth = (model.kvHeads ?? a) * headDim(model);
  // Two FLOPs per multiply-add over the q, k, v and output projection matrices.
  return 2 * (2 * h * qWidth + 2 * h * kvWidth);
}

function mlpFlops(model: ModelSpec, width: number): number {
  return 2 * (model.glu ? 3 : 2) * (model.hiddenSize ?? 0) * width;
}

/** Forward FLOPs per token, split into the pieces that run at different speeds. */
export function forwardFlopsPerToken(plan: TrainingPlan): ForwardFlopsPerToken {
  const model = plan.model ?? {};
  const h = model.hiddenSize ?? 0;
  const s = model.seqLength ?? 0;
  const layers = model.layers ?? 0;
  const moe = (model.experts ?? 1) > 1;
  const moeLayers = moe ? layers - (model.firstDenseLayers ?? 0) : 0;
  const moeWidth = model.moeFfnHiddenSize ?? model.ffnHiddenSize ?? 0;
  const projections = attentionProjectionFlops(model);
  const dense = projections + mlpFlops(model, model.ffnHiddenSize ?? 4 * h);
  const moeGemm = projections + 2 * h * (model.experts ?? 0) + ((model.topK ?? 1) + (model.sharedExperts ?? 0)) * mlpFlops(model, moeWidth);
  const qkDim = model.mla ? model.mla.qkNopeHeadDim + model.mla.qkRopeHeadDim : headDim(model);
  const vDim = model.mla ? model.mla.vHeadDim : headDim(model);
  // Per token: QK^T costs 2 s a d_qk and AV 2 s a d_v (Narayanan App.: 4 B s^2 h per layer forward for d = h/a).
  const attentionCore = 2 * s * (model.heads ?? 0) * (qkDim + vDim);
  if (model.hybrid) {
    // A hybrid layer's GEMMs and attention averaged over its kinds: a Mamba-2 layer's in_proj and out_proj (the SSM
    // scan, a few percent of them, is not counted), an attention layer's projections and core, an MLP layer's MLP.
    const k = model.hybrid;
    const n = Math.max(1, k.mamba + k.attention + k.mlp);
    const m = mambaWidths(model);
    const gemm = (k.mamba * 2 * h * (m.inProj + m.inner) + k.attention * projections + k.mlp * mlpFlops(model, model.ffnHiddenSize ?? 4 * h)) / n;
    return { denseLayerGemm: gemm, moeLayerGemm: 0, denseLayers: layers, moeLayers: 0, attentionCore: (attentionCore * k.attention) / n, logits: 2 * h * paddedVocab(plan) };
  }
  return { denseLayerGemm: dense, moeLayerGemm: moeGemm, denseLayers: layers - moeLayers, moeLayers, attentionCore, logits: 2 * h * paddedVocab(plan) };
}

/** Share of the forward pass recomputed in the backward pass, per layer: 1 for full, attention only for selective. */
export function recomputedLayerFraction(plan: TrainingPlan): number {
  if (plan.recompute !== 'full') return 0;
  const perStage = (plan.model?.layers ?? 0) / Math.max(1, plan.parallel?.pp ?? 1);
  return plan.recomputeLayers !== undefined && perStage > 0 ? Math.min(1, plan.recomputeLayers / perStage) : 1;
}

function megatronPerToken(plan: TrainingPlan, causal: boolean): { model: number; hardware: number } {
  const f = forwardFlopsPerToken(plan);
  const layersGemm = f.denseLayers * f.denseLayerGemm + f.moeLayers * (f.moeLayerGemm - 2 * (plan.model?.hiddenSize ?? 0) * (plan.model?.experts ?? 0));
  const attention = (f.denseLayers + f.moeLayers) * f.attentionCore * (causal ? 0.5 : 1);
  // Megatron: every GEMM runs 3 times (forward, weight gradient, input gradient); the router is not counted.
  const model = 3 * (layersGemm + attention + f.logits);
  const full = recomputedLayerFraction(plan);
  const extra = full * (layersGemm + attention) + (plan.recompute === 'selective' ? attention : 0);
  return { model, hardware: model + extra };
}

function palmPerToken(plan: TrainingPlan, withAttention: boolean): { model: number; hardware: number } {
  const counts = countParameters(plan);
  const model = plan.model ?? {};
  const layers = model.layers ?? 0;
  // PaLM App. B: 12 L H Q T = 6 L H (2 Q T), the non-causal attention score and value matmuls.
  const attentionLayers = model.hybrid ? model.hybrid.attention : layers;
  const attention = withAttention ? 12 * attentionLayers * queryWidth(model) * (model.seqLength ?? 0) : 0;
  const perToken = 6 * counts.active + attention;
  // Recomputation repeats the forward pass of the transformer layers (2 FLOPs per layer parameter plus attention), not the embedding or head.
  const layerForward = 2 * (counts.active - counts.embedding - counts.lmHead) + attention / 3;
  const extra = recomputedLayerFraction(plan) * layerForward + (plan.recompute === 'selective' ? attention / 3 : 0);
  return { model: perToken, hardware: perToken + extra };
}

function narayananPerIteration(plan: TrainingPlan): { model: number; hardware: number } {
  const model = plan.model ?? {};
  const B = plan.batch?.global ?? 0;
  const s = model.seqLength ?? 0;
  const l = model.layers ?? 0;
  const h = model.hiddenSize ?? 0;
  const V = paddedVocab(plan);
  const base = B * s * l * h * h;
  // Korthikanti et al. App. A Eq. 7: model FLOPs without recomputation.
  const eq7 = 72 * base * (1 + s / (6 * h) + V / (12 * h * l));
  // Korthikanti et al. Eq. 8: hardware FLOPs with selective recomputation.
  const eq8 = 72 * base * (1 + s / (3 * h) + V / (12 * h * l));
  // Narayanan et al. Eq. 3: hardware FLOPs with full recomputation (four forward passes of the layers).
  const eq3 = 96 * base * (1 + s / (6 * h) + V / (16 * l * h));
  const hardware = plan.recompute === 'full' ? eq3 : plan.recompute === 'selective' ? eq8 : eq7;
  return { model: eq7, hardware };
}

/** Model and hardware FLOPs per iteration and per token under one named convention. */
export function estimateFlops(plan: TrainingPlan, convention: FlopsConvention = 'palm'): FlopsResult {
  const model = plan.model ?? {};
  const assumptions: string[] = [];
  const missing: string[] = [];
  // The shape-based conventions need the full shape; 'palm' and '6nd' only a parameter count (shape or published total).
  const needed = convention === 'palm' ? (['layers', 'heads', 'seqLength'] as const) : convention === '6nd' ? (['seqLength'] as const)
    : (['layers', 'hiddenSize', 'heads', 'seqLength', 'vocabSize'] as const);
  for (const key of needed) if (model[key] === undefined) missing.push(`model.${key}`);
  if (convention === 'palm' || convention === '6nd') {
    const counts = countParameters(plan);
    // Counts missing for another reason than the shape (a pipeline longer than the model) say that reason.
    if (!counts.available) missing.push(...(counts.missing.some((m) => !m.startsWith('model.')) ? counts.missing : ['model shape or model.totalParams']));
  }
  if (plan.batch?.global === undefined) missing.push('batch.global');
  const result: FlopsResult = {
    available: false, convention, perIteration: { model: 0, hardware: 0 }, perToken: { model: 0, hardware: 0 },
    assumptions, sources: [SOURCES[convention]], missing,
  };
  if (missing.length > 0) return result;
  const tokensPerIteration = plan.batch!.global! * model.seqLength!;
  let perToken: { model: number; hardware: number };
  if (convention === 'narayanan') {
    const gptShape = !model.glu && (model.kvHeads ?? model.heads) === model.heads && (model.ffnHiddenSize ?? 4 * model.hiddenSize!) === 4 * model.hiddenSize! && !model.experts;
    if (!gptShape) assumptions.push('the narayanan convention assumes a GPT shape (MHA, 4h GELU MLP); this model differs');
    const perIteration = narayananPerIteration(plan);
    perToken = { model: perIteration.model / tokensPerIteration, hardware: perIteration.hardware / tokensPerIteration };
  } else if (convention === 'megatron' || convention === 'megatron-noncausal') {
    perToken = megatronPerToken(plan, convention === 'megatron');
  } else {
    perToken = palmPerToken(plan, convention === 'palm');
  }
  if (plan.adapter) assumptions.push('adapter training counted like full training; frozen weights skip their weight-gradient GEMMs in practice (about 2/3 of these FLOPs run)');
  if ((model.experts ?? 1) > 1 && convention !== 'megatron' && convention !== 'megatron-noncausal') assumptions.push('N = active parameters per token (top-k and shared experts)');
  result.available = true;
  result.perToken = perToken;
  result.perIteration = { model: perToken.model * tokensPerIteration, hardware: perToken.hardware * tokensPerIteration };
  const tokens = plan.training?.tokens;
  if (tokens !== undefined) result.perRun = { model: perToken.model * tokens, hardware: perToken.hardware * tokens };
  return result;
}
