import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../helpers';
import { analyze } from '../../server/src/core/index';

// Small hostile files and folders that used to end `trainlint check` with an internal error (exit 2), hang it, or be
// skipped without a word. Each is now a finding on that file, and the rest of the folder is checked.

const trainlint = (args: string[], cwd: string) => spawnSync(process.execPath, [CLI(), ...args], { encoding: 'utf8', cwd, timeout: 60_000 });

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-hostile-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** A DeepSpeed config with a real finding, so each test shows the folder's other files are still checked. */
const GOOD = { 'ds_config.json': '{\n  "train_batch_size": 8,\n  "zero_optimization": {"stage": 2, "overlap_com": true}\n}\n' };

function checkFolder(dir: string) {
  const run = trainlint(['check', '.'], dir);
  assert.ok(run.status === 0 || run.status === 1, `exit ${run.status}: ${run.stderr}`);
  assert.doesNotMatch(run.stderr, /internal error/);
  assert.match(run.stdout, /ds_config\.json:3:\d+: error unknown-key/);
  return run;
}

const nestedJson = (depth: number) => `{"train_batch_size": 8, "zero_optimization": {"stage": 2}, "x": ${'['.repeat(depth)}${']'.repeat(depth)}}`;

test('a launch script that doubles a variable 18 times: the value is bounded (unknown past the limit), no stack overflow', () => {
  const script = ['#!/bin/bash', 'X=a', ...Array(18).fill('X=$X$X'), 'deepspeed pretrain_gpt.py --num-layers 2 --hidden-size 64 --num-attention-heads 4 --micro-batch-size 1 --global-batch-size 8 --seq-length 64 --max-position-embeddings 64 --train-iters 10 --lr $X'].join('\n');
  checkFolder(folder({ ...GOOD, 'run.sh': `${script}\n` }));
});

test('JSON nested 1,500 deep, alone and in a script heredoc: nesting-too-deep, not a crash', () => {
  const heredoc = `#!/bin/bash\ncat > ds.json <<EOF\n${nestedJson(1500)}\nEOF\ndeepspeed pretrain_gpt.py --deepspeed --deepspeed_config ds.json --num-layers 2\n`;
  const run = checkFolder(folder({ ...GOOD, 'deep_ds_config.json': nestedJson(1500), 'run.sh': heredoc }));
  assert.match(run.stdout, /deep_ds_config\.json:1:\d+: warning nesting-too-deep Nested more than 100 levels deep/);
});

test('YAML nested 1,500 deep is cut at the bound with a nesting-too-deep finding', () => {
  const yaml = `train_batch_size: 8\nzero_optimization:\n  stage: 2\nx: ${'['.repeat(1500)}${']'.repeat(1500)}\n`;
  const analysis = analyze(yaml, { path: 'ds_config.yaml' });
  assert.ok(analysis.diagnostics.some((d) => d.rule === 'nesting-too-deep'));
});

test('2,000 nested if blocks in a launch script: one nesting-too-deep note', () => {
  const script = ['#!/bin/bash', ...Array(2000).fill('if true; then'), 'deepspeed train.py --deepspeed ds.json', ...Array(2000).fill('fi')].join('\n');
  const run = checkFolder(folder({ ...GOOD, 'run.sh': `${script}\n` }));
  assert.match(run.stdout, /run\.sh:1:1: info nesting-too-deep/);
});

test('a dangling symlink, a symlink loop and a link to its own folder in a checked folder: each named once, the walk ends', () => {
  const dir = folder(GOOD);
  symlinkSync('nowhere.json', join(dir, 'dangling.json'));
  symlinkSync('loop2.yaml', join(dir, 'loop1.yaml'));
  symlinkSync('loop1.yaml', join(dir, 'loop2.yaml'));
  symlinkSync('.', join(dir, 'self'));
  const run = checkFolder(dir);
  assert.match(run.stdout, /dangling\.json:1:1: info file-not-read Not read: it is a symbolic link to nowhere\.json, which does not exist\./);
  assert.match(run.stdout, /loop1\.yaml:1:1: info file-not-read Not read: it is a symbolic link that leads back to itself/);
  assert.equal(run.stdout.match(/ds_config\.json:3/g)?.length, 1); // the folder is walked once, not again through `self`
});

test('a linked config that is a folder (..), a FIFO or /dev/zero is never opened: the check returns with a note on the link', () => {
  const accelerate = (target: string) => `compute_environment: LOCAL_MACHINE\ndistributed_type: DEEPSPEED\ndeepspeed_config:\n  deepspeed_config_file: ${target}\nnum_processes: 8\n`;
  const dir = folder({ ...GOOD, 'acc_dir.yaml': accelerate('..'), 'acc_fifo.yaml': accelerate('pipe.json'), 'acc_zero.yaml': accelerate('/dev/zero') });
  assert.equal(spawnSync('mkfifo', [join(dir, 'pipe.json')]).status, 0);
  const run = checkFolder(dir);
  assert.match(run.stdout, /acc_dir\.yaml:4:\d+: info linked-file-missing \.\. was not read \(it is a directory, not a file\)/);
  assert.match(run.stdout, /acc_fifo\.yaml:4:\d+: info linked-file-missing pipe\.json was not read \(it is a named pipe \(FIFO\), not a file\)/);
  assert.match(run.stdout, /acc_zero\.yaml:4:\d+: info linked-file-missing \/dev\/zero was not read \(it is a device, not a file\)/);
  assert.match(run.stdout, /pipe\.json:1:1: info file-not-read/);
});

test('a DeepSpeed config in UTF-16 is reported (the programs read UTF-8 and fail), not skipped', () => {
  const dir = folder(GOOD);
  writeFileSync(join(dir, 'zero_ds_config.json'), Buffer.from(`\ufeff${GOOD['ds_config.json']}`, 'utf16le'));
  const run = checkFolder(dir);
  assert.match(run.stdout, /zero_ds_config\.json:1:1: warning file-not-read Not read: it is encoded in UTF-16/);
});

test('an unreadable project file is named in a note; a file without read permission is one line, not a stack trace', { skip: process.getuid?.() === 0 ? 'root reads every file' : false }, () => {
  const dir = folder({ ...GOOD, '.trainlint.yaml': 'rules:\n  unknown-key: off\n', 'secret_ds_config.json': GOOD['ds_config.json'] });
  chmodSync(join(dir, '.trainlint.yaml'), 0o000);
  chmodSync(join(dir, 'secret_ds_config.json'), 0o000);
  const run = checkFolder(dir);
  assert.match(run.stderr, /\.trainlint\.yaml: not read \(permission denied\); its settings were not applied/);
  assert.match(run.stdout, /secret_ds_config\.json:1:1: info file-not-read Not read: permission denied\./);
});

test('a project file that is a folder is named in a note and the check goes on', () => {
  const dir = folder(GOOD);
  mkdirSync(join(dir, '.trainlint.yaml'));
  const run = checkFolder(dir);
  assert.match(run.stderr, /\.trainlint\.yaml: not read \(it is a directory, not a file\)/);
});

test('zero sizes never print NaN, Infinity or "multiple of 0"', () => {
  const dir = folder({
    ...GOOD,
    'zero_ds_config.json': '{\n  "train_batch_size": 32,\n  "train_micro_batch_size_per_gpu": 0,\n  "zero_optimization": {"stage": 2}\n}\n',
    'run.sh': '#!/bin/bash\ndeepspeed pretrain_gpt.py --tensor-model-parallel-size 0 --pipeline-model-parallel-size 0 --num-layers 0 --hidden-size 0 --num-attention-heads 0 --micro-batch-size 0 --global-batch-size 0 --seq-length 64 --max-position-embeddings 64 --train-iters 10 --lr 1e-4\n',
  });
  const run = spawnSync(process.execPath, [CLI(), 'check', '.', '--gpus', '8'], { encoding: 'utf8', cwd: dir });
  assert.doesNotMatch(run.stdout, /NaN|Infinity|multiple of 0\b|of 0 /);
  assert.match(run.stdout, /zero_ds_config\.json:3:\d+: error invalid-value train_micro_batch_size_per_gpu must be >= 1/);
});

test('an exception inside the analysis of one file becomes one analysis-failed finding on it', () => {
  // A shell parser that hands back a malformed tree (children missing) makes the interpreter throw.
  const shellParser = { parse: () => ({ type: 'program', start: 0, end: 10, named: true, children: null as never }) };
  const analysis = analyze('#!/bin/bash\ndeepspeed train.py\n', { path: 'run.sh', shellParser });
  assert.equal(analysis.diagnostics.length, 1);
  assert.equal(analysis.diagnostics[0].rule, 'analysis-failed');
  assert.match(analysis.diagnostics[0].message, /internal error: TypeError/);
});
