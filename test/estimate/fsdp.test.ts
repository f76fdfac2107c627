import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/analyze';
import { buildPlan } from '../../server/src/core/plan/build-plan';
import { estimate } from '../../server/src/core/estimate/estimate';
import { findingsFor } from '../../server/src/core/estimate/findings';
import type { TrainingPlan } from '../../server/src/core/estimate/plan';

const GIB = 2 ** 30;

function planOf(text: string, path: string): TrainingPlan {
  const analysis = analyze(text, { path });
  const built = buildPlan(analysis, {});
  assert.ok(built, `a plan from ${path} (${analysis.format})`);
  return built.plan;
}

const trainerArgs = (extra: string) => `# trainlint: format=hf-trainer
model_name_or_path: meta-llama/Llama-2-7b-hf
per_device_train_batch_size: 2
gradient_accumulation_steps: 16
bf16: true
gradient_checkpointing: true
${extra}`;

test('TrainingArguments FSDP: sharding, offload, and no_sync on accumulation unless sync_each_batch or FSDP2', () => {
  const plain = planOf(trainerArgs('fsdp: full_shard auto_wrap\n'), 'train.yaml');
  assert.equal(plain.framework, 'fsdp');
  assert.equal(plain.fsdp, 'full-shard');
  assert.equal(plain.fsdpNoSync, true);
  assert.equal(plain.zero?.offloadOptimizer, undefined);

  const listed = planOf(trainerArgs('fsdp: [shard_grad_op, auto_wrap, offload]\n'), 'train.yaml');
  assert.equal(listed.fsdp, 'shard-grad-op');
  assert.equal(listed.zero?.offloadOptimizer, 'cpu');
  assert.equal(listed.zero?.offloadParams, 'cpu');

  const synced = planOf(trainerArgs('fsdp: full_shard auto_wrap\naccelerator_config:\n  gradient_accumulation_kwargs:\n    sync_each_batch: true\n'), 'train.yaml');
  assert.equal(synced.fsdpNoSync, false);
  const syncedJson = planOf(trainerArgs(`fsdp: full_shard auto_wrap\naccelerator_config: '{"gradient_accumulation_kwargs": {"sync_each_batch": true}}'\n`), 'train.yaml');
  assert.equal(syncedJson.fsdpNoSync, false);
  const fsdp2 = planOf(trainerArgs('fsdp: full_shard auto_wrap\nfsdp_config:\n  version: 2\n'), 'train.yaml');
  assert.equal(fsdp2.fsdp, 'full-shard');
  assert.equal(fsdp2.fsdpNoSync, false);

  // Hybrid sharding (within a node) is counted as sharding over every rank: a lower bound, said in the notes.
  const hybrid = analyze(trainerArgs('fsdp: hybrid_shard auto_wrap\n'), { path: 'train.yaml' });
  const hybridPlan = buildPlan(hybrid, {})!;
  assert.equal(hybridPlan.plan.fsdp, 'full-shard');
  assert.ok(hybridPlan.notes.some((n) => n.includes('hybrid sharding') && n.includes('lower bound')), hybridPlan.notes.join('; '));
  assert.equal(planOf(trainerArgs('fsdp: hybrid_shard_zero2\n'), 'train.yaml').fsdp, 'shard-grad-op');

  const none = planOf(trainerArgs(''), 'train.yaml');
  assert.equal(none.fsdp, undefined);
  assert.equal(none.framework, 'plain');
});

const axolotl = (extra: string) => `base_model: meta-llama/Llama-3.1-8B
sequence_len: 4096
micro_batch_size: 1
gradient_accumulation_steps: 4
bf16: true
datasets:
  - path: tatsu-lab/alpaca
    type: alpaca
${extra}`;

test('axolotl FSDP: fsdp_config alone enables it; fsdp_version, reshard_after_forward and offload_params are read', () => {
  const v1 = planOf(axolotl('fsdp_config:\n  fsdp_offload_params: true\n  fsdp_sharding_strategy: FULL_SHARD\n'), 'sft.yaml');
  assert.equal(v1.framework, 'fsdp');
  assert.equal(v1.fsdp, 'full-shard');
  assert.equal(v1.fsdpNoSync, true, 'fsdp_config without fsdp_version is FSDP1');
  assert.equal(v1.zero?.offloadParams, 'cpu');

  const v2 = planOf(axolotl('fsdp_version: 2\nfsdp_config:\n  reshard_after_forward: false\n'), 'sft.yaml');
  assert.equal(v2.fsdp, 'shard-grad-op');
  assert.equal(v2.fsdpNoSync, false);

  const legacy = planOf(axolotl('fsdp:\n  - full_shard\n  - auto_wrap\n'), 'sft.yaml');
  assert.equal(legacy.fsdp, 'full-shard');
});

const llama7bFsdp: TrainingPlan = {
  framework: 'fsdp', fsdp: 'full-shard', precision: 'bf16', optimizer: { type: 'adamw' }, model: { name: 'meta-llama/Llama-2-7b-hf', seqLength: 2048 },
  parallel: { worldSize: 4 }, batch: { micro: 2, gradAccum: 16 }, recompute: 'full', flashAttention: false, hardware: { gpu: 'a100-40gb' },
};

test('FSDP no_sync holds the unsharded 16-bit gradients of every trainable parameter; one micro-batch per step holds none', () => {
  const synced = estimate({ ...llama7bFsdp, fsdpNoSync: false });
  const noSync = estimate({ ...llama7bFsdp, fsdpNoSync: true });
  const params = 6_738_415_616;
  assert.equal(synced.memory.gradients, (params * 4) / 4, 'fp32 gradient shards');
  assert.equal(noSync.memory.gradients, params * 2, 'bf16 gradients of the whole model');
  assert.ok(noSync.memory.assumptions.some((a) => a.includes('no_sync')));
  const oneMicroBatch = estimate({ ...llama7bFsdp, fsdpNoSync: true, batch: { micro: 2, gradAccum: 1 } });
  assert.equal(oneMicroBatch.memory.gradients, synced.memory.gradients, 'nothing is accumulated without accumulation');
  // LoRA: only the adapters have gradients to hold.
  const lora = estimate({ ...llama7bFsdp, fsdpNoSync: true, adapter: { type: 'lora', rank: 16, targetModules: ['all-linear'] } });
  assert.ok(lora.memory.gradients < 0.01 * noSync.memory.gradients);
  // The reduce-scatter runs once per step instead of once per micro-batch.
  assert.ok(noSync.time.available && synced.time.available && noSync.time.iterationSeconds < synced.time.iterationSeconds);
});

test('the out-of-memory finding on an FSDP no_sync run offers sync_each_batch first', () => {
  const result = estimate({ ...llama7bFsdp, fsdpNoSync: true });
  const oom = findingsFor(result).find((f) => f.rule === 'out-of-memory');
  assert.equal(oom?.severity, 'error', `${(result.memory.total / GIB).toFixed(1)} GiB on 40 GiB`);
  assert.deepEqual(oom!.remedies[0].changes, [{ path: 'fsdpNoSync', from: true, to: false }]);
  assert.match(oom!.remedies[0].title, /sync_each_batch: true/);
  assert.equal(oom!.remedies[0].result.fits, true);
});
