import { spawnSync } from 'node:child_process';
import { closeSync, fchmodSync, fchownSync, fsyncSync, lstatSync, openSync, readFileSync, realpathSync, renameSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** One file to write: its whole text as it was read, and its whole new text. */
export interface PlannedWrite {
  /** The path as named; a symbolic link is written through to its target, and stays a link. */
  path: string;
  /** The text read (byte order mark included): the write is refused if the file no longer holds it. */
  before: string;
  after: string;
}

/** A write TrainLint refused, with the reason in one line; nothing of the change was written. */
export class WriteRefused extends Error {}

/**
 * The one way TrainLint writes a user's files (`check --fix`, `rescale`, and whatever applies fixes from the command line):
 * all the files of one change or none of them, each whole.
 *
 * Each file is written through its symbolic links to the real file, in that file's own folder: a temporary file there
 * (`.NAME.trainlint-PID.tmp`, removed on any failure) gets the new text, is flushed to disk and given the file's mode and
 * owner, then renamed over it. Refused before anything is written: a file that is not a regular file or has no write
 * permission for anyone (read-only, even to root), a new text that `verify` rejects (the caller re-reads it with the
 * program's loader), a launch script that `bash -n` accepted and would reject. Refused after every temporary file is
 * ready and before the first rename: a file whose text changed since it was read (an edit saved meanwhile, another run).
 * A rename that fails puts back the files already renamed.
 */
export function writeFilesSafely(writes: PlannedWrite[], verify: (write: PlannedWrite) => string | undefined = () => undefined): void {
  const targets = writes.map((write) => ({ write, ...targetOf(write.path) }));
  for (const { write } of targets) {
    const problem = verify(write) ?? shellSyntaxBroken(write);
    if (problem) throw new WriteRefused(`${write.path}: not written: ${problem}`);
  }
  const temporaries: string[] = [];
  try {
    const prepared = targets.map(({ write, target, stat }) => {
      const temporary = temporaryPath(target);
      temporaries.push(temporary);
      writeWhole(temporary, write.after, stat);
      return { write, target, temporary };
    });
    for (const { write, target } of prepared) {
      if (readFileSync(target, 'utf8') !== write.before) throw new WriteRefused(`${write.path}: not written: it changed on disk since TrainLint read it; run again`);
    }
    const renamed: typeof prepared = [];
    try {
      for (const item of prepared) {
        renameSync(item.temporary, item.target);
        renamed.push(item);
      }
    } catch (error) {
      // All or none: the files already replaced get their text back.
      for (const { write, target } of renamed) {
        const temporary = temporaryPath(target);
        writeWhole(temporary, write.before, lstatSync(target));
        renameSync(temporary, target);
      }
      throw new WriteRefused(`${prepared[renamed.length].write.path}: not written (${errorCode(error)}); no file of this change was changed`);
    }
    for (const folder of new Set(prepared.map((p) => dirname(p.target)))) syncFolder(folder);
  } finally {
    for (const temporary of temporaries) removeIfThere(temporary);
  }
}

/** The real file a path names (through every link), which must be a regular file someone may write. */
function targetOf(path: string): { target: string; stat: Stats } {
  let target: string;
  let stat: Stats;
  try {
    target = realpathSync(path);
    stat = lstatSync(target);
  } catch (error) {
    throw new WriteRefused(`${path}: not written (${errorCode(error)})`);
  }
  if (!stat.isFile()) throw new WriteRefused(`${path}: not written: it is not a regular file`);
  // The mode bits, not access(2): root may write anything, but a file nobody may write was made read-only on purpose.
  if ((stat.mode & 0o222) === 0) throw new WriteRefused(`${path}: not written: the file is read-only (mode ${(stat.mode & 0o777).toString(8)})`);
  return { target, stat };
}

function temporaryPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.trainlint-${process.pid}.tmp`);
}

/** Writes the text to a new file with the original's mode and (where permitted) owner, flushed to disk. */
function writeWhole(path: string, text: string, like: Stats): void {
  removeIfThere(path);
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    throw new WriteRefused(`${path}: not written: cannot create a file in ${dirname(path)} (${errorCode(error)})`);
  }
  try {
    const bytes = Buffer.from(text, 'utf8');
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
    fchmodSync(fd, like.mode & 0o7777);
    try {
      fchownSync(fd, like.uid, like.gid);
    } catch {
      // Only root may give a file away; anyone else keeps their own files, so nothing changes for them.
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * A launch script that parses before the edit and not after: bash itself decides (`bash -n` reads the text from its
 * standard input and runs nothing). Where bash is missing, the caller's own check stands alone.
 */
function shellSyntaxBroken(write: PlannedWrite): string | undefined {
  if (!/\.(?:sh|bash|slurm|sbatch)$/i.test(write.path) && !/^#!\S*(?:\/|env\s+)(?:ba)?sh\b/.test(write.before)) return undefined;
  const rejects = (text: string): string | undefined => {
    const run = spawnSync('bash', ['-n'], { input: text, encoding: 'utf8', timeout: 10_000 });
    if (run.error) return undefined;
    return run.status === 0 ? undefined : (run.stderr.trim().split('\n')[0] ?? 'syntax error');
  };
  const after = rejects(write.after);
  return after && !rejects(write.before) ? `bash -n would reject the edited script (${after.replace(/^bash: /, '')})` : undefined;
}

function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every system syncs a folder; the rename itself is atomic.
  }
}

function removeIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone (renamed into place).
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
}
