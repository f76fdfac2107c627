import { getPath } from '../../syntax/config-tree';
import type { OptimizerKeys } from '../program';

/** ds_config's optimizer and scheduler sections (deepspeed/runtime/config.py): no default optimizer. */
export const optimizer: OptimizerKeys = {
  name: (root) => getPath(root, 'optimizer', 'type'),
  learningRates: (root) => [getPath(root, 'optimizer', 'params', 'lr'), getPath(root, 'scheduler', 'params', 'warmup_max_lr')],
  steps: (root) => [getPath(root, 'scheduler', 'params', 'warmup_num_steps'), getPath(root, 'scheduler', 'params', 'total_num_steps')],
  adam: (root) => {
    const betas = getPath(root, 'optimizer', 'params', 'betas');
    return { beta1: betas?.children[0], beta2: betas?.children[1], eps: getPath(root, 'optimizer', 'params', 'eps') };
  },
};
