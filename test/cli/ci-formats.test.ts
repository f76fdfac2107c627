import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CLI, repoRoot } from '../helpers';
import { assertValidSarif } from '../sarif-schema';

const PROJECT = 'cluster:\n  gpu: h100-sxm\n  nodes: 1\n  gpusPerNode: 8\nmodel: meta-llama/Llama-3.1-8B\nseqLength: 4096\n';
const config = (micro: number, extra = '') => `{\n  "train_micro_batch_size_per_gpu": ${micro},\n  "gradient_accumulation_steps": 4,\n  "bf16": {"enabled": true},\n  "zero_optimization": {"stage": 2${extra}}\n}\n`;

/** A git repository whose HEAD~1 has a config that fits, and HEAD one with 8x the micro-batch and a misspelt key. */
function repository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-ci-'));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  writeFileSync(join(dir, '.trainlint.yaml'), PROJECT);
  writeFileSync(join(dir, 'ds_config.json'), config(1));
  git('add', '.');
  git('commit', '-qm', 'base');
  writeFileSync(join(dir, 'ds_config.json'), config(8, ', "overlap_com": true'));
  git('commit', '-qam', 'change');
  return dir;
}

function trainlint(cwd: string, args: string[]) {
  const run = spawnSync(process.execPath, [CLI(), ...args], { cwd, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('--format markdown --baseline REV: per config, the findings the change adds and removes and its figures before -> after', () => {
  const dir = repository();
  const run = trainlint(dir, ['check', '.', '--format', 'markdown', '--baseline', 'HEAD~1']);
  assert.equal(run.code, 1, run.stderr);
  const estimate = (micro: number) => {
    writeFileSync(join(dir, 'probe.json'), config(micro));
    return JSON.parse(trainlint(dir, ['estimate', 'probe.json', '--format', 'json']).stdout);
  };
  // As TrainLint prints memory: one decimal under 100 GiB, none above.
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(bytes >= 100 * 2 ** 30 ? 0 : 1)} GiB`;
  const [before, after] = [estimate(1), estimate(8)];
  assert.match(run.stdout, /^## TrainLint\n\n1 file checked: 2 errors, 0 warnings, 0 notes \(compared with `HEAD~1`\)\./);
  const row = run.stdout.split('\n').find((l) => l.startsWith('| `ds_config.json`'));
  assert.ok(row, run.stdout);
  assert.ok(row.includes(`${gib(before.memory.total)} → **${gib(after.memory.total)} (does not fit)**`), row);
  assert.match(row, /\| \+2 errors \|/);
  const added = run.stdout.slice(run.stdout.indexOf('Added:'));
  assert.match(added, /^- ❌ \*\*error\*\* `unknown-key` \(line 5\): Unknown key "overlap_com"/m);
  assert.match(added, /^- ❌ \*\*error\*\* `out-of-memory` \(line 2\): Estimated peak memory/m);
});

test('--format junit and gitlab: a failing case per error or warning; Code Quality issues with fingerprints that survive a moved line', () => {
  const dir = repository();
  const junit = trainlint(dir, ['check', 'ds_config.json', '--format', 'junit']).stdout;
  assert.match(junit, /<testsuites name="trainlint" tests="2" failures="2">/);
  assert.equal([...junit.matchAll(/<failure type="error"/g)].length, 2);
  const issues = JSON.parse(trainlint(dir, ['check', 'ds_config.json', '--format', 'gitlab']).stdout) as Array<{ check_name: string; severity: string; fingerprint: string; location: { lines: { begin: number } } }>;
  assert.deepEqual(issues.map((i) => [i.check_name, i.severity, i.location.lines.begin]), [['out-of-memory', 'major', 2], ['unknown-key', 'major', 5]]);
  writeFileSync(join(dir, 'ds_config.json'), `\n${readFileSync(join(dir, 'ds_config.json'), 'utf8')}`);
  const moved = JSON.parse(trainlint(dir, ['check', 'ds_config.json', '--format', 'gitlab']).stdout) as typeof issues;
  assert.deepEqual(moved.map((i) => i.fingerprint), issues.map((i) => i.fingerprint));
  assert.deepEqual(moved.map((i) => i.location.lines.begin), [3, 6]);
});

test('the GitHub Action\'s check step: annotations, a SARIF file, the job summary against the base commit, and the exit code as an output', () => {
  const dir = repository();
  const action = parse(readFileSync(join(repoRoot(), 'action.yml'), 'utf8')) as { runs: { steps: Array<{ id?: string; run?: string }> } };
  const step = action.runs.steps.find((s) => s.id === 'check');
  assert.ok(step?.run);
  const summary = join(dir, 'summary.md');
  const output = join(dir, 'output.txt');
  const base = execFileSync('git', ['rev-parse', 'HEAD~1'], { cwd: dir, encoding: 'utf8' }).trim();
  // The step as the runner runs it: bash -e, with the inputs in its env block and the runner's files.
  const run = spawnSync('bash', ['-e', '-c', step.run], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GITHUB_ACTION_PATH: repoRoot(), GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output, PATHS: '.', FAIL_ON: 'error', ARGS: '', BASELINE: base, SARIF: 'trainlint.sarif' },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^::error file=ds_config\.json,line=5,col=37,.*title=trainlint unknown-key/m);
  assert.equal(readFileSync(output, 'utf8'), 'exit-code=1\n');
  assert.match(readFileSync(summary, 'utf8'), new RegExp(`compared with \`${base}\``));
  const sarif = JSON.parse(readFileSync(join(dir, 'trainlint.sarif'), 'utf8'));
  assertValidSarif(sarif);
  assert.deepEqual(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId).sort(), ['out-of-memory', 'unknown-key']);
});
