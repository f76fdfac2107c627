import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CLI } from '../helpers';

function trainlint(args: string[], cwd?: string) {
  const run = spawnSync(process.execPath, [CLI(), ...args], { encoding: 'utf8', cwd });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A repository (with .git, so the walk stops there) holding the given files. */
function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-versions-'));
  mkdirSync(join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const ADAMW_HF = 'output_dir: out\nper_device_train_batch_size: 4\noptim: adamw_hf\n';

test('versions pinned in requirements.txt above the config decide (with -r includes), and the message names the pin', () => {
  const dir = repo({ 'requirements.txt': '-r requirements/base.txt\n', 'requirements/base.txt': 'transformers==4.56.1\n', 'configs/sft/train.yaml': ADAMW_HF });
  const removed = trainlint(['check', 'configs/sft/train.yaml'], dir);
  // The program that reads train.yaml is unknown (its own classes may define optim): a warning, naming the pin.
  assert.equal(removed.code, 0, removed.stdout);
  assert.match(removed.stdout, /warning invalid-value .*not in the pinned transformers 4\.56\.1 \(\.\.\/\.\.\/requirements\/base\.txt:1\)/);
  // The nearest pin wins: a requirements file beside the config.
  writeFileSync(join(dir, 'configs', 'requirements.txt'), 'transformers==4.34\n');
  assert.match(trainlint(['check', 'configs/sft/train.yaml'], dir).stdout, /0 errors, 0 warnings/);
});

test('a pin outside the repository (above .git) is not read', () => {
  const outer = mkdtempSync(join(tmpdir(), 'trainlint-outer-'));
  writeFileSync(join(outer, 'requirements.txt'), 'transformers==4.56.1\n');
  const inner = join(outer, 'project');
  mkdirSync(join(inner, '.git'), { recursive: true });
  writeFileSync(join(inner, 'train.yaml'), ADAMW_HF);
  const run = trainlint(['check', 'train.yaml'], inner);
  assert.match(run.stdout, /warning invalid-value .*which version runs is not known/);
});

test('.trainlint.yaml versions: overrides the workspace pins, and --versions overrides both', () => {
  const dir = repo({ 'requirements.txt': 'transformers==4.56.1\n', '.trainlint.yaml': 'versions:\n  transformers: 4.34.1\n', 'train.yaml': ADAMW_HF });
  assert.match(trainlint(['check', 'train.yaml'], dir).stdout, /0 errors, 0 warnings/);
  const flagged = trainlint(['check', 'train.yaml', '--versions', 'transformers=>=4.50,<4.57,deepspeed=0.14.4'], dir);
  assert.match(flagged.stdout, /warning invalid-value .*not in the pinned transformers >=4\.50,<4\.57 \(--versions\)/);
});

test('--versions: unknown frameworks and unreadable versions are usage errors', () => {
  const dir = repo({ 'train.yaml': ADAMW_HF });
  for (const value of ['torch=2.1', 'transformers=latest', 'transformers']) {
    const run = trainlint(['check', 'train.yaml', '--versions', value], dir);
    assert.equal(run.code, 2, value);
    assert.match(run.stderr, /^trainlint: --versions/);
  }
});
