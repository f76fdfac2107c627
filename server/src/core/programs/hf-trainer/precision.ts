import { getChild } from '../../syntax/config-tree';
import { flag } from '../../plan/anchors';
import type { PrecisionFacts } from '../program';

/** TrainingArguments' switches; axolotl and LLaMA-Factory pass theirs on to it. */
export const precision: PrecisionFacts = {
  switches: (root) => ({
    fp16: getChild(root, 'fp16'),
    bf16: getChild(root, 'bf16'),
    upstream: 'TrainingArguments raises "At most one of fp16 and bf16 can be True, but not both"',
  }),
  full: (root) => {
    // TRL resolves an unset bf16 to "not fp16" and axolotl defaults it to auto: only an explicit false counts.
    const bf16 = getChild(root, 'bf16');
    if (flag(bf16) !== false || flag(getChild(root, 'fp16')) === true || flag(getChild(root, 'pure_bf16')) === true) return undefined;
    const tf32 = flag(getChild(root, 'tf32')) === true;
    return { precision: tf32 ? 'tf32' : 'fp32', node: bf16, why: `bf16 is false${tf32 ? ' and tf32 is on' : ' and fp16 is off'}`, fixNode: bf16, fixValue: true };
  },
};
