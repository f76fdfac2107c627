import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, repoRoot } from '../helpers';

function trainlint(args: string[]) {
  const run = spawnSync(process.execPath, [CLI(), ...args], { encoding: 'utf8', cwd: repoRoot() });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const FLAGS = ['--gpu', 'h100-sxm', '--nodes', '2', '--gpus-per-node', '8', '--model', 'meta-llama/Llama-3.1-8B', '--seq-length', '8192'];
const MEGATRON = 'examples/megatron/pretrain_llama_8b.sh';

function report(args: string[]): string {
  const out = join(mkdtempSync(join(tmpdir(), 'trainlint-report-')), 'plan.html');
  const run = trainlint(['report', ...args, '--html', out]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  return readFileSync(out, 'utf8');
}

test('report --html: a self-contained page whose charts carry the numbers trainlint estimate prints', () => {
  const html = report([MEGATRON, ...FLAGS]);
  const estimate = JSON.parse(trainlint(['estimate', MEGATRON, ...FLAGS, '--format', 'json']).stdout);
  // Nothing is fetched: no script, no external URL, and a policy that forbids any request.
  assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/);
  assert.doesNotMatch(html, /<script|https?:\/\/|\bsrc=/);
  const totals = [...html.matchAll(/data-total="(\d+)" data-rank="(\d+)"/g)].map((m) => ({ bytes: Number(m[1]), rank: Number(m[2]) }));
  assert.deepEqual(totals.map((t) => t.rank), [0, 2], 'a bar for the first and the last of 3 pipeline stages');
  assert.equal(Math.max(...totals.map((t) => t.bytes)), Math.round(estimate.memory.total));
  assert.match(html, new RegExp(`data-capacity="${Math.round(estimate.memory.capacity)}"`));
  const parts = [...html.matchAll(/data-seconds="([\d.e+-]+)"/g)].map((m) => Number(m[1]));
  assert.ok(Math.abs(parts.reduce((a, b) => a + b, 0) - estimate.time.iterationSeconds) < 1e-6);
  assert.match(html, /aria-label="Pipeline schedule 1f1b: 3 stages, 12 micro-batches/);
  assert.match(html, /<caption>Each row changes one thing and is estimated the same way<\/caption>.*<th scope="row">as written<\/th>/s);
  assert.match(html, /<th scope="row">full activation recomputation<\/th>/);
  // Every input with the key it came from: the script's own flag.
  assert.match(html, /<th scope="row">micro-batch per GPU<\/th><td>2<\/td><td><code>--micro-batch-size<\/code>/);
});

test('report over a folder: one section per training config, files that are not configs left out', () => {
  const html = report(['examples', ...FLAGS]);
  const sections = [...html.matchAll(/<section aria-labelledby="h-([^"]+)">/g)].map((m) => m[1]);
  assert.deepEqual(sections, [
    'examples/accelerate/zero3_two_nodes.yaml', 'examples/deepspeed/ds_zero2_typos.json', 'examples/deepspeed/ds_zero3_llama8b.json',
    'examples/hf/sft_llama8b.yaml', 'examples/megatron/pretrain_llama_8b.sh',
  ]);
  assert.match(html, /examples\/accelerate\/zero3_two_nodes\.yaml.*No estimate: TrainLint reads no training plan from this file/s);
});

test('report without --html, or over nothing readable, is a usage error (exit 2) that says what to give', () => {
  const noOut = trainlint(['report', MEGATRON]);
  assert.equal(noOut.code, 2);
  assert.match(noOut.stderr, /report needs --html OUT\.html/);
  const none = trainlint(['report', 'no/such/file.json', '--html', join(tmpdir(), 'x.html')]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no such file or folder: no\/such\/file\.json/);
});
