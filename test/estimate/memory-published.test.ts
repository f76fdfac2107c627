// Published peak memory and out-of-memory claims (bench/memory-cases.ts, bench/adapter-memory-cases.ts): a run a source
// made on a GPU must be estimated within that GPU's memory, and a run a source says ran out of memory must not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimate } from '../../server/src/core/estimate/estimate';
import { MEMORY_CASES } from '../../bench/memory-accuracy';

const GIB = 2 ** 30;

for (const c of MEMORY_CASES.filter((m) => m.outcome !== 'figure-only')) {
  test(`${c.id}: ${c.outcome === 'oom' ? 'published out of memory' : 'published as working'} on ${c.plan.hardware?.gpu}`, () => {
    const memory = estimate(c.plan).memory;
    assert.ok(memory.available, memory.missing.join(', '));
    const figures = `${(memory.total / GIB).toFixed(2)} GiB of ${(memory.capacity / GIB).toFixed(0)} GiB`;
    if (c.outcome === 'oom') assert.ok(!memory.fits, `${c.id}: estimated to fit (${figures})`);
    else assert.ok(memory.fits, `${c.id}: false out-of-memory (${figures})`);
  });
}

test('the bench holds at least 12 full-training cases with a figure and one published out-of-memory run', () => {
  const full = MEMORY_CASES.filter((c) => !c.plan.adapter);
  assert.ok(full.filter((c) => c.published !== undefined).length >= 11);
  assert.ok(full.some((c) => c.outcome === 'oom'));
});

test('AMP (torch.autocast) holds a 16-bit copy of the trainable weights through the backward pass, not in the step', () => {
  const plan = MEMORY_CASES.find((c) => c.id === 'hf-bert-large-b4-fp16')!.plan;
  const amp = estimate(plan).memory;
  assert.equal(amp.bufferParts.autocastCopies, amp.weights, '2 bytes per parameter, as the 16-bit weights');
  assert.equal(estimate({ ...plan, precision: 'fp32' }).memory.bufferParts.autocastCopies, 0);
  assert.equal(estimate({ ...plan, framework: 'deepspeed', zero: { stage: 2 } }).memory.bufferParts.autocastCopies, 0, 'DeepSpeed holds 16-bit weights itself');
  const stepBound = estimate({ ...plan, batch: { micro: 1, gradAccum: 4 }, recompute: 'full' }).memory;
  assert.equal(stepBound.peakPhase, 'optimizer-step');
  assert.equal(stepBound.total, stepBound.weights + stepBound.gradients + stepBound.optimizer + stepBound.optimizerStep + stepBound.buffers - stepBound.bufferParts.autocastCopies);
});

test('SGD with momentum 0 keeps no optimizer state; with momentum it keeps one buffer per parameter', () => {
  const plan = MEMORY_CASES.find((c) => c.id === 'torchtune-llama2-7b-full-1xa6000')!.plan;
  assert.equal(estimate(plan).memory.optimizer, 0);
  const withMomentum = estimate({ ...plan, optimizer: { type: 'sgd', momentum: 0.9 } }).memory;
  assert.equal(withMomentum.optimizer, withMomentum.weights, 'bf16 momentum buffer, the size of the bf16 weights');
});
