import { existsSync, lstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import { readRegularFile, type ReadOutcome } from '../node/read-file';
import { join, relative, resolve } from 'node:path';
import { UsageError } from './args';
import { PROJECT_FILE_NAME } from '../core/index';
import { DEFAULT_LIMITS } from '../core/syntax/limits';
import { ProjectFiles, type FoundProjectConfig } from '../node/project-files';
import { pinSettings, WorkspacePins } from '../node/workspace-pins';
import type { Settings } from '../core/index';

const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'out', '.venv', '__pycache__', '.cache']);
/** Extensions picked up when a folder is given; a file named explicitly is always checked. */
export const CONFIG_EXTENSIONS = /\.(json|ya?ml|sh|bash|slurm|sbatch)$/i;

/**
 * The files to check: each path named, and the config files under each folder named. Links are followed to folders once
 * each (by device and inode, so a link loop ends); a file is listed whatever it is (a dangling link, a named pipe), and
 * reading it says why it was not read.
 */
export function expandPaths(paths: string[]): string[] {
  const found: string[] = [];
  const visited = new Set<string>();
  const walk = (dir: string) => {
    const stat = statOrUndefined(dir);
    if (!stat || visited.has(`${stat.dev}:${stat.ino}`)) return;
    visited.add(`${stat.dev}:${stat.ino}`);
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return; // An unreadable folder holds nothing TrainLint can list.
    }
    for (const name of names) {
      const path = join(dir, name);
      if (statOrUndefined(path)?.isDirectory()) {
        if (!SKIPPED_DIRS.has(name)) walk(path);
      } else if (CONFIG_EXTENSIONS.test(name) && name !== PROJECT_FILE_NAME) {
        found.push(path);
      }
    }
  };
  for (const path of paths) {
    if (!existsSync(path) && !statOrUndefined(path, true)) throw new UsageError(`no such file or folder: ${path}`);
    if (statOrUndefined(path)?.isDirectory()) walk(path);
    else found.push(path);
  }
  return [...new Set(found)];
}

/** The file's status (following links, or of the link itself), undefined for a dangling link, a loop or no permission. */
function statOrUndefined(path: string, link = false): Stats | undefined {
  try {
    return link ? lstatSync(path) : statSync(path);
  } catch {
    return undefined;
  }
}

/** Files named on the command line are read up to this size; the analysis itself stops at DEFAULT_LIMITS.maxChars and says so. */
const MAX_CHECKED_BYTES = 64 * 1024 * 1024;
/** A file a config links to is read only up to the analysis limit (5 MB). */
export const MAX_LINKED_BYTES = DEFAULT_LIMITS.maxChars;

/** A file's text, or why it was not read: a regular file only (never a named pipe or a device), up to `maxBytes`. */
export function readCheckedFile(path: string, maxBytes = MAX_CHECKED_BYTES): ReadOutcome {
  return readRegularFile(path, maxBytes);
}

/** The text of a file a command is given (rescale, plan, estimate): one clear line instead of a stack trace when it is not readable. */
export function readText(path: string): string {
  const read = readRegularFile(path, MAX_CHECKED_BYTES);
  if ('notRead' in read) throw new UsageError(`${path}: not read: ${read.notRead}`);
  return read.text;
}

const projects = new ProjectFiles();

/** The nearest `.trainlint.yaml` in the file's folder or above it (cached per folder for the run). */
export function findProjectConfig(filePath: string): FoundProjectConfig | undefined {
  return projects.find(filePath);
}

const pins = new WorkspacePins();

/** The versions the workspace pins for a file (requirements, lock files, ...), as the lowest settings layer. */
export function findPins(filePath: string): Settings {
  return pinSettings(pins.find(filePath));
}

export function relativeTo(dir: string, filePath: string): string {
  return relative(dir, resolve(filePath)).replace(/\\/g, '/');
}
