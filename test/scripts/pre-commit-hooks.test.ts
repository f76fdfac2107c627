import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_EXTENSIONS } from '../../server/src/cli/files';
import { CLI, fixture, repoRoot } from '../helpers';

// What the pre-commit hooks rely on, checked without downloads. The hooks themselves, installed by pre-commit from a
// clone, run in scripts/e2e/run-pre-commit-test.mjs (CI runs it beside npm test).

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
  require_serial: boolean;
}

test('.pre-commit-hooks.yaml: trainlint and trainlint-fix, over the files `trainlint check FOLDER` picks', () => {
  const hooks = parse(readFileSync(join(repoRoot(), '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
  assert.deepEqual(hooks.map((h) => [h.id, h.entry, h.language, h.require_serial]), [
    ['trainlint', 'trainlint check', 'node', true],
    ['trainlint-fix', 'trainlint check --fix', 'node', true],
  ]);
  // pre-commit's `files` is a Python regex: the same pattern, its /i written inline.
  for (const hook of hooks) assert.equal(hook.files, `(?i)${CONFIG_EXTENSIONS.source}`);
});

test('JSON, YAML and shell files that are not training configs, named as pre-commit names them, pass unreported and unchanged, with --fix too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-pre-commit-'));
  cpSync(fixture('pre-commit/not-training'), dir, { recursive: true });
  const names = readdirSync(dir).sort();
  const before = names.map((n) => readFileSync(join(dir, n), 'utf8'));
  for (const args of [['check'], ['check', '--fix']]) {
    const run = spawnSync(process.execPath, [CLI(), ...args, ...names], { cwd: dir, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.equal(run.stdout, '0 files checked: 0 errors, 0 warnings, 0 infos.\n');
    assert.equal(run.stderr, '');
  }
  assert.deepEqual(names.map((n) => readFileSync(join(dir, n), 'utf8')), before);
  // The training config beside them fails the hook.
  const bad = spawnSync(process.execPath, [CLI(), 'check', fixture('pre-commit/ds_config.json')], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /ds_config\.json:7:5: error unknown-key Unknown key "overlap_com"/);
});

test('npm pack of the repository (what a git install gets) holds the CLI as the npm package has it, and no editor bundle', () => {
  const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot(), encoding: 'utf8' })) as Array<{ files: Array<{ path: string }> }>;
  const paths = packed[0].files.map((f) => f.path);
  assert.deepEqual(paths.filter((p) => !p.startsWith('dist/')).sort(), ['LICENSE', 'README.md', 'package.json']);
  const cliFiles = mkdtempSync(join(tmpdir(), 'trainlint-cli-files-'));
  execFileSync(process.execPath, ['--input-type=module', '-e', `(await import(${JSON.stringify(join(repoRoot(), 'scripts/cli-files.mjs'))})).copyCliFiles(${JSON.stringify(cliFiles)})`]);
  const expected = readdirSync(cliFiles, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join('dist', e.parentPath.slice(cliFiles.length), e.name));
  assert.deepEqual(paths.filter((p) => p.startsWith('dist/')).sort(), expected.sort());
  assert.equal(JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')).bin.trainlint, './dist/cli.js');
});
