// `npm run demo`: runs the CLI on the shipped examples, the way a user would, and shows what it prints.
// Findings are the point of the demo, so exit code 1 (findings) is success here; 2 (a crash or bad usage) is not.
import { spawnSync } from 'node:child_process';

const steps = [
  ['check', 'examples'],
  ['check', 'examples/deepspeed/ds_zero3_llama8b.json', '--gpus', '8'],
  ['estimate', 'examples/megatron/pretrain_llama_8b.sh', '--gpu', 'h100-sxm'],
  ['check', 'examples/deepspeed/ds_zero3_llama8b.json', '--nodes', '2', '--gpus-per-node', '8', '--gpu', 'h100-sxm', '--model', 'meta-llama/Llama-3.1-8B', '--seq-length', '8192'],
];
let failed = false;
for (const args of steps) {
  console.log(`\n$ trainlint ${args.join(' ')}`);
  const run = spawnSync(process.execPath, ['dist/cli.js', ...args], { stdio: 'inherit' });
  if (run.status !== 0 && run.status !== 1) failed = true;
}
process.exit(failed ? 2 : 0);
