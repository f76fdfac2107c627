import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareCase, medianAbsolute, planFor, type Results } from '../../bench/gpu/compare';
import { estimate } from '../../server/src/core/estimate/estimate';
import { fixture, repoRoot } from '../helpers';

// The Python that has PyTorch (a virtual environment outside the repository, say); python3 when not set.
const PYTHON = process.env.TRAINLINT_PYTHON ?? 'python3';
const MEASURE = join(repoRoot(), 'bench', 'gpu', 'measure.py');
const COMPARE = join(repoRoot(), 'out', 'bench', 'gpu', 'compare.js');
const GIB = 2 ** 30;

function fixtureResults(): Results {
  return JSON.parse(readFileSync(fixture('bench-gpu', 'results.json'), 'utf8')) as Results;
}

test('bench/gpu compare: each wrapper becomes its byte accounting at world size 1', () => {
  const [plain, fsdp, deepspeed] = fixtureResults().cases;
  const p = planFor(plain, 'h100');
  assert.equal(p.framework, 'plain');
  assert.equal(p.fsdp, undefined);
  assert.deepEqual(p.batch, { micro: 8, gradAccum: 1 });
  assert.equal(p.model?.seqLength, 1024);
  const f = planFor(fsdp, 'h100');
  assert.equal(f.framework, 'fsdp');
  assert.equal(f.fsdp, 'full-shard');
  const d = planFor(deepspeed, 'h100');
  assert.equal(d.framework, 'deepspeed');
  assert.equal(d.zero?.stage, 2);
  // The measured model's parameter count (torch's numel) is what TrainLint counts for the same shape.
  assert.equal(estimate(p).parameters.total, plain.measured!.params);
});

test('bench/gpu compare: errors are predicted / measured - 1, torch counters against the prediction less its CUDA context', () => {
  const results = fixtureResults();
  const rows = results.cases.map((c) => compareCase(c, results.environment.gpu_name as string, true));
  const [ok, failed, skipped] = rows;
  const e = estimate(planFor(results.cases[0], 'h100'));
  const torchGiB = (e.memory.total - e.memory.bufferParts.cudaContext) / GIB;
  assert.ok(Math.abs(ok.predictedTorchGiB - torchGiB) < 1e-9);
  assert.ok(Math.abs(ok.errorAllocated! - (torchGiB / 5 - 1)) < 1e-9, 'fixture: 5 GiB allocated');
  assert.ok(Math.abs(ok.errorReserved! - (torchGiB / 6 - 1)) < 1e-9, 'fixture: 6 GiB reserved');
  assert.ok(Math.abs(ok.errorDevice! - (e.memory.total / GIB / 6.5 - 1)) < 1e-9, 'fixture: 6 GiB reserved + 0.5 GiB outside torch');
  assert.ok(Math.abs(ok.errorStep! - (e.time.iterationSeconds / 0.05 - 1)) < 1e-9);
  assert.equal(medianAbsolute(rows, 'errorAllocated'), Math.abs(ok.errorAllocated!), 'only measured rows count');
  for (const row of [failed, skipped]) {
    assert.equal(row.allocatedGiB, undefined);
    assert.ok(row.predictedGiB > 1, `${row.id} is still predicted`);
  }
  assert.match(failed.reason!, /out of memory/);
  assert.equal(skipped.reason, 'DeepSpeed not installed');
});

test('bench/gpu compare.js: the table and the markdown page name every case', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-gpu-compare-'));
  const md = join(dir, 'page.md');
  const run = spawnSync(process.execPath, [COMPARE, fixture('bench-gpu', 'results.json'), '--markdown', md], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /predicted for NVIDIA H100 SXM5 80GB/);
  assert.match(run.stdout, /cases: 3 \(1 ok, 1 skipped, 1 failed\)/);
  const page = readFileSync(md, 'utf8');
  assert.match(page, /GPU: NVIDIA H100 80GB HBM3/);
  for (const c of fixtureResults().cases) assert.ok(page.includes(`| ${c.id} |`), c.id);
  const unknown = spawnSync(process.execPath, [COMPARE, fixture('bench-gpu', 'results.json'), '--gpu', 'h1000x'], { encoding: 'utf8' });
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /not in TrainLint's catalog/);
});

const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

test('bench/gpu measure.py --smoke: every wrapper runs on CPU or says why not, and compare.js predicts each case', { skip: hasTorch ? false : 'PyTorch absent', timeout: 20 * 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-gpu-smoke-'));
  const results = join(dir, 'results.json');
  const rowsFile = join(dir, 'rows.json');
  const ids = spawnSync(PYTHON, [MEASURE, '--smoke', '--list'], { encoding: 'utf8' }).stdout.trim().split('\n');
  assert.ok(ids.length >= 9 && ['plain', 'ddp', 'fsdp2', 'deepspeed-z0', 'deepspeed-z3'].every((w) => ids.some((id) => id.includes(`-${w}-`))), ids.join(' '));
  const run = spawnSync(PYTHON, [MEASURE, '--smoke', '--out', results], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const doc = JSON.parse(readFileSync(results, 'utf8')) as Results;
  assert.deepEqual(doc.cases.map((c) => c.id), ids);
  assert.equal(doc.environment.device, 'cpu');
  for (const c of doc.cases) {
    if (c.status === 'skipped') {
      assert.ok(c.reason && c.reason.length > 10, `${c.id}: skipped without a reason`);
      continue;
    }
    assert.equal(c.status, 'ok', `${c.id}: ${c.reason}`);
    const m = c.measured!;
    assert.equal(m.step_seconds.length, 2);
    assert.ok(m.median_step_seconds > 0);
    assert.equal(m.max_allocated, null, 'no GPU memory on CPU');
    assert.ok(m.losses.every(Number.isFinite));
  }
  // Plain PyTorch needs nothing beyond torch; with the same seed and batch, recomputation changes memory, not the loss.
  assert.ok(doc.cases.filter((c) => c.wrapper === 'plain').every((c) => c.status === 'ok'));
  const recomputed = doc.cases.filter((c) => c.status === 'ok' && c.recompute === 'full');
  assert.ok(recomputed.length >= 2);
  for (const c of recomputed) {
    const twin = doc.cases.find((o) => o.id === c.id.replace('-full-', '-none-'))!;
    if (twin.status === 'ok') assert.equal(c.measured!.losses[0], twin.measured!.losses[0], c.id);
  }
  const first = doc.cases.filter((c) => c.status === 'ok').map((c) => c.measured!.losses[0]);
  assert.ok(Math.max(...first) - Math.min(...first) < 0.01, `every wrapper starts from the same model: ${first.join(', ')}`);

  const compare = spawnSync(process.execPath, [COMPARE, results, '--json', rowsFile], { encoding: 'utf8' });
  assert.equal(compare.status, 0, compare.stderr);
  const rows = (JSON.parse(readFileSync(rowsFile, 'utf8')) as { rows: ReturnType<typeof compareCase>[] }).rows;
  assert.deepEqual(rows.map((r) => r.id), ids);
  for (const r of rows) {
    assert.ok(r.predictedGiB > 0 && r.predictedStepSeconds > 0, `${r.id}: predictions positive`);
    assert.equal(r.errorStep, undefined, 'CPU step times are not compared with a GPU prediction');
    if (r.status === 'ok') assert.equal(r.measuredParams, r.predictedParams, `${r.id}: TrainLint counts the parameters torch holds`);
  }
});
