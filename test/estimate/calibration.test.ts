import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSharedDir, predictRow, throughputRows } from '../../bench/accuracy';
import { calibrationCoverage } from '../../bench/calibration-coverage';
import { CALIBRATED_REGIMES, stepTimeConfidence, type CalibratedRegime } from '../../server/src/core/estimate/calibration';
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

// A fixed table, so that these cases test the wording and not the bench's current rows.
const REGIMES: CalibratedRegime[] = [
  { gpu: 'h100_sxm', parallel: 'model-parallel', precision: '16-bit', rows: 8, medianErrorPercent: 8.5, sources: ['Megatron-LM README'] },
  { gpu: 'h100_sxm', parallel: 'data-parallel', precision: '16-bit', rows: 1, medianErrorPercent: 12.6, sources: ['Megatron-LM README'] },
  { gpu: 'b200', parallel: 'model-parallel', precision: 'fp8', rows: 2, medianErrorPercent: 14.6, sources: ['Megatron-Bridge'] },
];

test('a predicted step time says whether runs like it were calibrated, and why not', () => {
  const level = (plan: TrainingPlan) => stepTimeConfidence(plan, REGIMES);
  assert.deepEqual(level(megatron8b('h100-sxm')), {
    level: 'calibrated', reason: 'NVIDIA H100 SXM5 80GB, tensor/pipeline-parallel 16-bit: 8 published runs (Megatron-LM README), median error 8.5%',
  });
  assert.match(level(megatron8b('h100-sxm', { parallel: { worldSize: 16 } })).reason, /^NVIDIA H100 SXM5 80GB, data-parallel .*: only 1 published run \(Megatron-LM README\)/);
  const zero3 = level(megatron8b('h100-sxm', { framework: 'deepspeed', zero: { stage: 3 }, parallel: { worldSize: 16 } }));
  assert.equal(zero3.level, 'extrapolated');
  assert.equal(zero3.reason, 'NVIDIA H100 SXM5 80GB is calibrated for tensor/pipeline-parallel 16-bit runs, not for fully sharded data-parallel (ZeRO-3/FSDP) 16-bit ones');
  assert.match(level(megatron8b('b200')).reason, /^only 2 published runs on NVIDIA B200 .*none calibrating tensor\/pipeline-parallel 16-bit runs/);
  assert.match(level(megatron8b('mi300x')).reason, /^no published step time on AMD Instinct MI300X/);
  assert.equal(level(megatron8b('h100-sxm', { adapter: { type: 'lora', rank: 16, targetModules: ['all-linear'] } })).level, 'extrapolated');
});

test('the estimate carries the confidence, and its report the three largest parts', () => {
  const onH100 = estimate(megatron8b('h100-sxm'));
  assert.deepEqual(onH100.time.confidence, stepTimeConfidence(onH100.plan));
  const rows = new Map(throughputSection(onH100).rows);
  const parts = rows.get('largest parts') ?? '';
  assert.equal(parts.split(', ').length, 3, parts);
  assert.match(parts, /^compute \d/, 'compute leads a tensor-parallel 8B step');
  assert.equal(rows.get('confidence'), `${onH100.time.confidence.level}: ${onH100.time.confidence.reason}`);

  const measured = estimate(megatron8b('b200', { training: { measuredIterationSeconds: 3 } }));
  assert.equal(measured.time.confidence.level, 'measured');
  assert.equal(new Map(throughputSection(measured).rows).get('confidence'), undefined, 'a measured time has no model confidence row');
});
