import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { countParameters } from '../../server/src/core/estimate/parameters';
import { CLI, repoRoot } from '../helpers';

const PATTERN_8B = 'M-M-M--M-M*-M-M-M-M--M*-M-M-M-M-M*--M-M-M-M-M*-M--M-M-M-';

test("Megatron's 8B hybrid pattern: 24 Mamba-2, 4 attention, 28 MLP layers (examples/mamba/README.md) and 8.66B parameters (arXiv:2406.07887)", () => {
  const run = spawnSync(process.execPath, [CLI(), 'plan', join(repoRoot(), 'test', 'fixtures', 'hybrid', 'train_hybrid.sh')], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const { plan } = JSON.parse(run.stdout);
  assert.equal(plan.model.layers, PATTERN_8B.length, 'the case statement on MODEL_SCALE="8B" picks the 8B pattern');
  assert.equal(plan.model.hiddenSize, 4096);
  assert.deepEqual(plan.model.hybrid, { mamba: 24, attention: 4, mlp: 28, stateSize: 128, headDim: 64, groups: 8, expand: 2 });
  const total = countParameters(plan).total;
  assert.ok(Math.abs(total / 8.66e9 - 1) < 0.005, `${total}`);
});

test('a hybrid run gets a memory figure and step time, stating how its layers were counted', () => {
  const run = spawnSync(process.execPath, [CLI(), 'estimate', join(repoRoot(), 'test', 'fixtures', 'hybrid', 'train_hybrid.sh'), '--gpu', 'H100', '--format', 'json'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const json = JSON.parse(run.stdout);
  assert.ok(json.memory.available && json.memory.total > 0);
  assert.match(JSON.stringify(json), /hybrid stack: 24 Mamba-2, 4 attention and 28 MLP layers/);
  // PaLM's 6N + 12 L H Q T with L the 4 attention layers only: a 56-layer Transformer would pay 14 times the attention term.
  const expected = 6 * 8.655e9 + 12 * 4 * 4096 * 4096;
  assert.ok(Math.abs(json.flops.perToken.model / expected - 1) < 0.01, `${json.flops.perToken.model} vs ${expected}`);
});
