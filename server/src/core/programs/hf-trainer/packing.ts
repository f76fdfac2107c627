import { flag, str } from '../../plan/anchors';
import { getChild, getPath } from '../../syntax/config-tree';
import { addKeys, fixOf, setValue } from '../../rules/research/common';
import type { Program } from '../program';
import { programKeys } from '../../rules/program-rules';

/** A program's own switch for the attention kernel (use_flash_attn, use_flash_attention_2, attn_impl, flash_attn). */
const OWN_FLASH_SWITCH = /flash|^attn_impl|attention_impl/i;
// TRL sft_trainer.py FLASH_ATTENTION_VARIANTS (huggingface/trl 00313f21): the implementations it trusts with packed rows.
const TRL_FLASH = new Set(['flash_attention_2', 'flash_attention_3', 'kernels-community/flash-attn', 'kernels-community/flash-attn2', 'kernels-community/flash-attn3', 'kernels-community/vllm-flash-attn3']);

/** TRL's packing and padding_free: position_ids keep examples apart only under FlashAttention-style kernels. */
export const packingProblem: Program['packingProblem'] = (root, ctx) => {
  const get = (key: string) => getChild(root, key);
  const packing = get('packing');
  const paddingFree = get('padding_free');
  const packs = flag(packing) === true;
  if (!packs && flag(paddingFree) !== true) return undefined;
  // The program's own argument class defines the switch (open-instruct's packing): TRL's semantics are not its.
  const own = programKeys(ctx);
  if (own && [packing, paddingFree].some((n) => n && own.defined.has(n.pointer))) return undefined;
  // The program picks the attention kernel from a switch of its own (peft's examples/sft `--use_flash_attn True`
  // sets attn_implementation="flash_attention_2" in utils.py; ms-swift's `--attn_impl flash_attention_2`).
  if (root.children.some((c) => c.key !== 'attn_implementation' && OWN_FLASH_SWITCH.test(String(c.key)) && (flag(c) === true || /flash/i.test(str(c) ?? '')))) return undefined;
  const strategy = str(get('packing_strategy')) ?? 'bfd';
  if (packs && strategy === 'wrapped') {
    return {
      node: get('packing_strategy') ?? packing!,
      message: 'packing_strategy wrapped concatenates examples into fixed-length rows with no boundary between them: attention runs across examples, so each example is conditioned on the unrelated ones before it (the pre-training convention, not what an SFT run wants). "Without proper masking of each packed training example, attention will not be computed correctly" (Kundu et al. 2024, Enhancing Training Efficiency Using Packing with Flash Attention). Use the default bfd strategy, which keeps position_ids per example, with a FlashAttention implementation.',
      fix: fixOf('Use packing_strategy bfd (per-example position_ids)', setValue(ctx, get('packing_strategy'), 'bfd')),
    };
  }
  const attn = get('attn_implementation') ?? getPath(root, 'model_init_kwargs', 'attn_implementation');
  const impl = str(attn);
  if (impl && TRL_FLASH.has(impl)) return undefined;
  const what = packs ? `packing (strategy ${strategy})` : 'padding_free';
  return {
    node: packs ? packing! : paddingFree!,
    message: `${what} flattens examples into one row and relies on position_ids to keep them apart, which only FlashAttention-style kernels honour; attn_implementation is ${impl ?? 'not set (transformers picks sdpa)'}. TRL warns that other implementations "may lead to cross-contamination between samples" (trl/trainer/sft_trainer.py). "Without proper masking of each packed training example, attention will not be computed correctly" (Kundu et al. 2024). Set attn_implementation to flash_attention_2 (or 3).`,
    fix: attn ? fixOf('Set attn_implementation to flash_attention_2', setValue(ctx, attn, 'flash_attention_2')) : fixOf('Add attn_implementation: flash_attention_2', addKeys(ctx, root, [['attn_implementation', 'flash_attention_2']])),
  };
};
