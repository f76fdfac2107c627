// `npm run build:python`: the Python wheel of the command-line tool (python/: `trainlint` on PATH and
// trainlint.check / trainlint.estimate), with the bundled CLI copied in, as pip installs it. Writes build/python/ and
// prints the wheel's path. Needs dist/ (npm run build) and python3 with pip (setuptools comes from PyPI).
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyCliFiles, ROOT } from './cli-files.mjs';

const OUT = join(ROOT, 'build/python');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
rmSync(OUT, { recursive: true, force: true });
copyCliFiles(join(OUT, 'trainlint/_cli'));
cpSync(join(ROOT, 'python/trainlint'), join(OUT, 'trainlint'), { recursive: true });
writeFileSync(join(OUT, 'pyproject.toml'), readFileSync(join(ROOT, 'python/pyproject.toml'), 'utf8').replace('@VERSION@', version));
cpSync(join(ROOT, 'README.md'), join(OUT, 'README.md'));
execFileSync('python3', ['-m', 'pip', 'wheel', '--quiet', '--no-deps', '--wheel-dir', join(OUT, 'dist'), OUT], { stdio: ['ignore', 'ignore', 'inherit'] });
console.log(join(OUT, 'dist', readdirSync(join(OUT, 'dist')).find((n) => n.endsWith('.whl'))));
