import { GPT3_PAPER_MODELS, MODEL_ARCHITECTURES, type CatalogModel } from './model-architectures';
import { MORE_MODEL_ARCHITECTURES } from './model-families';

export const ALL_MODELS: CatalogModel[] = [...MODEL_ARCHITECTURES, ...MORE_MODEL_ARCHITECTURES, ...GPT3_PAPER_MODELS];

function normalize(name: string): string {
  return name.trim().toLowerCase().replace(/^https?:\/\/huggingface\.co\//, '').replace(/\/+$/, '');
}

// Built once: every id and alias by its normalized form, and every entry by the name after its organisation.
let byName: Map<string, CatalogModel> | undefined;
let byBareName: Map<string, CatalogModel[]> | undefined;

function indexes(): { byName: Map<string, CatalogModel>; byBareName: Map<string, CatalogModel[]> } {
  if (!byName || !byBareName) {
    byName = new Map();
    byBareName = new Map();
    for (const m of ALL_MODELS) {
      for (const id of [m.id, ...(m.aliases ?? [])]) if (!byName.has(normalize(id))) byName.set(normalize(id), m);
      const id = normalize(m.id);
      // Every tail after a slash, so "org/name" and "name" both find "org/name" (ids have at most one slash).
      for (let i = id.indexOf('/'); i >= 0; i = id.indexOf('/', i + 1)) {
        const tail = id.slice(i + 1);
        byBareName.set(tail, [...(byBareName.get(tail) ?? []), m]);
      }
    }
  }
  return { byName, byBareName };
}

/**
 * The catalog entry for a Hugging Face id, case-insensitively; a bare model name without the organisation
 * ("Llama-3.1-8B") matches when exactly one entry ends with it. GPT-3 paper sizes answer to "GPT-3 175B" or "gpt3/175b".
 */
export function findModel(name: string): CatalogModel | undefined {
  const wanted = normalize(name);
  if (wanted === '') return undefined;
  const { byName, byBareName } = indexes();
  const exact = byName.get(wanted);
  if (exact) return exact;
  const bySuffix = byBareName.get(wanted) ?? [];
  return bySuffix.length === 1 ? bySuffix[0] : undefined;
}

/**
 * The one catalog model whose bare name a folder name contains between separators (`adgen-chatglm2-6b-ft-1e-4` holds
 * chatglm2-6b), the longest when one contains another; undefined when none or two different models match.
 */
export function modelNamedWithin(folder: string): { model: CatalogModel; named: string } | undefined {
  const name = normalize(folder);
  const matches: Array<{ bare: string; model: CatalogModel }> = [];
  for (const [id, model] of indexes().byName) {
    const bare = id.slice(id.lastIndexOf('/') + 1);
    // Only names that carry a size (7b, 1.5b, 350m): a family word alone ("llama") names no shape.
    if (!/\d(?:\.\d+)?[bm]\b/.test(bare)) continue;
    const at = name.indexOf(bare);
    if (at < 0) continue;
    const before = at === 0 ? '' : name[at - 1];
    const after = name[at + bare.length] ?? '';
    if (/[a-z0-9.]/.test(before) || /[a-z0-9.]/.test(after)) continue;
    matches.push({ bare, model });
  }
  const longest = matches.filter((m) => !matches.some((o) => o.bare.length > m.bare.length && o.bare.includes(m.bare)));
  const distinct = new Set(longest.map((m) => m.model));
  return distinct.size === 1 ? { model: longest[0].model, named: longest[0].bare } : undefined;
}

/** Every catalog entry for a picker: its id, and its family with its parameter count where one is known. */
export function catalogModelEntries(): Array<{ id: string; detail: string }> {
  return ALL_MODELS.map((m) => {
    const total = m.exactParams?.total ?? m.published?.total ?? m.derivedParams?.total;
    return { id: m.id, detail: total ? `${m.family}, ${(total / 1e9).toFixed(total < 1e10 ? 1 : 0)}B parameters` : m.family };
  });
}

export function catalogModelIds(): string[] {
  return ALL_MODELS.map((m) => m.id);
}
