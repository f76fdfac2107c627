// How many training configs of the wild repositories get a per-GPU memory figure, and what the others lack.
// Run: npm run build && node out/bench/wild/run.js (exports the trees) && node out/bench/wild/estimates.js [--cache DIR]
//   [--only owner/name,...] [--list missing|no-plan [--stated]] [--raw]
// Each file `trainlint check` reads as a training run (a Trainer YAML or script, axolotl, LLaMA-Factory, Megatron, NeMo,
// GPT-NeoX) is estimated as `trainlint estimate FILE --gpu G` would, G the GPU its repository states (repos.json
// `statedGpu`, quoted from the repository) or else an H100. A DeepSpeed or accelerate config alone is not a run: it is
// estimated with the file that launches it. The figure counts when the memory block is available; otherwise the line
// that names what is missing is printed, grouped by what it names.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { planFor, runEstimate } from '../../server/src/cli/estimate-command';
import { howToGive } from '../../server/src/core/report/estimate-report';
import { loadShellParser } from '../../server/src/node/shell-parser';

interface RepoEntry {
  repo: string;
  commit: string;
  /** The GPU the repository says its recipes ran on, with the sentence that says so. */
  statedGpu?: { gpu: string; quote: string; where: string; paths?: string[] };
}

const RUN_FORMATS = new Set(['hf-trainer', 'axolotl', 'llamafactory', 'megatron', 'nemo', 'neox']);
const root = resolve(__dirname, '..', '..', '..');

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

interface Outcome {
  repo: string;
  path: string;
  format: string;
  stated: boolean;
  result: 'figure' | 'missing' | 'no-plan';
  why?: string;
  /** The model the file names, for --list. */
  model?: string;
}

async function main(): Promise<void> {
  const cache = option('--cache', join(tmpdir(), 'trainlint-wild'));
  const only = option('--only', '').split(',').filter(Boolean);
  const list = option('--list', '');
  const repos = (JSON.parse(readFileSync(join(root, 'bench', 'wild', 'repos.json'), 'utf8')).repos as RepoEntry[]).filter((r) => only.length === 0 || only.includes(r.repo));
  const shellParser = await loadShellParser();
  const outcomes: Outcome[] = [];
  for (const entry of repos) {
    const dir = join(cache, `${entry.repo.replace('/', '+')}@${entry.commit.slice(0, 12)}`);
    if (!existsSync(dir)) {
      console.log(`${entry.repo}: not exported (run out/bench/wild/run.js first)`);
      continue;
    }
    const checked = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'check', dir, '--format', 'json', '--fail-on', 'error'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const files = (JSON.parse(checked.stdout).files as Array<{ path: string; format: string }>).filter((f) => RUN_FORMATS.has(f.format));
    for (const file of files) {
      const path = file.path.slice(dir.length + 1);
      const stated = entry.statedGpu !== undefined && (entry.statedGpu.paths ?? ['']).some((p) => path.startsWith(p));
      const gpu = stated ? entry.statedGpu!.gpu : 'h100-sxm';
      const base: Omit<Outcome, 'result'> = { repo: entry.repo, path, format: file.format, stated };
      try {
        const { plan } = planFor({ file: file.path }, { cluster: { gpu } }, shellParser);
        const memory = runEstimate(plan, undefined, undefined).memory;
        Object.assign(base, { model: plan.model?.name });
        outcomes.push(memory.available ? { ...base, result: 'figure' } : { ...base, result: 'missing', why: process.argv.includes('--raw') ? memory.missing.join('; ') : [...new Set(memory.missing.map(howToGive))].join('; ') });
      } catch (error) {
        outcomes.push({ ...base, result: 'no-plan', why: error instanceof Error ? error.message.replace(file.path, '').replace(/^: /, '') : String(error) });
      }
    }
  }
  const share = (part: number, all: number) => (all === 0 ? '-' : `${((100 * part) / all).toFixed(1)}%`);
  const summarize = (label: string, rows: Outcome[]) => {
    const figure = rows.filter((o) => o.result === 'figure').length;
    const missing = rows.filter((o) => o.result === 'missing').length;
    console.log(`${label}: ${rows.length} configs; memory figure ${figure} (${share(figure, rows.length)}); one line of what is missing ${missing}; no plan ${rows.length - figure - missing}`);
  };
  summarize('all repositories', outcomes);
  summarize('repositories that state their GPU', outcomes.filter((o) => o.stated));
  for (const format of RUN_FORMATS) summarize(`  ${format}`, outcomes.filter((o) => o.format === format));
  const reasons = new Map<string, number>();
  for (const o of outcomes) if (o.result !== 'figure') reasons.set(`${o.result}: ${o.why}`, (reasons.get(`${o.result}: ${o.why}`) ?? 0) + 1);
  console.log('\nWhy there is no figure (count):');
  for (const [why, n] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(4)}  ${why.slice(0, 220)}`);
  if (list) for (const o of outcomes) if (o.result === list && (o.stated || !process.argv.includes('--stated'))) console.log(`${o.repo} ${o.path} [${o.format}] model=${o.model ?? '-'} ${o.why ?? ''}`.slice(0, 300));
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
