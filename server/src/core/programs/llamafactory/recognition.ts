import { countKeys, type Recognition } from '../program';

// LLaMA-Factory (src/llamafactory/hparams/*.py).
export const LLAMAFACTORY_STRONG = ['finetuning_type', 'template', 'cutoff_len', 'stage', 'lora_target', 'pref_beta', 'dataset_dir', 'max_samples', 'dist_config', 'model_class'];

export const recognition: Recognition = {
  by: 'own-keys',
  reason: 'LLaMA-Factory keys',
  strong: LLAMAFACTORY_STRONG,
  score: (keys) => countKeys(keys, LLAMAFACTORY_STRONG),
  own: (_keys, score) => score,
};
