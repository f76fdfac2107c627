import { countKeys, type Recognition } from '../program';

// GPT-NeoX (megatron/neox_arguments): its own names, often with dashes.
const NEOX_STRONG = ['pipe_parallel_size', 'model_parallel_size', 'pipe-parallel-size', 'model-parallel-size', 'num-layers', 'hidden-size', 'seq-length', 'rotary_pct', 'rotary-pct', 'gpt_j_residual', 'gpt-j-residual', 'no_weight_tying', 'no-weight-tying', 'pos_emb', 'pos-emb', 'vocab_file', 'data_impl', 'checkpoint_activations', 'output_layer_parallelism', 'init_method', 'output_layer_init_method', 'override_lr_scheduler', 'checkpoint_num_layers', 'synchronize_each_layer', 'partition_activations', 'scaled_upper_triang_masked_softmax_fusion', 'bias_gelu_fusion', 'use_wandb', 'wandb_group', 'train_iters', 'lr_decay_iters', 'lr_decay_style'];

export const recognition: Recognition = {
  by: 'score',
  reason: 'GPT-NeoX argument names',
  strong: NEOX_STRONG,
  // NeoX takes "pipe-parallel-size" for "pipe_parallel_size" (NeoXArgs.from_ymls).
  score: (keys) => countKeys(new Set([...keys].map((k) => k.replace(/-/g, '_'))), NEOX_STRONG) * 2,
  own: (_keys, score) => Math.floor(score / 2),
};
