import { ownKeysRecognition } from '../program';

// axolotl (src/axolotl/utils/schemas/config.py).
export const AXOLOTL_STRONG = ['base_model', 'sequence_len', 'micro_batch_size', 'sample_packing', 'dataset_prepared_path', 'lora_target_linear', 'val_set_size', 'base_model_config', 'pad_to_sequence_len'];

export const recognition = ownKeysRecognition('axolotl keys', AXOLOTL_STRONG);
