import { countKeys, type Recognition } from '../program';

// axolotl (src/axolotl/utils/schemas/config.py).
export const AXOLOTL_STRONG = ['base_model', 'sequence_len', 'micro_batch_size', 'sample_packing', 'dataset_prepared_path', 'lora_target_linear', 'val_set_size', 'base_model_config', 'pad_to_sequence_len'];

export const recognition: Recognition = {
  by: 'own-keys',
  reason: 'axolotl keys',
  strong: AXOLOTL_STRONG,
  score: (keys) => countKeys(keys, AXOLOTL_STRONG),
  own: (_keys, score) => score,
};
