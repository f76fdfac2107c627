// `npm run build:web`: the playground as one static file, web/dist/index.html: the page with TrainLint's core bundled
// for the browser inline, under a policy that allows that script alone (by its hash; 'unsafe-eval' for ajv's compiled
// validators) and no request at all. Open it from disk or any static host.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const result = await build({
  entryPoints: [join(ROOT, 'web/src/playground.ts')],
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  minify: true,
  write: false,
  logLevel: 'warning',
  mainFields: ['browser', 'module', 'main'],
});
// A closing script tag inside the bundle would end the inline script early.
const script = result.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
const hash = `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
const page = readFileSync(join(ROOT, 'web/index.html'), 'utf8')
  .replace('@SCRIPT_HASH@', hash)
  .replace('<script src="playground.js"></script>', () => `<script>${script}</script>`);
mkdirSync(join(ROOT, 'web/dist'), { recursive: true });
writeFileSync(join(ROOT, 'web/dist/index.html'), page);
console.log(`web/dist/index.html: ${(page.length / 1024).toFixed(0)} KiB`);
