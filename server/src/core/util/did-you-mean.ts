/** Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[rows - 1][cols - 1];
}

function normalize(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

export interface Suggestion {
  candidate: string;
  distance: number;
}

/**
 * Ranks known names by closeness to an unknown one. Spelling variants that differ only in case,
 * dashes or underscores rank first (distance 0); beyond a third of the name's length nothing is suggested.
 */
export function rankSuggestions(unknown: string, candidates: Iterable<string>, limit = 3): Suggestion[] {
  const target = normalize(unknown);
  const maxDistance = Math.max(2, Math.floor(unknown.length / 3));
  const ranked: Suggestion[] = [];
  for (const candidate of candidates) {
    const norm = normalize(candidate);
    let distance = norm === target ? 0 : editDistance(target, norm);
    // A prefix such as `train_micro_batch` for `train_micro_batch_size_per_gpu` is a likely intent too.
    if (distance > maxDistance && target.length >= 6 && norm.startsWith(target)) distance = maxDistance;
    if (distance <= maxDistance) ranked.push({ candidate, distance });
  }
  ranked.sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate));
  return ranked.slice(0, limit);
}

/** The suggestion that clearly wins, if one does: close, and nearer than the runner-up by two or more. */
export function clearWinner(ranked: Suggestion[]): string | undefined {
  if (ranked.length === 0) return undefined;
  const [best, second] = ranked;
  if (best.distance > 3) return undefined;
  if (second && second.distance - best.distance < 2) return undefined;
  return best.candidate;
}
