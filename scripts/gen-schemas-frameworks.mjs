#!/usr/bin/env node
// Generates the schemas of the launch-script and training-framework formats from the fact files in
// ../shared/reference/keys/ (override with TRAINLINT_KEYS_DIR):
//   schemas/megatron.schema.json             Megatron-LM command-line flags (keys as written, without "--")
//   schemas/megatron-deepspeed.schema.json   Megatron-DeepSpeed's flags (its own fork layout, plus DeepSpeed's)
//   schemas/megatron-yaml.schema.json        Megatron-LM --yaml-cfg files (argparse dest names, model_parallel/language_model)
//   schemas/nemo.schema.json                 NeMo 1.x GPT YAML (trainer.*, model.*, exp_manager.*)
//   schemas/axolotl.schema.json              axolotl YAML (AxolotlInputConfig)
//   schemas/llamafactory.schema.json         LLaMA-Factory YAML (its argument dataclasses + TrainingArguments)
//   schemas/neox.schema.json                 GPT-NeoX YAML (NeoXArgs; "-" and "_" spellings)
// Conventions are the engine's (see scripts/gen-schemas.mjs): description/default/type/enum per property,
// additionalProperties:false + x-unknown-keys on closed objects, deprecated + x-replacement + x-deprecated-message.
// Each schema cites the commit its facts were read at.
//
// Usage: node scripts/gen-schemas-frameworks.mjs [--check]

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withId } from './schema-id.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KEYS_DIR = process.env.TRAINLINT_KEYS_DIR ?? path.resolve(ROOT, '../shared/reference/keys');
const OUT_DIR = path.join(ROOT, 'schemas');
const DRAFT07 = 'http://json-schema.org/draft-07/schema#';
const check = process.argv.includes('--check');

const readFacts = (name) => JSON.parse(fs.readFileSync(path.join(KEYS_DIR, name), 'utf8'));
const short = (commit) => String(commit).slice(0, 10);

/** JSON Schema for one argparse argument, as TrainLint types command-line words (int(), float(), strings). */
function argparseValue(arg) {
  const t = String(arg.type);
  let item;
  if (t === 'int') item = { type: 'integer' };
  else if (t === 'float') item = { type: 'number' };
  else if (t.startsWith('bool') && (arg.action === 'store' || arg.action === 'BooleanOptionalAction')) item = { type: ['boolean', 'string', 'number'] };
  else item = {};
  if (Array.isArray(arg.choices) && arg.choices.length > 0 && arg.choices.every((c) => typeof c !== 'object')) item = { enum: arg.choices };
  if (arg.action === 'store_true' || arg.action === 'store_false' || arg.action === 'store_const' || arg.action === 'count') return { const: true };
  if (arg.nargs === '+' || arg.nargs === '*' || typeof arg.nargs === 'number' || /^\d+$/.test(String(arg.nargs ?? ''))) {
    const n = Number(arg.nargs);
    const list = { type: 'array', items: item, ...(Number.isInteger(n) ? { minItems: n, maxItems: n } : {}) };
    // One word is read as a scalar by the tree; argparse makes it a one-element list.
    return Number.isInteger(n) && n > 1 ? list : { anyOf: [item, list] };
  }
  return item;
}

function describe(arg, framework) {
  const parts = [];
  if (arg.help) parts.push(arg.help);
  parts.push(`${framework} argument ${arg.flag} (dest ${arg.dest}, ${arg.type}${arg.nargs ? `, nargs ${arg.nargs}` : ''}), group "${arg.group}".`);
  if (arg.conditional) parts.push(`Only present ${arg.conditional}.`);
  return parts.join(' ');
}

function deprecation(arg, flagStyle) {
  const d = arg.deprecated;
  if (!d) return {};
  const out = { deprecated: true };
  const repl = typeof d.replacement === 'string' ? d.replacement.trim() : '';
  const m = /^--([\w-]+)$/.exec(repl);
  if (m) out['x-replacement'] = flagStyle ? m[1] : m[1].replace(/-/g, '_');
  out['x-deprecated-message'] = `${d.status}: ${d.effect}${repl && !m ? `; use ${repl}` : ''}`;
  if (/removed/.test(d.status)) out['x-removed-in'] = 'the commit this schema was read at';
  return out;
}

/** Megatron flags as an object schema keyed by flag name without dashes (aliases included). */
function flagSchema(args, framework, source, title, extra = {}, advisoryChoices = false) {
  const properties = {};
  for (const arg of args) {
    let value = argparseValue(arg);
    // Forks extend the choices (BigScience's --tokenizer-type PretrainedFromHF): keep them as data only.
    if (advisoryChoices) value = JSON.parse(JSON.stringify(value).replace(/"enum":/g, '"x-enum":'));
    const entry = {
      ...value,
      description: describe(arg, framework),
      ...(arg.default !== undefined && arg.default !== null && typeof arg.default !== 'object' ? { default: arg.default } : {}),
      'x-dest': arg.dest,
      'x-source': `${source.repo}@${short(source.commit)} ${arg.source}`,
      ...deprecation(arg, true),
    };
    for (const flag of [arg.flag, ...(arg.aliases ?? [])]) {
      if (!flag.startsWith('-')) continue;
      properties[flag.replace(/^--?/, '')] = entry;
    }
  }
  return {
    $schema: DRAFT07,
    title,
    description: `${title}. Keys are the flags as written on the command line, without the leading "--". Generated by scripts/gen-schemas-frameworks.mjs from ${source.repo} at ${source.commit}.`,
    type: 'object',
    properties: Object.fromEntries(Object.entries(properties).sort(([a], [b]) => a.localeCompare(b))),
    additionalProperties: false,
    'x-unknown-keys': 'error',
    'x-source': `${source.repo}@${source.commit}`,
    ...extra,
  };
}

// ---- Megatron-LM ---------------------------------------------------------------------------------

const megatron = readFacts('megatron-args.json');
const mds = readFacts('megatron-deepspeed.json');

const megatronShell = flagSchema(megatron.args, 'Megatron-LM', megatron.source, 'Megatron-LM command-line arguments');

// DeepSpeed's own flags, added by deepspeed.add_config_arguments(parser) (megatron-deepspeed.json notes).
const deepspeedFlags = [
  { flag: '--deepspeed', dest: 'deepspeed', type: 'bool', action: 'store_true', group: 'deepspeed', source: 'deepspeed/__init__.py (add_config_arguments)' },
  { flag: '--deepspeed_config', dest: 'deepspeed_config', type: 'str', action: 'store', group: 'deepspeed', source: 'deepspeed/__init__.py (add_config_arguments)' },
  { flag: '--deepscale', dest: 'deepscale', type: 'bool', action: 'store_true', group: 'deepspeed', source: 'deepspeed/__init__.py (add_config_arguments)', deprecated: { status: 'deprecated', effect: 'old name of --deepspeed', replacement: '--deepspeed' } },
  { flag: '--deepscale_config', dest: 'deepscale_config', type: 'str', action: 'store', group: 'deepspeed', source: 'deepspeed/__init__.py (add_config_arguments)', deprecated: { status: 'deprecated', effect: 'old name of --deepspeed_config', replacement: '--deepspeed_config' } },
];
const mdsArgs = [...mds.all_args, ...deepspeedFlags.filter((f) => !mds.all_args.some((a) => a.flag === f.flag))];
const megatronDeepSpeedShell = flagSchema(mdsArgs, 'Megatron-DeepSpeed', mds.source, 'Megatron-DeepSpeed command-line arguments', {
  // Forks of Megatron-DeepSpeed (BigScience's, Microsoft's branches) add flags of their own: a flag unknown to
  // this commit is reported, but as a warning (see the unknown-key rule).
  'x-unknown-keys': 'error',
  'x-unknown-keys-severity': 'warning',
}, true);

function nullable(schema) {
  if (schema.enum) return { ...schema, enum: [...schema.enum, null] };
  if (schema.type) return { ...schema, type: [...(Array.isArray(schema.type) ? schema.type : [schema.type]), 'null'] };
  if (schema.anyOf) return { ...schema, anyOf: [...schema.anyOf, { type: 'null' }] };
  return schema;
}

// --yaml-cfg: dest names; TransformerConfig fields under language_model, ModelParallelConfig under model_parallel.
function yamlSchema() {
  const top = {};
  const languageModel = {};
  const modelParallel = {};
  for (const arg of megatron.args) {
    const value = argparseValue(arg);
    // YAML files write None as null for every optional argument.
    const scalar = nullable(value.const === true ? { type: 'boolean' } : value);
    const entry = { ...scalar, description: describe(arg, 'Megatron-LM'), 'x-source': `${megatron.source.repo}@${short(megatron.source.commit)} ${arg.source}`, ...deprecation(arg, false) };
    if (/model_parallel_config\.py/.test(arg.source)) modelParallel[arg.dest] = entry;
    else if (/transformer_config\.py/.test(arg.source)) languageModel[arg.dest] = entry;
    top[arg.dest] = entry;
  }
  // yaml_arguments.py renames: num_moe_experts is the TransformerConfig name of --num-experts; activation_func is a string.
  languageModel.num_moe_experts = { type: ['integer', 'null'], description: 'Number of experts (TransformerConfig.num_moe_experts; --num-experts on the command line).' };
  languageModel.activation_func = { enum: ['swiglu', 'squaredrelu', 'gelu'], description: 'yaml_arguments.py asserts one of swiglu, squaredrelu, gelu.' };
  for (const key of ['num_layers', 'hidden_size', 'num_attention_heads', 'ffn_hidden_size', 'kv_channels', 'num_query_groups', 'init_method', 'embedding_init_method', 'init_method_std', 'bias_activation_fusion', 'add_bias_linear', 'normalization', 'apply_query_key_layer_scaling', 'attention_softmax_in_fp32', 'gated_linear_unit', 'layernorm_epsilon', 'layernorm_zero_centered_gamma', 'hidden_dropout', 'attention_dropout', 'fp32_residual_connection', 'bias_dropout_fusion', 'masked_softmax_fusion', 'persist_layer_norm', 'memory_efficient_layer_norm', 'apply_residual_connection_post_layernorm', 'test_mode', 'output_layer_init_method', 'recompute_granularity', 'recompute_method', 'recompute_num_layers', 'distribute_saved_activations', 'fp8', 'clone_scatter_output_in_embedding', 'disable_parameter_transpose_cache', 'normalization', 'qk_layernorm', 'rotary_interleaved', 'window_size', 'moe_router_topk', 'moe_router_load_balancing_type', 'moe_aux_loss_coeff']) {
    languageModel[key] ??= top[key] ?? { description: `TransformerConfig.${key}.` };
  }
  for (const key of ['tensor_model_parallel_size', 'pipeline_model_parallel_size', 'context_parallel_size', 'sequence_parallel', 'expert_model_parallel_size', 'virtual_pipeline_model_parallel_size', 'fp16', 'bf16', 'params_dtype', 'timers', 'gradient_accumulation_fusion', 'async_tensor_model_parallel_allreduce', 'tp_comm_overlap', 'pipeline_dtype', 'grad_scale_func', 'enable_autocast', 'autocast_dtype', 'variable_seq_lengths', 'num_microbatches_with_partial_activation_checkpoints', 'overlap_p2p_comm', 'batch_p2p_comm', 'batch_p2p_sync', 'use_ring_exchange_p2p', 'deallocate_pipeline_outputs', 'no_sync_func', 'grad_sync_func', 'param_sync_func', 'pipeline_model_parallel_split_rank', 'cpu_offloading', 'cpu_offloading_num_layers', 'cpu_offloading_activations', 'cpu_offloading_weights', 'barrier_with_L1_time']) {
    modelParallel[key] ??= top[key] ?? { description: `ModelParallelConfig.${key}.` };
  }
  const section = (props, name) => ({ type: 'object', description: `${name} (nested namespace of --yaml-cfg).`, properties: props, additionalProperties: false, 'x-unknown-keys': 'ignored' });
  const properties = Object.fromEntries(Object.entries(top).sort(([a], [b]) => a.localeCompare(b)));
  properties.language_model = section(languageModel, 'TransformerConfig fields');
  properties.model_parallel = section(modelParallel, 'ModelParallelConfig fields');
  for (const key of ['disable_msc_deprecated', 'enable_msc', 'use_checkpoint_args', 'yaml_cfg', 'spec', 'encoder_num_layers', 'decoder_num_layers']) properties[key] ??= { description: `Read by parse_args/validate_yaml from the YAML namespace (${key}).` };
  return {
    $schema: DRAFT07,
    title: 'Megatron-LM --yaml-cfg file',
    description: `Megatron-LM's experimental YAML config (${megatron.yaml_cfg.source}): argparse dest names; model_parallel.* and language_model.* sections. Generated by scripts/gen-schemas-frameworks.mjs from ${megatron.source.repo} at ${megatron.source.commit}.`,
    type: 'object',
    properties,
    // yaml_arguments.py builds a SimpleNamespace: extra keys are carried along, not rejected.
    additionalProperties: false,
    'x-unknown-keys': 'ignored',
    'x-source': `${megatron.source.repo}@${megatron.source.commit}`,
  };
}

// ---- axolotl, LLaMA-Factory, GPT-NeoX: top-level keys, for unknown-key and deprecation checks -----------

/** An object schema over flat keys; types are not constrained (pydantic and OmegaConf coerce them), only names. */
function keySchema({ title, facts, keys, unknown, note, spellings = (k) => [k] }) {
  const properties = {};
  for (const key of keys) {
    const entry = {
      description: `${key.class ? `${key.class}.` : ''}${key.key}: ${key.type ?? 'any'}${key.note ? `. ${key.note}` : ''}`,
      ...(key.default !== undefined && key.default !== null && typeof key.default !== 'object' ? { default: key.default } : {}),
      ...(key.source ? { 'x-source': `${facts.source.repo}@${short(facts.source.commit)} ${key.source}` } : {}),
      ...(key.deprecated ? { deprecated: true, 'x-deprecated-message': typeof key.deprecated === 'string' ? key.deprecated : 'deprecated' } : {}),
    };
    for (const name of spellings(key.key)) properties[name] ??= entry;
    for (const alias of [key.alias, key.validation_alias].filter((a) => typeof a === 'string')) properties[alias] ??= entry;
  }
  return {
    $schema: DRAFT07,
    title,
    description: `${title}. ${note} Generated by scripts/gen-schemas-frameworks.mjs from ${facts.source.repo} at ${facts.source.commit}.`,
    type: 'object',
    properties: Object.fromEntries(Object.entries(properties).sort(([a], [b]) => a.localeCompare(b))),
    additionalProperties: false,
    'x-unknown-keys': unknown,
    'x-source': `${facts.source.repo}@${facts.source.commit}`,
  };
}

const axolotl = readFacts('axolotl.json');
const llamafactory = readFacts('llamafactory.json');
const neox = readFacts('neox.json');
const hfArgs = readFacts('hf-training-args.json');
const hfKeys = (Array.isArray(hfArgs.keys) ? hfArgs.keys : Object.values(hfArgs.keys).flat()).map((k) => ({ key: k.key ?? k.name ?? (typeof k.path === 'string' && !k.path.includes('<') && !k.path.includes('.') ? k.path : undefined), type: k.type, default: k.default, class: 'TrainingArguments', source: k.source })).filter((k) => typeof k.key === 'string');

// ---- NeMo 1.x GPT YAML (megatron_gpt_config.yaml): model.*, trainer.*, exp_manager.* ------------------

const nemo = readFacts('nemo.json');
const nemoAt = (file) => `${nemo.source.repo}@${short(nemo.source.commit)} ${file}`;
const NEMO_YAML = 'examples/nlp/language_modeling/conf/megatron_gpt_config.yaml';
// model.* keys the code reads (cfg.get('...') / self.cfg.get('...')) in NVIDIA/NeMo at the facts' commit, beyond the YAML's.
const NEMO_MODEL_READS = {
  'nemo/collections/nlp/models/language_modeling/megatron_gpt_model.py': 'account_for_embedding_in_pipeline_split account_for_loss_in_pipeline_split activation activations_checkpoint_granularity activations_checkpoint_method activations_checkpoint_num_layers apply_embedding_scaling apply_query_key_layer_scaling async_grad_allreduce attention_dropout attention_type bias bias_activation_fusion bias_dropout_add_fusion context_parallel_size data defer_embedding_wgrad_compute do_layer_norm_weight_decay drop_layers enable_cuda_graph encoder_seq_length expert_model_parallel_size ffn_dropout fp16_lm_cross_entropy fp32_residual_connection fp8 fp8_amax_compute_algo fp8_amax_history_len fp8_e4m3 fp8_hybrid fp8_interval fp8_margin fp8_params get_attention_mask_from_fusion global_batch_size headscale hidden_dropout hidden_size high_freq_factor hyena init_method_std kv_channels layernorm_epsilon low_freq_factor masked_softmax_fusion mcore_customization_config mcore_gpt megatron_amp_O2 megatron_legacy micro_batch_size moe_grouped_gemm moe_input_jitter_eps moe_router_load_balancing_type moe_router_topk moe_token_dropping moe_z_loss_coeff normalization normalize_attention_scores num_layers_in_first_pipeline_stage num_layers_in_last_pipeline_stage num_moe_experts num_query_groups old_context_len onnx_safe openai_gelu override_vocab_size persist_layer_norm pipeline_model_parallel_size position_embedding_type rampup_batch_size reduce_amax reset_lr reset_lr_steps restore_from_ckpt rotary_base rotary_percentage scale_factor scale_positional_embedding seq_len_interpolation_factor sequence_parallel share_embeddings_and_output_weights skip_fp8_attention_checkpoint_load skip_train tensor_model_parallel_size transformer_block_type transformer_engine ub_tp_comm_bootstrap_backend ub_tp_comm_overlap ub_tp_comm_overlap_cfg use_cpu_initialization use_emha use_flash_attention use_loss_mask use_scaled_init_method validation_drop_last validation_param_sync_overlap virtual_pipeline_model_parallel_size with_fp32_embedding_grads',
  'nemo/collections/nlp/models/language_modeling/megatron_base_model.py': 'apex_transformer_log_level apply_rope_fusion attention_backend distributed_adam_bucket_merge_size enable_megatron_timers fsdp gc_interval grad_allreduce_chunk_size_mb grad_div_ar_fusion gradient_accumulation_fusion make_vocab_size_divisible_by megatron_timer_kwargs multi_latent_attention pipeline_model_parallel_comm_backend pipeline_model_parallel_split_rank qkv_bias rotary_interleaved seed tp_only_amax_red use_te_rng_tracker use_tp_pp_dp_mapping',
};
// ExpManagerConfig (nemo/utils/exp_manager.py, the dataclass exp_manager() merges the exp_manager section into).
const NEMO_EXP_MANAGER = 'explicit_log_dir exp_dir name version use_datetime_version resume_if_exists resume_past_end resume_ignore_no_checkpoint resume_from_checkpoint create_tensorboard_logger summary_writer_kwargs create_wandb_logger wandb_logger_kwargs create_mlflow_logger mlflow_logger_kwargs create_dllogger_logger dllogger_logger_kwargs create_clearml_logger clearml_logger_kwargs create_neptune_logger neptune_logger_kwargs create_checkpoint_callback checkpoint_callback_params create_early_stopping_callback create_ipl_epoch_stopper_callback early_stopping_callback_params ipl_epoch_stopper_callback_params create_preemption_callback files_to_copy log_step_timing log_delta_step_timing step_timing_kwargs log_local_rank_0_only log_global_rank_0_only disable_validation_on_resume ema max_time_per_run seconds_to_sleep create_straggler_detection_callback straggler_detection_params create_fault_tolerance_callback fault_tolerance log_tflops_per_sec_per_gpu';
// NeMo-Aligner's algorithm sections under trainer.* (trainer.sft, trainer.rm, trainer.ppo, ...): resolve_and_create_trainer
// pops the one the script names before Trainer(**cfg.trainer), and the algorithm's trainer class reads it.
const NEMO_ALIGNER_TRAINER = 'sft rm ppo dpo spin rs kto knowledge_distillation reinforce grpo';
// Lightning 2.x Trainer.__init__ parameters: MegatronTrainerBuilder passes trainer.* as Trainer(**cfg.trainer).
const LIGHTNING_TRAINER = 'accelerator strategy devices num_nodes precision logger callbacks fast_dev_run max_epochs min_epochs max_steps min_steps max_time limit_train_batches limit_val_batches limit_test_batches limit_predict_batches overfit_batches val_check_interval check_val_every_n_epoch num_sanity_val_steps log_every_n_steps enable_checkpointing enable_progress_bar enable_model_summary accumulate_grad_batches gradient_clip_val gradient_clip_algorithm deterministic benchmark inference_mode use_distributed_sampler profiler detect_anomaly barebones plugins sync_batchnorm reload_dataloaders_every_n_epochs default_root_dir';

function nemoSchema() {
  const section = (description, unknown) => ({ description, properties: {}, ...(unknown ? { additionalProperties: false, 'x-unknown-keys': unknown } : {}) });
  const root = { properties: {} };
  const at = (dotted) => {
    let node = root;
    const parts = dotted.split('.');
    for (const part of parts.slice(0, -1)) {
      node.properties ??= {};
      node = node.properties[part] ??= { description: `${part} (NeMo config section).`, properties: {} };
    }
    return [node, parts[parts.length - 1]];
  };
  const put = (dotted, entry) => {
    const [parent, key] = at(dotted);
    parent.properties ??= {};
    const existing = parent.properties[key];
    // A key that is also a section keeps its children.
    parent.properties[key] = existing?.properties ? { ...entry, ...existing } : { ...existing, ...entry };
  };
  // The closed sections: trainer.* (Lightning Trainer arguments), exp_manager.* (ExpManagerConfig), model.* (what MegatronGPTModel reads).
  root.properties.trainer = {
    ...section('Lightning Trainer arguments (Trainer(**cfg.trainer)).', 'ignored'),
    // Not ignored: Trainer.__init__ takes no **kwargs, so Lightning 2.x raises TypeError on a key it lacks; which Lightning
    // runs (1.x took amp_level, resume_from_checkpoint, replace_sampler_ddp) is not in the file, hence a warning.
    'x-unknown-keys-consequence': "Lightning's Trainer(**cfg.trainer) has no such argument in 2.x and raises TypeError (\"unexpected keyword argument\"); Lightning 1.x took some keys 2.x removed",
  };
  root.properties.exp_manager = {
    ...section('NeMo exp_manager (ExpManagerConfig, nemo/utils/exp_manager.py).', 'ignored'),
    // exp_manager() merges the section into OmegaConf.structured(ExpManagerConfig) (nemo/utils/exp_manager.py), which
    // raises on a key the dataclass lacks; which NeMo runs is not in the file, hence a warning.
    'x-unknown-keys-consequence': 'NeMo\'s exp_manager merges the section into its ExpManagerConfig dataclass, which raises ConfigKeyError on a key it lacks',
  };
  root.properties.model = section('MegatronGPTModel configuration.', 'ignored');
  for (const key of NEMO_ALIGNER_TRAINER.split(' ')) put(`trainer.${key}`, { type: 'object', description: `NeMo-Aligner's ${key} trainer settings: popped from trainer.* before the Lightning Trainer is built.`, 'x-source': 'NVIDIA/NeMo-Aligner nemo_aligner/utils/train_script_utils.py (resolve_and_create_trainer(cfg, key)); examples/nlp/gpt/train_reward_model.py (SupervisedTrainer(cfg=cfg.trainer.rm))' });
  for (const key of LIGHTNING_TRAINER.split(' ')) put(`trainer.${key}`, { description: `Lightning Trainer argument ${key}.`, 'x-source': 'Lightning-AI/pytorch-lightning src/lightning/pytorch/trainer/trainer.py (Trainer.__init__, 2.x)' });
  for (const key of NEMO_EXP_MANAGER.split(' ')) put(`exp_manager.${key}`, { description: `ExpManagerConfig.${key}.`, 'x-source': nemoAt('nemo/utils/exp_manager.py (ExpManagerConfig)') });
  for (const [file, keys] of Object.entries(NEMO_MODEL_READS)) {
    for (const key of keys.split(' ')) put(`model.${key}`, { description: `model.${key}: read by ${file.split('/').pop()}.`, 'x-source': nemoAt(file) });
  }
  // build_transformer_config / build_model_parallel_config copy any TransformerConfig or ModelParallelConfig field
  // present in model.* (megatron_base_model.py, "for field in fields(transformer_config_cls): ... elif field.name in cfg").
  for (const arg of megatron.args) {
    if (!/transformer_config\.py|model_parallel_config\.py/.test(arg.source)) continue;
    put(`model.${arg.dest}`, {
      description: `Megatron Core ${/model_parallel/.test(arg.source) ? 'ModelParallelConfig' : 'TransformerConfig'}.${arg.dest}, copied from model.* by build_transformer_config (${arg.help ?? arg.flag}).`,
      'x-source': `${nemoAt('nemo/collections/nlp/models/language_modeling/megatron_base_model.py (build_transformer_config)')}; ${megatron.source.repo}@${short(megatron.source.commit)} ${arg.source}`,
    });
  }
  // The facts last: the YAML's own keys (with defaults and types) and the keys the code reads beyond it.
  for (const key of [...nemo.keys, ...nemo.extra_keys]) {
    if (key.yaml_type === 'dict') continue;
    put(key.key, {
      description: `${key.key}: ${key.type ?? key.yaml_type ?? 'any'}${key.note ? `. ${key.note}` : ''}`,
      ...(key.default !== undefined && key.default !== null && typeof key.default !== 'object' ? { default: key.default } : {}),
      'x-source': nemoAt(key.line ? `${NEMO_YAML}:${key.line}` : 'nemo/collections/nlp/models/language_modeling/megatron_gpt_model.py'),
    });
  }
  // Types only where the facts state what NeMo accepts (not the YAML's example values): ${...} interpolations and ???
  // resolve at run time and are never type errors (invalid-value skips them in NeMo files).
  const positiveInt = { type: 'integer', minimum: 1 };
  const typed = {
    'trainer.precision': { enum: [16, '16', '16-mixed', 'bf16', 'bf16-mixed', 32, '32', '32-true'] },
    'model.micro_batch_size': positiveInt,
    'model.global_batch_size': positiveInt,
    'model.tensor_model_parallel_size': positiveInt,
    'model.pipeline_model_parallel_size': positiveInt,
    'model.expert_model_parallel_size': positiveInt,
    'model.context_parallel_size': positiveInt,
    'model.virtual_pipeline_model_parallel_size': { type: ['integer', 'null'], minimum: 1 },
    'model.sequence_parallel': { type: 'boolean' },
    'model.activations_checkpoint_granularity': { enum: [null, 'selective', 'full'] },
    'model.activations_checkpoint_method': { enum: [null, 'uniform', 'block'] },
    'model.activations_checkpoint_num_layers': { type: ['integer', 'null'] },
  };
  for (const [dotted, schema] of Object.entries(typed)) {
    const [parent, key] = at(dotted);
    parent.properties[key] = { ...schema, ...parent.properties[key] };
  }
  const sort = (node) => {
    if (node.properties) node.properties = Object.fromEntries(Object.entries(node.properties).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sort(v)]));
    return node;
  };
  sort(root);
  return {
    $schema: DRAFT07,
    title: 'NeMo 1.x GPT config (megatron_gpt_config.yaml)',
    description: `NeMo 1.x Hydra/OmegaConf YAML for MegatronGPTModel: trainer.* (Lightning Trainer arguments), exp_manager.* (ExpManagerConfig) and model.* (keys of ${NEMO_YAML}, keys the model code reads, and the Megatron Core TransformerConfig/ModelParallelConfig fields build_transformer_config copies). Unknown keys in these sections are reported as warnings: NeMo reads its config with cfg.get(key, default), so a misspelt key is ignored and the default used. Nested sections (model.optim, model.data, model.tokenizer, ...) take free-form keyword arguments and are not closed. Values are not typed: \${...} interpolations and ??? resolve at run time. Generated by scripts/gen-schemas-frameworks.mjs from ${nemo.source.repo} at ${nemo.source.commit}.`,
    type: 'object',
    properties: root.properties,
    'x-source': `${nemo.source.repo}@${nemo.source.commit}`,
  };
}

const outputs = {
  'axolotl.schema.json': keySchema({
    title: 'axolotl config (AxolotlInputConfig)',
    facts: axolotl,
    keys: axolotl.keys,
    unknown: 'ignored',
    note: 'pydantic drops unknown keys silently (extra="ignore"), so a misspelt key trains with the default.',
  }),
  'llamafactory.schema.json': keySchema({
    title: 'LLaMA-Factory training config',
    facts: llamafactory,
    keys: [...Object.values(llamafactory.keys).flat(), ...hfKeys],
    unknown: 'error',
    note: 'HfArgumentParser.parse_dict raises "Some keys are not used by the HfArgumentParser" on an unknown key (unless ALLOW_EXTRA_ARGS=1). Applies to the v0 layout; v1 files (dist_config, model: {...}) are not covered.',
  }),
  'neox.schema.json': keySchema({
    title: 'GPT-NeoX config (NeoXArgs)',
    facts: neox,
    keys: neox.keys,
    unknown: 'error',
    note: 'NeoXArgs(**config) raises TypeError on an unknown key; top-level "-" and "_" spellings are both accepted.',
    spellings: (k) => [k, k.replace(/_/g, '-')],
  }),
  'megatron.schema.json': megatronShell,
  'megatron-deepspeed.schema.json': megatronDeepSpeedShell,
  'megatron-yaml.schema.json': yamlSchema(),
  'nemo.schema.json': nemoSchema(),
};

let stale = false;
for (const [name, schema] of Object.entries(outputs)) {
  const file = path.join(OUT_DIR, name);
  const text = `${JSON.stringify(withId(name, schema), null, 2)}\n`;
  if (check) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (current !== text) {
      console.error(`${name} is out of date: run node scripts/gen-schemas-frameworks.mjs`);
      stale = true;
    }
  } else {
    fs.writeFileSync(file, text);
    console.log(`wrote ${path.relative(ROOT, file)} (${Object.keys(schema.properties).length} keys)`);
  }
}
if (stale) process.exit(1);
