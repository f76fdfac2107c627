import { setFlagsFromString } from 'node:v8';

/**
 * V8's settings for a command-line run, which is over in seconds (the language server, which lives on, keeps V8's own):
 * - the parsers' WebAssembly stays with the baseline compiler (Liftoff): the optimizing one spends over two seconds of
 *   processor time on tree-sitter-bash's lexer alone (one 160 KB function) and finishes too late to pay it back;
 * - hot JavaScript is optimized later (eight times V8's interrupt budget in Node 20): TurboFan otherwise spends about as
 *   much processor time compiling the bundle's functions as a 1,000-file check spends running them.
 * Both take the second core the check's worker thread needs (cli/check.ts). V8 rejects code caches written under other
 * settings, so scripts/precompile-validators.mjs writes the validators' caches under these too (`.cli.v8cache`).
 */
export const CLI_V8_FLAGS = ['--liftoff-only', ...(v8Major() <= 11 ? ['--interrupt-budget=540000'] : [])];

/** V8's major version: `--interrupt-budget` is measured on Node 20's V8 11 and unknown to Node 24's V8 13 (pip's Node). */
function v8Major(): number {
  return Number(process.versions.v8.split('.')[0]);
}

let cli = false;

/** Sets CLI_V8_FLAGS for the process; before the parsers are compiled. A worker thread calls it too (for cliV8Flags). */
export function useCliV8Flags(): void {
  for (const flag of CLI_V8_FLAGS) setFlagsFromString(flag);
  cli = true;
}

/** Whether this thread set CLI_V8_FLAGS (which code cache matches V8's settings). */
export function cliV8Flags(): boolean {
  return cli;
}
