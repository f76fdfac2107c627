import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  attentionKernel, attentionSecondsPerFlop, CUDNN_FUSED_ATTENTION_H100, FLASH_ATTENTION_2_H100, hopperOrLater, kernelShare,
} from '../../server/src/core/estimate/attention-efficiency';
import { estimate } from '../../server/src/core/estimate/estimate';
import type { TrainingPlan } from '../../server/src/core/estimate/plan';

const H100_PEAK = 989;
const LENGTHS = [512, 1024, 2048, 4096, 8192, 16384];

// The TFLOP/s the FlashAttention-3 paper (Fig. 5-6, H100 SXM5, head dim 128) prints at 512-16K: each curve stays within 6%.
const MEASURED: [string, number[], (s: number) => number][] = [
  ['FlashAttention-2 causal forward', [191, 260, 298, 319, 333, 335], (s) => kernelShare(FLASH_ATTENTION_2_H100.causalForward, s)],
  ['FlashAttention-2 backward', [214, 260, 291, 310, 318, 322], (s) => kernelShare(FLASH_ATTENTION_2_H100.backward, s)],
  ['cuDNN causal forward', [315, 410, 484, 518, 529, 539], (s) => kernelShare(CUDNN_FUSED_ATTENTION_H100.causalForward, s)],
  ['cuDNN forward', [497, 574, 617, 609, 600, 595], (s) => kernelShare(CUDNN_FUSED_ATTENTION_H100.forward, s)],
  ['cuDNN backward', [305, 408, 465, 499, 518, 516], (s) => kernelShare(CUDNN_FUSED_ATTENTION_H100.backward, s)],
];

test('kernel curves reproduce the measured FlashAttention-3 paper points', () => {
  for (const [name, tflops, share] of MEASURED) {
    LENGTHS.forEach((s, i) => {
      const predicted = share(s) * H100_PEAK;
      assert.ok(Math.abs(predicted / tflops[i] - 1) < 0.06, `${name} at ${s}: ${predicted.toFixed(0)} vs ${tflops[i]} TFLOP/s`);
    });
  }
});

test('attention speed rises with sequence length and saturates', () => {
  const rate = (s: number) => 1 / attentionSecondsPerFlop(CUDNN_FUSED_ATTENTION_H100, s, 1, 0, 1, 1);
  assert.ok(rate(512) < rate(2048) && rate(2048) < rate(8192) && rate(8192) < rate(32768));
  assert.ok(rate(2048) / rate(512) > 1.3, 'short sequences lose a third of the speed');
  assert.ok(rate(131072) / rate(32768) < 1.01, 'saturated past 32K');
});

test('context parallelism: kernels see s/cp queries and only the diagonal step is masked', () => {
  const seconds = (s: number, cp: number) => attentionSecondsPerFlop(CUDNN_FUSED_ATTENTION_H100, s, cp, 0, 1, 1);
  // 2K local queries: slower than one 16K causal kernel, faster than a 2K causal one (unmasked blocks run faster).
  assert.ok(seconds(16384, 8) > seconds(16384, 1));
  assert.ok(seconds(16384, 8) < seconds(2048, 1));
  // Recomputation repeats the forward only: one more forward costs less than the 2.5x backward.
  const base = seconds(8192, 1);
  const recomputed = attentionSecondsPerFlop(CUDNN_FUSED_ATTENTION_H100, 8192, 1, 1, 1, 1);
  assert.ok(recomputed > base && recomputed < 1.5 * base);
});

test('the kernel follows the framework and GPU: TE cuDNN on Hopper+, PyTorch SDPA FlashAttention-2, A100 at 73% of peak', () => {
  assert.ok(hopperOrLater('h100-sxm') && hopperOrLater('gb200') && hopperOrLater('h200-sxm') && hopperOrLater('b200'));
  assert.ok(!hopperOrLater('a100-80gb') && !hopperOrLater('v100-32gb') && !hopperOrLater(undefined));
  assert.ok(hopperOrLater('NVIDIA H100 80GB HBM3'), 'the name torch reports resolves through the catalog');
  assert.equal(attentionKernel({ framework: 'megatron', hardware: { gpu: 'h100-sxm' } }), CUDNN_FUSED_ATTENTION_H100);
  assert.equal(attentionKernel({ framework: 'fsdp', hardware: { gpu: 'h100-sxm' } }), FLASH_ATTENTION_2_H100);
  const ampere = attentionKernel({ framework: 'megatron', hardware: { gpu: 'a100-80gb' } });
  assert.ok(Math.abs(ampere.causalForward.max - 0.73) < 1e-9);
});

test('a long-context step gets faster per FLOP than a short one, and TE beats SDPA on H100', () => {
  const plan = (seqLength: number, framework: TrainingPlan['framework']): TrainingPlan => ({
    framework, precision: 'bf16', model: { name: 'meta-llama/Llama-2-7b-hf', seqLength, dropout: false }, flashAttention: true,
    batch: { micro: 1, global: 8 }, parallel: { worldSize: 8 }, hardware: { gpu: 'h100-sxm' },
  });
  const tflops = (p: TrainingPlan) => estimate(p, { convention: 'megatron' }).time.tflopsPerGpu;
  assert.ok(tflops(plan(1024, 'megatron')) < tflops(plan(4096, 'megatron')));
  assert.ok(tflops(plan(16384, 'fsdp')) < tflops(plan(16384, 'megatron')));
});
