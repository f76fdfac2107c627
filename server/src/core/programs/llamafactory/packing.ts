import { flag, str } from '../../plan/anchors';
import { getChild } from '../../syntax/config-tree';
import { addKeys, fixOf } from '../../rules/research/common';
import type { Program } from '../program';

/** LLaMA-Factory's SFT packing crosses example boundaries unless neat_packing is on. */
export const packingProblem: Program['packingProblem'] = (root, ctx) => {
  const get = (key: string) => getChild(root, key);
  const packing = get('packing');
  const stage = str(get('stage')) ?? 'sft';
  if (flag(packing) !== true || stage !== 'sft' || flag(get('neat_packing')) === true) return undefined;
  return {
    node: packing!,
    message: 'packing is on for SFT without neat_packing: LLaMA-Factory concatenates examples and attention crosses their boundaries. "Without proper masking of each packed training example, attention will not be computed correctly" (Kundu et al. 2024). neat_packing packs without cross-attention between examples (and is only allowed for SFT).',
    fix: fixOf('Add neat_packing: true (packing without cross-attention)', addKeys(ctx, root, [['neat_packing', true]])),
  };
};
