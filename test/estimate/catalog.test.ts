import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findGpu } from '../../server/src/core/catalog/find-gpu';
import { findModel, catalogModelIds } from '../../server/src/core/catalog/find-model';
import { ACCELERATORS } from '../../server/src/core/catalog/accelerators';
import { MODEL_ARCHITECTURES } from '../../server/src/core/catalog/model-architectures';

test('findGpu accepts common spellings', () => {
  const cases: [string, string][] = [
    ['a100-80gb', 'a100_80gb_sxm'], ['A100 80GB', 'a100_80gb_sxm'], ['A100', 'a100_80gb_sxm'], ['NVIDIA A100-SXM4-40GB', 'a100_40gb_sxm'],
    ['A100-80GB (Selene DGX A100)', 'a100_80gb_sxm'], ['a100 pcie', 'a100_80gb_pcie'], ['h100', 'h100_sxm'], ['H100-SXM', 'h100_sxm'],
    ['H100 (80GB SXM)', 'h100_sxm'], ['NVIDIA H100 PCIe', 'h100_pcie'], ['h100 nvl', 'h100_nvl'], ['H200', 'h200_sxm'], ['h20', 'h20'],
    ['B200', 'b200'], ['GB200', 'gb200'], ['MI250X', 'mi250x'], ['AMD Instinct MI300X', 'mi300x'], ['mi325x', 'mi325x'], ['L40S', 'l40s'],
    ['L4', 'l4'], ['A10G', 'a10g'], ['Tesla V100 16GB', 'v100_16gb_sxm2'], ['V100-32GB', 'v100_32gb_sxm2'], ['v100', 'v100_32gb_sxm2'],
    ['T4', 't4'], ['RTX 3090', 'rtx_3090'], ['GeForce RTX 4090', 'rtx_4090'], ['RTX A6000', 'rtx_a6000'], ['H800', 'h800_sxm'],
  ];
  for (const [name, id] of cases) assert.equal(findGpu(name)?.id, id, name);
  assert.equal(findGpu('L40'), undefined, 'L40 is not L4 or L40S');
  assert.equal(findGpu('TPU v4'), undefined);
});

test('every accelerator carries sources for the values the estimator uses', () => {
  assert.equal(ACCELERATORS.length, 23);
  for (const a of ACCELERATORS) {
    assert.ok(a.sources.memory.length > 0 && a.sources.peak.length > 0, a.id);
    assert.ok(a.peakTflops.bf16 ?? a.peakTflops.fp16, `${a.id} has a 16-bit peak`);
    if (a.interNodeGBps !== undefined) assert.ok(a.sources.interNode, `${a.id} inter-node source`);
  }
  // Dense, not sparse: H100 SXM BF16 989 TFLOP/s (the datasheet's 1979 includes 2:4 sparsity).
  assert.equal(findGpu('h100')?.peakTflops.bf16, 989);
});

test('findModel: Hugging Face ids case-insensitively, bare names, GPT-3 paper sizes', () => {
  assert.equal(MODEL_ARCHITECTURES.length, 55);
  assert.equal(findModel('META-LLAMA/llama-3.1-8b')?.id, 'meta-llama/Llama-3.1-8B');
  assert.equal(findModel('Llama-3.1-8B')?.id, 'meta-llama/Llama-3.1-8B');
  assert.equal(findModel('https://huggingface.co/Qwen/Qwen3-8B')?.id, 'Qwen/Qwen3-8B');
  assert.equal(findModel('GPT-3 175B')?.architecture.hiddenSize, 12288);
  assert.equal(findModel('TinyLlama/TinyLlama-1.1B-Chat-v1.0')?.family, 'llama');
  assert.equal(findModel('no/such-model'), undefined);
  assert.ok(catalogModelIds().every((id) => findModel(id)?.id === id));
  for (const m of MODEL_ARCHITECTURES) assert.ok(m.source.length > 0, `${m.id} source`);
});
