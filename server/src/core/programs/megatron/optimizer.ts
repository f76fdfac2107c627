import { getChild, type ConfigNode } from '../../syntax/config-tree';
import { firstNode } from '../../facts/values';
import type { OptimizerKeys } from '../program';

/** A Megatron argument as a launch flag (`--train-iters`) or a --yaml-cfg key (`train_iters`). */
function arg(root: ConfigNode, dest: string): ConfigNode | undefined {
  return firstNode(getChild(root, dest.replace(/_/g, '-')), getChild(root, dest));
}

/**
 * Megatron-LM's optimizer arguments (megatron/training/arguments.py _add_learning_rate_args, _add_regularization_args):
 * --optimizer defaults to adam (decoupled weight decay). The learning rate and its floor scale together; the schedule's
 * iteration counts shrink with a larger batch, while --train-samples / --lr-*-samples count samples and stay.
 */
export const optimizer: OptimizerKeys = {
  name: (root) => arg(root, 'optimizer'),
  defaultName: 'adam',
  learningRates: (root) => [arg(root, 'lr'), arg(root, 'min_lr')],
  steps: (root) => [arg(root, 'train_iters'), arg(root, 'lr_warmup_iters'), arg(root, 'lr_decay_iters'), arg(root, 'lr_wsd_decay_iters')],
  adam: (root) => ({ beta1: arg(root, 'adam_beta1'), beta2: arg(root, 'adam_beta2'), eps: arg(root, 'adam_eps') }),
};
