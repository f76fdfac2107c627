import { countKeys, type Recognition } from '../program';

// Megatron-LM --yaml-cfg (snake_case argument names).
const MEGATRON_STRONG = ['tensor_model_parallel_size', 'pipeline_model_parallel_size', 'global_batch_size', 'micro_batch_size', 'num_layers', 'language_model', 'model_parallel', 'rampup_batch_size', 'step_batch_size_schedule', 'use_legacy_models', 'num_layers_per_virtual_pipeline_stage', 'make_vocab_size_divisible_by'];

export const recognition: Recognition = {
  by: 'score',
  reason: 'Megatron-LM argument names',
  strong: MEGATRON_STRONG,
  // Megatron-LM reads a config file only through --yaml-cfg, whose validate_yaml reads args.model_parallel.* and
  // args.language_model.* (megatron/training/yaml_arguments.py): its names flat at the top level are another program's
  // (a NeMo model config, the launcher's own Hydra configs).
  score: (keys) => (keys.has('model_parallel') || keys.has('language_model') ? countKeys(keys, MEGATRON_STRONG) * 2 : 0),
  own: (_keys, score) => Math.floor(score / 2),
};
