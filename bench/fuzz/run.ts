// Fuzzes TrainLint in-process: mutated fixtures, examples and (when present) the shared corpus, read in place, through
// analysis, plan, estimate and safe fixes (check-case.ts). Each new failure is minimized and saved under
// test/fuzz-regressions/ (the text as ID.<ext> and a sidecar ID.case.json), which test/fuzz-regressions.test.ts replays.
// Run: npm run build && node out/bench/fuzz/run.js --seed 1 --count 10000 [--from N] [--seconds S] [--out DIR]
// (--seconds stops earlier, after that much wall time, and says how many cases ran.)
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { languageOf } from '../../server/src/core/analyze';
import { loadShellParser } from '../../server/src/node/shell-parser';
import { checkCase, type Failure } from './check-case';
import { minimize } from './minimize';
import { mutate } from './mutate';
import { caseRng } from './rng';

const root = resolve(__dirname, '..', '..', '..');
const CONFIG = /\.(json|ya?ml|sh|bash|slurm)$/;
const MAX_BYTES = 200_000;

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) return files(path);
    return stat.isFile() && CONFIG.test(name) && stat.size < MAX_BYTES ? [path] : [];
  });
}

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

/** What makes two failures the same bug: the kind and the first line of what went wrong, without numbers. */
function signature(failure: Failure): string {
  return `${failure.kind}:${failure.detail.split('\n')[0].replace(/\d+/g, 'N')}`;
}

async function main(): Promise<void> {
  const seed = Number(option('seed', '1'));
  const count = Number(option('count', '1000'));
  // Cases are independent (case i is caseRng(seed, i)), so a long run can be split: --from 50000 --count 50000.
  const from = Number(option('from', '0'));
  const seconds = Number(option('seconds', 'Infinity'));
  const out = resolve(option('out', join(root, 'test', 'fuzz-regressions')));
  const shellParser = await loadShellParser();
  const sources = [...files(join(root, 'test', 'fixtures')), ...files(join(root, 'examples')), ...files(resolve(root, '..', 'shared', 'corpus'))]
    .map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  console.log(`${sources.length} seed files; seed ${seed}, cases ${from} to ${from + count - 1}`);
  const seen = new Set<string>();
  let failures = 0;
  const start = performance.now();
  let ran = 0;
  for (let i = from; i < from + count && performance.now() - start < seconds * 1000; i++, ran++) {
    const rng = caseRng(seed, i);
    const source = rng.pick(sources);
    const name = basename(source.path);
    const text = mutate(source.text, languageOf(name, source.text), rng);
    const failure = checkCase(text, name, shellParser);
    if (failure) {
      failures++;
      const sig = signature(failure);
      if (!seen.has(sig)) {
        seen.add(sig);
        // Kept only while it fails the same way; each try of a slow case takes seconds, so it gets a longer budget.
        const stillFails = (t: string) => {
          const again = checkCase(t, name, shellParser);
          return again !== undefined && signature(again) === sig;
        };
        const small = minimize(text, stillFails, failure.kind === 'slow' ? 60_000 : 20_000);
        const id = `${failure.kind}-${createHash('sha256').update(small).digest('hex').slice(0, 10)}`;
        mkdirSync(out, { recursive: true });
        writeFileSync(join(out, id + extname(name)), small);
        writeFileSync(join(out, id + '.case.json'), JSON.stringify({ kind: failure.kind, detail: failure.detail, name, from: relative(root, source.path), seed, case: i }, null, 2) + '\n');
        console.log(`case ${i}: ${failure.kind} (${name}) -> ${join(out, id + extname(name))}\n  ${failure.detail.split('\n')[0]}`);
      }
    }
    if ((ran + 1) % 1000 === 0) console.log(`${ran + 1} cases (up to case ${i}), ${((ran + 1) / ((performance.now() - start) / 1000)).toFixed(0)} cases/s, ${failures} failures`);
  }
  const took = (performance.now() - start) / 1000;
  console.log(`done: ${ran} cases in ${took.toFixed(1)} s (${(ran / took).toFixed(0)} cases/s), ${failures} failures, ${seen.size} distinct`);
  process.exitCode = failures > 0 ? 1 : 0;
}

void main();
