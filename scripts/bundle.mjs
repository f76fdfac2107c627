// Bundles the three entry points into dist/ so the packaged extension needs no node_modules.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: !production,
  minify: production,
  // Only a minified bundle needs names kept (nothing reads them; stack traces do). Unminified, esbuild keeps them anyway but
  // for a clash's suffix (check2), and keepNames would wrap every function and closure in a call that sets its name:
  // a tenth of a CLI run on 1,000 files.
  keepNames: production,
  logLevel: 'warning',
  // jsonc-parser's UMD build hides its requires from the bundler; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
};
const entries = [
  // The `trainlint` command is a small launcher (dist/cli.js) that loads the CLI's bundle with V8's code cache (see below).
  { entryPoints: ['server/src/cli/launcher.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli-main.js' },
  { entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
];
// VS Code for the Web: the client and the language server for a browser (the server in a web worker); no Node API.
const browser = { platform: 'browser', format: 'iife', target: 'es2022', mainFields: ['browser', 'module', 'main'] };
entries.push(
  { entryPoints: ['server/src/lsp/browser-main.ts'], outfile: 'dist/web-server.js', ...browser },
  { entryPoints: ['client/src/web-extension.ts'], outfile: 'dist/web-client.js', ...browser, format: 'cjs', external: ['vscode'] },
);
for (const entry of entries) {
  if (!existsSync(entry.entryPoints[0])) continue; // An entry point not written yet is skipped, not faked.
  await build({ ...common, ...entry });
}

// The shell parser's WebAssembly (web-tree-sitter's runtime and the bash grammar) ships beside the bundles;
// server/src/node/shell-parser.ts looks for it there first, so the packaged extension needs no node_modules.
const require = createRequire(import.meta.url);
mkdirSync('dist', { recursive: true });
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), 'dist/tree-sitter.wasm');
copyFileSync(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'), 'dist/tree-sitter-bash.wasm');
copyFileSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm'), 'dist/tree-sitter-python.wasm');

// ajv's validators of the bundled schemas, generated now instead of at every start (dist/validators/, out/validators/).
await import('./precompile-validators.mjs');

// V8's code cache of the CLI's bundle, written after a check of examples/ so the functions a check runs are in it.
await import('./code-cache.mjs');
