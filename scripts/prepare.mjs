// npm's `prepare`: builds dist/ where it is missing, so that installing TrainLint from its git repository gives a working
// `trainlint` command. pre-commit's `language: node` does that (`npm install -g git+file://<its clone>`; before 4.7,
// `npm install` then `npm pack` in the clone), and npm then packs the clone with .npmignore, which keeps the built CLI.
//
// npm prepares a git dependency by running `npm install` in its clone, but that child inherits the outer install's
// `--global` (npm 11 exports it as npm_config_global), so it installs the clone globally instead of installing its
// devDependencies into it, and the build has no tsc or esbuild. So the build tools are installed here, from the lock
// file, when they are missing. In a development checkout `npm ci` thus builds once; where dist/ exists this does nothing.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const npm = (...args) => execFileSync('npm', args, { cwd: ROOT, stdio: 'inherit' });

if (!existsSync(join(ROOT, 'dist/cli.js'))) {
  // --ignore-scripts: no prepare of our own again, and no native builds (the tree-sitter grammars are used as WebAssembly).
  if (!existsSync(join(ROOT, 'node_modules/typescript'))) npm('ci', '--global=false', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund');
  npm('run', 'build');
}
