import type { ConfigNode } from '../../syntax/config-tree';

// Keys the HF Trainer fills from TrainingArguments, and that accelerate's DeepSpeed plugin fills
// (transformers integrations/deepspeed.py trainer_config_process/finalize; accelerate utils/dataclasses.py DeepSpeedPlugin).
export const TRAINER_FILLED = new Set([
  '/train_micro_batch_size_per_gpu',
  '/train_batch_size',
  '/gradient_accumulation_steps',
  '/gradient_clipping',
  '/optimizer/params/lr',
  '/optimizer/params/betas',
  '/optimizer/params/eps',
  '/optimizer/params/weight_decay',
  '/scheduler/params/warmup_min_lr',
  '/scheduler/params/warmup_max_lr',
  '/scheduler/params/warmup_num_steps',
  '/scheduler/params/total_num_steps',
  '/fp16/enabled',
  '/bf16/enabled',
  '/zero_optimization/reduce_bucket_size',
  '/zero_optimization/stage3_prefetch_bucket_size',
  '/zero_optimization/stage3_param_persistence_threshold',
  '/zero_optimization/stage',
  '/zero_optimization/offload_optimizer/device',
  '/zero_optimization/offload_param/device',
  '/zero_optimization/offload_optimizer/nvme_path',
  '/zero_optimization/offload_param/nvme_path',
  '/zero_optimization/stage3_gather_16bit_weights_on_model_save',
]);

/**
 * Keys the HF Trainer checks against TrainingArguments: a concrete value that differs raises
 * "Please correct the following DeepSpeed config values that mismatch TrainingArguments values"
 * (transformers integrations/deepspeed.py, fill_match with must_match).
 */
export const TRAINER_MATCHED: Record<string, string> = {
  '/train_micro_batch_size_per_gpu': 'per_device_train_batch_size',
  '/gradient_accumulation_steps': 'gradient_accumulation_steps',
  '/train_batch_size': 'world size x per_device_train_batch_size x gradient_accumulation_steps',
  '/gradient_clipping': 'max_grad_norm',
  '/optimizer/params/lr': 'learning_rate',
  '/optimizer/params/betas': '[adam_beta1, adam_beta2]',
  '/optimizer/params/eps': 'adam_epsilon',
  '/optimizer/params/weight_decay': 'weight_decay',
  '/scheduler/params/warmup_max_lr': 'learning_rate',
  '/scheduler/params/total_num_steps': 'the number of training steps',
  '/scheduler/params/warmup_num_steps': 'warmup_steps (or warmup_ratio x steps)',
  '/fp16/enabled': 'fp16 or fp16_full_eval',
  '/bf16/enabled': 'bf16 or bf16_full_eval',
};

/**
 * Whether a key that only the HF Trainer or accelerate fill holds "auto": evidence of who reads the file.
 * The micro-batch alone is no evidence, since DeepSpeed's autotuner resolves that one too.
 */
export function hasTrainerAuto(root: ConfigNode | undefined): boolean {
  if (!root) return false;
  const visit = (node: ConfigNode): boolean => {
    if (node.kind === 'scalar') return node.value === 'auto' && TRAINER_FILLED.has(node.pointer) && node.pointer !== '/train_micro_batch_size_per_gpu';
    return node.children.some(visit);
  };
  return visit(root);
}
