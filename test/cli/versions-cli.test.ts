import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CLI } from '../helpers';
import { WorkspacePins } from '../../server/src/node/workspace-pins';

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

test('a pin of tokenizers or huggingface-hub bounds transformers to the releases whose wheels admit it', () => {
  const OLD_NAMES = 'output_dir: out\nper_device_train_batch_size: 4\noverwrite_output_dir: true\n';
  // transformers 5.0 requires huggingface-hub>=1.3 (its wheel's METADATA): `<1.0` keeps transformers 4.x, which takes the key.
  const capped = repo({ 'setup.py': 'install_requires = [\n    "huggingface-hub>=0.33.4,<1.0",\n    # "tokenizers==0.9.4" left from an old setup\n    "transformers>=4.53.3",\n]\n', 'recipes/sft.yaml': OLD_NAMES });
  const run = trainlint(['check', 'recipes/sft.yaml'], capped);
  assert.match(run.stdout, /info deprecated-key "overwrite_output_dir".*pinned transformers >=4\.53\.3,<5\.0 \(\.\.\/setup\.py:4; bounded by huggingface-hub>=0\.33\.4,<1\.0 at \.\.\/setup\.py:2\) still takes it/);
  assert.match(run.stdout, /0 errors, 0 warnings/);
  // Without the cap the newest transformers (5.x) may be installed, which rejects it: the note says so, and stays a note
  // because the program's own dataclasses may still define the name.
  const open = repo({ 'setup.py': 'install_requires = ["transformers>=4.53.3"]\n', 'recipes/sft.yaml': OLD_NAMES });
  const openRun = trainlint(['check', 'recipes/sft.yaml'], open).stdout;
  assert.match(openRun, /info deprecated-key "overwrite_output_dir" is deprecated\. It was removed in transformers v5\.0/);
  assert.doesNotMatch(openRun, /still takes it/);
  // tokenizers==0.15.1 is admitted by transformers 4.35 to 4.39 only, where eval_strategy does not exist yet.
  const llava = repo({ 'pyproject.toml': '[project]\ndependencies = ["tokenizers==0.15.1", "transformers"]\n', 'scripts/train.yaml': 'output_dir: out\nper_device_train_batch_size: 4\nevaluation_strategy: "no"\n' });
  assert.match(trainlint(['check', 'scripts/train.yaml'], llava).stdout, /info deprecated-key "evaluation_strategy".*>=4\.35,<4\.40 \(bounded by tokenizers==0\.15\.1 at \.\.\/pyproject\.toml:2\) takes "evaluation_strategy"/);
});

test('a deprecation is a note where every release the pins allow predates the removal: an old transformers, and the TRL it bounds', () => {
  const OLD_NAMES = 'output_dir: out\nper_device_train_batch_size: 4\noverwrite_output_dir: true\n';
  // 4.27.1 is older than any release read: the key's presence there is not known, but v5 removed it, which 4.27 predates.
  const old = repo({ 'requirements.txt': 'transformers==4.27.1\n', 'ptuning/train.yaml': OLD_NAMES });
  assert.match(trainlint(['check', 'ptuning/train.yaml'], old).stdout, /info deprecated-key "overwrite_output_dir".*The pinned transformers 4\.27\.1 \(\.\.\/requirements\.txt:1\) predates its removal/);
  // TRL 0.11 requires transformers>=4.40 and 0.12 caps it below 4.47, so beside transformers 4.37.2 pip installs a TRL
  // older than 0.13 (the 0.12 wheel admits 4.37.2), long before rpo_alpha went (0.29).
  const dpo = repo({ 'requirements.txt': 'transformers==4.37.2\n', 'mpo.yaml': '' });
  const found = new WorkspacePins().find(join(dpo, 'mpo.yaml'));
  assert.equal(found.versions.trl, '<0.13');
  assert.equal(found.sources.trl, 'bounded by transformers==4.37.2 at requirements.txt:1');
});

test('a config inside a vendored framework checkout runs that checkout\'s version (its setup.py)', () => {
  const dir = repo({ 'dpkd/transformers/setup.py': 'setup(\n    name="transformers",\n    version="4.36.0.dev0",\n)\n', 'dpkd/transformers/examples/run.yaml': 'output_dir: out\nper_device_train_batch_size: 4\noverwrite_output_dir: true\n' });
  assert.match(trainlint(['check', 'dpkd/transformers/examples/run.yaml'], dir).stdout, /info deprecated-key .*pinned transformers 4\.36\.0 \(\.\.\/setup\.py:3\) still takes it/);
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
