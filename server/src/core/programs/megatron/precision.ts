import { getChild } from '../../syntax/config-tree';
import { str } from '../../plan/anchors';
import type { PrecisionFacts } from '../program';
import { megatronArgs } from './arguments';

export const precision: PrecisionFacts = {
  switches: (root) => {
    // Launch-script flags, or --yaml-cfg keys (top level or model_parallel).
    const mp = getChild(root, 'model_parallel');
    return {
      fp16: getChild(root, 'fp16') ?? getChild(mp, 'fp16'),
      bf16: getChild(root, 'bf16') ?? getChild(mp, 'bf16'),
      upstream: 'Megatron\'s validate_args asserts `not args.bf16` when fp16 is set (a bare assert, no message)',
    };
  },
  full: (root, ctx) => {
    const args = megatronArgs(ctx.tree, root, ctx.settings);
    if (!args) return undefined;
    if (args.on('bf16') || args.on('fp16') || (str(args.node('fp8_format')) ?? str(args.node('fp8'))) !== undefined) return undefined;
    // keys/megatron-args.json: --fp16 and --bf16 default to false, so Megatron-LM trains in fp32.
    return { precision: 'fp32', node: args.node('bf16') ?? args.node('fp16'), why: 'neither --bf16 nor --fp16 is given (Megatron-LM defaults to fp32)' };
  },
};
