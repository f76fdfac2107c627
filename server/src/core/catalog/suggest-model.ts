import { catalogModelIds } from './find-model';
import { editDistance } from '../util/did-you-mean';

/** Words of a model id: organisation and name parts, sizes kept whole ("7b", "1.5b"), letters split from digits. */
function words(id: string): Set<string> {
  const parts = id.toLowerCase().split(/[^a-z0-9.]+/).flatMap((p) => (/^\d+(?:\.\d+)?[bm]$/.test(p) ? [p] : p.match(/[a-z]+|\d+(?:\.\d+)?/g) ?? []));
  return new Set(parts.filter((p) => p !== '.'));
}

/**
 * Catalog ids closest to a name the catalog does not know, for "use the architecture of ..." choices: most words in
 * common (family, version, size) relative to all words of both (Jaccard), then the smaller edit distance.
 */
export function closestModels(name: string, count = 3): string[] {
  const wanted = words(name);
  const scored = catalogWords().map(({ id, have }) => {
    const shared = [...wanted].filter((w) => have.has(w)).length;
    return { id, score: shared / (wanted.size + have.size - shared) };
  }).filter((s) => s.score > 0);
  // The edit distance only breaks ties among ids that share words: computed for those alone.
  const distance = new Map(scored.map((s) => [s.id, editDistance(name.toLowerCase(), s.id.toLowerCase())]));
  return scored
    .sort((a, b) => b.score - a.score || distance.get(a.id)! - distance.get(b.id)!)
    .slice(0, count)
    .map((s) => s.id);
}

let catalogWordsCache: Array<{ id: string; have: Set<string> }> | undefined;

function catalogWords(): Array<{ id: string; have: Set<string> }> {
  catalogWordsCache ??= catalogModelIds().map((id) => ({ id, have: words(id) }));
  return catalogWordsCache;
}
