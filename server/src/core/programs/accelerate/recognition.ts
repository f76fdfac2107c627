import { countKeys, type Recognition } from '../program';

// accelerate config files (accelerate/commands/config/config_args.py).
const ACCELERATE_KEYS = ['compute_environment', 'distributed_type', 'num_processes', 'machine_rank', 'num_machines', 'main_training_function', 'mixed_precision', 'deepspeed_config', 'fsdp_config', 'downcast_bf16', 'rdzv_backend', 'same_network', 'main_process_ip', 'main_process_port', 'use_cpu', 'tpu_env', 'fp8_config', 'megatron_lm_config', 'parallelism_config', 'gpu_ids', 'enable_cpu_affinity', 'dynamo_config'];
const ACCELERATE_STRONG = ['compute_environment', 'distributed_type', 'main_training_function', 'rdzv_backend'];

export const recognition: Recognition = {
  by: 'score',
  reason: 'accelerate config keys',
  strong: ACCELERATE_STRONG,
  score: (keys) => countKeys(keys, ACCELERATE_STRONG) * 2 + countKeys(keys, ACCELERATE_KEYS),
  own: (_keys, score) => Math.floor(score / 2),
};
