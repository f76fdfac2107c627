// `npm run build:npm`: the npm package of the command-line tool, as it is published: the bundled CLI (which needs no
// dependency at run time), its tree-sitter grammars and precompiled validators, the README; not the editor extension,
// its sources or its build dependencies. Writes build/npm/ and packs it; prints the tarball's path.
// Usage: node scripts/pack-npm.mjs   (after npm run build)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'build/npm');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
if (!existsSync(join(ROOT, 'dist/cli.js'))) {
  console.error('missing: dist/cli.js (npm run build first)');
  process.exit(2);
}
rmSync(OUT, { recursive: true, force: true });
mkdirSync(join(OUT, 'dist/validators'), { recursive: true });
// The launcher, the bundle and its code cache, the grammars, every validator (the CLI's and, for `trainlint lsp`, the server's).
const wanted = (name) => /^cli(-main)?\.js$/.test(name) || /^cli-main\.[0-9a-f]+\.v8cache$/.test(name) || name.endsWith('.wasm');
for (const name of readdirSync(join(ROOT, 'dist'))) if (wanted(name)) cpSync(join(ROOT, 'dist', name), join(OUT, 'dist', name));
cpSync(join(ROOT, 'dist/validators'), join(OUT, 'dist/validators'), { recursive: true });
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
