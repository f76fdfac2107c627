import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether a folder holds `.git` (a repository root). Every file of a CLI run walks up its folders asking this, so within
 * one run (duringOneRun) each folder is asked once; the language server, which lives on while repositories change, asks
 * each time.
 */
let known: Map<string, boolean> | undefined;

export function holdsGit(dir: string): boolean {
  const cached = known?.get(dir);
  if (cached !== undefined) return cached;
  const found = existsSync(join(dir, '.git'));
  known?.set(dir, found);
  return found;
}

/** Runs `work` with the answers of holdsGit kept until it returns. */
export function duringOneRun<T>(work: () => T): T {
  if (known) return work();
  known = new Map();
  try {
    return work();
  } finally {
    known = undefined;
  }
}
