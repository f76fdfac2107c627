import { getChild } from '../../syntax/config-tree';
import type { OptimizerKeys } from '../program';

/** TrainingArguments' optimizer fields; it defaults to AdamW (transformers training_args.py `optim`). */
export const optimizer: OptimizerKeys = {
  name: (root) => getChild(root, 'optim'),
  defaultName: 'adamw_torch',
  learningRates: (root) => [getChild(root, 'learning_rate')],
  steps: (root) => [getChild(root, 'warmup_steps'), getChild(root, 'max_steps')],
  adam: (root) => ({ beta1: getChild(root, 'adam_beta1'), beta2: getChild(root, 'adam_beta2'), eps: getChild(root, 'adam_epsilon') }),
};
