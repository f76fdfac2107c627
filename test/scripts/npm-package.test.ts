import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers';

// The npm package as published: `npm pack` of build/npm, installed from the tarball into an empty folder with no
// registry, then run through npx as a user would.
test('npx trainlint from the packed tarball: installs with no dependency, checks the examples, and holds only the CLI', () => {
  const tarball = execFileSync(process.execPath, [join(repoRoot(), 'scripts/pack-npm.mjs')], { encoding: 'utf8' }).trim();
  const contents = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
  const outsideDist = contents.filter((f) => !f.startsWith('package/dist/')).sort();
  assert.deepEqual(outsideDist, ['package/README.md', 'package/package.json']);
  assert.ok(!contents.some((f) => /\.(map|ts)$|client\.js|server\.js/.test(f)), 'no source maps, sources or editor bundles');
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-npx-'));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: dir, stdio: 'pipe' });
  cpSync(join(repoRoot(), 'examples'), join(dir, 'examples'), { recursive: true });
  const npx = (...args: string[]) => spawnSync('npx', ['--offline', 'trainlint', ...args], { cwd: dir, encoding: 'utf8' });
  assert.equal(npx('--version').stdout.trim(), JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')).version);
  const check = npx('check', 'examples');
  assert.equal(check.status, 1, check.stderr);
  assert.match(check.stdout, /examples\/deepspeed\/ds_zero2_typos\.json:10:5: error unknown-key Unknown key "overlap_com"/);
  assert.match(check.stdout, /5 files checked: 4 errors/);
});
