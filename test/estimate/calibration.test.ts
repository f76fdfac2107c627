import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSharedDir, predictRow, throughputRows } from '../../bench/accuracy';
import { calibrationCoverage } from '../../bench/calibration-coverage';
import { CALIBRATED_REGIMES } from '../../server/src/core/estimate/calibration';
import { estimate } from '../../server/src/core/estimate/estimate';
import type { TrainingPlan } from '../../server/src/core/estimate/plan';
import { throughputSection } from '../../server/src/core/report/estimate-report';

test('the calibrated-regime table is what the published rows of bench/accuracy.ts give', (t) => {
  const shared = findSharedDir(__dirname);
  if (!shared) return t.skip('skipped: no ../shared');
  const coverage = calibrationCoverage(throughputRows(shared).rows.map((row) => predictRow(row)));
  assert.deepEqual(CALIBRATED_REGIMES, coverage, 'regenerate with node out/bench/calibration-coverage.js');
});

const megatron8b = (gpu: string, extra: Partial<TrainingPlan> = {}): TrainingPlan => ({
  framework: 'megatron', precision: 'bf16', model: { name: 'meta-llama/Llama-3.1-8B', seqLength: 8192 },
  batch: { micro: 1, gradAccum: 32, global: 128 }, parallel: { worldSize: 16, tp: 4, pp: 1 }, hardware: { gpu }, ...extra,
});

test('a predicted step time says whether runs like it were calibrated, and which parts dominate it', () => {
  const onH100 = estimate(megatron8b('h100-sxm'));
  assert.equal(onH100.time.confidence.level, 'calibrated');
  assert.match(onH100.time.confidence.reason, /H100 SXM5 80GB, tensor\/pipeline-parallel 16-bit: \d+ published runs .*median error \d/);

  const onB200 = estimate(megatron8b('b200'));
  assert.equal(onB200.time.confidence.level, 'extrapolated');
  assert.match(onB200.time.confidence.reason, /no published step time on NVIDIA B200/);

  // H100 is calibrated for model-parallel runs only; a ZeRO-3 run on it is extrapolated, and says what is calibrated.
  const zero3 = estimate(megatron8b('h100-sxm', { framework: 'deepspeed', zero: { stage: 3 }, parallel: { worldSize: 16 } }));
  assert.equal(zero3.time.confidence.level, 'extrapolated');
  assert.match(zero3.time.confidence.reason, /calibrated for .*tensor\/pipeline-parallel 16-bit.* not for fully sharded/);

  const lora = estimate(megatron8b('a100-80gb', { adapter: { type: 'lora', rank: 16, targetModules: ['all-linear'] } }));
  assert.equal(lora.time.confidence.level, 'extrapolated');

  const measured = estimate(megatron8b('b200', { training: { measuredIterationSeconds: 3 } }));
  assert.equal(measured.time.confidence.level, 'measured');

  const rows = new Map(throughputSection(onH100).rows);
  const parts = rows.get('largest parts') ?? '';
  assert.equal(parts.split(', ').length, 3, parts);
  assert.match(parts, /^compute \d/, 'compute leads a tensor-parallel 8B step');
  assert.match(rows.get('confidence') ?? '', /^calibrated: /);
  assert.equal(new Map(throughputSection(measured).rows).get('confidence'), undefined, 'a measured time has no model confidence row');
});
