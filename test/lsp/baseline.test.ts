import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { LspSession, vscodeLikeCapabilities } from './lsp-session';

it('compares an edited file with its version at git HEAD: a batch change without a learning-rate change warns', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-lsp-baseline-'));
  const before = 'output_dir: out\nper_device_train_batch_size: 4\ngradient_accumulation_steps: 4\nnum_train_epochs: 1\nlearning_rate: 2.0e-5\noptim: adamw_torch\n';
  const path = join(dir, 'sft.yaml');
  writeFileSync(path, before);
  writeFileSync(join(dir, '.trainlint.yaml'), 'cluster: { worldSize: 8 }\n');
  const git = (...args: string[]) => spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
  git('init', '-q');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'base');
  const session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: false }), folders: [dir] });
  try {
    const uri = await session.open(path);
    const clean = await session.pushedFor(uri);
    assert.ok(!clean.some((d) => d.source === 'trainlint' && String(d.code) === 'TL613'), 'unchanged: nothing to compare');
    await session.change(uri, before.replace('gradient_accumulation_steps: 4', 'gradient_accumulation_steps: 16'));
    const changed = await session.pushedFor(uri, (d) => d.some((x) => String(x.code) === 'TL613'));
    const warning = changed.find((d) => String(d.code) === 'TL613')!;
    assert.match(warning.message, /changed from 128 to 512/);
    assert.equal(warning.range.start.line, 4, 'on the learning rate');
  } finally {
    await session.stop();
  }
});
