// Reads verdicts.tsv: one judged finding a line, decided against the upstream program's source.
// Columns (tab-separated): repo@commit (12 hex digits), path, line:column (1-based), rule, severity judged, T or F, source.
// Lines starting with '#' and blank lines are comments.

export interface Verdict {
  /** repo@commit \t path \t line \t rule: what identifies one finding across runs. */
  key: string;
  repoAt: string;
  severity: string;
  real: boolean;
  /** The upstream file (and line or commit) that decides it, in one line. */
  source: string;
  verdict: 'T' | 'F';
}

export function judgeKey(f: { repo: string; commit: string; path: string; line: number; column: number; rule: string }): string {
  return `${f.repo}@${f.commit.slice(0, 12)}\t${f.path}\t${f.line}:${f.column}\t${f.rule}`;
}

export function loadVerdicts(text: string): Map<string, Verdict> {
  const verdicts = new Map<string, Verdict>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const cols = line.split('\t');
    if (cols.length < 7 || (cols[5] !== 'T' && cols[5] !== 'F') || !/^\d+:\d+$/.test(cols[2])) throw new Error(`verdicts.tsv:${i + 1}: expected repo@commit, path, line:column, rule, severity, T|F, source`);
    const [repoAt, path, lineNo, rule, severity, verdict] = cols;
    const key = `${repoAt}\t${path}\t${lineNo}\t${rule}`;
    if (verdicts.has(key)) throw new Error(`verdicts.tsv:${i + 1}: a second verdict for ${key}`);
    verdicts.set(key, { key, repoAt, severity, real: verdict === 'T', source: cols.slice(6).join('\t'), verdict });
  });
  return verdicts;
}
