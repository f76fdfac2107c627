import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

/** The folder git should run in for a path: the path itself when it is a folder. */
function folderOf(path: string): string {
  const absolute = resolve(path);
  try {
    return statSync(absolute).isDirectory() ? absolute : dirname(absolute);
  } catch {
    return dirname(absolute);
  }
}

/**
 * The text of a file at a git revision (`HEAD` in the editor, `--baseline REV` in CI), for rules that judge a change.
 * Undefined when the file is not in a repository, or did not exist at that revision (a new file has no baseline).
 */
export function fileAtRevision(path: string, revision: string): { text: string; path: string } | undefined {
  const absolute = resolve(path);
  try {
    const root = execFileSync('git', ['-C', folderOf(absolute), 'rev-parse', '--show-toplevel'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    const inRepo = relative(root, absolute).replace(/\\/g, '/');
    const text = execFileSync('git', ['-C', root, 'show', `${revision}:${inRepo}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000, maxBuffer: 64 * 1024 * 1024 });
    return { text, path };
  } catch {
    return undefined;
  }
}

/** Whether a revision names a commit in the repository holding `path`; lets the CLI reject a mistyped --baseline. */
export function revisionExists(path: string, revision: string): boolean {
  try {
    execFileSync('git', ['-C', folderOf(path), 'rev-parse', '--verify', '--quiet', `${revision}^{commit}`], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}
