import { getChild, type ConfigNode } from '../syntax/config-tree';
import { isFormat, type Format } from './formats';

export interface Detection {
  format: Format;
  /** Why this format was chosen, for hovers and `trainlint plan`. */
  reason: string;
  /**
   * Pointers of the objects that hold the config. Usually [""] (the whole document); an application
   * config that nests TrainingArguments dicts (e.g. `training_args.cuda`) lists each nested dict.
   */
  roots: string[];
  /**
   * Set when the file is not what a program reads as written (a template another tool renders or completes first,
   * detect/templates.ts): the evidence. Such a file keeps its format but no rule runs on it.
   */
  skip?: string;
}

// Keys that only DeepSpeed's ds_config uses (deepspeed/runtime/constants.py).
const DEEPSPEED_KEYS = [
  'train_batch_size', 'train_micro_batch_size_per_gpu', 'zero_optimization', 'steps_per_print',
  'wall_clock_breakdown', 'zero_allow_untested_optimizer', 'gradient_clipping', 'prescale_gradients',
  'fp16', 'bf16', 'optimizer', 'scheduler', 'gradient_accumulation_steps', 'activation_checkpointing',
  'flops_profiler', 'zero_force_ds_cpu_optimizer', 'communication_data_type', 'elasticity', 'amp',
];
const DEEPSPEED_STRONG = ['train_micro_batch_size_per_gpu', 'zero_optimization', 'steps_per_print', 'wall_clock_breakdown', 'zero_allow_untested_optimizer', 'train_batch_size'];
// accelerate config files (accelerate/commands/config/config_args.py).
const ACCELERATE_KEYS = ['compute_environment', 'distributed_type', 'num_processes', 'machine_rank', 'num_machines', 'main_training_function', 'mixed_precision', 'deepspeed_config', 'fsdp_config', 'downcast_bf16', 'rdzv_backend', 'same_network', 'main_process_ip', 'main_process_port', 'use_cpu', 'tpu_env', 'fp8_config', 'megatron_lm_config', 'parallelism_config', 'gpu_ids', 'enable_cpu_affinity', 'dynamo_config'];
const ACCELERATE_STRONG = ['compute_environment', 'distributed_type', 'main_training_function', 'rdzv_backend'];
// transformers TrainingArguments and TRL configs.
const HF_KEYS = [
  'per_device_train_batch_size', 'per_device_eval_batch_size', 'gradient_accumulation_steps', 'learning_rate',
  'num_train_epochs', 'max_steps', 'output_dir', 'lr_scheduler_type', 'warmup_ratio', 'warmup_steps',
  'logging_steps', 'save_steps', 'save_strategy', 'eval_strategy', 'evaluation_strategy', 'bf16', 'fp16',
  'gradient_checkpointing', 'weight_decay', 'report_to', 'model_name_or_path', 'dataset_name', 'optim',
  'seed', 'do_train', 'do_eval', 'overwrite_output_dir', 'push_to_hub', 'hub_model_id', 'torch_dtype',
  'max_grad_norm', 'adam_beta1', 'adam_beta2', 'deepspeed', 'fsdp', 'dataloader_num_workers', 'save_total_limit',
  'max_length', 'max_seq_length', 'packing', 'beta', 'use_peft', 'lora_r', 'attn_implementation', 'dataset_mixture', 'dataset_mixer',
];
// Names that TrainingArguments (and the TRL / HF example scripts' argument dataclasses) define and other programs'
// configs rarely do. learning_rate, max_steps, seed, num_train_epochs, output_dir, warmup_steps, weight_decay... are
// every trainer's words: alone they never make a file TrainingArguments (peft's default_training_params.json, DPR's
// Hydra configs). transformers src/transformers/training_args.py; trl trl/trainer/model_config.py, trl/scripts/utils.py.
const HF_SPECIFIC = [
  'per_device_train_batch_size', 'per_device_eval_batch_size', 'lr_scheduler_type', 'eval_strategy', 'evaluation_strategy',
  'save_strategy', 'logging_strategy', 'logging_steps', 'save_total_limit', 'overwrite_output_dir', 'do_train', 'do_eval',
  'push_to_hub', 'hub_model_id', 'report_to', 'gradient_checkpointing', 'dataloader_num_workers', 'warmup_ratio', 'optim',
  'model_name_or_path', 'dataset_name', 'use_peft', 'dataset_mixture', 'dataset_mixer', 'save_steps', 'lr_scheduler_kwargs',
  'gradient_checkpointing_kwargs', 'ddp_timeout', 'logging_first_step', 'load_best_model_at_end', 'metric_for_best_model',
];
// Names no other trainer spells this way: each counts as two specific names.
const HF_DECISIVE = ['per_device_train_batch_size', 'per_device_eval_batch_size', 'eval_strategy', 'evaluation_strategy', 'save_strategy', 'logging_strategy'];
const HF_STRONG = ['per_device_train_batch_size', 'output_dir', 'num_train_epochs', 'lr_scheduler_type', 'eval_strategy', 'evaluation_strategy', 'model_name_or_path', 'dataset_name', 'save_strategy', 'logging_steps'];
// axolotl (src/axolotl/utils/schemas/config.py).
const AXOLOTL_STRONG = ['base_model', 'sequence_len', 'micro_batch_size', 'sample_packing', 'dataset_prepared_path', 'lora_target_linear', 'val_set_size', 'base_model_config', 'pad_to_sequence_len'];
// ms-swift (swift/arguments/base_args/base_args.py, data_args.py; swift/cli/main.py reads the `ENV` section).
const MS_SWIFT_STRONG = ['tuner_type', 'train_type', 'rlhf_type', 'split_dataset_ratio', 'external_plugins', 'ENV'];
// LLaMA-Factory (src/llamafactory/hparams/*.py).
const LLAMAFACTORY_STRONG = ['finetuning_type', 'template', 'cutoff_len', 'stage', 'lora_target', 'pref_beta', 'dataset_dir', 'max_samples', 'dist_config', 'model_class'];
// Megatron-LM --yaml-cfg (snake_case argument names).
const MEGATRON_STRONG = ['tensor_model_parallel_size', 'pipeline_model_parallel_size', 'global_batch_size', 'micro_batch_size', 'num_layers', 'language_model', 'model_parallel', 'rampup_batch_size', 'step_batch_size_schedule', 'use_legacy_models', 'num_layers_per_virtual_pipeline_stage', 'make_vocab_size_divisible_by'];
// GPT-NeoX (megatron/neox_arguments): its own names, often with dashes.
const NEOX_STRONG = ['pipe_parallel_size', 'model_parallel_size', 'pipe-parallel-size', 'model-parallel-size', 'num-layers', 'hidden-size', 'seq-length', 'rotary_pct', 'rotary-pct', 'gpt_j_residual', 'gpt-j-residual', 'no_weight_tying', 'no-weight-tying', 'pos_emb', 'pos-emb', 'vocab_file', 'data_impl', 'checkpoint_activations', 'output_layer_parallelism', 'init_method', 'output_layer_init_method', 'override_lr_scheduler', 'checkpoint_num_layers', 'synchronize_each_layer', 'partition_activations', 'scaled_upper_triang_masked_softmax_fusion', 'bias_gelu_fusion', 'use_wandb', 'wandb_group', 'train_iters', 'lr_decay_iters', 'lr_decay_style'];

const MODELINE = /(?:#|\/\/)\s*trainlint:\s*format\s*=\s*([a-z-]+)/;

/** Reads `# trainlint: format=NAME` (or `// trainlint: ...` in JSON) from the first lines. */
export function readModeline(text: string): Format | undefined {
  const head = text.slice(0, 2000).split('\n').slice(0, 10).join('\n');
  const m = MODELINE.exec(head);
  return m && isFormat(m[1]) ? m[1] : undefined;
}

function keysOf(node: ConfigNode | undefined): Set<string> {
  const keys = new Set<string>();
  if (node?.kind === 'object') for (const c of node.children) keys.add(String(c.key));
  return keys;
}

const MAX_CONFIG_KEYS = 2000;
const LIGHTNING_TRAINER_KEYS = ['devices', 'num_nodes', 'accelerator', 'precision', 'strategy', 'max_steps', 'max_epochs', 'accumulate_grad_batches', 'gradient_clip_val', 'val_check_interval', 'limit_val_batches', 'log_every_n_steps'];
const INSTANTIATION_KEYS = ['_target_', '_component_'];

/** Whether the top level or a section right under it names a class to build (`_target_`, `_component_`). */
function instantiates(root: ConfigNode | undefined): boolean {
  if (root?.kind !== 'object') return false;
  const here = (node: ConfigNode) => node.kind === 'object' && node.children.some((c) => INSTANTIATION_KEYS.includes(String(c.key)));
  return here(root) || root.children.some(here);
}

function count(keys: Set<string>, list: string[]): number {
  let n = 0;
  for (const k of list) if (keys.has(k)) n++;
  return n;
}

/**
 * Decides the format from the keys of the first document, the file name as a hint,
 * and the modeline. A file that merely mentions `lr` or `fp16` scores too low and stays unknown.
 */
export function detectFormat(root: ConfigNode | undefined, fileName: string, text: string): Detection {
  const forced = readModeline(text);
  if (forced) return { format: forced, reason: 'modeline', roots: [''] };
  const keys = keysOf(root);
  // A vocabulary or data file (gpt2-vocab.json: 50,257 keys) contains every config word; no training config has this many.
  if (keys.size > MAX_CONFIG_KEYS) return { format: 'unknown', reason: `${keys.size} top-level keys: a vocabulary or data file`, roots: [''] };
  const name = fileName.toLowerCase();
  // NeMo's `trainer` is PyTorch Lightning's (devices, num_nodes, precision, ...); verl's and others' are not.
  const lightning = count(keysOf(getChild(root, 'trainer')), LIGHTNING_TRAINER_KEYS) >= 1;
  const nemo = keys.has('trainer') && keys.has('model') && root !== undefined && lightning;
  if (nemo) return { format: 'nemo', reason: 'top-level `trainer` and `model` sections (NeMo/Hydra)', roots: [''] };
  // `_target_` (Hydra instantiate: verl, torchtitan) and `_component_` (torchtune) build objects from the config:
  // another program's configuration, whatever TrainingArguments or Megatron names it shares.
  if (instantiates(root)) return { format: 'unknown', reason: 'a Hydra or torchtune config (`_target_` / `_component_`)', roots: [''] };
  // A Lightning `trainer` section without a `model` one: NeMo's inference, evaluation and export configs
  // (megatron_gpt_inference.yaml) carry Megatron names at the top level but are no training config.
  if (getChild(root, 'trainer')?.kind === 'object') return { format: 'unknown', reason: 'a NeMo inference or export config (`trainer` without `model`)', roots: [''] };

  // Hydra composes a config from a `defaults:` list (DPR's conf/biencoder_train_cfg.yaml) and the program reads it with
  // OmegaConf: another program's config, unless a known format's own names fill it (three or more).
  const hydra = getChild(root, 'defaults')?.kind === 'array';
  const hydraReason = 'a Hydra config (top-level `defaults:` list) of another program: too few names of a known format';

  // ms-swift's YAML/JSON (swift/cli/main.py parse_yaml_args turns it into command-line arguments for swift's own
  // argument classes, swift/arguments/base_args/*.py): TrainingArguments and Megatron names, read by another program.
  if (count(keys, MS_SWIFT_STRONG) >= 2) return unknown('an ms-swift config (tuner_type, rlhf_type, split_dataset_ratio...): swift passes it to its own argument parser');

  // axolotl and LLaMA-Factory files also carry TrainingArguments and Megatron names; two of their own keys decide.
  const llamafactory = count(keys, LLAMAFACTORY_STRONG);
  if (llamafactory >= 2) return hydra && llamafactory < 3 ? unknown(hydraReason) : { format: 'llamafactory', reason: 'LLaMA-Factory keys', roots: [''] };
  const axolotl = count(keys, AXOLOTL_STRONG);
  if (axolotl >= 2) return hydra && axolotl < 3 ? unknown(hydraReason) : { format: 'axolotl', reason: 'axolotl keys', roots: [''] };
  const hfSpecific = count(keys, HF_SPECIFIC) + count(keys, HF_DECISIVE);
  const scores: Array<[Format, number, string]> = [
    ['deepspeed', count(keys, DEEPSPEED_STRONG) * 2 + count(keys, DEEPSPEED_KEYS) + (/ds_?config|deepspeed|zero[0-3_]/.test(name) ? 1 : 0), 'DeepSpeed ds_config keys'],
    ['accelerate', count(keys, ACCELERATE_STRONG) * 2 + count(keys, ACCELERATE_KEYS), 'accelerate config keys'],
    // Megatron-LM reads a config file only through --yaml-cfg, whose validate_yaml reads args.model_parallel.* and
    // args.language_model.* (megatron/training/yaml_arguments.py): its names flat at the top level are another program's
    // (a NeMo model config, the launcher's own Hydra configs).
    ['megatron', keys.has('model_parallel') || keys.has('language_model') ? count(keys, MEGATRON_STRONG) * 2 : 0, 'Megatron-LM argument names'],
    // NeoX takes "pipe-parallel-size" for "pipe_parallel_size" (NeoXArgs.from_ymls).
    ['neox', count(new Set([...keys].map((k) => k.replace(/-/g, '_'))), NEOX_STRONG) * 2, 'GPT-NeoX argument names'],
    // Two TrainingArguments-specific names at least; generic trainer words only add to the score.
    ['hf-trainer', hfSpecific >= 2 ? count(keys, HF_STRONG) * 2 + count(keys, HF_KEYS) : 0, 'TrainingArguments fields'],
  ];
  scores.sort((a, b) => b[1] - a[1]);
  const [best, score, why] = scores[0];
  if (score >= 4) {
    // Own names: each strong key counted twice in the score; for TrainingArguments, its specific names.
    const own = best === 'hf-trainer' ? hfSpecific : Math.floor(score / 2);
    return hydra && own < 3 ? unknown(hydraReason) : { format: best, reason: why, roots: [''] };
  }
  if (hydra) return unknown(hydraReason);

  const nested = findNestedTrainingArguments(root);
  if (nested.length > 0) {
    return { format: 'hf-trainer', reason: 'nested TrainingArguments dictionaries', roots: nested };
  }
  return unknown(hfSpecific < 2 && count(keys, HF_KEYS) >= 3 ? 'generic trainer keys (learning_rate, max_steps, ...) but fewer than two TrainingArguments-specific names' : 'no known training-config keys');
}

function unknown(reason: string): Detection {
  return { format: 'unknown', reason, roots: [''] };
}

/** A dict whose numbers and booleans are all strings ("50", "True"): command-line arguments recorded as text, not TrainingArguments(**dict). */
function argvDump(node: ConfigNode): boolean {
  const typed = node.children.filter((c) => c.kind === 'scalar' && ['max_steps', 'logging_steps', 'save_steps', 'num_train_epochs', 'learning_rate', 'seed', 'bf16', 'fp16', 'per_device_train_batch_size', 'gradient_accumulation_steps', 'max_length', 'max_seq_length'].includes(String(c.key)));
  return typed.length >= 2 && typed.every((c) => typeof c.value === 'string' && /^(?:-?[\d.e+-]+|True|False|None)$/.test(c.value));
}

/** Application configs sometimes hold TrainingArguments(**dict) dicts deeper down. */
function findNestedTrainingArguments(root: ConfigNode | undefined): string[] {
  const found: string[] = [];
  const visit = (node: ConfigNode, depth: number) => {
    if (node.kind !== 'object' || depth > 6) return;
    const keys = keysOf(node);
    // Another program's config nested in a request (axolotl's .runpod/test_input.json `input.args`) is not TrainingArguments.
    if (depth > 0 && (count(keys, AXOLOTL_STRONG) >= 2 || count(keys, LLAMAFACTORY_STRONG) >= 2)) return;
    if (depth > 0 && count(keys, HF_KEYS) >= 5 && count(keys, HF_STRONG) >= 1 && count(keys, HF_SPECIFIC) + count(keys, HF_DECISIVE) >= 2 && !argvDump(node)) {
      found.push(node.pointer);
      return;
    }
    for (const child of node.children) visit(child, depth + 1);
  };
  if (root) visit(root, 0);
  return found;
}
