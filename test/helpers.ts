import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest folder above this file that holds package.json. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + __dirname);
    dir = parent;
  }
  return dir;
}

/** `../shared` beside the checkout, or undefined when this machine has none. */
export function sharedDir(): string | undefined {
  const dir = resolve(repoRoot(), '..', 'shared');
  return existsSync(join(dir, 'corpus', 'manifest.json')) ? dir : undefined;
}

export const NO_SHARED = 'skipped: no ../shared';

export interface ManifestEntry {
  file: string;
  format: string;
  status: 'known-good' | 'known-bad' | 'unknown';
  expected_problem: string | null;
}

export function corpusManifest(shared: string): ManifestEntry[] {
  return JSON.parse(readFileSync(join(shared, 'corpus', 'manifest.json'), 'utf8')) as ManifestEntry[];
}

export function fixture(...parts: string[]): string {
  return join(repoRoot(), 'test', 'fixtures', ...parts);
}

export function readFixture(...parts: string[]): string {
  return readFileSync(fixture(...parts), 'utf8');
}

export const CLI = () => join(repoRoot(), 'dist', 'cli.js');

/** Where the nth occurrence (1-based) of `needle` starts: fixtures name the text a range must cover. */
export function nthIndex(text: string, needle: string, occurrence: number): number {
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index === -1) throw new Error(`"${needle}" occurs fewer than ${occurrence} times`);
  }
  return index;
}

/** Whether `bash -n` (parse only, nothing runs) accepts a script's text. */
export function bashAccepts(text: string): boolean {
  const file = join(mkdtempSync(join(tmpdir(), 'trainlint-bash-n-')), 'script.sh');
  writeFileSync(file, text);
  return spawnSync('bash', ['-n', file]).status === 0;
}
