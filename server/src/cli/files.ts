import { chmodSync, existsSync, readdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, basename } from 'node:path';
import { UsageError } from './args';
import { PROJECT_FILE_NAME } from '../core/index';
import { ProjectFiles, type FoundProjectConfig } from '../node/project-files';
import { pinSettings, WorkspacePins } from '../node/workspace-pins';
import type { Settings } from '../core/index';

const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'out', '.venv', '__pycache__', '.cache']);
/** Extensions picked up when a folder is given; a file named explicitly is always checked. */
const CONFIG_EXTENSIONS = /\.(json|ya?ml|sh|bash|slurm|sbatch)$/i;

export function expandPaths(paths: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) {
        if (!SKIPPED_DIRS.has(name)) walk(path);
      } else if (CONFIG_EXTENSIONS.test(name) && name !== PROJECT_FILE_NAME) {
        found.push(path);
      }
    }
  };
  for (const path of paths) {
    if (!existsSync(path)) throw new UsageError(`no such file or folder: ${path}`);
    if (statSync(path).isDirectory()) walk(path);
    else found.push(path);
  }
  return [...new Set(found)];
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

/**
 * Writes through a temporary file and a rename, so a crash never leaves half a config. A symlink is written through
 * (its target changes, the link stays), and the file keeps its mode (an executable launch script stays executable).
 */
export function writeAtomically(path: string, text: string): void {
  const target = realpathSync(path);
  const temporary = join(dirname(target), `.${basename(target)}.trainlint-${process.pid}.tmp`);
  writeFileSync(temporary, text, { encoding: 'utf8', mode: statSync(target).mode & 0o7777 });
  chmodSync(temporary, statSync(target).mode & 0o7777);
  renameSync(temporary, target);
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
