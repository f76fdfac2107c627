import { flag } from '../../plan/anchors';
import { getChild } from '../../syntax/config-tree';
import { addKeys, fixOf } from '../../rules/research/common';
import type { Program } from '../program';

// axolotl: the deprecated attention switches map to attn_implementation (keys/axolotl.json @ 067b021c).
const AXOLOTL_BACKEND_SWITCHES = ['flash_attention', 'sdp_attention', 'flex_attention', 'xformers_attention', 'eager_attention', 'sage_attention', 's2_attention'];

/** axolotl's sample_packing needs an attention backend to keep packed examples apart. */
export const packingProblem: Program['packingProblem'] = (root, ctx) => {
  const get = (key: string) => getChild(root, key);
  const packing = get('sample_packing');
  if (flag(packing) !== true) return undefined;
  if (get('attn_implementation') || AXOLOTL_BACKEND_SWITCHES.some((k) => flag(get(k)) === true)) return undefined;
  return {
    node: packing!,
    message: 'sample_packing is on but no attention backend is set: axolotl warns that "`sample_packing` without an attention backend does not handle cross-sample decontamination" (src/axolotl/utils/schemas/validation.py), so packed examples attend to each other. "Without proper masking of each packed training example, attention will not be computed correctly" (Kundu et al. 2024). Set attn_implementation to a packing-capable backend such as flash_attention_2.',
    fix: fixOf('Add attn_implementation: flash_attention_2', addKeys(ctx, root, [['attn_implementation', 'flash_attention_2']])),
  };
};
