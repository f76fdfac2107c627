import { getPath } from '../../syntax/config-tree';
import { flag } from '../../plan/anchors';
import type { PrecisionFacts } from '../program';

const UPSTREAM = 'DeepSpeed asserts "bfloat16 and fp16 modes cannot be simultaneously enabled"';

export const precision: PrecisionFacts = {
  switches: (root) => ({
    fp16: getPath(root, 'fp16', 'enabled'),
    bf16: getPath(root, 'bf16', 'enabled') ?? getPath(root, 'bfloat16', 'enabled'),
    upstream: UPSTREAM,
  }),
  full: (root, ctx) => {
    const bf16 = getPath(root, 'bf16', 'enabled') ?? getPath(root, 'bfloat16', 'enabled');
    const fp16 = getPath(root, 'fp16', 'enabled');
    if (flag(bf16) === true || flag(fp16) === true || bf16?.value === 'auto' || fp16?.value === 'auto') return undefined;
    // Without fp16/bf16 sections DeepSpeed trains in fp32 (keys/deepspeed.json); only judged when DeepSpeed itself reads the file.
    const explicit = flag(bf16) === false && (flag(fp16) === false || !fp16);
    if (!explicit && !(ctx.consumerStated && ctx.consumer === 'deepspeed' && !bf16 && !fp16)) return undefined;
    return { precision: 'fp32', node: bf16 ?? fp16, why: explicit ? 'bf16.enabled is false' : 'no fp16 or bf16 section (DeepSpeed trains in fp32)', fixNode: bf16, fixValue: true };
  },
};

/** GPT-NeoX hands fp16 and bf16 sections to DeepSpeed as they are. */
export const DEEPSPEED_PRECISION_UPSTREAM = UPSTREAM;
