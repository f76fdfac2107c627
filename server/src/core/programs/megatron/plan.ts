import { unevenMiddleLayers } from '../../facts/layout-predicates';
import { getPath, type ConfigNode } from '../../syntax/config-tree';
import type { Format } from '../ids';
import type { Recompute, TrainingPlan } from '../../estimate/plan';
import { flag, num, str, type Anchors } from '../../plan/anchors';
import { optimizerFamily } from '../../plan/optimizer-names';
import { vocabOfTokenizer } from '../../plan/tokenizer-vocab';
import type { PartialPlan } from '../../plan/anchors';

/** Looks up a Megatron-LM argument by its snake_case name (`num_layers` for `--num-layers`). */
export type ArgLookup = (name: string) => ConfigNode | undefined;

/** Every scalar under a root by its own key, dashes read as underscores; the last occurrence wins. */
export function flatLookup(root: ConfigNode): ArgLookup {
  const byName = new Map<string, ConfigNode>();
  const visit = (node: ConfigNode) => {
    for (const child of node.children) {
      if (child.kind === 'object') visit(child);
      else if (typeof child.key === 'string') byName.set(child.key.replace(/^--/, '').replace(/-/g, '_'), child);
    }
  };
  visit(root);
  return (name) => byName.get(name);
}

// NeMo keeps Megatron's arguments under `model.` with a few names of its own (NeMo 1.x megatron_gpt_config.yaml).
const NEMO_NAMES: Record<string, string[]> = {
  seq_length: ['model', 'encoder_seq_length'],
  num_experts: ['model', 'num_moe_experts'],
  virtual_pipeline_stages: ['model', 'virtual_pipeline_model_parallel_size'],
  recompute_granularity: ['model', 'activations_checkpoint_granularity'],
  recompute_method: ['model', 'activations_checkpoint_method'],
  recompute_num_layers: ['model', 'activations_checkpoint_num_layers'],
  optimizer: ['model', 'optim', 'name'],
  lr: ['model', 'optim', 'lr'],
  train_iters: ['trainer', 'max_steps'],
};

export function nemoLookup(root: ConfigNode): ArgLookup {
  return (name) => {
    const path = NEMO_NAMES[name];
    return path ? getPath(root, ...path) : getPath(root, 'model', name);
  };
}

// GPT-NeoX names for Megatron's arguments (megatron/neox_arguments), dashes read as underscores.
const NEOX_NAMES: Record<string, string> = {
  tensor_model_parallel_size: 'model_parallel_size',
  pipeline_model_parallel_size: 'pipe_parallel_size',
  num_query_groups: 'num_kv_heads',
  ffn_hidden_size: 'intermediate_size',
  micro_batch_size: 'train_micro_batch_size_per_gpu',
  global_batch_size: 'train_batch_size',
};

export function neoxLookup(root: ConfigNode): ArgLookup {
  const flat = flatLookup(root);
  return (name) => flat(NEOX_NAMES[name] ?? name);
}

function recomputeOf(lookup: ArgLookup): { value?: Recompute; node?: ConfigNode } {
  const granularity = lookup('recompute_granularity');
  const g = str(granularity);
  if (g === 'full' || g === 'selective') return { value: g, node: granularity };
  const legacy = lookup('checkpoint_activations') ?? lookup('recompute_activations');
  if (flag(legacy)) return { value: legacy?.key === 'recompute_activations' ? 'selective' : 'full', node: legacy };
  return {};
}

/** What Megatron-style arguments (launch scripts, --yaml-cfg, NeMo, GPT-NeoX) say about the run. */
/**
 * Megatron's hybrid models (pretrain_hybrid.py / pretrain_mamba.py) give their stack as --hybrid-layer-pattern (the
 * deprecated --hybrid-override-pattern): one symbol per layer, `|` between pipeline stages, `/` before MTP layers
 * (megatron/core/models/hybrid/hybrid_layer_allocation.py). The pattern sets the layer count, ignoring --num-layers.
 */
function applyHybridPattern(lookup: ArgLookup, plan: TrainingPlan, notes: string[]): void {
  const pattern = str(lookup('hybrid_layer_pattern')) ?? str(lookup('hybrid_override_pattern'));
  if (!pattern) return;
  const main = pattern.split('/')[0].replace(/\|/g, '');
  const unsupported = [...new Set(main.replace(/[M*-]/g, ''))];
  if (unsupported.length > 0 || main.length === 0) {
    notes.push(`hybrid layer pattern with layers the estimator does not lay out (${unsupported.join(', ') || 'none'}; it lays out M, * and -): no layer shape`);
    plan.model = { ...plan.model, layers: undefined };
    return;
  }
  const count = (symbol: string) => [...main].filter((c) => c === symbol).length;
  const hidden = plan.model?.hiddenSize ?? 0;
  // TransformerConfig defaults: mamba_state_dim 128, mamba_head_dim 64, mamba_num_groups 8; MambaMixer expand 2 unless
  // mamba_num_heads fixes d_inner = heads x head dim.
  const headDim = num(lookup('mamba_head_dim')) ?? 64;
  const mambaHeads = num(lookup('mamba_num_heads'));
  plan.model = {
    ...plan.model,
    layers: main.length,
    hybrid: {
      mamba: count('M'), attention: count('*'), mlp: count('-'),
      stateSize: num(lookup('mamba_state_dim')) ?? 128, headDim, groups: num(lookup('mamba_num_groups')) ?? 8,
      expand: mambaHeads && hidden ? (mambaHeads * headDim) / hidden : 2,
    },
  };
  if (plan.parallel?.pp === undefined && pattern.includes('|')) notes.push('the hybrid pattern\'s | separators set the pipeline stages');
}

export function planFromMegatronArgs(format: Format, lookup: ArgLookup): PartialPlan {
  const anchors: Anchors = {};
  const notes: string[] = [];
  const n = (name: string) => num(lookup(name));
  const plan: TrainingPlan = { framework: format === 'neox' ? 'deepspeed' : 'megatron' };
  const ffn = n('ffn_hidden_size');
  const activation = str(lookup('activation'))?.toLowerCase() ?? '';
  plan.model = {
    layers: n('num_layers'),
    hiddenSize: n('hidden_size'),
    ffnHiddenSize: ffn,
    heads: n('num_attention_heads'),
    kvHeads: n('num_query_groups') ?? n('num_kv_heads'),
    seqLength: n('seq_length') ?? n('encoder_seq_length'),
    maxPositions: n('max_position_embeddings'),
    vocabSize: n('padded_vocab_size') ?? n('vocab_size'),
    glu: flag(lookup('swiglu')) || /glu/.test(activation) || undefined,
    tiedEmbeddings: flag(lookup('untie_embeddings_and_output_weights')) ? false : flag(lookup('no_weight_tying')) ? false : flag(lookup('share_embeddings_and_output_weights')),
    experts: n('num_experts'),
    topK: n('moe_router_topk'),
    moeFfnHiddenSize: n('moe_ffn_hidden_size'),
  };
  applyHybridPattern(lookup, plan, notes);
  if (plan.model.vocabSize === undefined) {
    const root = rootOf(lookup);
    const tokenizer = format === 'nemo' ? getPath(root, 'model', 'tokenizer') : undefined;
    const vocab = tokenizer
      ? vocabOfTokenizer(str(getPath(tokenizer, 'type')), str(getPath(tokenizer, 'model')))
      // GPT-NeoX's tokenizer_type defaults to GPT2BPETokenizer (megatron/neox_arguments/neox_args.py).
      : vocabOfTokenizer(str(lookup('tokenizer_type')) ?? (format === 'neox' ? 'GPT2BPETokenizer' : undefined), str(lookup('tokenizer_model')) ?? str(lookup('tokenizer_name_or_path')), str(lookup('vocab_file')));
    if (vocab) {
      plan.model.vocabSize = vocab.size;
      notes.push(`vocabulary from the tokenizer setting: ${vocab.source}`);
    }
  }
  const seqNode = lookup('seq_length') ?? lookup('encoder_seq_length');
  if (seqNode) anchors.seqLength = seqNode;

  const micro = lookup('micro_batch_size');
  const global = lookup('global_batch_size');
  plan.batch = { micro: num(micro), global: num(global), gradAccum: format === 'neox' ? n('gradient_accumulation_steps') : undefined };
  if (micro) anchors['batch.micro'] = micro;
  if (global) anchors['batch.global'] = global;

  const tp = lookup('tensor_model_parallel_size');
  const pp = lookup('pipeline_model_parallel_size');
  const cp = lookup('context_parallel_size');
  const vppLayers = n('num_layers_per_virtual_pipeline_stage');
  const vppStages = n('virtual_pipeline_stages');
  const layers = plan.model.layers;
  const ppSize = num(pp) ?? 1;
  const vpp = vppStages ?? (vppLayers && layers ? layers / ppSize / vppLayers : undefined);
  plan.parallel = {
    tp: num(tp),
    pp: num(pp),
    cp: num(cp),
    ep: n('expert_model_parallel_size'),
    vpp: vpp && Number.isInteger(vpp) && vpp > 1 ? vpp : undefined,
    sequenceParallel: flag(lookup('sequence_parallel')),
    stageLayers: unevenStages(layers, ppSize, n('decoder_first_pipeline_num_layers'), n('decoder_last_pipeline_num_layers')),
    shardInstances: n('num_distributed_optimizer_instances'),
  };
  // GPT-NeoX, and Megatron-DeepSpeed given --deepspeed without --no-pipeline-parallel, pipeline through DeepSpeed's
  // PipelineModule (Megatron-DeepSpeed pretrain_gpt.py GPTModelPipe; gpt-neox models/gpt_j_residual... PipelineModule).
  if (ppSize > 1 && (format === 'neox' || (lookup('deepspeed') !== undefined && flag(lookup('deepspeed')) !== false && lookup('no_pipeline_parallel') === undefined))) {
    plan.pipelineEngine = 'deepspeed';
  }
  if (tp) anchors['parallel.tp'] = tp;
  if (pp) anchors['parallel.pp'] = pp;
  if (cp) anchors['parallel.cp'] = cp;

  const bf16 = lookup('bf16');
  const fp16 = lookup('fp16');
  const fp8 = str(lookup('fp8_format')) ?? str(lookup('fp8'));
  const trainerPrecision = format === 'nemo' ? String(str(getPath(rootOf(lookup), 'trainer', 'precision')) ?? num(getPath(rootOf(lookup), 'trainer', 'precision')) ?? '') : '';
  if (fp8 && fp8 !== 'false') plan.precision = 'fp8';
  else if (flag(bf16) || /bf16/.test(trainerPrecision)) plan.precision = 'bf16';
  else if (flag(fp16) || /^16|fp16/.test(trainerPrecision)) plan.precision = 'fp16';
  const precisionNode = flag(bf16) ? bf16 : flag(fp16) ? fp16 : undefined;
  if (precisionNode) anchors.precision = precisionNode;

  // NeMo names the distributed optimizer in optim.name: distributed_fused_adam (NeMo 1.x), mcore_distributed_optim (MCore).
  plan.distributedOptimizer = flag(lookup('use_distributed_optimizer')) || /distributed/.test(str(lookup('optimizer')) ?? '') || undefined;
  if (flag(lookup('grad_reduce_in_bf16'))) plan.bf16GradientBuffer = true;
  if (flag(lookup('fp8_param_gather'))) plan.fp8ParamGather = true;
  const lr = lookup('lr');
  plan.optimizer = { type: optimizerFamily(str(lookup('optimizer')) ?? 'adam'), lr: num(lr) };
  if (lr) anchors['optimizer.lr'] = lr;
  const recompute = recomputeOf(lookup);
  if (recompute.value) {
    plan.recompute = recompute.value;
    if (recompute.node) anchors.recompute = recompute.node;
  }
  plan.recomputeLayers = n('recompute_num_layers');
  const attention = str(lookup('attention_backend'));
  if (flag(lookup('use_flash_attn')) || flag(lookup('use_flash_attention')) || (attention && attention !== 'local')) plan.flashAttention = true;
  const iterations = n('train_iters');
  if (iterations) plan.training = { iterations };
  const samples = n('train_samples');
  if (samples && plan.model.seqLength) plan.training = { tokens: samples * plan.model.seqLength };
  if (format === 'neox') {
    const stage = num(getPath(rootOf(lookup), 'zero_optimization', 'stage'));
    if (stage === 0 || stage === 1 || stage === 2 || stage === 3) plan.zero = { stage };
  }
  return { plan, anchors, notes };
}

/** Lookups built over a root keep it reachable for the few paths outside the argument namespace. */
const ROOTS = new WeakMap<ArgLookup, ConfigNode>();

export function withRoot(lookup: ArgLookup, root: ConfigNode): ArgLookup {
  ROOTS.set(lookup, root);
  return lookup;
}

function rootOf(lookup: ArgLookup): ConfigNode | undefined {
  return ROOTS.get(lookup);
}

/** --decoder-first/last-pipeline-num-layers: the first and last stages hold the layers given, the middle ones the rest evenly. */
function unevenStages(layers: number | undefined, pp: number, first: number | undefined, last: number | undefined): number[] | undefined {
  if (layers === undefined || pp < 2 || (first === undefined && last === undefined)) return undefined;
  const middle = unevenMiddleLayers(layers, pp, first, last);
  if (middle === undefined) return undefined;
  return Array.from({ length: pp }, (_, rank) => (rank === 0 && first !== undefined ? first : rank === pp - 1 && last !== undefined ? last : middle));
}
