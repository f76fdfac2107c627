import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimate } from '../../server/src/core/estimate/estimate';
import { bytesPerParameter, modelStateBytes } from '../../server/src/core/estimate/model-states';
import type { TrainingPlan } from '../../server/src/core/estimate/plan';

const GIB = 2 ** 30;
const llama8b: TrainingPlan = {
  model: { name: 'meta-llama/Llama-3.1-8B', seqLength: 4096 }, parallel: { worldSize: 8 }, batch: { micro: 1, gradAccum: 4 },
  precision: 'bf16', recompute: 'full', hardware: { gpu: 'a100-80gb' },
};

test('optimizer bytes per parameter (mixed precision, fp32 master included)', () => {
  const total = (type: any, precision: any = 'bf16') => {
    const b = bytesPerParameter({ precision, optimizer: { type } });
    return b.weights + b.gradients + b.optimizer;
  };
  assert.equal(total('adamw'), 16, 'ZeRO 2 + 2 + 12');
  assert.equal(total('sgd'), 12, 'master + momentum');
  assert.equal(total('lion'), 12, 'one moment');
  assert.equal(total('muon'), 12);
  assert.equal(total('adam8bit'), 10, 'two 8-bit moments');
  assert.equal(total('adafactor'), 8, 'factored second moment ~ 0');
  assert.equal(total('adamw', 'bf16-pure'), 8, '16-bit everything');
  assert.equal(total('adamw', 'fp32'), 16);
});

test('FSDP full shard divides every state, shard-grad-op keeps 16-bit weights whole', () => {
  const full = modelStateBytes({ framework: 'fsdp', fsdp: 'full-shard', precision: 'bf16', parallel: { dp: 8 } }, 8e9);
  assert.equal(full.weights + full.gradients + full.optimizer, (16 * 8e9) / 8);
  const gradOp = estimate({ ...llama8b, framework: 'fsdp', fsdp: 'shard-grad-op' }).memory;
  const fullShard = estimate({ ...llama8b, framework: 'fsdp', fsdp: 'full-shard' }).memory;
  assert.ok(gradOp.total > fullShard.total);
  assert.ok(fullShard.bufferParts.liveParameters > 0, 'gathered units counted');
});

test('CPU offload moves optimizer states to host memory and reports it per node', () => {
  const onGpu = estimate({ ...llama8b, framework: 'deepspeed', zero: { stage: 3 } }).memory;
  const offloaded = estimate({ ...llama8b, framework: 'deepspeed', zero: { stage: 3, offloadOptimizer: 'cpu', offloadParams: 'cpu' } }).memory;
  assert.ok(offloaded.total < onGpu.total);
  assert.equal(offloaded.optimizer, 0);
  assert.equal(offloaded.weights, 0);
  assert.ok(offloaded.cpu && offloaded.cpu.perNode === offloaded.cpu.perGpu * 8);
  assert.ok(offloaded.cpu!.perGpu >= (16 * 8_030_261_248) / 8, 'fp32 master, gradients and Adam states of the shard');
});

test('QLoRA: 4-bit base, adapter gradients and optimizer only', () => {
  const qlora = estimate({ ...llama8b, parallel: { worldSize: 1 }, adapter: { type: 'qlora', rank: 16, targetModules: ['all-linear'] } }).memory;
  const lora = estimate({ ...llama8b, parallel: { worldSize: 1 }, adapter: { type: 'lora', rank: 16, targetModules: ['all-linear'] } }).memory;
  assert.ok(qlora.weights < 0.4 * lora.weights, 'NF4 linear layers');
  assert.ok(qlora.optimizer < 1 * GIB && qlora.gradients < 0.2 * GIB, 'only 42M adapter parameters train');
  assert.ok(qlora.fits, 'QLoRA of an 8B model fits one 80 GB GPU');
});

test('activations: flash attention drops the s^2 term, recomputation and sequence parallelism shrink them', () => {
  const base = { ...llama8b, recompute: 'none' as const, parallel: { tp: 4, worldSize: 8 } };
  const eager = estimate({ ...base, flashAttention: false }).memory.activations;
  const flash = estimate({ ...base, flashAttention: true }).memory.activations;
  const sp = estimate({ ...base, parallel: { ...base.parallel, sequenceParallel: true } }).memory.activations;
  const full = estimate({ ...base, recompute: 'full' }).memory.activations;
  assert.ok(eager > flash && flash > sp && sp > full, `${eager} > ${flash} > ${sp} > ${full}`);
});

test('MoE with expert parallelism: routed experts divided over EP', () => {
  const plan: TrainingPlan = { model: { name: 'mistralai/Mixtral-8x7B-v0.1', seqLength: 4096 }, parallel: { tp: 2, ep: 4, worldSize: 16 },
    batch: { micro: 1, gradAccum: 1 }, framework: 'megatron', distributedOptimizer: true, recompute: 'full', hardware: { gpu: 'h100' } };
  const withEp = estimate(plan);
  const withoutEp = estimate({ ...plan, parallel: { tp: 2, ep: 1, worldSize: 16 } });
  assert.ok(withEp.parameters.perGpu.firstStage < 0.4 * withoutEp.parameters.perGpu.firstStage);
  assert.ok(withEp.memory.weights < withoutEp.memory.weights);
});

test('the most loaded stage is reported: the last one when a large vocabulary head lives there', () => {
  const plan: TrainingPlan = { ...llama8b, parallel: { pp: 4, worldSize: 4 }, model: { name: 'google/gemma-2-2b', seqLength: 8192 }, recompute: 'full', batch: { micro: 4, gradAccum: 16 } };
  const memory = estimate(plan).memory;
  assert.equal(memory.stage, 'last');
  assert.ok(memory.logits > 0);
});
