// Corpus layouts built by hand (parsing configs is another component's job): the plans below restate what the corpus
// files say, and each test first checks that the file really says it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findSharedDir } from '../../bench/accuracy';
import { estimate } from '../../server/src/core/estimate/estimate';
import { findingsFor } from '../../server/src/core/estimate/findings';

const shared = findSharedDir(__dirname);

function corpusFile(path: string): string {
  return readFileSync(join(shared!, 'corpus', path), 'utf8');
}

function manifestEntry(path: string): Record<string, any> {
  const manifest: Record<string, any>[] = JSON.parse(corpusFile('manifest.json'));
  const entry = manifest.find((m) => m.file === path);
  assert.ok(entry, `${path} in manifest.json`);
  return entry;
}

if (!shared) {
  test('corpus layouts', (t) => t.skip('skipped: no ../shared'));
} else {
  test('BLOOM-176B on 384 A100-80GB fits (megatron-sh/bloom-tr11-176B-ml-48nodes.slurm)', () => {
    const script = corpusFile('megatron-sh/bloom-tr11-176B-ml-48nodes.slurm');
    for (const line of ['TP_SIZE=4', 'PP_SIZE=12', 'MICRO_BATCH_SIZE=2', 'GLOBAL_BATCH_SIZE=2048', 'NHIDDEN=14336', 'NLAYERS=70', 'ZERO_STAGE=0', '--checkpoint-activations', '--bf16']) {
      assert.ok(script.includes(line), `script says ${line}`);
    }
    assert.equal(manifestEntry('megatron-sh/bloom-tr11-176B-ml-48nodes.slurm').world_size, 384);
    // ZeRO stage 0 with bf16 selects DeepSpeed's BF16_Optimizer, which shards fp32 master weights and Adam states (ZeRO-1 equivalent).
    const result = estimate({
      framework: 'deepspeed', zero: { stage: 1 }, precision: 'bf16', optimizer: { type: 'adam', fused: true },
      model: { name: 'bigscience/bloom', seqLength: 2048, dropout: false }, parallel: { tp: 4, pp: 12, worldSize: 384 },
      batch: { micro: 2, global: 2048 }, recompute: 'full', flashAttention: false, hardware: { gpu: 'A100 80GB' },
    });
    assert.equal(result.plan.parallel?.dp, 8);
    assert.ok(result.memory.available && result.memory.fits, `BLOOM fits: ${(result.memory.total / 2 ** 30).toFixed(1)} GiB`);
    assert.ok(result.memory.total < 0.7 * result.memory.capacity, 'with room to spare, as the run did');
  });

  test('NeMo Llama-3.1-405B layout fits on 4608 H100-80GB (nemo/nemo-launcher-llama3.1-405b.yaml)', () => {
    const yaml = corpusFile('nemo/nemo-launcher-llama3.1-405b.yaml');
    for (const line of ['tensor_model_parallel_size: 8', 'pipeline_model_parallel_size: 9', 'virtual_pipeline_model_parallel_size: 7', 'context_parallel_size: 2',
      'encoder_seq_length: 8192', 'num_layers: 126', 'hidden_size: 16384', 'ffn_hidden_size: 53248', 'num_query_groups: 16', 'micro_batch_size: 1',
      'global_batch_size: 2016', 'sequence_parallel: true', 'activations_checkpoint_granularity: null', 'name: mcore_distributed_optim']) {
      assert.ok(yaml.includes(line), `yaml says ${line}`);
    }
    assert.equal(manifestEntry('nemo/nemo-launcher-llama3.1-405b.yaml').world_size, 4608);
    const result = estimate({
      framework: 'megatron', precision: 'bf16', model: { name: 'meta-llama/Llama-3.1-405B', kvHeads: 16, seqLength: 8192, dropout: false },
      parallel: { tp: 8, pp: 9, vpp: 7, cp: 2, worldSize: 4608, sequenceParallel: true }, batch: { micro: 1, global: 2016 },
      distributedOptimizer: true, recompute: 'none', flashAttention: true, hardware: { gpu: 'h100' },
    });
    assert.equal(result.plan.parallel?.dp, 32);
    assert.equal(result.plan.batch?.gradAccum, 63);
    assert.ok(result.memory.available && result.memory.fits, `405B fits: ${(result.memory.total / 2 ** 30).toFixed(1)} GiB`);
    assert.equal(findingsFor(result).filter((f) => f.rule === 'out-of-memory').length, 0);
  });

  test('FastChat Vicuna-7B on 4 x A100-40GB runs out of memory through FSDP no_sync (hf-trainer/fastchat-readme-vicuna7b-4xA100-40G-2023-06.sh)', () => {
    const script = corpusFile('hf-trainer/fastchat-readme-vicuna7b-4xA100-40G-2023-06.sh');
    for (const line of ['--nproc_per_node=4', '--bf16 True', '--per_device_train_batch_size 2', '--gradient_accumulation_steps 16',
      '--fsdp "full_shard auto_wrap"', '--model_max_length 2048', '--gradient_checkpointing True']) {
      assert.ok(script.includes(line), `script says ${line}`);
    }
    const entry = manifestEntry('hf-trainer/fastchat-readme-vicuna7b-4xA100-40G-2023-06.sh');
    assert.match(entry.expected_problem, /37\.33 GiB already allocated/);
    // FastChat's train.py loads LLaMA in fp32 (no torch_dtype) and uses eager attention with the HF Trainer's AdamW.
    const plan = {
      framework: 'fsdp', fsdp: 'full-shard', fsdpNoSync: true, precision: 'bf16', optimizer: { type: 'adamw' },
      model: { name: 'meta-llama/Llama-2-7b-hf', seqLength: 2048 }, parallel: { worldSize: 4 }, batch: { micro: 2, gradAccum: 16 },
      recompute: 'full', flashAttention: false, hardware: { gpu: 'a100-40gb' },
    } as const;
    const result = estimate(plan);
    // The allocator held 37.33 GiB of tensors when a 98 MiB request failed; the estimate adds the CUDA context on top.
    const tensors = result.memory.total - result.memory.bufferParts.cudaContext;
    assert.ok(tensors > 37.33 * 2 ** 30, `tensors ${(tensors / 2 ** 30).toFixed(1)} GiB reach the reported allocation`);
    assert.equal(findingsFor(result).find((f) => f.rule === 'out-of-memory')?.severity, 'error');
    // Reduce-scattering every micro-batch (accelerate's sync_each_batch) brings it under the warning line.
    const synced = estimate({ ...plan, fsdpNoSync: false });
    assert.ok(synced.memory.total < 0.9 * synced.memory.capacity, `${(synced.memory.total / 2 ** 30).toFixed(1)} GiB with sync_each_batch`);
  });

  test('LLaMA-Factory README ZeRO-2 example does not fit a 7B model on 8x V100-32GB (deepspeed/llamafactory-readme-zero2-2023-10.json)', () => {
    const config = JSON.parse(corpusFile('deepspeed/llamafactory-readme-zero2-2023-10.json'));
    assert.equal(config.zero_optimization.stage, 2);
    assert.equal(config.zero_optimization.overlap_comm, false);
    const entry = manifestEntry('deepspeed/llamafactory-readme-zero2-2023-10.json');
    assert.equal(entry.world_size, 8);
    assert.equal(entry.status, 'known-bad');
    // LLaMA-7B has the Llama-2-7B shape; fp16 on V100 (no bf16), per-device batch 1, 1024-token cutoff, eager attention,
    // HF Trainer's unfused torch AdamW ("zero_allow_untested_optimizer").
    for (const recompute of ['none', 'full'] as const) {
      const result = estimate({
        framework: 'deepspeed', precision: 'fp16', optimizer: { type: 'adamw' },
        zero: { stage: 2, reduceBucketSize: config.zero_optimization.reduce_bucket_size, allgatherBucketSize: config.zero_optimization.allgather_bucket_size },
        overlap: { gradReduce: config.zero_optimization.overlap_comm }, model: { name: 'meta-llama/Llama-2-7b-hf', seqLength: 1024 },
        parallel: { worldSize: 8 }, batch: { micro: 1, gradAccum: 1 }, recompute, flashAttention: false, hardware: { gpu: 'V100 32GB' },
      });
      assert.ok(result.memory.available && !result.memory.fits, `${recompute}: ${(result.memory.total / 2 ** 30).toFixed(2)} GiB must exceed 32 GiB`);
      // The OOM came in the Adam step asking for 3.14 GiB = one fp32 copy of the 1/8 partition.
      assert.ok(Math.abs(result.memory.optimizerStep / 2 ** 30 - 3.14) < 0.01, `step temporary ${result.memory.optimizerStep / 2 ** 30}`);
      const oom = findingsFor(result).find((f) => f.rule === 'out-of-memory');
      assert.equal(oom?.severity, 'error');
      // The maintainer's fix: ZeRO-3.
      const zero3 = oom!.remedies.find((r) => r.changes.some((c) => c.path === 'zero.stage' && c.to === 3));
      assert.equal(zero3?.result.fits, true);
    }
  });
}
