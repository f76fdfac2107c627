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
  const scored = catalogModelIds().map((id) => {
    const have = words(id);
    const shared = [...wanted].filter((w) => have.has(w)).length;
    return { id, score: shared / (wanted.size + have.size - shared), distance: editDistance(name.toLowerCase(), id.toLowerCase()) };
  });
  return scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.distance - b.distance)
    .slice(0, count)
    .map((s) => s.id);
}
