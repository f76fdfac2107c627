import type { ModelSpec, TrainingPlan } from './plan';

/** Parameters of one pipeline stage, before tensor/expert parallel splitting. */
export interface StageParameters {
  stage: number;
  layers: number;
  /** Transformer-layer parameters outside routed experts. */
  layerParams: number;
  /** Routed-expert parameters (sharded over expert parallelism). */
  expertParams: number;
  /** Word (and learned position) embedding held by this stage, including a tied copy on the last stage. */
  embeddingParams: number;
  /** Untied output layer and final norm on the last stage. */
  headParams: number;
  total: number;
}

export interface ParameterCounts {
  available: boolean;
  total: number;
  /** Input embedding (+ learned positions and embedding norm). */
  embedding: number;
  /** Separate output matrix when embeddings are untied. */
  lmHead: number;
  nonEmbedding: number;
  /** Parameters used per token: all dense parts plus top-k and shared experts. */
  active: number;
  /** Trainable parameters: all of them, or the adapter's for LoRA/QLoRA. */
  trainable: number;
  /** Largest single module's parameters (DeepSpeed's largest_layer_params): the biggest weight matrix, often the embedding. */
  largestLayer: number;
  /** One transformer layer: attention + MLP + norms, dense and (if any) MoE flavour. */
  denseLayer: number;
  moeLayer: number;
  /** Routed-expert parameters in one MoE layer. */
  routedExpertsPerLayer: number;
  perStage: StageParameters[];
  /** Parameters held by one GPU of the first and of the last stage after TP/EP splitting (vocabulary padded for Megatron). */
  perGpu: { firstStage: number; lastStage: number; firstStageExperts: number; lastStageExperts: number };
  assumptions: string[];
  sources: string[];
  missing: string[];
}

const SOURCES = [
  'models.json README "How params_derived is counted": embedding + untied head + per layer attention (q,k,v,o, biases), norms, MLP or experts + router, final norm',
  'Megatron-LM theoretical_memory_usage.py: embedding on the first stage, output layer on the last, tied copy kept on the last stage when pp > 1',
];

/** Width of the query projection: heads x head dim. */
export function queryWidth(model: ModelSpec): number {
  const heads = model.heads ?? 0;
  return heads * headDim(model);
}

export function headDim(model: ModelSpec): number {
  return model.headDim ?? (model.hiddenSize ?? 0) / Math.max(1, model.heads ?? 1);
}

function normParams(model: ModelSpec, width: number): number {
  // models.json README: LayerNorm has a scale and a bias per channel, RMSNorm only a scale.
  return model.norm === 'layernorm' ? 2 * width : width;
}

export function attentionParams(model: ModelSpec): number {
  const h = model.hiddenSize ?? 0;
  const a = model.heads ?? 0;
  if (model.mla) {
    const m = model.mla;
    const qHead = m.qkNopeHeadDim + m.qkRopeHeadDim;
    // DeepSeek-V3 MLA (models.json DeepSeek-V3 entry): q_a/q_b with a norm on the latent, kv_a with MQA rope part, kv_b, o.
    const q = m.qLoraRank ? h * m.qLoraRank + m.qLoraRank + m.qLoraRank * a * qHead : h * a * qHead;
    const kv = h * (m.kvLoraRank + m.qkRopeHeadDim) + m.kvLoraRank + m.kvLoraRank * a * (m.qkNopeHeadDim + m.vHeadDim);
    return q + kv + a * m.vHeadDim * h;
  }
  const d = headDim(model);
  const g = model.kvHeads ?? a;
  const qWidth = a * d;
  const kvWidth = g * d;
  // models.json README: q (heads x head_dim), k and v (kv heads x head_dim), then o; biases, sinks and q/k norms per family.
  let params = h * qWidth + 2 * h * kvWidth + qWidth * h;
  if (model.attentionBias === 'qkv' || model.attentionBias === 'all') params += qWidth + 2 * kvWidth;
  if (model.attentionBias === 'all') params += h;
  if (model.attentionSinks) params += a;
  if (model.qkNorm === 'per-head') params += 2 * d;
  if (model.qkNorm === 'full-width') params += qWidth + kvWidth;
  return params;
}

function mlpParams(model: ModelSpec, width: number, withBias: boolean): number {
  const h = model.hiddenSize ?? 0;
  const matrices = model.glu ? 3 : 2;
  // models.json README: 3 x hidden x intermediate for gated MLPs (gate, up, down), 2 for plain ones.
  let params = matrices * h * width;
  if (withBias) params += (model.glu ? 2 * width : width) + h;
  return params;
}

/** Mamba-2 mixer widths (megatron/core/ssm/mamba_mixer.py): d_inner = expand x h, heads = d_inner / head dim. */
export function mambaWidths(model: ModelSpec): { inner: number; heads: number; groupState: number; inProj: number; conv: number } {
  const hybrid = model.hybrid!;
  const inner = hybrid.expand * (model.hiddenSize ?? 0);
  const heads = inner / hybrid.headDim;
  const groupState = hybrid.groups * hybrid.stateSize;
  // in_proj emits z, x, B, C and dt: 2 d_inner + 2 ngroups d_state + nheads; the causal conv runs over x, B and C.
  return { inner, heads, groupState, inProj: 2 * inner + 2 * groupState + heads, conv: inner + 2 * groupState };
}

/**
 * One Mamba-2 layer (MambaMixer with its fused pre-norm): in_proj h x (2e + 2gs + nh), conv1d (e + 2gs) x d_conv 4 with
 * bias, dt_bias, A_log and D per head, the gated RMSNorm over e, out_proj e x h.
 */
function mambaLayerParams(model: ModelSpec): number {
  const h = model.hiddenSize ?? 0;
  const m = mambaWidths(model);
  return h * m.inProj + m.conv * 5 + 3 * m.heads + m.inner + m.inner * h + normParams(model, h);
}

/** A hybrid stack's parameters per layer, averaged over its Mamba, attention and MLP layers (each with one pre-norm). */
function hybridLayerParams(model: ModelSpec, ffn: number): number {
  const hybrid = model.hybrid!;
  const norm = normParams(model, model.hiddenSize ?? 0);
  const total = hybrid.mamba * mambaLayerParams(model) + hybrid.attention * (attentionParams(model) + norm) + hybrid.mlp * (mlpParams(model, ffn, model.mlpBias === true) + norm);
  return total / Math.max(1, hybrid.mamba + hybrid.attention + hybrid.mlp);
}

function layerNorms(model: ModelSpec): number {
  return (model.normsPerLayer ?? 2) * normParams(model, model.hiddenSize ?? 0);
}

function moeWidth(model: ModelSpec): number {
  return model.moeFfnHiddenSize ?? model.ffnHiddenSize ?? 0;
}

function isMoe(model: ModelSpec): boolean {
  return (model.experts ?? 1) > 1;
}

function moeLayerCount(model: ModelSpec): number {
  return isMoe(model) ? (model.layers ?? 0) - (model.firstDenseLayers ?? 0) : 0;
}

/** Routed experts of one MoE layer. */
function routedExperts(model: ModelSpec): number {
  if (!isMoe(model)) return 0;
  return (model.experts ?? 0) * mlpParams(model, moeWidth(model), model.expertBias === true);
}

/** Router and shared experts of one MoE layer (replicated across expert-parallel ranks). */
function moeDenseParts(model: ModelSpec): number {
  const h = model.hiddenSize ?? 0;
  const experts = model.experts ?? 0;
  // models.json README: router hidden x experts (+ bias / score-correction bias), shared experts like routed ones.
  let params = h * experts;
  if (model.routerBias) params += experts;
  if (model.routerScoreBias) params += experts;
  params += (model.sharedExperts ?? 0) * mlpParams(model, moeWidth(model), false);
  return params;
}

function embeddingParams(model: ModelSpec, vocab: number): number {
  const h = model.hiddenSize ?? 0;
  // models.json README: vocab x hidden, plus learned positions (GPT-2) and an embedding norm (BLOOM).
  let params = vocab * h;
  if (model.positionEmbedding === 'learned') params += (model.maxPositions ?? model.seqLength ?? 0) * h;
  if (model.embeddingNorm) params += normParams(model, h);
  return params;
}

/** Megatron pads the vocabulary to a multiple of 128 x TP (build_tokenizer.py vocab_size_with_padding). */
export function paddedVocab(plan: TrainingPlan): number {
  const vocab = plan.model?.vocabSize ?? 0;
  if (plan.framework !== 'megatron') return vocab;
  const multiple = 128 * (plan.parallel?.tp ?? 1);
  return Math.ceil(vocab / multiple) * multiple;
}

const LORA_MODULES = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];

/**
 * LoRA adds r x (d_in + d_out) per adapted matrix (Hu et al. 2021, Sec. 4.1: W + BA with B d x r, A r x k); DoRA
 * (Liu et al. 2024, Eq. 5) also trains a magnitude vector of d_out per adapted matrix.
 */
function loraParams(model: ModelSpec, rank: number, modules: string[], dora: boolean): number {
  const h = model.hiddenSize ?? 0;
  const d = headDim(model);
  const qWidth = (model.heads ?? 0) * d;
  const kvWidth = (model.kvHeads ?? model.heads ?? 0) * d;
  const wanted = modules.includes('all-linear') ? LORA_MODULES : modules;
  const mlpCopies = isMoe(model) ? (model.experts ?? 1) : 1;
  const width = isMoe(model) ? moeWidth(model) : (model.ffnHiddenSize ?? 0);
  // [d_in, d_out, copies per layer] of each adapted matrix.
  const shapes: Record<string, [number, number, number]> = {
    q_proj: [h, qWidth, 1],
    k_proj: [h, kvWidth, 1],
    v_proj: [h, kvWidth, 1],
    o_proj: [qWidth, h, 1],
    gate_proj: [h, width, model.glu ? mlpCopies : 0],
    up_proj: [h, width, mlpCopies],
    down_proj: [width, h, mlpCopies],
  };
  let perLayer = 0;
  for (const name of wanted) {
    const [dIn, dOut, copies] = shapes[name] ?? [0, 0, 0];
    perLayer += copies * (rank * (dIn + dOut) + (dora ? dOut : 0));
  }
  return perLayer * (model.layers ?? 0);
}

function stageLayerCounts(plan: TrainingPlan, assumptions: string[]): number[] {
  const layers = plan.model?.layers ?? 0;
  const pp = plan.parallel?.pp ?? 1;
  const given = plan.parallel?.stageLayers;
  if (given && given.length === pp && given.reduce((a, b) => a + b, 0) === layers) return given;
  const base = Math.floor(layers / pp);
  const extra = layers - base * pp;
  if (extra > 0) assumptions.push(`${layers} layers do not divide into ${pp} stages: the first ${extra} stages get one more`);
  return Array.from({ length: pp }, (_, i) => base + (i < extra ? 1 : 0));
}

/**
 * Exact parameter counts from the shape (the catalog's closed form), split by pipeline stage and per GPU.
 * A `totalParams` given without a shape is used as is, with the split unavailable.
 */
export function countParameters(plan: TrainingPlan): ParameterCounts {
  const model = plan.model ?? {};
  const assumptions: string[] = [];
  const missing = (['layers', 'hiddenSize', 'heads', 'vocabSize'] as const).filter((k) => model[k] === undefined).map((k) => `model.${k}`);
  const empty: ParameterCounts = {
    available: false, total: 0, embedding: 0, lmHead: 0, nonEmbedding: 0, active: 0, trainable: 0, largestLayer: 0,
    denseLayer: 0, moeLayer: 0, routedExpertsPerLayer: 0, perStage: [],
    perGpu: { firstStage: 0, lastStage: 0, firstStageExperts: 0, lastStageExperts: 0 }, assumptions, sources: SOURCES, missing,
  };
  if (missing.length > 0) {
    if (model.totalParams === undefined) return empty;
    const total = model.totalParams;
    assumptions.push(`published total of ${total} parameters used without a per-stage split (shape incomplete)`);
    const perGpu = total / ((plan.parallel?.tp ?? 1) * (plan.parallel?.pp ?? 1));
    return { ...empty, available: true, total, nonEmbedding: total, active: total, trainable: total, largestLayer: total / Math.max(1, model.layers ?? 1),
      perGpu: { firstStage: perGpu, lastStage: perGpu, firstStageExperts: 0, lastStageExperts: 0 }, missing: [] };
  }
  const h = model.hiddenSize!;
  const vocab = model.vocabSize!;
  const layers = model.layers!;
  const stagesGiven = plan.parallel?.pp ?? 1;
  // Every stage holds at least one layer (Megatron asserts num_layers % pp == 0; DeepSpeed's PipelineModule partitions
  // layers over stages): a larger pipeline is a conflict, and is not laid out stage by stage (pp: 1e6 would be a million stages).
  if (!(Number.isInteger(stagesGiven) && stagesGiven >= 1 && stagesGiven <= Math.max(1, layers))) {
    return { ...empty, missing: [`a pipeline of at most as many stages as layers (pp ${stagesGiven}, ${layers} layers)`] };
  }
  const norms = layerNorms(model);
  const attention = attentionParams(model);
  const denseWidth = model.ffnHiddenSize ?? 4 * h;
  // A hybrid stack's layers differ in kind; each stage is counted at their average, stated below.
  const denseLayer = model.hybrid ? hybridLayerParams(model, denseWidth) : attention + mlpParams(model, denseWidth, model.mlpBias === true) + norms;
  if (model.hybrid) assumptions.push(`hybrid stack: ${model.hybrid.mamba} Mamba-2, ${model.hybrid.attention} attention and ${model.hybrid.mlp} MLP layers, each stage counted at their average size`);
  const routed = routedExperts(model);
  const moeLayer = isMoe(model) ? attention + norms + moeDenseParts(model) + routed : 0;
  const moeLayers = moeLayerCount(model);
  const denseLayers = layers - moeLayers;
  const embedding = embeddingParams(model, vocab);
  const lmHead = model.tiedEmbeddings ? 0 : vocab * h;
  const finalNorm = normParams(model, h);
  const total = embedding + lmHead + finalNorm + denseLayers * denseLayer + moeLayers * moeLayer;
  const activePerMoeLayer = attention + norms + moeDenseParts(model) + (model.topK ?? 1) * mlpParams(model, moeWidth(model), model.expertBias === true);
  const active = embedding + lmHead + finalNorm + denseLayers * denseLayer + moeLayers * activePerMoeLayer;

  let trainable = total;
  const adapter = plan.adapter;
  if (adapter) {
    if (adapter.trainableParams !== undefined) trainable = adapter.trainableParams;
    else {
      const rank = adapter.rank ?? 8;
      const modules = adapter.targetModules ?? ['q_proj', 'v_proj'];
      if (adapter.rank === undefined) assumptions.push('LoRA rank 8 (PEFT default; rank not given)');
      if (adapter.targetModules === undefined) assumptions.push('LoRA on q_proj and v_proj (PEFT default for Llama; targetModules not given)');
      trainable = loraParams(model, rank, modules, adapter.dora === true);
    }
  }
  // PEFT modules_to_save: a trainable copy beside the frozen original (ModulesToSaveWrapper), on the stage that holds it.
  const savedEmbedding = adapter?.savedModules?.includes('embedding') ? embedding : 0;
  const savedHead = adapter?.savedModules?.includes('lmHead') ? (model.tiedEmbeddings ? 0 : lmHead) : 0;
  if (savedEmbedding + savedHead > 0) assumptions.push(`modules_to_save: ${(savedEmbedding + savedHead).toLocaleString('en-US')} parameters (${adapter!.savedModules!.join(', ')}) trained in full as a copy beside the frozen original (PEFT ModulesToSaveWrapper)`);
  if (adapter?.trainableParams === undefined) trainable += savedEmbedding + savedHead;

  const counts = stageLayerCounts(plan, assumptions);
  const pp = counts.length;
  const firstDense = model.firstDenseLayers ?? (isMoe(model) ? 0 : layers);
  let layerIndex = 0;
  const padded = paddedVocab(plan);
  const paddedEmbedding = embedding + (padded - vocab) * h;
  const perStage: StageParameters[] = counts.map((n, stage) => {
    // Counted, not looped: a layer count read from a file may be as large as 1e308 (fuzz case 24,096 never returned).
    const denseHere = isMoe(model) ? Math.max(0, Math.min(layerIndex + n, firstDense) - layerIndex) : n;
    const moeHere = n - denseHere;
    const layerParams = denseHere * denseLayer + moeHere * (moeLayer - routed);
    const expertParams = moeHere * routed;
    layerIndex += n;
    const first = stage === 0;
    const last = stage === pp - 1;
    // The last stage holds the output layer; with tied embeddings and pp > 1 Megatron keeps a copy of the word embedding there.
    const embeddingHere = (first ? paddedEmbedding + savedEmbedding : 0) + (last && !first && model.tiedEmbeddings ? padded * h : 0);
    const headHere = last ? (model.tiedEmbeddings ? 0 : padded * h) + finalNorm + savedHead : 0;
    return { stage, layers: n, layerParams, expertParams, embeddingParams: embeddingHere, headParams: headHere,
      total: layerParams + expertParams + embeddingHere + headHere };
  });
  if (padded !== vocab) assumptions.push(`vocabulary padded from ${vocab} to ${padded} (Megatron: multiple of 128 x TP)`);

  const tp = plan.parallel?.tp ?? 1;
  const ep = plan.parallel?.ep ?? 1;
  const shard = (s: StageParameters) => (s.layerParams + s.embeddingParams + s.headParams) / tp;
  // Megatron's expert tensor parallel size defaults to TP; routed experts are split over EP x TP.
  const expertShard = (s: StageParameters) => s.expertParams / (ep * tp);
  const first = perStage[0];
  const last = perStage[pp - 1];
  return {
    available: true, total: total + savedEmbedding + savedHead, embedding, lmHead, nonEmbedding: total - embedding - lmHead, active, trainable,
    largestLayer: Math.max(vocab * h, h * denseWidth, h * queryWidth(model), isMoe(model) ? h * moeWidth(model) : 0), denseLayer, moeLayer, routedExpertsPerLayer: routed, perStage,
    perGpu: { firstStage: shard(first) + expertShard(first), lastStage: shard(last) + expertShard(last),
      firstStageExperts: expertShard(first), lastStageExperts: expertShard(last) },
    assumptions, sources: SOURCES, missing: [],
  };
}
