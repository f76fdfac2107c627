// Writes V8's code cache of the CLI's bundle (dist/cli-main.js) for the launcher (dist/cli.js, server/src/cli/launcher.ts),
// named by a hash of the bundle's text (server/src/cli/bundle-script.ts). A child process compiles the bundle as the
// launcher does, under the command line's V8 settings (V8 rejects a cache written under others), checks examples/ with
// it, and writes the cache when it exits, so the functions a check runs are compiled in it too. Run by scripts/bundle.mjs
// after the bundles and the validators; without the cache the command works the same, only starts slower.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const dist = join(root, 'dist');
const main = join(dist, 'cli-main.js');

if (process.argv[2] === '--child') {
  const { useCliV8Flags } = require(join(root, 'out/server/src/node/v8-flags.js'));
  const { bundleScript, codeCachePath } = require(join(root, 'out/server/src/cli/bundle-script.js'));
  useCliV8Flags();
  const source = readFileSync(main, 'utf8');
  const script = bundleScript(main, source, false);
  process.argv = [process.argv[0], join(dist, 'cli.js'), 'check', join(root, 'examples'), '--format', 'json'];
  process.stdout.write = () => true; // The findings are not the point here.
  process.on('exit', () => writeFileSync(codeCachePath(main, source), script.createCachedData()));
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, join(dist, 'cli.js'), dist);
} else if (!existsSync(join(root, 'out/server/src/cli/bundle-script.js')) || !existsSync(main)) {
  console.warn('code-cache: out/ or dist/cli-main.js not built; the CLI compiles its bundle at every start');
} else {
  for (const name of readdirSync(dist)) if (/^cli-main\..*\.v8cache$/.test(name)) rmSync(join(dist, name));
  spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const written = readdirSync(dist).filter((name) => /^cli-main\..*\.v8cache$/.test(name));
  console.log(written.length === 1 ? `code-cache: dist/${written[0]}` : 'code-cache: not written; the CLI compiles its bundle at every start');
}
