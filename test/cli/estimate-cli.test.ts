import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
