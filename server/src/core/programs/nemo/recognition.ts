import { getChild } from '../../syntax/config-tree';
import { countKeys, keysOf, type Recognition } from '../program';

const LIGHTNING_TRAINER_KEYS = ['devices', 'num_nodes', 'accelerator', 'precision', 'strategy', 'max_steps', 'max_epochs', 'accumulate_grad_batches', 'gradient_clip_val', 'val_check_interval', 'limit_val_batches', 'log_every_n_steps'];

export const recognition: Recognition = {
  by: 'sections',
  reason: 'top-level `trainer` and `model` sections (NeMo/Hydra)',
  // NeMo's `trainer` is PyTorch Lightning's (devices, num_nodes, precision, ...); verl's and others' are not.
  matches: (root) => {
    const keys = keysOf(root);
    const lightning = countKeys(keysOf(getChild(root, 'trainer')), LIGHTNING_TRAINER_KEYS) >= 1;
    return keys.has('trainer') && keys.has('model') && root !== undefined && lightning;
  },
};
