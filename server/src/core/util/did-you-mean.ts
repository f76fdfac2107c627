let rows = [new Uint32Array(64), new Uint32Array(64), new Uint32Array(64)];

/**
 * Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions), computed with three
 * rolling rows; it stops early and returns `max + 1` once every cell of a row exceeds `max`.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  const cols = b.length + 1;
  // The rows are reused from call to call (ranking compares one name with hundreds); every cell read is written first.
  if (rows[0].length < cols) rows = [new Uint32Array(cols * 2), new Uint32Array(cols * 2), new Uint32Array(cols * 2)];
  let [before, previous, current] = rows;
  for (let j = 0; j < cols; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    const oldest = before;
    before = previous;
    previous = current;
    current = oldest;
  }
  return previous[cols - 1];
}

// Candidates are schema keys, a bounded set: normalizing each once keeps ranking against 800 flags cheap.
const normalized = new Map<string, string>();

function normalize(key: string): string {
  let value = normalized.get(key);
  if (value === undefined) {
    value = key.toLowerCase().replace(/[-_\s]/g, '');
    if (normalized.size < 20_000) normalized.set(key, value);
  }
  return value;
}

// The characters of a normalized name counted in 37 bins (a-z, 0-9, anything else), cached like `normalized`.
const counted = new Map<string, Uint16Array>();

function countsOf(norm: string): Uint16Array {
  let counts = counted.get(norm);
  if (!counts) {
    counts = new Uint16Array(37);
    for (let i = 0; i < norm.length; i++) {
      const c = norm.charCodeAt(i);
      counts[c >= 97 && c <= 122 ? c - 97 : c >= 48 && c <= 57 ? c - 22 : 36]++;
    }
    if (counted.size < 20_000) counted.set(norm, counts);
  }
  return counts;
}

/**
 * A lower bound of the edit distance: an insertion or deletion changes the character counts by one, a substitution by
 * two, a transposition not at all. Ranking an unknown key against a thousand flags rules most out here.
 */
function countBound(a: Uint16Array, b: Uint16Array): number {
  let diff = 0;
  for (let i = 0; i < 37; i++) diff += Math.abs(a[i] - b[i]);
  return Math.ceil(diff / 2);
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
  const targetCounts = countsOf(target);
  const ranked: Suggestion[] = [];
  for (const candidate of candidates) {
    const norm = normalize(candidate);
    let distance: number;
    if (norm === target) distance = 0;
    // A prefix such as `train_micro_batch` for `train_micro_batch_size_per_gpu` is a likely intent too.
    else if (target.length >= 6 && norm.startsWith(target)) distance = Math.min(maxDistance, norm.length - target.length);
    // The edit distance is at least the difference in length: most of a large flag list is ruled out here.
    else if (Math.abs(norm.length - target.length) > maxDistance) continue;
    else if (countBound(targetCounts, countsOf(norm)) > maxDistance) continue;
    else distance = editDistance(target, norm, maxDistance);
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
