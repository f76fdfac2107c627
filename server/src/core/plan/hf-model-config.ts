import { getChild, type ConfigNode } from '../syntax/config-tree';
import type { ModelSpec } from '../estimate/plan';

// model_type values whose MLP is a plain two-matrix one (transformers modeling_*.py: fc_in/fc_out, c_fc/c_proj,
// dense_h_to_4h/dense_4h_to_h); every other decoder family in transformers uses a gated (gate/up/down) MLP.
const PLAIN_MLP = new Set(['gpt2', 'gpt_bigcode', 'gpt_neox', 'gptj', 'bloom', 'falcon', 'opt', 'phi', 'starcoder2', 'mpt', 'codegen']);
// Families with LayerNorm (with bias) instead of RMSNorm.
const LAYER_NORM = new Set(['gpt2', 'gpt_bigcode', 'gpt_neox', 'gptj', 'bloom', 'falcon', 'opt', 'phi', 'starcoder2', 'mpt', 'codegen', 'stablelm']);
// Learned absolute positions (GPT-2, OPT, StarCoder 1) and ALiBi (BLOOM, MPT); the rest use rotary embeddings.
const LEARNED_POSITIONS = new Set(['gpt2', 'gpt_bigcode', 'opt']);
const ALIBI = new Set(['bloom', 'mpt']);
// Biases on every projection (GPT-2/NeoX style) and on q/k/v only (Qwen2 modeling_qwen2.py: q/k/v_proj bias=True).
const ALL_BIASES = new Set(['gpt2', 'gpt_bigcode', 'gpt_neox', 'gptj', 'bloom', 'opt', 'phi', 'starcoder2', 'codegen', 'gpt_oss']);
const QKV_BIASES = new Set(['qwen2', 'qwen2_moe']);

function num(node: ConfigNode | undefined): number | undefined {
  return node?.kind === 'scalar' && typeof node.value === 'number' && Number.isFinite(node.value) ? node.value : undefined;
}

function bool(node: ConfigNode | undefined): boolean | undefined {
  return node?.kind === 'scalar' && typeof node.value === 'boolean' ? node.value : undefined;
}

function firstNumber(root: ConfigNode, names: string[]): number | undefined {
  for (const name of names) {
    const value = num(getChild(root, name));
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * The architecture a Hugging Face `config.json` states (transformers' PretrainedConfig attribute names and the older
 * GPT-2/Falcon aliases), for a `model_name_or_path` that is a local checkpoint. Multimodal configs give their language
 * model's `text_config`. undefined when the file does not describe a transformer.
 */
export function modelFromHfConfig(file: ConfigNode): ModelSpec | undefined {
  if (file.kind !== 'object') return undefined;
  const text = getChild(file, 'text_config');
  const root = text?.kind === 'object' ? text : file;
  const type = String(getChild(root, 'model_type')?.value ?? getChild(file, 'model_type')?.value ?? '').toLowerCase().replace(/_text$/, '');
  const layers = firstNumber(root, ['num_hidden_layers', 'n_layer', 'num_layers']);
  const hiddenSize = firstNumber(root, ['hidden_size', 'n_embd', 'd_model']);
  const heads = firstNumber(root, ['num_attention_heads', 'n_head']);
  if (layers === undefined || hiddenSize === undefined || heads === undefined) return undefined;
  const model: ModelSpec = { layers, hiddenSize, heads };
  // Falcon: multi_query means one KV head; new_decoder_architecture counts them in num_kv_heads.
  model.kvHeads = firstNumber(root, ['num_key_value_heads', 'num_kv_heads']) ?? (bool(getChild(root, 'multi_query')) ? 1 : heads);
  model.vocabSize = firstNumber(root, ['vocab_size', 'padded_vocab_size']);
  model.headDim = firstNumber(root, ['head_dim']);
  model.maxPositions = firstNumber(root, ['max_position_embeddings', 'n_positions', 'seq_length']);
  model.glu = !PLAIN_MLP.has(type);
  // GPT-2 leaves n_inner null and BLOOM/Falcon do not state it: their MLP is 4h wide.
  model.ffnHiddenSize = firstNumber(root, ['intermediate_size', 'n_inner', 'ffn_hidden_size']) ?? (model.glu ? undefined : 4 * hiddenSize);
  // PretrainedConfig defaults tie_word_embeddings to True; Llama-style configs write false.
  model.tiedEmbeddings = bool(getChild(root, 'tie_word_embeddings')) ?? bool(getChild(file, 'tie_word_embeddings')) ?? true;
  const experts = firstNumber(root, ['num_local_experts', 'num_experts', 'n_routed_experts']);
  if (experts !== undefined && experts > 1) {
    model.experts = experts;
    model.topK = firstNumber(root, ['num_experts_per_tok', 'moe_top_k', 'top_k']);
    model.moeFfnHiddenSize = firstNumber(root, ['moe_intermediate_size']) ?? model.ffnHiddenSize;
    const shared = firstNumber(root, ['n_shared_experts']) ?? ((firstNumber(root, ['shared_expert_intermediate_size']) ?? 0) > 0 ? 1 : undefined);
    if (shared) model.sharedExperts = shared;
    const dense = firstNumber(root, ['first_k_dense_replace']);
    if (dense) model.firstDenseLayers = dense;
  }
  const kvLoraRank = firstNumber(root, ['kv_lora_rank']);
  if (kvLoraRank !== undefined) {
    // DeepSeek-V2/V3 multi-head latent attention (configuration_deepseek_v3.py).
    model.mla = {
      qLoraRank: firstNumber(root, ['q_lora_rank']),
      kvLoraRank,
      qkNopeHeadDim: firstNumber(root, ['qk_nope_head_dim']) ?? 128,
      qkRopeHeadDim: firstNumber(root, ['qk_rope_head_dim']) ?? 64,
      vHeadDim: firstNumber(root, ['v_head_dim']) ?? 128,
    };
  }
  model.norm = LAYER_NORM.has(type) ? 'layernorm' : 'rmsnorm';
  if (type === 'gemma2' || type === 'gemma3') model.normsPerLayer = 4;
  if (type === 'qwen3' || type === 'qwen3_moe' || type === 'gemma3') model.qkNorm = 'per-head';
  if (type === 'olmo2') model.qkNorm = 'full-width';
  model.positionEmbedding = LEARNED_POSITIONS.has(type) ? 'learned' : ALIBI.has(type) || bool(getChild(root, 'alibi')) ? 'alibi' : 'rotary';
  model.attentionBias = ALL_BIASES.has(type) || bool(getChild(root, 'attention_bias')) ? 'all' : QKV_BIASES.has(type) ? 'qkv' : 'none';
  if (bool(getChild(root, 'mlp_bias'))) model.mlpBias = true;
  if (type === 'gpt_oss') Object.assign(model, { attentionSinks: true, expertBias: true, routerBias: true });
  // DeepSeek-V3's aux-loss-free routing keeps a per-expert score bias (topk_method "noaux_tc").
  if (getChild(root, 'topk_method')?.value === 'noaux_tc') model.routerScoreBias = true;
  return Object.fromEntries(Object.entries(model).filter(([, v]) => v !== undefined)) as ModelSpec;
}
