import { GPT3_PAPER_MODELS, MODEL_ARCHITECTURES, type CatalogModel } from './model-architectures';
import { MORE_MODEL_ARCHITECTURES } from './model-families';

export const ALL_MODELS: CatalogModel[] = [...MODEL_ARCHITECTURES, ...MORE_MODEL_ARCHITECTURES, ...GPT3_PAPER_MODELS];

function normalize(name: string): string {
  return name.trim().toLowerCase().replace(/^https?:\/\/huggingface\.co\//, '').replace(/\/+$/, '');
}

/**
 * The catalog entry for a Hugging Face id, case-insensitively; a bare model name without the organisation
 * ("Llama-3.1-8B") matches when exactly one entry ends with it. GPT-3 paper sizes answer to "GPT-3 175B" or "gpt3/175b".
 */
export function findModel(name: string): CatalogModel | undefined {
  const wanted = normalize(name);
  if (wanted === '') return undefined;
  const exact = ALL_MODELS.find((m) => normalize(m.id) === wanted || (m.aliases ?? []).some((a) => normalize(a) === wanted));
  if (exact) return exact;
  const bySuffix = ALL_MODELS.filter((m) => normalize(m.id).endsWith('/' + wanted));
  return bySuffix.length === 1 ? bySuffix[0] : undefined;
}

export function catalogModelIds(): string[] {
  return ALL_MODELS.map((m) => m.id);
}
