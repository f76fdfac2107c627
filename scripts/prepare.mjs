// npm's `prepare`: builds dist/ when npm packs this checkout or installs it from git, so that installing TrainLint from
// its repository gives a working `trainlint` command. pre-commit's `language: node` does that: `npm install -g
// git+file://<its clone>` (4.7 and later), or `npm install` then `npm pack` in the clone (before); npm then packs the
// clone with .npmignore, which keeps the built CLI. A development `npm install` or `npm ci` builds nothing (npm run
// build, test, demo and package build for themselves).
//
// npm prepares a git dependency by running `npm install` in its clone, but that child inherits the outer install's
// `--global` (npm 11 exports it as npm_config_global), so it installs the clone globally instead of installing its
// devDependencies into it, and the build has no tsc or esbuild. So the build tools are installed here, from the lock
// file, when they are missing.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const npm = (...args) => execFileSync('npm', args, { cwd: ROOT, stdio: 'inherit' });
// pacote, npm's fetcher, sets _PACOTE_NO_PREPARE_ for the `npm install` it runs in a git dependency's clone.
const fromGit = process.env._PACOTE_NO_PREPARE_ !== undefined;
const packing = ['pack', 'publish'].includes(process.env.npm_command ?? '');

if ((fromGit || packing) && !existsSync(join(ROOT, 'dist/cli.js'))) {
  // --ignore-scripts: no prepare of our own again, and no native builds (the tree-sitter grammars are used as WebAssembly).
  if (!existsSync(join(ROOT, 'node_modules/typescript'))) npm('ci', '--global=false', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund');
  npm('run', 'build');
}
