// What the command-line tool needs at run time, copied out of dist/ for its npm package and its Python wheel: the
// launcher, the bundle and its code cache, the tree-sitter grammars, every precompiled validator (the CLI's and, for
// `trainlint lsp`, the server's). Not the editor's bundles nor source maps.
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');

export function copyCliFiles(destination) {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) {
    console.error('missing: dist/cli.js (npm run build first)');
    process.exit(2);
  }
  mkdirSync(join(destination, 'validators'), { recursive: true });
  for (const name of readdirSync(join(ROOT, 'dist'))) {
    if (/^cli(-main)?\.js$/.test(name) || /^cli-main\.[0-9a-f]+\.v8cache$/.test(name) || name.endsWith('.wasm')) cpSync(join(ROOT, 'dist', name), join(destination, name));
  }
  cpSync(join(ROOT, 'dist/validators'), join(destination, 'validators'), { recursive: true });
}
