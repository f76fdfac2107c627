// `npm run build:npm`: the npm package of the command-line tool, as it is published: the bundled CLI (which needs no
// dependency at run time), its tree-sitter grammars and precompiled validators, the README; not the editor extension,
// its sources or its build dependencies. Writes build/npm/ and packs it; prints the tarball's path.
// Usage: node scripts/pack-npm.mjs   (after npm run build)
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyCliFiles, ROOT } from './cli-files.mjs';

const OUT = join(ROOT, 'build/npm');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
rmSync(OUT, { recursive: true, force: true });
copyCliFiles(join(OUT, 'dist'));
cpSync(join(ROOT, 'README.md'), join(OUT, 'README.md'));
const pkg = {
  name: manifest.name,
  version: manifest.version,
  description: manifest.description,
  license: manifest.license,
  bin: { trainlint: 'dist/cli.js' },
  engines: { node: manifest.engines.node },
  files: ['dist'],
  keywords: ['deepspeed', 'megatron', 'transformers', 'linter', 'training', 'gpu', 'estimate'],
};
writeFileSync(join(OUT, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', OUT], { cwd: OUT, encoding: 'utf8' }).trim().split('\n').pop();
console.log(join(OUT, tarball));
