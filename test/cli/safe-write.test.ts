import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../helpers';
import { writeFilesSafely, WriteRefused } from '../../server/src/node/safe-write';

// Every write of a user's file goes through server/src/node/safe-write.ts; these are the ways a write lost data before it.

const trainlint = (args: string[], cwd: string) => spawnSync(process.execPath, [CLI(), ...args], { encoding: 'utf8', cwd });

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-write-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const misspelt = '{\n  "train_batch_size": 8,\n  "zero_optimization": {"stage": 2, "overlap_com": true}\n}\n';
const strays = (dir: string) => readdirSync(dir).filter((name) => name.includes('.trainlint-'));

test('check --fix through a symlink fixes the shared target, the link stays a link, and a 755 or 600 file keeps its mode', () => {
  const dir = folder({ 'shared.json': misspelt, 'private.json': misspelt });
  chmodSync(join(dir, 'shared.json'), 0o755);
  chmodSync(join(dir, 'private.json'), 0o600);
  symlinkSync('shared.json', join(dir, 'ds_config.json'));
  const run = trainlint(['check', '--fix', 'ds_config.json', 'private.json'], dir);
  assert.equal(run.status, 0, run.stderr + run.stdout);
  assert.ok(lstatSync(join(dir, 'ds_config.json')).isSymbolicLink());
  assert.match(readFileSync(join(dir, 'shared.json'), 'utf8'), /"overlap_comm"/);
  assert.equal(statSync(join(dir, 'shared.json')).mode & 0o777, 0o755);
  assert.equal(statSync(join(dir, 'private.json')).mode & 0o777, 0o600);
  assert.deepEqual(strays(dir), []);
});

test('check --fix refuses a read-only file with one line and a non-zero exit, and leaves it as it was', () => {
  const dir = folder({ 'ds_config.json': misspelt });
  chmodSync(join(dir, 'ds_config.json'), 0o444);
  const run = trainlint(['check', '--fix', 'ds_config.json'], dir);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /^trainlint: ds_config\.json: not written: the file is read-only \(mode 444\)$/m);
  assert.doesNotMatch(run.stderr, /\n\s+at /); // no stack trace
  assert.equal(readFileSync(join(dir, 'ds_config.json'), 'utf8'), misspelt);
  assert.deepEqual(strays(dir), []);
});

test('two misspellings of one key are not renamed to it: neither fix is safe, so --fix leaves no duplicate key', () => {
  const text = '{\n  "train_batch_size": 8,\n  "zero_optimization": {"stage": 2, "overlap_com": true, "overlapcomm": true}\n}\n';
  const dir = folder({ 'ds_config.json': text });
  trainlint(['check', '--fix', 'ds_config.json'], dir);
  assert.equal(readFileSync(join(dir, 'ds_config.json'), 'utf8'), text);
});

test('--fix never renames a key that comes through a YAML merge (the edit would replace the alias): the file still loads', () => {
  const text = 'base: &base\n  overlap_com: true\n  stage: 2\ntrain_batch_size: 8\nzero_optimization:\n  <<: *base\n';
  const dir = folder({ 'ds_config.yaml': text });
  trainlint(['check', '--fix', 'ds_config.yaml'], dir);
  const after = readFileSync(join(dir, 'ds_config.yaml'), 'utf8');
  assert.match(after, /<<: \*base/);
  // A merge of a scalar, what the broken fix wrote, is itself reported: PyYAML stops on it.
  const broken = folder({ 'ds_config.yaml': text.replace('<<: *base', '<<: overlap_comm') });
  assert.match(trainlint(['check', 'ds_config.yaml'], broken).stdout, /parse-error YAML merge key "<<" needs a mapping/);
});

test('!!str 2e-5 is an explicit string: no float rewrite is offered, so --fix converges and the message does not contradict the file', () => {
  const text = 'output_dir: out\nlearning_rate: !!str 2e-5\nper_device_train_batch_size: 4\n';
  const dir = folder({ 'train.yaml': text });
  const run = trainlint(['check', '--fix', 'train.yaml'], dir);
  assert.equal(readFileSync(join(dir, 'train.yaml'), 'utf8'), text);
  assert.doesNotMatch(run.stdout, /yaml-float-as-string/);
  assert.doesNotMatch(run.stderr, /applied/);
});

test('rescale writes the Trainer YAML and its DeepSpeed config together or not at all (a read-only DeepSpeed config: neither changes)', () => {
  const yaml = 'output_dir: out\nper_device_train_batch_size: 4\ngradient_accumulation_steps: 4\nlearning_rate: 2.0e-5\ndeepspeed: ds.json\n';
  const ds = '{\n  "train_batch_size": "auto",\n  "train_micro_batch_size_per_gpu": "auto",\n  "gradient_accumulation_steps": 16,\n  "zero_optimization": {"stage": 2}\n}\n';
  const dir = folder({ 'train.yaml': yaml, 'ds.json': ds });
  chmodSync(join(dir, 'ds.json'), 0o444);
  const run = trainlint(['rescale', 'train.yaml', '--global-batch', '256', '--gpus', '8'], dir);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /ds\.json: not written: the file is read-only/);
  assert.equal(readFileSync(join(dir, 'train.yaml'), 'utf8'), yaml);
  assert.equal(readFileSync(join(dir, 'ds.json'), 'utf8'), ds);
  assert.deepEqual(strays(dir), []);
});

test('rescale refuses a global batch past 2^53 instead of rounding it', () => {
  const dir = folder({ 'train.yaml': 'output_dir: out\nper_device_train_batch_size: 4\nlearning_rate: 2.0e-5\n' });
  const run = trainlint(['rescale', 'train.yaml', '--global-batch', '99999999999999999999', '--gpus', '8'], dir);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /--global-batch must be a positive whole number no larger than 9007199254740991/);
});

test('a file changed on disk since it was read is not overwritten (a lost update), and no temporary file is left', () => {
  const dir = folder({ 'a.json': '{}\n' });
  writeFileSync(join(dir, 'a.json'), '{"saved": "meanwhile"}\n');
  assert.throws(() => writeFilesSafely([{ path: join(dir, 'a.json'), before: '{}\n', after: '{"fixed": true}\n' }]), (e) => e instanceof WriteRefused && /changed on disk/.test(e.message));
  assert.equal(readFileSync(join(dir, 'a.json'), 'utf8'), '{"saved": "meanwhile"}\n');
  assert.deepEqual(strays(dir), []);
});

test('all or none: when the second file of a change is refused by its loader check, the first is not written either', () => {
  const dir = folder({ 'a.yaml': 'a: 1\n', 'b.json': '{}\n' });
  const writes = [
    { path: join(dir, 'a.yaml'), before: 'a: 1\n', after: 'a: 2\n' },
    { path: join(dir, 'b.json'), before: '{}\n', after: '{"b": 1, "b": 2}\n' },
  ];
  assert.throws(() => writeFilesSafely(writes, (w) => (w.path.endsWith('b.json') ? 'duplicate key' : undefined)), WriteRefused);
  assert.equal(readFileSync(join(dir, 'a.yaml'), 'utf8'), 'a: 1\n');
  assert.deepEqual(strays(dir), []);
});

test('a launch script edit that bash -n would reject is refused (the prose line a rescale once wrote into a script)', () => {
  const script = '#!/bin/bash\nGLOBAL_BATCH=64\n';
  const dir = folder({ 'train.sh': script });
  const after = `${script}    gradient accumulation (derived): 64\n`;
  assert.throws(() => writeFilesSafely([{ path: join(dir, 'train.sh'), before: script, after }]), (e) => e instanceof WriteRefused && /bash -n would reject/.test(e.message));
  assert.equal(readFileSync(join(dir, 'train.sh'), 'utf8'), script);
});
