import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pipelineBubble } from '../../server/src/core/estimate/bubble';
import { estimate } from '../../server/src/core/estimate/estimate';
import { findingsFor } from '../../server/src/core/estimate/findings';
import type { TrainingPlan } from '../../server/src/core/estimate/plan';

test('estimate never throws: missing or odd input gives unavailable blocks with what is missing', () => {
  const odd: unknown[] = [{}, undefined, { model: { layers: -3, hiddenSize: Number.NaN } }, { parallel: { tp: 0, worldSize: 'eight' } }, { batch: { micro: 0 } }];
  for (const input of odd) {
    const result = estimate(input as TrainingPlan);
    for (const block of [result.memory, result.flops, result.time, result.cost]) assert.equal(typeof block.available, 'boolean');
    assert.equal(result.memory.available, false);
    assert.ok(result.memory.missing.length > 0 || result.missing.length > 0);
  }
});

const gpt175: TrainingPlan = {
  framework: 'megatron', model: { name: 'GPT-3 175B', seqLength: 2048, dropout: true }, precision: 'bf16', recompute: 'selective',
  parallel: { tp: 8, pp: 8, worldSize: 1024, sequenceParallel: true }, batch: { micro: 1, global: 1536 }, distributedOptimizer: true,
  hardware: { gpu: 'a100-80gb' }, training: { tokens: 300e9, pricePerGpuHour: 2 },
};

test('a full estimate: every block available, MFU <= HFU < 1, cost from the iteration time', () => {
  const result = estimate(gpt175);
  for (const block of [result.parameters, result.memory, result.bubble, result.flops, result.time, result.cost]) {
    assert.ok(block.available, JSON.stringify(block.missing));
    assert.ok(block.sources.length > 0);
  }
  assert.ok(result.time.mfu > 0.3 && result.time.mfu <= result.time.hfu && result.time.hfu < 1);
  assert.equal(result.cost.iterations, Math.ceil(300e9 / (1536 * 2048)));
  assert.ok(Math.abs(result.cost.days - (result.cost.iterations * result.time.iterationSeconds) / 86400) < 1e-9);
  assert.ok(Math.abs(result.cost.gpuHours - result.cost.days * 24 * 1024) < 1e-6);
  assert.equal(result.cost.usd, result.cost.gpuHours * 2);
  // Narayanan Eq. 4 ballpark for GPT-3 on 1024 A100s at ~140 TFLOP/s: 34 days.
  assert.ok(result.cost.days > 20 && result.cost.days < 50, `${result.cost.days} days`);
});

test('a measured iteration time replaces the prediction', () => {
  const measured = estimate({ ...gpt175, training: { ...gpt175.training, measuredIterationSeconds: 20 } });
  assert.equal(measured.time.measured, true);
  assert.equal(measured.time.iterationSeconds, 20);
  assert.equal(measured.time.tokensPerSecond, (1536 * 2048) / 20);
});

test('uneven stages: the slowest paces the pipeline', () => {
  const even = pipelineBubble({ pp: 4, microbatches: 8, stageCosts: [3, 3, 3, 3] });
  const uneven = pipelineBubble({ pp: 4, microbatches: 8, stageCosts: [2, 3, 3, 4] });
  assert.equal(even.fraction, 3 / 11);
  // (m - 1) t_max + sum = 7 x 4 + 12 = 40; useful m sum / p = 24.
  assert.equal(uneven.fraction, 1 - 24 / 40);
});

test('findings: bubble warning with interleaving and ZB-H1 remedies, under-utilized compute as info', () => {
  const plan: TrainingPlan = { ...gpt175, parallel: { tp: 8, pp: 16, worldSize: 1024, sequenceParallel: true }, batch: { micro: 2, global: 512 } };
  const result = estimate(plan);
  const findings = findingsFor(result, { bubbleWarningShare: 0.1 });
  const bubble = findings.find((f) => f.rule === 'pipeline-bubble');
  assert.ok(bubble, 'pp 16 with 32 micro-batches idles over 10% of the step');
  assert.equal(bubble.severity, 'warning');
  for (const r of bubble.remedies) assert.ok(r.result.bubbleFraction! < result.bubble.fraction, `${r.title} lowers the bubble`);
  assert.ok(bubble.remedies.some((r) => r.changes.some((c) => c.path === 'parallel.vpp')));
  assert.ok(bubble.remedies.some((r) => r.changes.some((c) => c.path === 'batch.micro' && c.to === 1)));
  const thin = findingsFor(estimate({ ...gpt175, model: { name: 'GPT-3 175B', seqLength: 256 }, batch: { micro: 1, global: 1536 } }));
  const info = thin.find((f) => f.rule === 'compute-underutilized');
  assert.equal(info?.severity, 'info');
  assert.ok(info!.remedies[0].changes.some((c) => c.path === 'batch.micro' && c.to === 2));
});

test('out-of-memory findings: warning above 90%, error above capacity, remedies recomputed', () => {
  const tight = estimate({ model: { name: 'meta-llama/Llama-3.1-8B', seqLength: 4096 }, parallel: { worldSize: 1 }, batch: { micro: 2, gradAccum: 8 },
    precision: 'bf16', recompute: 'none', hardware: { gpu: 'h100' } });
  const oom = findingsFor(tight).find((f) => f.rule === 'out-of-memory');
  assert.equal(oom?.severity, 'error');
  assert.match(oom!.message, /exceeds/);
  const micro = oom!.remedies.find((r) => r.changes.some((c) => c.path === 'batch.micro'));
  assert.ok(micro && micro.result.memoryBytes! < tight.memory.total);
  assert.ok(oom!.remedies.every((r) => r.result.memoryBytes !== undefined));
  const roomy = estimate({ ...tight.plan, hardware: { ...tight.plan.hardware, memoryGiB: tight.memory.total / 2 ** 30 / 0.95 } });
  assert.equal(findingsFor(roomy).find((f) => f.rule === 'out-of-memory')?.severity, 'warning');
});
