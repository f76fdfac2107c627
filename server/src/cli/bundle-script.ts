import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * The CLI bundle (dist/cli-main.js) compiled as Node compiles a CommonJS module, with the V8 code cache the build wrote
 * for it (scripts/code-cache.mjs compiles it here too): V8 then neither parses the 4 MB bundle nor compiles the functions
 * a check runs, in the main thread and again in the check's worker. The cache is named by a hash of the bundle's text,
 * since V8 itself checks only the text's length (and its own version and settings); a missing or rejected cache costs
 * the compile, nothing else.
 */
export function bundleScript(file: string, source: string, withCache = true): Script {
  let cachedData: Buffer | undefined;
  try {
    cachedData = withCache ? readFileSync(codeCachePath(file, source)) : undefined;
  } catch {
    cachedData = undefined; // Not built: V8 compiles the bundle.
  }
  return new Script(Module.wrap(source), { filename: file, cachedData });
}

/** Where the build writes the code cache of this text of the bundle. */
export function codeCachePath(file: string, source: string): string {
  const hash = createHash('sha1').update(source).digest('hex').slice(0, 16);
  return join(dirname(file), `${basename(file, '.js')}.${hash}.v8cache`);
}
