import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleScript } from './bundle-script';
import { useCliV8Flags } from '../node/v8-flags';

/**
 * The `trainlint` command (dist/cli.js): loads the CLI (main.ts, bundled to dist/cli-main.js) with the code cache the
 * build wrote for it, under the command line's V8 settings, which that cache was written under (v8-flags.ts). The
 * language server (`trainlint lsp`) lives on and keeps V8's own settings: it loads the bundle as any module.
 */
const main = join(__dirname, 'cli-main.js');
if (process.argv[2] === 'lsp') {
  module.require(main);
} else {
  useCliV8Flags();
  // The bundle sees this file as its own (__filename): the check's worker thread starts here too, and loads it the same way.
  const run = bundleScript(main, readFileSync(main, 'utf8')).runInThisContext() as (...args: unknown[]) => void;
  run(exports, require, module, __filename, __dirname);
}
