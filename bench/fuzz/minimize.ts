// Delta debugging (Zeller's ddmin, simplified): removes chunks of lines, then of characters, while the failure stays.

/** The smallest text found, within `budgetMs`, for which `fails` still holds. */
export function minimize(text: string, fails: (candidate: string) => boolean, budgetMs: number): string {
  const deadline = performance.now() + budgetMs;
  let best = text;
  for (const unit of ['\n', ''] as const) {
    let parts = best.split(unit);
    let chunks = 2;
    while (parts.length > 1 && performance.now() < deadline) {
      const size = Math.ceil(parts.length / chunks);
      let removed = false;
      for (let start = 0; start < parts.length && performance.now() < deadline; start += size) {
        const candidate = [...parts.slice(0, start), ...parts.slice(start + size)];
        if (fails(candidate.join(unit))) {
          parts = candidate;
          removed = true;
          break;
        }
      }
      if (removed) chunks = Math.max(chunks - 1, 2);
      else if (size === 1) break;
      else chunks = Math.min(chunks * 2, parts.length);
    }
    best = parts.join(unit);
  }
  return best;
}
