import type { ConfigNode } from '../../syntax/config-tree';
import { AXOLOTL_STRONG } from '../axolotl/recognition';
import { LLAMAFACTORY_STRONG } from '../llamafactory/recognition';
import { countKeys, keysOf, type Recognition } from '../program';

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

/** TrainingArguments-specific names, the decisive ones counted twice. */
const specific = (keys: Set<string>) => countKeys(keys, HF_SPECIFIC) + countKeys(keys, HF_DECISIVE);

export const recognition: Recognition = {
  by: 'score',
  reason: 'TrainingArguments fields',
  strong: HF_STRONG,
  // Two TrainingArguments-specific names at least; generic trainer words only add to the score.
  score: (keys) => (specific(keys) >= 2 ? countKeys(keys, HF_STRONG) * 2 + countKeys(keys, HF_KEYS) : 0),
  own: (keys) => specific(keys),
  nested: (root) => {
    const roots = findNestedTrainingArguments(root);
    return roots.length > 0 ? { roots, reason: 'nested TrainingArguments dictionaries' } : undefined;
  },
  nearMiss: (keys) => (specific(keys) < 2 && countKeys(keys, HF_KEYS) >= 3 ? 'generic trainer keys (learning_rate, max_steps, ...) but fewer than two TrainingArguments-specific names' : undefined),
};

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
    if (depth > 0 && (countKeys(keys, AXOLOTL_STRONG) >= 2 || countKeys(keys, LLAMAFACTORY_STRONG) >= 2)) return;
    if (depth > 0 && countKeys(keys, HF_KEYS) >= 5 && countKeys(keys, HF_STRONG) >= 1 && specific(keys) >= 2 && !argvDump(node)) {
      found.push(node.pointer);
      return;
    }
    for (const child of node.children) visit(child, depth + 1);
  };
  if (root) visit(root, 0);
  return found;
}
