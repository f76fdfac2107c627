import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, repoRoot } from '../helpers';

const GIB = 2 ** 30;
const fixture = join(repoRoot(), 'test', 'fixtures', 'trainer', 'sft-liger.yaml');

function estimateJson(path: string, extra: string[] = []) {
  const run = spawnSync(process.execPath, [CLI(), 'estimate', path, '--gpu', 'H100', '--gpus', '8', '--format', 'json', ...extra], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

test('use_liger_kernel: the loss never holds the 32k x 152k logits; without it, they are counted in fp32', () => {
  const liger = estimateJson(fixture);
  assert.ok(liger.memory.logits < 3 * GIB, `${liger.memory.logits / GIB} GiB with Liger`);
  assert.ok(liger.assumptions.some((a: string) => /Liger fused linear cross entropy/.test(a)));
  const plain = join(mkdtempSync(join(tmpdir(), 'trainlint-liger-')), 'sft.yaml');
  writeFileSync(plain, readFileSync(fixture, 'utf8').replace('use_liger_kernel: true', 'use_liger_kernel: false'));
  // 8 bytes x 2 x 32,768 tokens x 152,064 vocabulary: fp32 logits and their log-probabilities.
  assert.ok(estimateJson(plain).memory.logits > 70 * GIB);
});

test('a context-extended derivative another organisation publishes resolves to its base, and DDP is stated where the file names no sharding', () => {
  const json = estimateJson(fixture);
  assert.ok(json.assumptions.some((a: string) => /model shape of open-r1\/Qwen2\.5-Math-7B-RoPE-300k taken from its base Qwen\/Qwen2\.5-Math-7B/.test(a)));
  assert.ok(json.assumptions.some((a: string) => /no DeepSpeed or FSDP setting reaches this run: every GPU holds the whole model \(DDP\)/.test(a)));
  // A launch whose accelerate config shards the model is not called DDP.
  const fsdp = estimateJson(join(repoRoot(), 'test', 'fixtures', 'adapters', 'peft-qlora-fsdp', 'run.sh'), ['--gpus', '2']);
  assert.doesNotMatch(JSON.stringify(fsdp), /no DeepSpeed or FSDP setting reaches this run/);
  // torch_dtype: bfloat16 without DeepSpeed: bf16 weights, gradients and AdamW moments (8 bytes per parameter).
  assert.match(JSON.stringify(json), /weights loaded in bf16 \(torch_dtype\) and trained without DeepSpeed/);
  assert.ok(Math.abs(json.memory.optimizer / json.memory.weights - 2) < 0.01, `${json.memory.optimizer / json.memory.weights}`);
});

test('a switch reads the same for the plan and the rules: "None" and "null" strings are off, "${BF16}" is left open', async () => {
  const { analyze } = await import('../../server/src/core/analyze');
  const { buildPlan } = await import('../../server/src/core/plan/build-plan');
  const base = 'output_dir: out\nper_device_train_batch_size: 4\nfp16: true\n';
  for (const [bf16, precision] of [['"None"', 'fp16'], ['"null"', 'fp16'], ['"${BF16}"', 'fp16'], ['"yes"', 'bf16']] as const) {
    const analysis = analyze(`${base}bf16: ${bf16}\n`, { path: 'train.yaml' });
    assert.equal(buildPlan(analysis, {})!.plan.precision, precision, bf16);
    assert.equal(analysis.diagnostics.some((d) => d.rule === 'fp16-and-bf16'), precision === 'bf16', bf16);
  }
});

test('the learning-rate hover writes small rates as configs do (2e-5 -> 2.83e-5), not 0.0000283', async () => {
  const { analyze } = await import('../../server/src/core/analyze');
  const { researchHover } = await import('../../server/src/core/hover/research-hover');
  const { getChild } = await import('../../server/src/core/syntax/config-tree');
  const analysis = analyze('output_dir: out\nper_device_train_batch_size: 4\nlearning_rate: 2.0e-5\nmax_steps: 1000\n', { path: 'train.yaml' });
  const text = researchHover(analysis, getChild(analysis.roots[0], 'learning_rate')!) ?? '';
  assert.match(text, /If the global batch doubles: 2e-5 → 2\.83e-5\./);
});
