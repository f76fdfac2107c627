import { countKeys, type Recognition } from '../program';

// Keys that only DeepSpeed's ds_config uses (deepspeed/runtime/constants.py).
const DEEPSPEED_KEYS = [
  'train_batch_size', 'train_micro_batch_size_per_gpu', 'zero_optimization', 'steps_per_print',
  'wall_clock_breakdown', 'zero_allow_untested_optimizer', 'gradient_clipping', 'prescale_gradients',
  'fp16', 'bf16', 'optimizer', 'scheduler', 'gradient_accumulation_steps', 'activation_checkpointing',
  'flops_profiler', 'zero_force_ds_cpu_optimizer', 'communication_data_type', 'elasticity', 'amp',
];
const DEEPSPEED_STRONG = ['train_micro_batch_size_per_gpu', 'zero_optimization', 'steps_per_print', 'wall_clock_breakdown', 'zero_allow_untested_optimizer', 'train_batch_size'];

export const recognition: Recognition = {
  by: 'score',
  reason: 'DeepSpeed ds_config keys',
  strong: DEEPSPEED_STRONG,
  score: (keys, fileName) => countKeys(keys, DEEPSPEED_STRONG) * 2 + countKeys(keys, DEEPSPEED_KEYS) + (/ds_?config|deepspeed|zero[0-3_]/.test(fileName) ? 1 : 0),
  own: (_keys, score) => Math.floor(score / 2),
};
