// Time of one analysis at size n and 10n for inputs that grow one dimension of a file; the ratio is about 10 when the
// work is linear and about 100 when it is quadratic (issue 14, item 4).
// Run: npx tsc -p . && node out/bench/scaling.js [--n 1000]
import { analyze } from '../server/src/core/analyze';
import { loadShellParser } from '../server/src/node/shell-parser';
import type { ShellParser } from '../server/src/core/shell/syntax';

interface Case {
  what: string;
  path: string;
  /** The input at size n; `salt` varies key names from run to run, so no cached suggestion is timed. */
  make: (n: number, salt: number) => string;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const CASES: Case[] = [
  {
    what: 'unknown keys in one DeepSpeed section',
    path: 'ds_config.json',
    make: (n, salt) => `{"train_batch_size": 8, "zero_optimization": {"stage": 2, ${range(n).map((i) => `"overlap_com_${salt}_${i}": true`).join(', ')}}}`,
  },
  {
    what: 'unquoted words in a JSON file',
    path: 'ds_config.json',
    make: (n) => `{"train_batch_size": 8, "zero_optimization": {"stage": 2}, "note": ${range(n).map((i) => `w${i % 97}`).join(' ')}}`,
  },
  {
    what: 'lines of a launch script',
    path: 'train.sh',
    make: (n) => `#!/bin/bash\n${range(n).map((i) => `VAR_${i}=$((${i} + 1))`).join('\n')}\ntorchrun --nproc_per_node 8 pretrain_gpt.py --micro-batch-size 2 --global-batch-size 64 --lr 1e-4\n`,
  },
  {
    what: 'nesting depth (JSON, past the limit)',
    path: 'ds_config.json',
    make: (n) => `{"train_batch_size": 8, "x": ${'['.repeat(n)}1${']'.repeat(n)}}`,
  },
  {
    what: 'nesting depth (shell ifs, past the limit)',
    path: 'train.sh',
    make: (n) => `#!/bin/bash\n${'if true; then\n'.repeat(n)}torchrun --nproc_per_node 8 pretrain_gpt.py --micro-batch-size 2\n${'fi\n'.repeat(n)}`,
  },
  {
    what: 'YAML keys (Trainer arguments)',
    path: 'train.yaml',
    make: (n, salt) => `# trainlint: format=hf-trainer\noutput_dir: out\nper_device_train_batch_size: 4\nlearning_rate: 2.0e-5\n${range(n).map((i) => `lerning_rate_${salt}_${i}: ${i}`).join('\n')}\n`,
  },
];

let salt = 0;

/** The median of three analyses of the case at size n. */
function millis(c: Case, n: number, shellParser: ShellParser | undefined): number {
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const text = c.make(n, salt++);
    const start = performance.now();
    analyze(text, { path: c.path, shellParser });
    runs.push(performance.now() - start);
  }
  return runs.sort((a, b) => a - b)[1];
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--n');
  const n = at >= 0 ? Number(process.argv[at + 1]) : 1000;
  const shellParser = await loadShellParser();
  console.log(`${'input'.padEnd(40)} ${`n=${n}`.padStart(10)} ${`n=${10 * n}`.padStart(10)}  ratio`);
  for (const c of CASES) {
    millis(c, n, shellParser); // Warm up: schema compilation, JIT.
    const a = millis(c, n, shellParser);
    const b = millis(c, 10 * n, shellParser);
    console.log(`${c.what.padEnd(40)} ${`${a.toFixed(1)} ms`.padStart(10)} ${`${b.toFixed(1)} ms`.padStart(10)}  ${(b / a).toFixed(1)}`);
  }
}

void main();
