import { getChild, getPath } from '../../syntax/config-tree';
import { str } from '../../plan/anchors';
import type { PrecisionFacts } from '../program';
import { DEEPSPEED_PRECISION_UPSTREAM } from '../deepspeed/precision';

export const precision: PrecisionFacts = {
  switches: (root) => ({
    fp16: getPath(root, 'fp16', 'enabled'),
    bf16: getPath(root, 'bf16', 'enabled'),
    upstream: DEEPSPEED_PRECISION_UPSTREAM,
  }),
  full: (root) => {
    const node = getChild(root, 'precision');
    if (str(node) !== 'fp32') return undefined;
    return { precision: 'fp32', node, why: 'precision is fp32' };
  },
};
