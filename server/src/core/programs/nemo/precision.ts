import { getPath } from '../../syntax/config-tree';
import type { PrecisionFacts } from '../program';

export const precision: PrecisionFacts = {
  full: (root) => {
    const node = getPath(root, 'trainer', 'precision');
    const value = String(node?.value ?? '');
    // keys/nemo.json trainer.precision: 32, '32' and '32-true' are full precision (default bf16).
    if (!node || !/^32(-true)?$/.test(value)) return undefined;
    return { precision: 'fp32', node, why: `trainer.precision is ${value}`, fixNode: node, fixValue: 'bf16-mixed' };
  },
};
