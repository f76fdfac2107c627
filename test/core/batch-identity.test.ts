import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, buildPlan } from '../../server/src/core/index';
import { batchIdentities, identityLine } from '../../server/src/core/hover/batch-identity';
import { readFixture } from '../helpers';

const text = readFixture('rules', 'batch-size-mismatch', 'three-given.json');

test('without a world size, the identity says what the numbers imply instead of guessing', () => {
  const [identity] = batchIdentities(analyze(text, { path: 'ds.json' }), {});
  assert.equal(identity.dataParallel.value, undefined);
  assert.match(identity.dataParallel.source, /train_batch_size 512 with micro 4 x accumulation 8 implies 16 data-parallel ranks/);
  assert.equal(identityLine(identity), '512 = 4 × 8 × ?');
});

test('with a world size, each factor is shown with where it came from, and whether the identity holds', () => {
  const settings = { cluster: { worldSize: 8 } };
  const [identity] = batchIdentities(analyze(text, { path: 'ds.json', settings }), settings);
  assert.equal(identity.dataParallel.value, 8);
  assert.equal(identity.holds, false);
  assert.equal(identityLine(identity), '512 = 4 × 8 × 8 ✗');
});

test('axolotl: batch_size is per data-parallel rank; without gradient_accumulation_steps it gives batch_size // micro_batch_size steps', () => {
  const settings = { cluster: { worldSize: 8 } };
  const axolotl = (batch: string) => `base_model: tiiuae/falcon-7b\nsequence_len: 2048\n${batch}\nlearning_rate: 0.00003\ndatasets:\n  - path: tatsu-lab/alpaca\n    type: alpaca\n`;
  const derived = analyze(axolotl('micro_batch_size: 2\nbatch_size: 8'), { path: 'falcon.yml', settings });
  assert.equal(derived.format, 'axolotl');
  assert.deepEqual(derived.diagnostics.filter((d) => d.rule.startsWith('batch-size')), [], 'no global batch to contradict');
  const [identity] = batchIdentities(derived, settings);
  assert.equal(identityLine(identity), '64 = 2 × 4 × 8 ✓');
  assert.match(identity.accum.source, /batch_size` 8 \/\/ `micro_batch_size` \(axolotl derives it\)/);
  assert.deepEqual(buildPlan(derived, settings)?.plan.batch, { micro: 2, gradAccum: 4 }, 'the estimate runs the same steps');
  // axolotl floors: batch_size 2 with micro 1 on 8 GPUs was reported as a batch-size error before; it is 2 steps per rank.
  const floor = analyze(axolotl('micro_batch_size: 3\nbatch_size: 8'), { path: 'falcon.yml', settings });
  assert.equal(identityLine(batchIdentities(floor, settings)[0]), '48 = 3 × 2 × 8 ✓');
  // Stated accumulation wins over batch_size, as in normalize_config.
  const stated = analyze(axolotl('micro_batch_size: 2\nbatch_size: 8\ngradient_accumulation_steps: 1'), { path: 'falcon.yml', settings });
  assert.equal(identityLine(batchIdentities(stated, settings)[0]), '16 = 2 × 1 × 8 ✓');
});
