import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/analyze';
import { buildPlan } from '../../server/src/core/plan/build-plan';
import { estimate } from '../../server/src/core/estimate/estimate';
import { shardDegree } from '../../server/src/core/estimate/model-states';
import type { TrainingPlan } from '../../server/src/core/estimate/plan';
import { loadShellParser } from '../../server/src/node/shell-parser';

// Megatron-FSDP, Llama 3.1 405B at TP 2 on 128 GB200 in NVL72 racks (the shape of a Megatron-Bridge perf recipe).
const fsdp405b = (extra: Partial<TrainingPlan> = {}, shardInstances?: number): TrainingPlan => ({
  framework: 'megatron', model: { name: 'meta-llama/Llama-3.1-405B', seqLength: 8192, dropout: false }, fsdp: 'full-shard',
  parallel: { tp: 2, worldSize: 128, sequenceParallel: true, shardInstances }, batch: { micro: 1, global: 64 }, precision: 'fp8',
  recompute: 'none', flashAttention: true, distributedOptimizer: true, overlap: { gradReduce: true, paramGather: true, tensorParallel: true },
  hardware: { gpu: 'gb200', gpusPerNode: 72 }, ...extra,
});

test('shard instances (HSDP): shards span dp / instances ranks; a count that does not divide dp is ignored', () => {
  assert.equal(shardDegree({ framework: 'megatron', parallel: { dp: 64, shardInstances: 2 } }), 32);
  assert.equal(shardDegree({ framework: 'megatron', parallel: { dp: 64, cp: 2, shardInstances: 2 } }), 64);
  assert.equal(shardDegree({ framework: 'megatron', parallel: { dp: 64, shardInstances: 3 } }), 64);
  assert.equal(shardDegree({ framework: 'fsdp', parallel: { dp: 8 } }), 8);
});

test('two instances keep the FSDP gathers inside one NVL72 domain: the step gets compute-bound, memory per GPU grows', () => {
  const flat = estimate(fsdp405b());
  const hybrid = estimate(fsdp405b({}, 2));
  assert.ok(flat.time.iterationSeconds > 4 * hybrid.time.iterationSeconds, `${flat.time.iterationSeconds} vs ${hybrid.time.iterationSeconds}`);
  assert.ok(hybrid.time.breakdown.dataParallelSeconds < 0.2 * hybrid.time.iterationSeconds);
  assert.ok(hybrid.memory.total > flat.memory.total);
});

test('FP8 parameter gathers move 1 byte per parameter: less exposed gather time, only in FP8 runs', () => {
  // One 64-GPU group across NVL72 domains of 32 (NIC-bound gathers), where the gather volume shows in the step time.
  const nic = (extra: Partial<TrainingPlan>) => estimate(fsdp405b({ hardware: { gpu: 'gb200', gpusPerNode: 32 }, ...extra })).time.breakdown.dataParallelSeconds;
  assert.ok(nic({ fp8ParamGather: true }) < 0.8 * nic({}));
  assert.equal(nic({ fp8ParamGather: true, precision: 'bf16' }), nic({ precision: 'bf16' }));
});

test('a Megatron script gives --num-distributed-optimizer-instances and --fp8-param-gather to the plan', async () => {
  const script = `#!/bin/bash
torchrun --nproc_per_node 8 pretrain_gpt.py --num-layers 24 --hidden-size 2048 --num-attention-heads 16 --seq-length 2048 \\
  --max-position-embeddings 2048 --micro-batch-size 4 --global-batch-size 256 --lr 2e-4 --train-iters 1000 --bf16 \\
  --use-distributed-optimizer --num-distributed-optimizer-instances 2 --fp8-format hybrid --fp8-param-gather
`;
  const analysis = analyze(script, { path: 'train.sh', settings: {}, shellParser: await loadShellParser() });
  const built = buildPlan(analysis, {});
  assert.ok(built);
  assert.equal(built.plan.parallel?.shardInstances, 2);
  assert.equal(built.plan.fp8ParamGather, true);
});
