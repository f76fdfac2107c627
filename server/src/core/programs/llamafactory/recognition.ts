import { ownKeysRecognition } from '../program';

// LLaMA-Factory (src/llamafactory/hparams/*.py).
export const LLAMAFACTORY_STRONG = ['finetuning_type', 'template', 'cutoff_len', 'stage', 'lora_target', 'pref_beta', 'dataset_dir', 'max_samples', 'dist_config', 'model_class'];

export const recognition = ownKeysRecognition('LLaMA-Factory keys', LLAMAFACTORY_STRONG);
