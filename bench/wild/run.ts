// Runs `trainlint check` over public repositories nobody here wrote and prints precision per rule from the committed
// verdicts. Run: npm run build && node out/bench/wild/run.js [--cache DIR] [--mirrors DIR] [--only owner/name,...]
//   [--sample N] [--seed S] [--record FILE] [--list unjudged|unjudged-warnings|lost|sample|all]
// The repositories (repos.json) are pinned to a commit; their trees are exported into a cache outside the project
// (default $TMPDIR/trainlint-wild) from git directories laid out as MIRRORS/owner+name/repo (the library's fetch).
// Nothing fetched is ever committed: only the list and the verdicts are.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { judgeKey, loadVerdicts, type Verdict } from './verdicts';

interface RepoEntry {
  repo: string;
  commit: string;
  tunedOn: boolean;
  /** Added after the last round of fixes and never tuned on. */
  heldOut?: boolean;
}

export interface Finding {
  repo: string;
  commit: string;
  path: string;
  line: number;
  column: number;
  rule: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** The format TrainLint read the file as (hf-trainer, accelerate, deepspeed, megatron, ...): bench/wild/oracle picks what it can ask by it. */
  format: string;
}

const root = resolve(__dirname, '..', '..', '..');
const here = join(root, 'bench', 'wild');

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** Exports the pinned commit's tree into the cache once; returns undefined when no git directory holds it. */
function tree(entry: RepoEntry, cache: string, mirrors: string): string | undefined {
  const dir = join(cache, `${entry.repo.replace('/', '+')}@${entry.commit.slice(0, 12)}`);
  if (existsSync(dir)) return dir;
  const gitDir = join(mirrors, entry.repo.replace('/', '+'), 'repo');
  if (!existsSync(gitDir)) return undefined;
  const partial = `${dir}.part`;
  rmSync(partial, { recursive: true, force: true });
  exportTree(gitDir, entry.commit, partial);
  renameSync(partial, dir);
  return dir;
}

const READ = /(\.(json|ya?ml|sh|bash|slurm|py|txt|toml|cfg|lock|in)|(^|\/)(Dockerfile[^/]*|Pipfile\.lock|README[^/]*))$/i;

/**
 * Writes the files of the commit that TrainLint may read: configs and scripts, Python sources (the programs that read
 * them), what pins versions (READMEs included: `git checkout v1.0` of gpt-neox), and an empty .git folder as a clone has. A snapshot may lack its largest blobs (over 4 MiB): those are left out, which
 * `git archive` would refuse.
 */
function exportTree(gitDir: string, commit: string, into: string): void {
  const git = (args: string[], input?: Buffer) => {
    const run = spawnSync('git', ['--git-dir', gitDir, ...args], { input, maxBuffer: 2 ** 31 - 1 });
    if (run.status !== 0) throw new Error(`git ${args[0]} in ${gitDir}: ${run.stderr.toString()}`);
    return run.stdout;
  };
  const entries = git(['ls-tree', '-r', '-z', commit])
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta, path] = line.split('\t');
      const [mode, type, oid] = meta.split(' ');
      return { mode, type, oid, path };
    })
    .filter((e) => e.type === 'blob' && READ.test(e.path));
  for (let start = 0; start < entries.length; start += 500) writeBlobs(entries.slice(start, start + 500), git, into);
  // A clone has a .git folder: TrainLint takes the repository root (version pins, the launch folder) from it.
  mkdirSync(join(into, '.git'), { recursive: true });
}

function writeBlobs(entries: Array<{ mode: string; oid: string; path: string }>, git: (args: string[], input?: Buffer) => Buffer, into: string): void {
  const batch = git(['cat-file', '--batch'], Buffer.from(entries.map((e) => e.oid).join('\n') + '\n'));
  let at = 0;
  for (const e of entries) {
    const header = batch.toString('latin1', at, batch.indexOf(10, at));
    at += header.length + 1;
    if (header.endsWith(' missing')) continue;
    const size = Number(header.split(' ')[2]);
    const body = batch.subarray(at, at + size);
    at += size + 1;
    const path = join(into, e.path);
    mkdirSync(dirname(path), { recursive: true });
    if (e.mode === '120000') symlinkSync(body.toString('utf8'), path);
    else writeFileSync(path, body, { mode: e.mode === '100755' ? 0o755 : 0o644 });
  }
}

interface CheckJson {
  files: Array<{ path: string; format: string; diagnostics: Array<{ rule: string; severity: Finding['severity']; message: string; range: { start: { line: number; character: number } } }> }>;
}

/** Runs the CLI as a user would: from the repository root, with no cluster flags. */
function check(entry: RepoEntry, dir: string): { findings: Finding[]; configs: number; seconds: number } {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'check', '.', '--format', 'json'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status === 2 || !run.stdout) throw new Error(`${entry.repo}: trainlint exited ${run.status}: ${run.stderr.slice(0, 2000)}`);
  const json = JSON.parse(run.stdout) as CheckJson;
  const findings = json.files.flatMap((f) =>
    f.diagnostics.map((d) => ({ repo: entry.repo, commit: entry.commit, path: f.path.replace(/^\.\//, ''), line: d.range.start.line + 1, column: d.range.start.character + 1, rule: d.rule, severity: d.severity, message: d.message, format: f.format })),
  );
  return { findings, configs: json.files.length, seconds };
}

/** A small deterministic PRNG (mulberry32), so a seed names one warning sample. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample<T>(items: T[], n: number, seed: number): T[] {
  const next = random(seed);
  const copy = items.slice();
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, n);
}

function pct(t: number, f: number): string {
  return t + f === 0 ? '   -  ' : `${((100 * t) / (t + f)).toFixed(1).padStart(5)}%`;
}

function describe(f: Finding): string {
  return `${f.repo}@${f.commit.slice(0, 12)}\t${f.path}\t${f.line}:${f.column}\t${f.rule}\t${f.severity}\t${f.message.slice(0, 160)}`;
}

function main(): void {
  const cache = option('--cache', join(tmpdir(), 'trainlint-wild'));
  const mirrors = option('--mirrors', '/work/.mirror');
  const only = option('--only', '').split(',').filter(Boolean);
  const sampleSize = Number(option('--sample', '50'));
  const seed = Number(option('--seed', '1'));
  const list = option('--list', '');
  const record = option('--record', join(cache, 'findings.json'));
  mkdirSync(cache, { recursive: true });

  const repos = (JSON.parse(readFileSync(join(here, 'repos.json'), 'utf8')) as { repos: RepoEntry[] }).repos.filter((r) => only.length === 0 || only.includes(r.repo));
  const verdicts = loadVerdicts(readFileSync(join(here, 'verdicts.tsv'), 'utf8'));

  const all: Finding[] = [];
  const missing: string[] = [];
  console.log('repository                                   configs  errors warnings  infos  seconds');
  for (const entry of repos) {
    const dir = tree(entry, cache, mirrors);
    if (!dir) {
      missing.push(entry.repo);
      continue;
    }
    const { findings, configs, seconds } = check(entry, dir);
    all.push(...findings);
    const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
    console.log(`${(entry.repo + (entry.tunedOn ? ' (tuned on)' : entry.heldOut ? ' (held out)' : '')).padEnd(44)} ${String(configs).padStart(7)} ${String(count('error')).padStart(7)} ${String(count('warning')).padStart(8)} ${String(count('info')).padStart(6)} ${seconds.toFixed(1).padStart(8)}`);
  }
  writeFileSync(record, JSON.stringify(all, null, 1));
  if (missing.length > 0) console.log(`\nnot in the cache or the mirrors (fetch them first): ${missing.join(', ')}`);

  const verdictOf = (f: Finding): Verdict | undefined => verdicts.get(judgeKey(f));
  const errors = all.filter((f) => f.severity === 'error');
  const byRule = new Map<string, { t: number; f: number; unjudged: number }>();
  for (const e of errors) {
    const row = byRule.get(e.rule) ?? { t: 0, f: 0, unjudged: 0 };
    const v = verdictOf(e);
    if (!v) row.unjudged++;
    else if (v.real) row.t++;
    else row.f++;
    byRule.set(e.rule, row);
  }
  console.log(`\nerrors: ${errors.length} on ${repos.length - missing.length} repositories`);
  console.log('rule                                  true  false unjudged  precision');
  let t = 0;
  let f = 0;
  let unjudged = 0;
  for (const [rule, row] of [...byRule].sort((a, b) => b[1].t + b[1].f + b[1].unjudged - (a[1].t + a[1].f + a[1].unjudged))) {
    console.log(`${rule.padEnd(36)} ${String(row.t).padStart(5)} ${String(row.f).padStart(6)} ${String(row.unjudged).padStart(8)}    ${pct(row.t, row.f)}`);
    t += row.t;
    f += row.f;
    unjudged += row.unjudged;
  }
  console.log(`${'all rules'.padEnd(36)} ${String(t).padStart(5)} ${String(f).padStart(6)} ${String(unjudged).padStart(8)}    ${pct(t, f)}`);
  const heldOut = new Set(repos.filter((r) => r.heldOut).map((r) => r.repo));
  const held = errors.filter((e) => heldOut.has(e.repo)).map(verdictOf);
  console.log(`${'held-out repositories only'.padEnd(36)} ${String(held.filter((v) => v?.real).length).padStart(5)} ${String(held.filter((v) => v && !v.real).length).padStart(6)} ${String(held.filter((v) => !v).length).padStart(8)}    ${pct(held.filter((v) => v?.real).length, held.filter((v) => v && !v.real).length)}  (${heldOut.size} repositories)`);

  // A verdict that says an error is real must keep being found (as an error) by later versions.
  const reported = new Set(errors.map(judgeKey));
  const scope = new Set(repos.filter((r) => !missing.includes(r.repo)).map((r) => `${r.repo}@${r.commit.slice(0, 12)}`));
  const lost = [...verdicts.values()].filter((v) => v.real && v.severity === 'error' && scope.has(v.repoAt) && !reported.has(v.key));
  console.log(`judged-true errors still found: ${[...verdicts.values()].filter((v) => v.real && v.severity === 'error' && scope.has(v.repoAt)).length - lost.length} of ${lost.length + [...verdicts.values()].filter((v) => v.real && v.severity === 'error' && scope.has(v.repoAt) && reported.has(v.key)).length}`);

  const warnings = all.filter((w) => w.severity === 'warning').sort((a, b) => describe(a).localeCompare(describe(b)));
  const drawn = sample(warnings, sampleSize, seed);
  const real = drawn.filter((w) => verdictOf(w)?.real === true).length;
  const wrong = drawn.filter((w) => verdictOf(w)?.real === false).length;
  console.log(`\nwarnings: ${warnings.length}; a sample of ${drawn.length} (seed ${seed}): ${real} real, ${wrong} false, ${drawn.length - real - wrong} unjudged: ${pct(real, wrong)} real`);
  const judgedAll = warnings.map(verdictOf);
  const allReal = judgedAll.filter((v) => v?.real === true).length;
  const allWrong = judgedAll.filter((v) => v?.real === false).length;
  console.log(`every warning: ${allReal} real, ${allWrong} false, ${warnings.length - allReal - allWrong} unjudged: ${pct(allReal, allWrong)} real`);
  const heldWarnings = warnings.filter((w) => heldOut.has(w.repo)).map(verdictOf);
  const heldReal = heldWarnings.filter((v) => v?.real === true).length;
  const heldWrong = heldWarnings.filter((v) => v?.real === false).length;
  console.log(`held-out warnings: ${heldWarnings.length}: ${heldReal} real, ${heldWrong} false, ${heldWarnings.length - heldReal - heldWrong} unjudged: ${pct(heldReal, heldWrong)} real`);

  const show = (title: string, items: Array<Finding | Verdict>) => {
    console.log(`\n${title} (${items.length}):`);
    for (const item of items) console.log('verdict' in item ? `${item.key}\t(${item.source})` : describe(item));
  };
  if (list === 'unjudged' || list === 'all') show('unjudged errors', errors.filter((e) => !verdictOf(e)));
  if (list === 'unjudged' || list === 'all') show('unjudged warnings in the sample', drawn.filter((w) => !verdictOf(w)));
  if (list === 'unjudged-warnings' || list === 'all') show('unjudged warnings', warnings.filter((w) => !verdictOf(w)));
  if (list === 'lost' || list === 'all') show('judged-true errors no longer found', lost);
  if (list === 'sample' || list === 'all') show('the warning sample', drawn);
  console.log(`\nevery finding: ${record}`);
}

main();
