// Prints how long `check` takes: in-process per file (median and p95 over the corpus, warm),
// and the CLI end to end on 1,000 files. Run: npx tsc -p . && node scripts/bundle.mjs && node out/bench/check-speed.js
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { analyze } from '../server/src/core/index';
import { loadShellParser } from '../server/src/node/shell-parser';

const root = resolve(__dirname, '..', '..');
const shared = resolve(root, '..', 'shared', 'corpus');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(json|ya?ml|sh|bash|slurm)$/.test(name) && name !== 'manifest.json' && name !== 'reference-facts.json' ? [path] : [];
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function main(): Promise<void> {
const shellParser = await loadShellParser();
let sources: Array<{ path: string; text: string }>;
try {
  sources = files(shared).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
} catch {
  sources = files(join(root, 'examples')).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  console.log('(no ../shared: timing the examples instead)');
}

for (const s of sources) analyze(s.text, { path: s.path, shellParser }); // Warm up: schema compilation, JIT.
const perFile: number[] = [];
for (const s of sources) {
  const runs: number[] = [];
  for (let i = 0; i < 20; i++) {
    const start = process.hrtime.bigint();
    analyze(s.text, { path: s.path, shellParser });
    runs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  runs.sort((a, b) => a - b);
  perFile.push(runs[runs.length >> 1]);
}
perFile.sort((a, b) => a - b);
const bytes = sources.reduce((n, s) => n + s.text.length, 0);
console.log(`in-process check, ${sources.length} files (${(bytes / sources.length / 1024).toFixed(1)} KiB on average):`);
console.log(`  median ${percentile(perFile, 0.5).toFixed(2)} ms per file, p95 ${percentile(perFile, 0.95).toFixed(2)} ms, max ${perFile[perFile.length - 1].toFixed(2)} ms`);

const dir = mkdtempSync(join(tmpdir(), 'trainlint-bench-'));
for (let i = 0; i < 1000; i++) {
  const s = sources[i % sources.length];
  writeFileSync(join(dir, `${String(i).padStart(4, '0')}-${basename(s.path)}`), s.text);
}
const cli = join(root, 'dist', 'cli.js');
const start = process.hrtime.bigint();
const run = spawnSync(process.execPath, [cli, 'check', dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
rmSync(dir, { recursive: true, force: true });
if (run.status !== 0 && run.status !== 1) throw new Error(`CLI failed: ${run.stderr}`);
console.log(`CLI on 1,000 files (one process, start-up included): ${seconds.toFixed(2)} s`);
}

void main();
