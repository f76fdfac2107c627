import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/index';
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
