#!/usr/bin/env node
// The pre-commit hooks as a user installs them: pre-commit from PyPI in a fresh virtual environment, a git repository
// whose .pre-commit-config.yaml names a clone of this repository (`repo:` a local path, `rev:` the commit), so that
// pre-commit clones it and installs the hook with npm (language: node) from source. A commit of a DeepSpeed config with
// an error fails on the `trainlint` hook; the `trainlint-fix` hook fixes it and the commit then passes. JSON, YAML and
// shell files that are not training configs ride along in the same commit and must not fail it.
// Twice: with the newest pre-commit, which installs the hook with `npm install -g git+file://<clone>`, and with the last
// before 4.7, which runs `npm install` in the clone, then `npm pack` there, and installs the tarball.
//
// It tests the committed HEAD (pre-commit installs from git), not uncommitted changes. Downloads pre-commit from PyPI and
// the build tools from the npm registry: a few minutes, so CI runs it beside `npm test` (.ci/run), not inside it.
// Usage: node scripts/e2e/run-pre-commit-test.mjs     Needs: git, python3 with venv, node and npm, PyPI and npm registry.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, checklist, cleanup, elapsed, hasCommand, missing, runDirs } from './lib.mjs';

const FIXTURES = join(REPO, 'test/fixtures/pre-commit');

function run(command, args, cwd, env) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  console.log(`$ ${[command, ...args].join(' ')}   (exit ${result.status}, ${elapsed(started)})\n${output.trim().replace(/^/gm, '  ')}`);
  return { status: result.status, output };
}

/** pre-commit versions to install from PyPI, one per way of installing a node hook. */
const PRE_COMMITS = ['pre-commit', 'pre-commit<4.7'];

function main() {
  for (const command of ['git', 'python3', 'npm']) if (!hasCommand(command)) return missing(command);
  const d = runDirs('pre-commit');
  const started = Date.now();
  // The hook repository: a clone of this one at HEAD, as the `repo:` URL.
  const sha = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).stdout.trim();
  const hookRepo = join(d.root, 'trainlint');
  if (run('git', ['clone', '--quiet', REPO, hookRepo], d.root).status !== 0) return 1;
  const { check, failures, passed } = checklist();
  for (const [i, spec] of PRE_COMMITS.entries()) {
    const root = join(d.root, `user-${i}`);
    const venv = join(root, 'venv');
    if (spawnSync('python3', ['-m', 'venv', venv]).status !== 0) return missing('python3 -m venv (Debian: python3-venv)');
    const pip = run(join(venv, 'bin/pip'), ['install', '--quiet', spec], root);
    if (pip.status !== 0) return missing(`${spec} from PyPI: ${pip.output.trim().split('\n').pop()}`);
    const version = run(join(venv, 'bin/pre-commit'), ['--version'], root).output.trim();
    userRepository(join(root, 'repo'), join(venv, 'bin/pre-commit'), hookRepo, sha, (ok, what) => check(ok, `${version}: ${what}`));
  }
  console.log(`${passed()} passed, ${failures.length} failed (${elapsed(started)})`);
  cleanup(d, failures.length > 0);
  return failures.length > 0 ? 1 : 0;
}

/** A user's repository with the hooks installed by `preCommitBin` from `hookRepo` at `sha`: commit, fail, fix, commit. */
function userRepository(user, preCommitBin, hookRepo, sha, check) {
  mkdirSync(user, { recursive: true });
  const env = {
    ...process.env,
    PRE_COMMIT_HOME: join(user, '..', 'pre-commit-home'),
    GIT_AUTHOR_NAME: 'A User', GIT_AUTHOR_EMAIL: 'user@example.com', GIT_COMMITTER_NAME: 'A User', GIT_COMMITTER_EMAIL: 'user@example.com',
  };
  const git = (...args) => run('git', args, user, env);
  const preCommit = (...args) => run(preCommitBin, args, user, env);
  git('init', '--quiet');
  writeFileSync(join(user, '.pre-commit-config.yaml'), [
    'repos:',
    `  - repo: ${hookRepo}`,
    `    rev: ${sha}`,
    '    hooks:',
    '      - id: trainlint',
    '      - id: trainlint-fix',
    '        stages: [manual]',
    '',
  ].join('\n'));
  copyFileSync(join(FIXTURES, 'ds_config.json'), join(user, 'ds_config.json'));
  cpSync(join(FIXTURES, 'not-training'), join(user, 'not-training'), { recursive: true });

  const install = preCommit('install', '--install-hooks');
  check(install.status === 0, 'pre-commit installs the hooks from the clone (npm builds the CLI from source)');
  if (install.status !== 0) return;

  git('add', '--all');
  const refused = git('commit', '--quiet', '--message', 'a config with an error');
  check(refused.status !== 0 && /trainlint\.+Failed/.test(refused.output), 'the commit with the bad config fails on the trainlint hook');
  check(/ds_config\.json:7:5: error unknown-key Unknown key "overlap_com"/.test(refused.output), 'the hook prints the error with its place');
  check(!/not-training\//.test(refused.output), 'the JSON, YAML and shell files that are not training configs are not reported');

  const fix = preCommit('run', 'trainlint-fix', '--hook-stage', 'manual', '--all-files');
  check(fix.status !== 0 && /files were modified by this hook/.test(fix.output), 'trainlint-fix changes the config (pre-commit reports it as modified)');
  check(/"overlap_comm": true/.test(readFileSync(join(user, 'ds_config.json'), 'utf8')), 'the key is fixed in the file');
  check(git('diff', '--name-only').output.trim() === 'ds_config.json', 'it changes that file only');

  git('add', '--all');
  const commit = git('commit', '--quiet', '--message', 'the config fixed');
  check(commit.status === 0 && /trainlint\.+Passed/.test(commit.output), 'the commit passes the trainlint hook after the fix');
}

process.exit(main());
