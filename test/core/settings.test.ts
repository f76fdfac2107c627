import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeSettings, worldSizeOf } from '../../server/src/core/index';

test('a higher layer stating nodes x GPUs per node replaces a lower world size, and the other way round', () => {
  assert.equal(worldSizeOf(mergeSettings({ cluster: { worldSize: 8 } }, { cluster: { nodes: 2, gpusPerNode: 8 } })).value, 16);
  assert.equal(worldSizeOf(mergeSettings({ cluster: { nodes: 2, gpusPerNode: 8 } }, { cluster: { worldSize: 4 } })).value, 4);
  assert.equal(mergeSettings({ cluster: { nodes: 2, gpusPerNode: 8 } }, { cluster: { worldSize: 4 } }).cluster?.gpusPerNode, 8, 'GPUs per node still describes the hardware');
  assert.equal(worldSizeOf(mergeSettings({ cluster: { worldSize: 8, gpu: 'h100-sxm' } }, { cluster: { gpu: 'a100-80gb' } })).value, 8);
});

test('rule settings merge; later layers win per rule', () => {
  const merged = mergeSettings({ rules: { 'unknown-key': 'error', 'deprecated-key': 'off' } }, { rules: { 'unknown-key': 'warning' } });
  assert.deepEqual(merged.rules, { 'unknown-key': 'warning', 'deprecated-key': 'off' });
});
