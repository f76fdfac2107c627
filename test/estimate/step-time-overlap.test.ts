import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimate } from '../../server/src/core/estimate/estimate';
import type { TrainingPlan } from '../../server/src/core/estimate/plan';
import { tensorParallelOverlapShare } from '../../server/src/core/estimate/step-time';

test('tensor-parallel overlap: Megatron hides both passes, PyTorch async TP the forward collectives only', () => {
  assert.equal(tensorParallelOverlapShare({ framework: 'megatron', overlap: { tensorParallel: true } }, 1), 1);
  assert.equal(tensorParallelOverlapShare({ framework: 'fsdp', overlap: { tensorParallel: true } }, 0), 0.5);
  // Full recomputation adds a third forward's worth of traffic (inside the backward pass), which stays exposed.
  assert.ok(Math.abs(tensorParallelOverlapShare({ framework: 'fsdp', overlap: { tensorParallel: true } }, 1) - 1 / 3) < 1e-12);
  assert.equal(tensorParallelOverlapShare({ framework: 'megatron', overlap: { tensorParallel: false } }, 0), 0);
});

test('async TP under FSDP saves less tensor-parallel time than Megatron --tp-comm-overlap on the same layout', () => {
  const plan = (framework: TrainingPlan['framework'], tensorParallel: boolean): TrainingPlan => ({
    framework, precision: 'bf16', recompute: 'full', model: { name: 'meta-llama/Llama-3.1-70B', seqLength: 8192, dropout: false },
    batch: { micro: 2, global: 64 }, parallel: { tp: 8, dp: 32, worldSize: 256, sequenceParallel: true }, hardware: { gpu: 'h100-sxm' },
    overlap: { tensorParallel },
  });
  const tp = (p: TrainingPlan) => estimate(p).time.breakdown.tensorParallelSeconds;
  const fsdpSaved = 1 - tp(plan('fsdp', true)) / tp(plan('fsdp', false));
  const megatronSaved = 1 - tp(plan('megatron', true)) / tp(plan('megatron', false));
  assert.ok(fsdpSaved > 0.2 && fsdpSaved < 0.3, `fsdp async TP hides ${fsdpSaved}`);
  assert.ok(megatronSaved > 0.75, `megatron hides ${megatronSaved}`);
});

test('pipeline p2p: Megatron overlaps it by default in the interleaved schedule only; the plan can say otherwise', () => {
  const plan = (vpp: number, extra: Partial<TrainingPlan> = {}): TrainingPlan => ({
    framework: 'megatron', precision: 'bf16', recompute: 'none', model: { name: 'meta-llama/Meta-Llama-3-70B', seqLength: 8192, dropout: false },
    batch: { micro: 1, global: 128 }, parallel: { tp: 4, pp: 8, vpp, worldSize: 64, sequenceParallel: true }, hardware: { gpu: 'h100-sxm' }, ...extra,
  });
  const p2p = (p: TrainingPlan) => estimate(p).time.breakdown.pipelineP2pSeconds;
  // Five model chunks send five times the activations; overlapped, they cost about what one chunk's sends cost unhidden.
  assert.ok(p2p(plan(5)) < 1.2 * p2p(plan(1)), `${p2p(plan(5))} vs ${p2p(plan(1))}`);
  assert.ok(Math.abs(p2p(plan(5, { overlap: { pipelineP2p: false } })) - 5 * p2p(plan(1))) < 1e-9 * p2p(plan(1)) + 1e-12);
});
