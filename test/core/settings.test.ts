import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, buildPlan, estimate, mergeSettings, parseProjectConfig, worldSizeOf } from '../../server/src/core/index';

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

test('project file: hardware figures replace the catalog, unknown keys at any depth are named with the likely one', () => {
  const config = parseProjectConfig('cluster:\n  gpu: h100-sxm\n  gpusPerNod: 8\n  hardware: { memoryGiB: 94, interNodeGb: 50, peakTflops: fast }\nparallel: { tp: 2, ppp: 2 }\n');
  assert.deepEqual(config.settings.cluster?.hardware, { memoryGiB: 94 });
  assert.deepEqual(config.problems.map((p) => [p.message, p.unknown ?? false]), [
    ['Unknown setting "gpusPerNod"; did you mean "gpusPerNode"?', true],
    ['Unknown setting "interNodeGb"; did you mean "interNodeGBps"?', true],
    ['Expected a positive number, got "fast".', false],
    ['Unknown setting "ppp"; known: tp, pp, cp.', true],
  ]);
  const gpu = parseProjectConfig('cluster: { gpu: h1000 }\n');
  assert.match(gpu.problems[0].message, /^GPU "h1000" is not in the catalog; did you mean h100-sxm/);
  // The figures reach the estimate: the override wins over the catalog's 80 GiB.
  const plan = buildPlan(analyze('{"train_micro_batch_size_per_gpu": 1, "gradient_accumulation_steps": 1}', { path: 'ds.json' }), {
    ...config.settings, cluster: { ...config.settings.cluster, worldSize: 8 }, model: 'meta-llama/Llama-3.1-8B', seqLength: 4096,
  });
  assert.equal(estimate(plan!.plan).memory.capacity, 94 * 2 ** 30);
  // A higher layer adds figures without dropping the lower layer's.
  assert.deepEqual(mergeSettings(config.settings, { cluster: { hardware: { interNodeGBps: 25 } } }).cluster?.hardware, { memoryGiB: 94, interNodeGBps: 25 });
});

test('the world size says "1 node", not "1 nodes"', () => {
  assert.equal(worldSizeOf({ cluster: { nodes: 1, gpusPerNode: 8 } }).source, '1 node x 8 GPUs per node');
  assert.equal(worldSizeOf({ cluster: { nodes: 2, gpusPerNode: 1 } }).source, '2 nodes x 1 GPU per node');
});
