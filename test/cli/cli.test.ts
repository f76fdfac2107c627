import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, fixture } from '../helpers';
import { PARALLEL_MIN_FILES, runCheck, runCheckInParallel } from '../../server/src/cli/check';
import { expandPaths } from '../../server/src/cli/files';
import { renderJson } from '../../server/src/cli/render/json';
import { loadShellParser } from '../../server/src/node/shell-parser';
import { loadPythonParser } from '../../server/src/node/python-parser';
import { assertValidSarif } from '../sarif-schema';

function trainlint(args: string[], cwd?: string) {
  const run = spawnSync(process.execPath, [CLI(), ...args], { encoding: 'utf8', cwd });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const MISMATCH = fixture('rules', 'batch-size-mismatch', 'three-given.json');

test('text output: path:line:col: severity rule-name message, 1-based, and exit code 1 on an error', () => {
  const run = trainlint(['check', MISMATCH, '--gpus', '8']);
  assert.equal(run.code, 1);
  const [first, summary] = run.stdout.trimEnd().split('\n');
  assert.match(first, new RegExp(`^${MISMATCH.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:3: error batch-size-mismatch train_batch_size 512 != `));
  assert.equal(summary, '1 file checked: 1 error, 0 warnings, 0 infos.');
});

test('exit code 0 when nothing reaches --fail-on, 1 when it does', () => {
  const dir = workspace({ 'train.yaml': 'output_dir: out\nper_device_train_batch_size: 4\nnum_train_epochs: 1\nlearning_rate: 2e-5\n' });
  assert.equal(trainlint(['check', dir]).code, 0, 'a warning does not fail by default');
  assert.equal(trainlint(['check', dir, '--fail-on', 'warning']).code, 1);
  assert.equal(trainlint(['check', MISMATCH, '--gpus', '16']).code, 0, 'the identity holds on 16 GPUs');
});

test('exit code 2 on bad usage, with a clear message', () => {
  for (const args of [['check', '--format', 'xml', MISMATCH], ['check', '--gpus', 'eight', MISMATCH], ['check', '/no/such/file.json'], ['check', '--bogus'], ['frobnicate'], ['check', '--gpus', '8', '--nodes', '2', '--gpus-per-node', '4', MISMATCH]]) {
    const run = trainlint(args);
    assert.equal(run.code, 2, args.join(' '));
    assert.match(run.stderr, /^trainlint: /);
  }
});

test('--nodes with --gpus-per-node gives the world size', () => {
  assert.equal(trainlint(['check', MISMATCH, '--nodes', '2', '--gpus-per-node', '8']).code, 0);
  assert.equal(trainlint(['check', MISMATCH, '--nodes', '1', '--gpus-per-node', '8']).code, 1);
});

test('JSON output keeps the version-1 contract, with 0-based UTF-16 positions', () => {
  const run = trainlint(['check', MISMATCH, '--gpus', '8', '--format', 'json']);
  const report = JSON.parse(run.stdout);
  assert.equal(report.version, 1);
  assert.deepEqual(report.summary, { files: 1, errors: 1, warnings: 0, infos: 0 });
  const [file] = report.files;
  assert.equal(file.format, 'deepspeed');
  const [d] = file.diagnostics;
  assert.equal(d.code, 'TL101');
  assert.equal(d.rule, 'batch-size-mismatch');
  assert.equal(d.severity, 'error');
  assert.deepEqual(d.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 20 } });
  assert.ok(d.fixes.length >= 2 && d.fixes.every((f: { title: string; safe: boolean }) => typeof f.title === 'string' && f.safe === false));
});

test('SARIF output is SARIF 2.1.0 with rules, levels, regions and only safe fixes', () => {
  const typo = fixture('rules', 'unknown-key', 'typos.json');
  const log = JSON.parse(trainlint(['check', typo, MISMATCH, '--gpus', '8', '--format', 'sarif']).stdout);
  assertValidSarif(log);
  const run = log.runs[0];
  assert.equal(run.tool.driver.name, 'trainlint');
  const ruleIds = run.tool.driver.rules.map((r: { id: string }) => r.id);
  assert.ok(ruleIds.includes('unknown-key') && ruleIds.includes('batch-size-mismatch'));
  const results = run.results as Array<{ ruleId: string; level: string; ruleIndex: number; locations: Array<{ physicalLocation: { region: { startLine: number; startColumn: number } } }>; fixes?: unknown[] }>;
  for (const r of results) assert.equal(run.tool.driver.rules[r.ruleIndex].id, r.ruleId);
  const mismatch = results.find((r) => r.ruleId === 'batch-size-mismatch')!;
  assert.equal(mismatch.level, 'error');
  assert.deepEqual(mismatch.locations[0].physicalLocation.region, { startLine: 2, startColumn: 3, endLine: 2, endColumn: 21 });
  assert.equal(mismatch.fixes, undefined, 'no unsafe fix is published');
  const rename = results.find((r) => r.ruleId === 'unknown-key' && r.level === 'warning')!;
  assert.equal(rename.fixes?.length, 1);
});

test('GitHub annotations escape their data', () => {
  const run = trainlint(['check', MISMATCH, '--gpus', '8', '--format', 'github']);
  const line = run.stdout.trim();
  assert.match(line, /^::error file=.*three-given\.json,line=2,col=3,endLine=2,endColumn=21,title=trainlint batch-size-mismatch \(TL101\)::train_batch_size 512 != /);
  assert.ok(!line.slice(2).includes('\n'));
});

test('--fix applies only safe fixes, keeps comments, BOM and CRLF, writes atomically and re-checks', () => {
  const dir = workspace({
    'sft.yaml': '\ufeff# SFT run\r\noutput_dir: out  # where checkpoints go\r\nper_device_train_batch_size: 4\r\nnum_train_epochs: 1\r\nlearning_rat: 2e-5\r\nfp16: true\r\nbf16: true\r\n',
  });
  const run = trainlint(['check', dir, '--fix']);
  const text = readFileSync(join(dir, 'sft.yaml'), 'utf8');
  assert.equal(text, '\ufeff# SFT run\r\noutput_dir: out  # where checkpoints go\r\nper_device_train_batch_size: 4\r\nnum_train_epochs: 1\r\nlearning_rate: 2.0e-5\r\nfp16: true\r\nbf16: true\r\n');
  assert.match(run.stderr, /applied 2 safe fixes/);
  assert.equal(run.code, 1, 'fp16-and-bf16 has no safe fix and still fails');
  assert.match(run.stdout, /fp16-and-bf16/);
  assert.doesNotMatch(run.stdout, /unknown-key|yaml-float-as-string/);
  assert.deepEqual(readdirSync(dir), ['sft.yaml'], 'no temporary file is left behind');
});

test('the project file sets the cluster; overrides apply by glob; a linked accelerate config gives the world size', () => {
  const ds = readFileSync(MISMATCH, 'utf8');
  const dir = workspace({ '.trainlint.yaml': 'cluster:\n  nodes: 1\n  gpusPerNode: 8\noverrides:\n  - files: ["big/*.json"]\n    cluster: { nodes: 2 }\n', 'ds.json': ds });
  assert.equal(trainlint(['check', join(dir, 'ds.json')]).code, 1, '8 GPUs from the project file');
  assert.equal(trainlint(['check', join(dir, 'ds.json'), '--gpus', '16']).code, 0, 'flags override the project file');
  const linked = workspace({ 'ds.json': ds, 'accelerate.yaml': 'distributed_type: DEEPSPEED\nnum_processes: 8\ndeepspeed_config:\n  deepspeed_config_file: ds.json\n' });
  const run = trainlint(['check', linked]);
  assert.equal(run.code, 1, run.stdout);
  assert.match(run.stdout, /8 data-parallel ranks/);
  const big = workspace({ '.trainlint.yaml': 'cluster: { nodes: 1, gpusPerNode: 8 }\noverrides:\n  - files: ["*.json"]\n    cluster: { nodes: 2 }\n', 'ds.json': ds });
  assert.equal(trainlint(['check', join(big, 'ds.json')]).code, 0, 'the override makes it 16 GPUs');
});

test('a problem in the project file is reported on stderr with its place', () => {
  const dir = workspace({ '.trainlint.yaml': 'cluster:\n  nodes: two\nfrobs: 1\n', 'ds.json': '{ "train_micro_batch_size_per_gpu": 4, "zero_optimization": {"stage": 1} }' });
  const run = trainlint(['check', dir]);
  assert.match(run.stderr, /\.trainlint\.yaml:2:10: Expected a positive whole number/);
  assert.match(run.stderr, /\.trainlint\.yaml:3:1: Unknown project setting "frobs"/);
});

test('folders are walked; files that are not training configs are skipped silently', () => {
  const dir = workspace({ 'package.json': '{ "name": "x", "version": "1.0.0" }', 'compose.yaml': 'services: {}\n' });
  cpSync(fixture('rules', 'fp16-and-bf16', 'hf.yaml'), join(dir, 'train.yaml'));
  const report = JSON.parse(trainlint(['check', dir, '--format', 'json']).stdout);
  assert.deepEqual(report.files.map((f: { path: string }) => f.path.slice(dir.length + 1)), ['train.yaml']);
});

test('rescale changes the batch, the learning rate by the optimizer rule, and the steps so tokens stay the same', () => {
  const ds = '{\n  "train_batch_size": 256,\n  "train_micro_batch_size_per_gpu": 4,\n  "gradient_accumulation_steps": 8,\n  "optimizer": { "type": "SGD", "params": { "lr": 0.1 } },\n  "scheduler": { "type": "WarmupDecayLR", "params": { "warmup_num_steps": 1000, "total_num_steps": 20000 } }\n}\n';
  const dir = workspace({ 'ds.json': ds });
  const dry = trainlint(['rescale', join(dir, 'ds.json'), '--global-batch', '512', '--gpus', '8', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(readFileSync(join(dir, 'ds.json'), 'utf8'), ds, 'a dry run writes nothing');
  const run = trainlint(['rescale', join(dir, 'ds.json'), '--global-batch', '512', '--gpus', '8']);
  assert.equal(run.code, 0, run.stderr);
  const after = JSON.parse(readFileSync(join(dir, 'ds.json'), 'utf8'));
  assert.equal(after.train_batch_size, 512);
  assert.equal(after.train_micro_batch_size_per_gpu * after.gradient_accumulation_steps * 8, 512);
  assert.equal(after.optimizer.params.lr, 0.2, 'linear scaling for SGD');
  assert.deepEqual(after.scheduler.params, { warmup_num_steps: 500, total_num_steps: 10000 });
  assert.equal(trainlint(['check', join(dir, 'ds.json'), '--gpus', '8']).code, 0, 'the result passes the batch identity');
  const keep = trainlint(['rescale', join(dir, 'ds.json'), '--global-batch', '1024', '--gpus', '8', '--rule', 'none']);
  assert.equal(keep.code, 0);
  assert.equal(JSON.parse(readFileSync(join(dir, 'ds.json'), 'utf8')).optimizer.params.lr, 0.2, '--rule none keeps the learning rate');
});

test('rescale refuses what it cannot do, with exit code 2', () => {
  const dir = workspace({ 'ds.json': '{ "train_batch_size": "auto", "train_micro_batch_size_per_gpu": "auto", "zero_optimization": { "stage": 2 } }' });
  const auto = trainlint(['rescale', join(dir, 'ds.json'), '--global-batch', '512', '--gpus', '8']);
  assert.equal(auto.code, 2);
  assert.match(auto.stderr, /"auto"/);
  assert.equal(trainlint(['rescale', join(dir, 'ds.json')]).code, 2, '--global-batch is required');
  assert.equal(trainlint(['rescale', join(dir, 'ds.json'), '--global-batch', '512', '--rule', 'cubic']).code, 2);
});

test('check --baseline REV warns when a pull request changes the global batch and not the learning rate', () => {
  const before = 'output_dir: out\nper_device_train_batch_size: 4\ngradient_accumulation_steps: 4\nnum_train_epochs: 1\nlearning_rate: 2.0e-5\noptim: adamw_torch\n';
  const dir = workspace({ 'sft.yaml': before });
  const git = (...args: string[]) => spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
  git('init', '-q');
  git('add', 'sft.yaml');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'base');
  writeFileSync(join(dir, 'sft.yaml'), before.replace('gradient_accumulation_steps: 4', 'gradient_accumulation_steps: 16'));
  const run = trainlint(['check', join(dir, 'sft.yaml'), '--baseline', 'HEAD', '--gpus', '8']);
  assert.match(run.stdout, /warning lr-not-rescaled The global batch changed from 128 to 512 \(x4\) against the baseline, and learning_rate stayed 2e-5/);
  assert.doesNotMatch(trainlint(['check', join(dir, 'sft.yaml'), '--gpus', '8']).stdout, /lr-not-rescaled/, 'no baseline, no finding');
  writeFileSync(join(dir, 'sft.yaml'), before.replace('gradient_accumulation_steps: 4', 'gradient_accumulation_steps: 16').replace('2.0e-5', '4.0e-5'));
  assert.doesNotMatch(trainlint(['check', join(dir, 'sft.yaml'), '--baseline', 'HEAD', '--gpus', '8']).stdout, /lr-not-rescaled/, 'the square-root rule was followed');
});

test('rescale --rule malladi also scales Adam betas and epsilon (Malladi et al.), and the result is a YAML PyYAML reads as numbers', () => {
  const dir = workspace({ 'sft.yaml': 'output_dir: out\nper_device_train_batch_size: 4\ngradient_accumulation_steps: 4\nnum_train_epochs: 1\nlearning_rate: 3.0e-4\nadam_beta1: 0.9\nadam_beta2: 0.95\nadam_epsilon: 1.0e-8\n' });
  const run = trainlint(['rescale', join(dir, 'sft.yaml'), '--global-batch', '256', '--gpus', '8', '--rule', 'malladi']);
  assert.equal(run.code, 0, run.stderr);
  const text = readFileSync(join(dir, 'sft.yaml'), 'utf8');
  // kappa = 2: 1 - beta doubles, epsilon shrinks by sqrt(2), the learning rate grows by sqrt(2).
  assert.match(text, /adam_beta1: 0\.8\n/);
  assert.match(text, /adam_beta2: 0\.9\n/);
  assert.match(text, /adam_epsilon: 7\.07e-9\n/);
  assert.match(text, /learning_rate: 4\.243e-4\n/);
  assert.equal(trainlint(['check', join(dir, 'sft.yaml'), '--gpus', '8']).code, 0);
  assert.doesNotMatch(trainlint(['check', join(dir, 'sft.yaml'), '--gpus', '8']).stdout, /yaml-float-as-string/);
});

test('a run over many files, shared with a worker thread, reports what one thread reports, in the same order', async () => {
  const dir = fixture();
  const run = trainlint(['check', dir, '--format', 'json']);
  const one = runCheck({ paths: [dir], flags: {}, fix: false, failOn: 'error', shellParser: await loadShellParser(), pythonParser: await loadPythonParser() });
  assert.ok(expandPaths([dir]).length >= PARALLEL_MIN_FILES, 'too few files for the worker');
  assert.equal(run.stdout, renderJson(one.files, one.skipped));
  assert.equal(run.code, one.exitCode);
});

test('a worker that stops or fails to start leaves its files to the main thread: the report is the same', async () => {
  const dir = fixture();
  const options = { paths: [dir], flags: {}, fix: false, failOn: 'error' as const, shellParser: await loadShellParser(), pythonParser: await loadPythonParser() };
  const single = runCheck(options);
  const expected = renderJson(single.files, single.skipped);
  const scripts = mkdtempSync(join(tmpdir(), 'trainlint-worker-'));
  writeFileSync(join(scripts, 'exits.js'), 'process.exit(0);\n');
  writeFileSync(join(scripts, 'throws.js'), "throw new Error('no worker here');\n");
  for (const script of ['exits.js', 'throws.js', 'missing.js']) {
    const outcome = await runCheckInParallel(options, join(scripts, script));
    assert.equal(renderJson(outcome.files, outcome.skipped), expected, script);
  }
});
