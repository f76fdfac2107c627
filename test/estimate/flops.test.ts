import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findSharedDir } from '../../bench/accuracy';
import { completePlan } from '../../server/src/core/estimate/complete-plan';
import { estimateFlops } from '../../server/src/core/estimate/flops';
import type { TrainingPlan } from '../../server/src/core/estimate/plan';
import { assertRelative } from './tolerance';

function planFor(name: string, seqLength: number, extra: Partial<TrainingPlan> = {}): TrainingPlan {
  return completePlan({ framework: 'megatron', model: { name, seqLength }, batch: { global: 1 }, parallel: { worldSize: 1 }, ...extra }).plan;
}

test('megatron convention: Bridge Llama3-8B 744 TFLOP/s at 14,451 tokens/s implies 5.15e10 FLOPs per token (formulas.md 3)', () => {
  assertRelative(estimateFlops(planFor('meta-llama/Meta-Llama-3-8B', 8192), 'megatron').perToken.model, 5.15e10, 0.005, 'causal, GQA, SwiGLU');
});

const shared = findSharedDir(__dirname);
test('megatron-noncausal convention reproduces the NeMo launcher model TFLOP/s per token (reference-facts.json)', (t) => {
  if (!shared) return t.skip('skipped: no ../shared');
  const facts = JSON.parse(readFileSync(join(shared, 'corpus/reference-facts.json'), 'utf8'));
  const names: Record<string, string> = {
    'LLAMA2-7B': 'meta-llama/Llama-2-7b-hf', 'LLAMA2-13B': 'meta-llama/Llama-2-13b-hf', 'LLAMA2-70B': 'meta-llama/Llama-2-70b-hf',
    'LLAMA3-8B': 'meta-llama/Meta-Llama-3-8B', 'LLAMA3-70B': 'meta-llama/Meta-Llama-3-70B',
  };
  let checked = 0;
  for (const [name, , , , seq, tp, , , tokensPerSecond, tflops] of facts.nemo_launcher_pretraining_benchmarks.rows) {
    if (!names[name]) continue;
    const perToken = estimateFlops(planFor(names[name], seq, { parallel: { tp, worldSize: tp } }), 'megatron-noncausal').perToken.model;
    // Published TFLOP/s and tokens/s are rounded to 3-5 digits.
    assertRelative(perToken, (tflops * 1e12) / tokensPerSecond, 0.005, name);
    checked++;
  }
  assert.equal(checked, 5);
});

test('palm counts 6N + 12 L H Q T, 6nd only 6N, and full recomputation adds the layers\' forward pass', () => {
  const plan = planFor('meta-llama/Llama-3.1-8B', 4096, { framework: 'plain' });
  const palm = estimateFlops(plan, 'palm');
  const sixN = estimateFlops(plan, '6nd');
  assert.equal(palm.perToken.model - sixN.perToken.model, 12 * 32 * 4096 * 4096);
  assert.equal(palm.perToken.hardware, palm.perToken.model, 'no recomputation: hardware = model');
  const full = estimateFlops({ ...plan, recompute: 'full' }, 'palm');
  const layers = 8_030_261_248 - 2 * 128256 * 4096;
  assertRelative(full.perToken.hardware - full.perToken.model, 2 * layers + (12 * 32 * 4096 * 4096) / 3, 1e-12, 'forward of the layers');
  const selective = estimateFlops({ ...plan, recompute: 'selective' }, 'megatron');
  assert.ok(selective.perToken.hardware > selective.perToken.model, 'selective recomputation repeats core attention');
});

test('MoE: 6nd counts active parameters; megatron counts top-k experts and no router', () => {
  const plan = planFor('Qwen/Qwen3-30B-A3B', 4096, { framework: 'plain' });
  assert.equal(estimateFlops(plan, '6nd').perToken.model, 6 * 3_353_032_704);
  const megatron = estimateFlops(plan, 'megatron').perToken.model;
  assert.ok(megatron > 6 * (3_353_032_704 - 2 * 151936 * 2048) && megatron < 6 * 3_353_032_704 + 6 * 48 * 4096 * 4096, `${megatron}`);
});

test('missing shape makes the block unavailable and lists what is missing', () => {
  const flops = estimateFlops({ model: { layers: 2 } }, 'megatron');
  assert.equal(flops.available, false);
  assert.ok(flops.missing.includes('model.hiddenSize') && flops.missing.includes('batch.global'));
});
