import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../helpers';

const trainlint = (args: string[], cwd: string) => spawnSync(process.execPath, [CLI(), ...args], { encoding: 'utf8', cwd });

test('rescale writes through a symlink (the link stays) and keeps the file\'s mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-rescale-'));
  writeFileSync(join(dir, 'train.yaml'), 'output_dir: out\nper_device_train_batch_size: 4\ngradient_accumulation_steps: 4\nlearning_rate: 2.0e-5\n');
  chmodSync(join(dir, 'train.yaml'), 0o640);
  symlinkSync('train.yaml', join(dir, 'link.yaml'));
  const run = trainlint(['rescale', 'link.yaml', '--global-batch', '256', '--gpus', '8'], dir);
  assert.equal(run.status, 0, run.stderr);
  assert.ok(lstatSync(join(dir, 'link.yaml')).isSymbolicLink());
  assert.equal(statSync(join(dir, 'train.yaml')).mode & 0o777, 0o640);
  assert.match(readFileSync(join(dir, 'train.yaml'), 'utf8'), /gradient_accumulation_steps: 8/);
});

test('rescale of a Megatron launch script edits its flags in place: --global-batch-size (accumulation is derived), --lr by the square-root rule, iteration counts halved; the script stays valid bash, executable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-rescale-'));
  const script = '#!/bin/bash\ndeepspeed pretrain_gpt.py --tensor-model-parallel-size 1 --pipeline-model-parallel-size 1 --num-layers 24 --hidden-size 1024 --num-attention-heads 16 --micro-batch-size 4 --global-batch-size 64 --seq-length 1024 --max-position-embeddings 1024 --train-iters 1000 --lr 1e-4 --lr-warmup-iters 10\n';
  writeFileSync(join(dir, 'train.sh'), script);
  chmodSync(join(dir, 'train.sh'), 0o755);
  const run = trainlint(['rescale', 'train.sh', '--global-batch', '128', '--gpus', '8'], dir);
  assert.equal(run.status, 0, run.stderr);
  const after = readFileSync(join(dir, 'train.sh'), 'utf8');
  // Megatron's --optimizer defaults to adam: the square-root rule; --train-iters and --lr-warmup-iters keep their tokens.
  assert.equal(after, script.replace('--global-batch-size 64', '--global-batch-size 128').replace('--lr 1e-4', '--lr 1.414e-4').replace('--train-iters 1000', '--train-iters 500').replace('--lr-warmup-iters 10', '--lr-warmup-iters 5'));
  assert.equal(statSync(join(dir, 'train.sh')).mode & 0o777, 0o755);
  assert.equal(spawnSync('bash', ['-n', join(dir, 'train.sh')]).status, 0);
});
