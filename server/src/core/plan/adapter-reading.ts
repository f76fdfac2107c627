import type { ConfigNode } from '../syntax/config-tree';
import type { AdapterSpec } from '../estimate/plan';
import { str } from './anchors';

/** What a program's adapter options say, in the plan's terms, and the defaults its reader took. */
export interface AdapterReading {
  adapter: AdapterSpec;
  notes: string[];
}

/**
 * LoRA target modules as a list (`[q_proj, v_proj]`) or a comma-separated string (`q_proj,v_proj`); the programs'
 * words for every linear layer but the output one (`all-linear` in PEFT, `all` in LLaMA-Factory and QLoRA's repo)
 * become `all-linear`.
 */
export function targetModulesOf(node: ConfigNode | undefined): string[] | undefined {
  const names = node?.kind === 'array'
    ? node.children.map((c) => String(c.value ?? '').trim())
    : str(node)?.split(',').map((s) => s.trim());
  const kept = names?.filter(Boolean);
  if (!kept?.length) return undefined;
  return kept.some((n) => n === 'all-linear' || n === 'all') ? ['all-linear'] : kept;
}

/**
 * PEFT modules_to_save as the programs write it (a list or a comma-separated string): the input embedding
 * (embed_tokens, wte, word_embeddings) and the output layer (lm_head, output) are what it is used for.
 */
export function savedModulesOf(node: ConfigNode | undefined): AdapterSpec['savedModules'] {
  const names = targetModulesOf(node) ?? [];
  const saved: Array<'embedding' | 'lmHead'> = [];
  if (names.some((n) => /(?:^|\.)(?:embed_tokens|wte|word_embeddings|tok_embeddings)$/.test(n))) saved.push('embedding');
  if (names.some((n) => /(?:^|\.)(?:lm_head|output|embed_out)$/.test(n))) saved.push('lmHead');
  return saved.length > 0 ? saved : undefined;
}

/** A torch dtype name as bitsandbytes' bnb_4bit_quant_storage takes it ("bfloat16", "torch.bfloat16", "uint8"). */
export function quantStorageOf(text: string | undefined): AdapterSpec['quantStorage'] {
  const name = text?.replace(/^torch\./, '').toLowerCase();
  if (name === 'bfloat16' || name === 'bf16') return 'bf16';
  if (name === 'float16' || name === 'fp16' || name === 'half') return 'fp16';
  if (name === 'float32' || name === 'fp32' || name === 'float') return 'fp32';
  if (name === 'uint8') return 'uint8';
  return undefined;
}

/** The adapter a LoRA over a base loaded at `bits` (4, 8 or 16) describes: QLoRA below 16 bits. */
export function loraAdapter(bits: number, fields: Omit<AdapterSpec, 'type' | 'baseBits'>): AdapterSpec {
  const stated = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return { type: bits < 16 ? 'qlora' : 'lora', baseBits: bits, ...stated };
}
