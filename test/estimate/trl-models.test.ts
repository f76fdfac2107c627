import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, fixture, readFixture } from '../helpers';
import { planFieldProblems } from '../../server/src/core/estimate/plan-fields';
import { analyze } from '../../server/src/core/analyze';
import { fileSummary } from '../../server/src/core/hover/file-summary';

const GIB = 2 ** 30;
// Parameter counts of the catalog shapes (equal to the Hugging Face counts of the released checkpoints).
const LLAMA2_7B = 6_738_415_616;
const QWEN25_7B = 7_615_616_512;
const LLAMA32_1B = 1_235_814_400;
// Llama-3.2-3B ties its output layer to the embedding: a one-score head adds a hidden-size (3072) vector.
const LLAMA32_3B_SCORE = 3_212_749_824 + 3072;

interface Part { role: string; trainer?: string; params: number; bytes: number; counted: boolean }

function estimateJson(path: string, extra: string[] = []) {
  const run = spawnSync(process.execPath, [CLI(), 'estimate', path, '--gpu', 'h100-sxm', '--gpus', '8', '--seq-length', '1024', '--format', 'json', ...extra], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  const parts: Part[] = out.memory.otherModelParts ?? [];
  const said = [...out.assumptions, ...out.memory.assumptions] as string[];
  return { out, memory: out.memory, parts, said };
}

/** A fixture with some lines changed, written next to the DeepSpeed configs it links to. */
function variant(name: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-trl-'));
  for (const ds of ['ds-zero2.json', 'ds-zero3.json']) copyFileSync(fixture('trl', ds), join(dir, ds));
  const path = join(dir, name);
  writeFileSync(path, edit(readFixture('trl', name)));
  return path;
}

const saidOnce = (said: string[], pattern: RegExp) => assert.equal(said.filter((s) => pattern.test(s)).length, 1, `${pattern}\n${said.join('\n')}`);

test('DPO with ZeRO-2: a second copy of the policy, replicated in bf16, is a row of the memory table and part of the total', () => {
  const { memory, parts, said } = estimateJson(fixture('trl', 'dpo-zero2.yaml'));
  assert.deepEqual(parts, [{ role: 'reference', trainer: 'DPO', params: LLAMA2_7B, bytes: LLAMA2_7B * 2, counted: true }]);
  assert.equal(memory.otherModels, LLAMA2_7B * 2);
  // The reference is held through both phases: the peak of the policy's phases plus its copy.
  const states = memory.weights + memory.gradients + memory.optimizer + memory.buffers;
  const peak = Math.max(states + memory.activations + memory.logits, states + memory.optimizerStep);
  assert.ok(Math.abs(memory.total - (peak + LLAMA2_7B * 2)) < 1, `${memory.total} = the policy's peak + the reference`);
  saidOnce(said, /^DPO reference model: a second copy of the policy \(6\.7B\), replicated in bf16 under ZeRO-2 \(TRL prepare_deepspeed: ZeRO stage 0 unless stage 3\): 12\.6 GiB per GPU$/);
  assert.ok(memory.sources.some((s: string) => s.includes('trl/trainer/dpo_trainer.py')));

  const text = spawnSync(process.execPath, [CLI(), 'estimate', fixture('trl', 'dpo-zero2.yaml'), '--gpu', 'h100-sxm', '--gpus', '8', '--seq-length', '1024'], { encoding: 'utf8' }).stdout;
  assert.match(text, /^ {2}reference and reward models +12\.6 GiB \(reference\)$/m);
});

test('DPO precompute_ref_log_probs and DPO of a PEFT adapter hold no second model, and say why', () => {
  const precompute = estimateJson(fixture('trl', 'dpo-precompute.yaml'));
  assert.equal(precompute.memory.otherModels, 0);
  assert.deepEqual(precompute.parts, []);
  saidOnce(precompute.said, /^DPO precompute_ref_log_probs: reference log-probs are computed once before training, no reference model is held while training .*trl 1\.0 and 1\.1 keep it loaded/);
  // The same run without precomputation holds the reference: the difference is exactly its 16-bit copy.
  const held = estimateJson(fixture('trl', 'dpo-zero2.yaml'));
  assert.equal(held.memory.total - precompute.memory.total, LLAMA2_7B * 2);

  const peft = estimateJson(fixture('trl', 'dpo-peft.yaml'));
  assert.equal(peft.memory.otherModels, 0);
  assert.equal(peft.out.plan.adapter.type, 'lora');
  saidOnce(peft.said, /^DPO with a PEFT adapter: the reference is the base model with the adapter disabled, no second copy/);
});

test('DPO reference_free still loads the reference model (trl <= 0.28 creates it regardless)', () => {
  const { memory, said } = estimateJson(variant('dpo-zero2.yaml', (t) => t.replace('precompute_ref_log_probs: false', 'reference_free: true')));
  assert.equal(memory.otherModels, LLAMA2_7B * 2);
  saidOnce(said, /^DPO reference_free: the reference model is still created and held/);
});

test('beta alone does not tell DPO from ORPO or CPO: the reference model is sized and said, not added', () => {
  const { memory, parts, said } = estimateJson(variant('dpo-zero2.yaml', (t) => t.replace('precompute_ref_log_probs: false\n', '')));
  assert.equal(memory.otherModels, 0);
  assert.deepEqual(parts, [{ role: 'reference', params: LLAMA2_7B, bytes: LLAMA2_7B * 2, counted: false }]);
  saidOnce(said, /^reference model not counted: beta is a field of DPOConfig, KTOConfig, ORPOConfig and CPOConfig.*it would add a second copy of the policy \(6\.7B\), replicated in bf16 under ZeRO-2.*12\.6 GiB per GPU$/);
  const cpo = estimateJson(variant('dpo-zero2.yaml', (t) => t.replace('precompute_ref_log_probs: false', 'cpo_alpha: 1.0')));
  assert.deepEqual(cpo.parts, []);
  saidOnce(cpo.said, /^CPO\/SimPO .*reference-free/);
});

test('GRPO under ZeRO-3: the reference is sharded over the 8 GPUs, and colocated vLLM holds its stated share of the GPU', () => {
  const { memory, parts, said } = estimateJson(fixture('trl', 'grpo.yaml'));
  assert.deepEqual(parts, [{ role: 'reference', trainer: 'GRPO', params: QWEN25_7B, bytes: (QWEN25_7B * 2) / 8, counted: true }]);
  assert.equal(memory.generationEngine, 0.25 * 80 * GIB);
  saidOnce(said, /^GRPO reference model: a second copy of the policy \(7\.6B\), sharded over 8 GPUs in bf16 under ZeRO-3 \(TRL prepare_deepspeed\): 1\.8 GiB per GPU$/);
  saidOnce(said, /^colocated vLLM engine: gpu_memory_utilization 0\.25 of the GPU's memory/);

  const beta0 = estimateJson(variant('grpo.yaml', (t) => t.replace('beta: 0.04', 'beta: 0.0')));
  assert.equal(beta0.memory.otherModels, 0);
  assert.equal(memory.total - beta0.memory.total, (QWEN25_7B * 2) / 8);
  saidOnce(beta0.said, /^GRPO beta = 0\.0: no reference model/);

  // beta's default changed (0.04 up to trl 0.18, 0.0 from 0.19) and vllm_mode's too ("server" up to 0.28, "colocate"
  // from 1.0): unset, both are sized and said, not added. A reward model the catalog does not know is said, not dropped.
  const defaults = estimateJson(variant('grpo.yaml', (t) => t.replace('beta: 0.04\n', '').replace('vllm_mode: colocate\n', '')
    .replace('[accuracy_reward]', '[accuracy_reward, example-org/unknown-reward-7b]')));
  assert.equal(defaults.memory.otherModels, 0);
  assert.equal(defaults.memory.generationEngine, 0);
  assert.equal(memory.total - defaults.memory.total, (QWEN25_7B * 2) / 8 + 0.25 * 80 * GIB);
  assert.deepEqual(defaults.parts, [{ role: 'reference', trainer: 'GRPO', params: QWEN25_7B, bytes: (QWEN25_7B * 2) / 8, counted: false }]);
  saidOnce(defaults.said, /^GRPO reference model not counted: beta is not set, and GRPOConfig's default is 0\.0 .* from trl 0\.19 but 0\.04 .* before; it would add .*1\.8 GiB per GPU$/);
  saidOnce(defaults.said, /^vLLM engine not counted: vllm_mode is not set.*it would hold 0\.25 of the GPU's memory, 20\.0 GiB$/);
  saidOnce(defaults.said, /^GRPO reward model: example-org\/unknown-reward-7b is not in the catalog, so its memory is not counted/);

  const server = estimateJson(variant('grpo.yaml', (t) => t.replace('vllm_mode: colocate', 'vllm_mode: server')));
  assert.equal(server.memory.generationEngine, 0);
  saidOnce(server.said, /^vLLM in server mode: generation runs on GPUs of its own/);
});

test('PPO holds a reference copy of the policy, a frozen reward model and a trained value model from reward_model_path', () => {
  const { memory, parts, said } = estimateJson(fixture('trl', 'ppo.yaml'));
  // Plain DDP in bf16 with AdamW: 2 (weights) + 2 (gradients) + 12 (fp32 master and moments) bytes for the value model.
  assert.deepEqual(parts, [
    { role: 'reference', trainer: 'PPO', params: LLAMA32_1B, bytes: LLAMA32_1B * 2, counted: true },
    { role: 'reward', trainer: 'PPO', params: LLAMA32_3B_SCORE, bytes: LLAMA32_3B_SCORE * 2, counted: true },
    { role: 'value', trainer: 'PPO', params: LLAMA32_3B_SCORE, bytes: LLAMA32_3B_SCORE * 16, counted: true },
  ]);
  assert.equal(memory.otherModels, LLAMA32_1B * 2 + LLAMA32_3B_SCORE * 18);
  saidOnce(said, /^PPO reward model: meta-llama\/Llama-3\.2-3B with a one-score head \(3\.2B\), replicated in bf16 under DDP/);
  saidOnce(said, /^PPO value model: meta-llama\/Llama-3\.2-3B with a one-score head \(3\.2B\), trained with the policy/);
});

test('a hand-written plan states extra models; plan-fields checks each item', () => {
  assert.deepEqual(planFieldProblems({ extraModels: [{ role: 'reference', params: 7e9 }], vllm: { colocate: true } }), []);
  assert.deepEqual(planFieldProblems({ extraModels: [{ role: 'critic' }, { role: 'reward', param: 1 }] }), [
    'extraModels[0].role: expected one of "reference", "reward", "value", "vision", got "critic"',
    'extraModels[1].param: not a plan field; did you mean "params"?',
  ]);
  assert.deepEqual(planFieldProblems({ extraModels: { role: 'reference' } }), ['extraModels: expected an array of objects, got {"role":"reference"}']);
});

test('the hover shows the reference model in its memory table', () => {
  const settings = { cluster: { worldSize: 8, gpu: 'h100-sxm' }, seqLength: 1024 };
  const analysis = analyze(readFixture('trl', 'dpo-precompute.yaml').replace('precompute_ref_log_probs: true', 'sync_ref_model: true'), { path: 'dpo.yaml', settings });
  const memory = fileSummary({ analysis, settings, linked: [] }).sections.find((s) => s.title === 'Memory per GPU');
  assert.ok(memory, 'a memory section');
  // Without its DeepSpeed config the run is plain DDP: the reference is replicated all the same.
  assert.deepEqual(memory.rows.find(([label]) => label === 'reference and reward models'), ['reference and reward models', '12.6 GiB (reference)']);
  assert.ok(memory.notes.some((n) => n.startsWith('DPO reference model: a second copy of the policy (6.7B), replicated in bf16 under DDP')), memory.notes.join('\n'));
});
