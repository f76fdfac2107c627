import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, repoRoot } from '../helpers';

function trainlint(args: string[]) {
  const run = spawnSync(process.execPath, [CLI(), ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const SCRIPT = join(repoRoot(), 'examples', 'megatron', 'pretrain_llama_8b.sh');

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'trainlint-estimate-')), name);
  writeFileSync(path, text);
  return path;
}

test('estimate --format json carries every block the issue names, each with assumptions and sources', () => {
  const run = trainlint(['estimate', SCRIPT, '--gpu', 'h100-sxm', '--tokens', '1e12', '--format', 'json']);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  const blocks: Record<string, string[]> = {
    memory: ['weights', 'gradients', 'optimizer', 'activations', 'logits', 'buffers', 'total', 'capacity', 'fits'],
    bubble: ['schedule', 'microbatches', 'fraction', 'overIdeal'],
    flops: ['perIteration', 'perToken', 'convention'],
    time: ['iterationSeconds', 'tflopsPerGpu', 'mfu', 'hfu', 'tokensPerSecond'],
    cost: ['tokens', 'iterations', 'days', 'gpuHours', 'usd'],
  };
  for (const [block, fields] of Object.entries(blocks)) {
    assert.equal(out[block].available, true, `${block} available`);
    for (const field of [...fields, 'assumptions', 'sources']) assert.ok(field in out[block], `${block}.${field}`);
  }
  assert.ok(out.flops.perIteration.model > 0 && out.flops.perIteration.hardware >= out.flops.perIteration.model);
  // The script states --train-iters: a --tokens flag does not override it, and the output says so.
  assert.ok(out.assumptions.some((a: string) => /1000000000000 tokens from settings not used: the file states \d+ iterations/.test(a)), out.assumptions.join('\n'));
  assert.equal(out.cost.iterations, 100000);
  assert.equal(out.cost.tokens, 100000 * out.plan.batch.global * 8192);
});

test('the plan `trainlint plan` prints reads back with --plan and gives the same estimate', () => {
  const planned = trainlint(['plan', SCRIPT, '--gpu', 'h100-sxm']);
  assert.equal(planned.code, 0, planned.stderr);
  assert.equal(JSON.parse(planned.stdout).format, 'megatron');
  const fromFile = JSON.parse(trainlint(['estimate', SCRIPT, '--gpu', 'h100-sxm', '--format', 'json']).stdout);
  const fromPlan = trainlint(['estimate', '--plan', tempFile('plan.json', planned.stdout), '--format', 'json']);
  assert.equal(fromPlan.code, 0, fromPlan.stderr);
  const estimate = JSON.parse(fromPlan.stdout);
  assert.equal(estimate.memory.total, fromFile.memory.total);
  assert.equal(estimate.time.iterationSeconds, fromFile.time.iterationSeconds);
});

test('--iteration-time replaces the predicted time; MFU follows it', () => {
  const run = JSON.parse(trainlint(['estimate', SCRIPT, '--gpu', 'h100-sxm', '--iteration-time', '10', '--format', 'json']).stdout);
  assert.equal(run.time.iterationSeconds, 10);
  assert.equal(run.time.measured, true);
  const predicted = JSON.parse(trainlint(['estimate', SCRIPT, '--gpu', 'h100-sxm', '--format', 'json']).stdout);
  assert.ok(Math.abs(run.time.mfu * 10 - predicted.time.mfu * predicted.time.iterationSeconds) < 1e-9);
});

test('a hand-written plan with a misspelled field or a wrong value is refused with exit 2, naming each', () => {
  const plan = tempFile('plan.json', JSON.stringify({
    model: { name: 'meta-llama/Llama-3.1-8B', seqLenght: 8192 }, precision: 'bf32', batch: { micro: '2' }, fsdpNosync: true,
  }));
  const run = trainlint(['estimate', '--plan', plan]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /model\.seqLenght: not a plan field; did you mean "seqLength"\?/);
  assert.match(run.stderr, /precision: expected one of "fp32", "tf32", "fp16", "bf16", "bf16-pure", "fp8", got "bf32"/);
  assert.match(run.stderr, /batch\.micro: expected a number, got "2"/);
  assert.match(run.stderr, /fsdpNosync: not a plan field; did you mean "fsdpNoSync"\?/);
  assert.equal(run.stdout, '');
});

test('estimate refuses what it cannot read: a missing file, a file that is not a training config, JSON that is not a plan', () => {
  assert.equal(trainlint(['estimate', join(tmpdir(), 'no-such-config.yaml')]).code, 2);
  const unknown = trainlint(['estimate', tempFile('notes.yaml', 'shopping:\n  - milk\n')]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /not a training config TrainLint reads/);
  assert.equal(trainlint(['estimate', '--plan', tempFile('list.json', '[1, 2]')]).code, 2);
  assert.equal(trainlint(['estimate', '--plan', tempFile('broken.json', '{"model": ')]).code, 2);
});

test('--hardware replaces catalog figures; an unknown figure or GPU is refused with the closest names', () => {
  const base = JSON.parse(trainlint(['estimate', SCRIPT, '--gpu', 'h100-sxm', '--format', 'json']).stdout);
  const nvl = JSON.parse(trainlint(['estimate', SCRIPT, '--gpu', 'h100-sxm', '--hardware', 'memoryGiB=94,interNodeGBps=50', '--format', 'json']).stdout);
  assert.equal(base.memory.capacity, 80 * 2 ** 30);
  assert.equal(nvl.memory.capacity, 94 * 2 ** 30);
  assert.equal(nvl.plan.hardware.interNodeGBps, 50);
  const figure = trainlint(['estimate', SCRIPT, '--gpu', 'h100-sxm', '--hardware', 'memoryGb=94']);
  assert.equal(figure.code, 2);
  assert.match(figure.stderr, /"memoryGb" is not one of .* \(did you mean memoryGiB\?\)/);
  assert.equal(trainlint(['estimate', SCRIPT, '--hardware', 'memoryGiB=-1']).code, 2);
  const gpu = trainlint(['check', SCRIPT, '--gpu', 'h1000']);
  assert.equal(gpu.code, 2);
  assert.match(gpu.stderr, /GPU "h1000" is not in the catalog; did you mean h100-sxm/);
});

test('model_name_or_path naming a local checkpoint folder: its config.json gives the shape; a Hub id or a missing folder is not an error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-local-model-'));
  mkdirSync(join(dir, 'ckpt', 'tiny'), { recursive: true });
  writeFileSync(join(dir, 'ckpt', 'tiny', 'config.json'), JSON.stringify({
    model_type: 'llama', num_hidden_layers: 22, hidden_size: 2048, intermediate_size: 5632, num_attention_heads: 32, num_key_value_heads: 4,
    vocab_size: 32000, max_position_embeddings: 2048, tie_word_embeddings: false,
  }));
  const yaml = (model: string) => `model_name_or_path: ${model}\nper_device_train_batch_size: 4\ngradient_accumulation_steps: 2\nbf16: true\nmax_length: 2048\noutput_dir: out\n`;
  writeFileSync(join(dir, 'local.yaml'), yaml('./ckpt/tiny'));
  const planned = trainlint(['plan', join(dir, 'local.yaml'), '--gpus', '8']);
  assert.equal(planned.code, 0, planned.stderr);
  const out = JSON.parse(planned.stdout);
  assert.deepEqual([out.plan.model.layers, out.plan.model.hiddenSize, out.plan.model.kvHeads, out.plan.model.seqLength], [22, 2048, 4, 2048]);
  assert.ok(out.assumptions.includes('model shape from ./ckpt/tiny/config.json (layer details by its model_type)'), out.assumptions.join('\n'));
  // TinyLlama's shape: 1,100,048,384 parameters (the catalog's TinyLlama entry).
  const estimated = JSON.parse(trainlint(['estimate', join(dir, 'local.yaml'), '--gpus', '8', '--format', 'json']).stdout);
  assert.equal(estimated.parameters.total, 1_100_048_384);
  // --model names the architecture instead.
  const named = JSON.parse(trainlint(['plan', join(dir, 'local.yaml'), '--model', 'meta-llama/Llama-3.1-8B']).stdout);
  assert.equal(named.plan.model.layers, 32);
  // A Hub id, or a checkpoint that lives on the cluster: no file, no finding about it.
  for (const model of ['meta-llama/Llama-2-7b-hf', '/data/checkpoints/llama']) {
    writeFileSync(join(dir, 'remote.yaml'), yaml(model));
    const check = trainlint(['check', join(dir, 'remote.yaml'), '--format', 'json']);
    assert.equal(check.code, 0, check.stdout);
    assert.deepEqual(JSON.parse(check.stdout).files[0].diagnostics.map((d: { rule: string }) => d.rule), []);
  }
});

test('num_train_epochs with --dataset-tokens gives tokens and cost; max_steps overrides the epochs', () => {
  const yaml = (extra: string) => tempFile('sft.yaml', `model_name_or_path: meta-llama/Llama-3.1-8B\nper_device_train_batch_size: 2\ngradient_accumulation_steps: 4\nbf16: true\nmax_length: 4096\noutput_dir: out\n${extra}`);
  const epochs = JSON.parse(trainlint(['estimate', yaml('num_train_epochs: 2\n'), '--gpus', '8', '--gpu', 'h100-sxm', '--dataset-tokens', '5e8', '--format', 'json']).stdout);
  assert.equal(epochs.cost.available, true);
  assert.equal(epochs.cost.tokens, 1e9);
  assert.equal(epochs.cost.iterations, Math.ceil(1e9 / (64 * 4096)));
  const steps = JSON.parse(trainlint(['estimate', yaml('num_train_epochs: 2\nmax_steps: 500\n'), '--gpus', '8', '--gpu', 'h100-sxm', '--dataset-tokens', '5e8', '--format', 'json']).stdout);
  assert.equal(steps.cost.iterations, 500);
  // Without the dataset size the cost says what it needs (the Trainer's default is 3 epochs).
  const missing = JSON.parse(trainlint(['estimate', yaml(''), '--gpus', '8', '--gpu', 'h100-sxm', '--format', 'json']).stdout);
  assert.equal(missing.cost.available, false);
  assert.match(missing.cost.missing.join(' '), /training\.datasetTokens: .* for the 3 epochs/);
  assert.equal(trainlint(['estimate', yaml(''), '--dataset-tokens', 'lots']).code, 2);
});

test('a launch script takes its sharding from the accelerate config it launches with (FSDP, or inline DeepSpeed keys)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-accelerate-'));
  writeFileSync(join(dir, 'fsdp.yaml'), 'distributed_type: FSDP\nmixed_precision: bf16\nnum_machines: 1\nnum_processes: 4\nfsdp_config:\n  fsdp_sharding_strategy: FULL_SHARD\n  fsdp_offload_params: false\n');
  writeFileSync(join(dir, 'zero3.yaml'), 'distributed_type: DEEPSPEED\nmixed_precision: bf16\nnum_machines: 1\nnum_processes: 4\ndeepspeed_config:\n  zero_stage: 3\n  offload_optimizer_device: cpu\n  offload_param_device: none\n');
  const script = (config: string) => {
    writeFileSync(join(dir, 'train.sh'), `#!/bin/bash\naccelerate launch --config_file ${config} train.py \\\n  --model_name_or_path meta-llama/Llama-2-7b-hf \\\n  --per_device_train_batch_size 2 \\\n  --gradient_accumulation_steps 16 \\\n  --gradient_checkpointing True \\\n  --max_length 2048 \\\n  --output_dir out\n`);
    return JSON.parse(trainlint(['plan', join(dir, 'train.sh'), '--gpu', 'a100-40gb']).stdout).plan;
  };
  const fsdp = script('fsdp.yaml');
  assert.deepEqual([fsdp.framework, fsdp.fsdp, fsdp.fsdpNoSync, fsdp.precision, fsdp.parallel.worldSize], ['fsdp', 'full-shard', true, 'bf16', 4]);
  // The FastChat layout again, launched through accelerate: the same no_sync overflow.
  const check = trainlint(['check', join(dir, 'train.sh'), '--gpu', 'a100-40gb', '--format', 'json']);
  assert.ok(JSON.parse(check.stdout).files[0].diagnostics.some((d: { rule: string; severity: string }) => d.rule === 'out-of-memory' && d.severity === 'error'));
  const zero3 = script('zero3.yaml');
  assert.deepEqual([zero3.framework, zero3.zero.stage, zero3.zero.offloadOptimizer, zero3.fsdp], ['deepspeed', 3, 'cpu', undefined]);
});

test('a script that only runs llamafactory-cli train X.yaml is estimated from X.yaml and the DeepSpeed config it names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-lmf-'));
  writeFileSync(join(dir, 'sft.yaml'), 'model_name_or_path: meta-llama/Llama-3.1-8B\nstage: sft\ndo_train: true\nfinetuning_type: full\ndeepspeed: ds_z3.json\ncutoff_len: 2048\nper_device_train_batch_size: 2\ngradient_accumulation_steps: 8\nlearning_rate: 1.0e-5\nbf16: true\noutput_dir: out\n');
  writeFileSync(join(dir, 'ds_z3.json'), '{"train_micro_batch_size_per_gpu": "auto", "gradient_accumulation_steps": "auto", "zero_optimization": {"stage": 3}, "bf16": {"enabled": "auto"}}');
  writeFileSync(join(dir, 'run.sh'), '#!/bin/bash\nFORCE_TORCHRUN=1 llamafactory-cli train sft.yaml\n');
  const run = trainlint(['estimate', join(dir, 'run.sh'), '--gpus', '8', '--gpu', 'h100-sxm', '--format', 'json']);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.ok(out.assumptions.includes('the plan of sft.yaml, which this script launches'));
  assert.deepEqual([out.plan.zero.stage, out.plan.model.seqLength, out.plan.batch.global], [3, 2048, 128]);
  assert.equal(out.memory.fits, true);
});

test('an estimate that cannot be made says what to give, in the user\'s words (flags and .trainlint.yaml), once each', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-missing-'));
  writeFileSync(join(dir, 'ds.json'), '{\n  "train_micro_batch_size_per_gpu": 4,\n  "gradient_accumulation_steps": 2,\n  "zero_optimization": { "stage": 2 }\n}\n');
  const run = trainlint(['estimate', join(dir, 'ds.json')]);
  const memory = run.stdout.split('\n').find((l) => l.includes('not available') && l.includes('--model'));
  assert.ok(memory, run.stdout);
  assert.match(memory, /needs the model \(--model HF_ID, or model: in \.trainlint\.yaml\); the sequence length \(--seq-length N\); the GPU type \(--gpu TYPE/);
  assert.doesNotMatch(run.stdout, /model\.layers|hardware\.gpu or/);
  // With them given, memory is estimated.
  const given = trainlint(['estimate', join(dir, 'ds.json'), '--gpus', '8', '--gpu', 'h100-sxm', '--model', 'meta-llama/Llama-3.1-8B', '--seq-length', '4096']);
  assert.match(given.stdout, /Memory per GPU\n\s+weights/);
});

test('a script in scripts/ that names ./scripts/zero3.json: the run resolves it from the repository root, and the plan is ZeRO-3', () => {
  // The published Vicuna-13B style fine-tune: 8 x A100-80GB with ZeRO-3. Read beside the script (scripts/scripts/zero3.json),
  // the config was dropped and the 13B model planned unsharded (about 268 GiB per GPU).
  const repo = mkdtempSync(join(tmpdir(), 'trainlint-repo-'));
  mkdirSync(join(repo, '.git'));
  mkdirSync(join(repo, 'scripts'));
  writeFileSync(join(repo, 'scripts', 'zero3.json'), '{"train_micro_batch_size_per_gpu": "auto", "gradient_accumulation_steps": "auto", "zero_optimization": {"stage": 3}, "bf16": {"enabled": "auto"}}\n');
  writeFileSync(join(repo, 'scripts', 'train.sh'), '#!/bin/bash\ndeepspeed --num_gpus 8 train.py --model_name_or_path meta-llama/Llama-2-13b-hf --deepspeed ./scripts/zero3.json --per_device_train_batch_size 2 --gradient_accumulation_steps 16 --gradient_checkpointing True --bf16 True --output_dir out\n');
  const run = trainlint(['estimate', join(repo, 'scripts', 'train.sh'), '--gpu', 'a100-80gb', '--seq-length', '2048', '--format', 'json']);
  assert.equal(run.code, 0, run.stderr);
  const memory = JSON.parse(run.stdout).memory;
  const GiB = 2 ** 30;
  // 13.0B parameters x 2 bytes / 8 ranks = 3.0 GiB of weights per GPU under ZeRO-3 (16.5 GiB of optimizer states).
  assert.ok(memory.weights / GiB > 2.9 && memory.weights / GiB < 3.2, String(memory.weights / GiB));
  assert.ok(memory.fits && memory.total / GiB < 80, String(memory.total / GiB));
});

test('a DeepSpeed config with train_batch_size alone is planned as DeepSpeed runs it and as the hover shows it: micro-batch = global / world, no accumulation', async () => {
  const text = '{\n  "train_batch_size": 64,\n  "bf16": {"enabled": true},\n  "zero_optimization": {"stage": 2}\n}\n';
  const path = tempFile('ds.json', text);
  const { plan } = JSON.parse(trainlint(['plan', path, '--gpus', '8']).stdout);
  assert.deepEqual(plan.batch, { micro: 8, gradAccum: 1, global: 64 });
  const { analyze } = await import('../../server/src/core/analyze');
  const { batchIdentities } = await import('../../server/src/core/hover/batch-identity');
  const settings = { cluster: { worldSize: 8 } };
  const identity = batchIdentities(analyze(text, { path, settings }), settings)[0];
  assert.deepEqual([identity.micro.value, identity.accum.value], [plan.batch.micro, plan.batch.gradAccum]);
});

test('a dollar figure from the catalog example price says so in the report and in the one-line headline the code lens shows', async () => {
  const script = join(repoRoot(), 'examples', 'megatron', 'pretrain_llama_8b.sh');
  const text = trainlint(['estimate', script, '--gpu', 'h100']).stdout;
  assert.match(text, /^ {2}cost +\$[\d,]+ \(ASSUMED example price \$2\.65\/GPU-hour\)$/m);
  const { estimateHeadline } = await import('../../server/src/core/report/estimate-report');
  const json = JSON.parse(trainlint(['estimate', script, '--gpu', 'h100', '--format', 'json']).stdout);
  assert.match(estimateHeadline(json), /GPU-hours, \$[\d,]+ at an example \$2\.65\/GPU-hour/);
  // A price the user gives is theirs: no caveat.
  const given = trainlint(['estimate', script, '--gpu', 'h100', '--price', '2']).stdout;
  assert.doesNotMatch(given, /ASSUMED example price/);
});
