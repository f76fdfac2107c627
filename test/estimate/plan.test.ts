import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completePlan } from '../../server/src/core/estimate/complete-plan';
import { planFieldProblems } from '../../server/src/core/estimate/plan-fields';
import { catalogModelIds } from '../../server/src/core/catalog/find-model';

test('dp = world / (tp x pp x cp) and the missing batch number is derived', () => {
  const { plan, missing, conflicts } = completePlan({
    model: { name: 'meta-llama/Llama-3.1-8B', seqLength: 8192 }, parallel: { tp: 2, pp: 2, cp: 2, worldSize: 64 }, batch: { micro: 2, global: 256 }, hardware: { gpu: 'h100' },
  });
  assert.equal(plan.parallel?.dp, 8);
  assert.equal(plan.batch?.gradAccum, 16);
  assert.deepEqual(missing, []);
  assert.deepEqual(conflicts, []);
  assert.equal(plan.hardware?.peakTflops, 989);
  assert.equal(plan.hardware?.memoryGiB, 80);
  assert.equal(plan.model?.kvHeads, 8);
});

test('every default is an assumption; what cannot be derived is missing', () => {
  const { plan, assumptions, missing } = completePlan({ model: { layers: 4, hiddenSize: 512, heads: 8, vocabSize: 1000, seqLength: 128, glu: true }, parallel: { worldSize: 4 }, batch: { global: 32 } });
  assert.equal(plan.model?.ffnHiddenSize, 1344, 'Megatron GLU default int(8h/3 / 64) * 64');
  assert.equal(plan.model?.kvHeads, 8);
  assert.equal(plan.batch?.micro, 1);
  assert.equal(plan.batch?.gradAccum, 8);
  for (const phrase of ['kvHeads = heads', 'ffnHiddenSize = 1344', 'micro-batch 1', 'bf16 mixed precision', 'AdamW', 'no activation recomputation', 'untied']) {
    assert.ok(assumptions.some((a) => a.includes(phrase)), `assumption about ${phrase}`);
  }
  assert.ok(missing.includes('hardware.gpu or hardware.peakTflops'));
});

test('contradictions are reported, not silently fixed', () => {
  const a = completePlan({ parallel: { tp: 8, worldSize: 12 }, batch: { micro: 1, global: 8 } });
  assert.ok(a.conflicts.some((c) => c.includes('not a multiple of tp x pp x cp')));
  const b = completePlan({ parallel: { worldSize: 8 }, batch: { micro: 2, gradAccum: 2, global: 64 } });
  assert.ok(b.conflicts.some((c) => c.includes('global batch 64')));
  const c = completePlan({ precision: 'bf16', hardware: { gpu: 'V100' } });
  assert.ok(c.conflicts.some((x) => x.includes('no bf16')));
  assert.equal(c.plan.hardware?.peakTflops, 125, 'fp16 peak used instead');
});

test('world size from the batch when only micro, accumulation and global are given; tokens <-> iterations', () => {
  const { plan, assumptions } = completePlan({ model: { seqLength: 2048 }, batch: { micro: 4, gradAccum: 8, global: 1024 }, training: { tokens: 2048 * 1024 * 100 } });
  assert.equal(plan.parallel?.dp, 32);
  assert.equal(plan.parallel?.worldSize, 32);
  assert.equal(plan.training?.iterations, 100);
  assert.ok(assumptions.some((x) => x.includes('data-parallel size 32')));
});

test('an example price is filled only as a marked assumption', () => {
  const { plan, assumptions } = completePlan({ hardware: { gpu: 'H100 SXM' } });
  assert.equal(plan.training?.pricePerGpuHour, 2.65);
  assert.ok(assumptions.some((x) => x.startsWith('ASSUMED price')));
  assert.equal(completePlan({ hardware: { gpu: 'T4' } }).plan.training?.pricePerGpuHour, undefined, 'no source, no price');
});

test('hand-written plan fields: every completed catalog plan passes, misspellings and wrong kinds do not', () => {
  for (const name of catalogModelIds()) {
    const completed = completePlan({ model: { name, seqLength: 4096 }, parallel: { worldSize: 8 }, batch: { micro: 1, gradAccum: 4 }, hardware: { gpu: 'h100-sxm' } });
    assert.deepEqual(planFieldProblems(completed.plan as Record<string, unknown>), [], name);
  }
  assert.deepEqual(planFieldProblems({ zero: { stage: 3, offloadOptimizer: 'nvme', offloadParams: true }, parallel: { stageLayers: [15, 17] } }), []);
  assert.deepEqual(planFieldProblems({ parallel: { tensorParallel: 2 }, zero: { offloadOptimizer: 'gpu' }, adapter: { targetModules: 'q_proj' } }), [
    'parallel.tensorParallel: not a plan field',
    'zero.offloadOptimizer: expected true, false, "cpu" or "nvme", got "gpu"',
    'adapter.targetModules: expected an array of strings, got "q_proj"',
  ]);
  assert.deepEqual(planFieldProblems({ hardware: { gpu: 'h100', memoryGb: 80 } }), ['hardware.memoryGb: not a plan field; did you mean "memoryGiB"?']);
});

test('epochs x dataset tokens give the training length when neither tokens nor iterations is stated', () => {
  const base = { model: { name: 'meta-llama/Llama-3.1-8B', seqLength: 4096 }, parallel: { worldSize: 8 }, batch: { micro: 1, gradAccum: 8 } };
  const done = completePlan({ ...base, training: { epochs: 2, datasetTokens: 1e9 } });
  assert.equal(done.plan.training?.tokens, 2e9);
  assert.equal(done.plan.training?.iterations, Math.ceil(2e9 / (64 * 4096)));
  const noData = completePlan({ ...base, training: { epochs: 3 } });
  assert.equal(noData.plan.training?.tokens, undefined);
  assert.ok(noData.missing.some((m) => m.startsWith('training.datasetTokens')), noData.missing.join('; '));
  // Stated iterations win over epochs, as max_steps does in the Trainer.
  assert.equal(completePlan({ ...base, training: { iterations: 100, epochs: 3, datasetTokens: 1e9 } }).plan.training?.tokens, 100 * 64 * 4096);
});
