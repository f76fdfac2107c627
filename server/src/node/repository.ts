import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Settings } from '../core/index';
import { holdsGit } from './git-folders';

// Where Megatron-LM (megatron/training/arguments.py) and its older releases and forks (megatron/arguments.py) define their flags.
const MEGATRON_ARGUMENTS = ['megatron/training/arguments.py', 'megatron/arguments.py'];

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The root of the repository that holds a file: the nearest folder at or above it with `.git`; without one (an exported
 * tree), the outermost of `fallbacks` (the folders the user checked) that contains the file.
 */
export function repositoryRoot(file: string, fallbacks: string[] = []): string | undefined {
  let dir = dirname(resolve(file));
  for (;;) {
    if (holdsGit(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const path = resolve(file);
  const containing = fallbacks.map((f) => resolve(f)).filter((f) => (path === f || path.startsWith(f.endsWith(sep) ? f : f + sep)) && isDir(f));
  return containing.sort((a, b) => a.length - b.length)[0];
}

/** Git's blob hash of a file's bytes (`git hash-object`): the core compares it with the files its schemas were read from. */
function blobHash(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

// Per repository root: the file found (or none) and what its candidates' stat said, so that an edit, a new file or a
// deleted one is read again (the language server runs for hours) while an unchanged one is read once.
const byRoot = new Map<string, { stamp: string; found: Settings['megatronArguments'] }>();

/** The size and modification time of each candidate place, or its absence. */
function stampOf(root: string): string {
  return MEGATRON_ARGUMENTS.map((rel) => {
    try {
      const stat = statSync(join(root, rel));
      return stat.isFile() ? `${stat.size}:${stat.mtimeMs}` : '-';
    } catch {
      return '-';
    }
  }).join('|');
}

/** The repository's own Megatron arguments file, as the setting the core takes; undefined when it has none. */
export function megatronArgumentsOf(root: string | undefined): Settings['megatronArguments'] {
  if (!root) return undefined;
  const stamp = stampOf(root);
  const cached = byRoot.get(root);
  if (cached && cached.stamp === stamp) return cached.found;
  let found: Settings['megatronArguments'];
  for (const rel of MEGATRON_ARGUMENTS) {
    const path = join(root, rel);
    try {
      if (!statSync(path).isFile()) continue;
      const bytes = readFileSync(path);
      found = { path: relative(root, path).split(sep).join('/'), blob: blobHash(bytes), text: bytes.toString('utf8') };
      break;
    } catch {
      // Not there: try the next place.
    }
  }
  byRoot.set(root, { stamp, found });
  return found;
}
