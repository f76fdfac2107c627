import { existsSync } from 'node:fs';
import { isSymlink, readRegularFile } from './read-file';
import { dirname, join, resolve } from 'node:path';
import { parseProjectConfig, PROJECT_FILE_NAME, type ProjectConfig } from '../core/index';

export interface FoundProjectConfig {
  config: ProjectConfig;
  /** The folder holding the project file: its globs are relative to it. */
  dir: string;
  path: string;
  /** The project file's text as read (for line numbers of its problems). */
  text: string;
  /** A project file that exists but could not be read: why (its settings are then not applied). */
  notRead?: string;
}

/** A key for maps of folders: Windows paths compare without case (VS Code writes `c:`, Node `C:`). */
function pathKey(path: string): string {
  return process.platform === 'win32' ? path.toLowerCase() : path;
}

/**
 * Finds the nearest `.trainlint.yaml` at or above a file's folder, for the CLI and the language server alike,
 * so the editor and `trainlint check` agree. Lookups are cached per folder until `invalidate()` (the server calls
 * it when a project file is created, changed or deleted).
 */
export class ProjectFiles {
  private readonly byDir = new Map<string, FoundProjectConfig | undefined>();

  /**
   * `openText`: an editor's unsaved text of a file, which wins over the disk (the language server's open documents).
   * `within`: the folders that may be read (the language server: its workspace folders); by default any.
   */
  constructor(
    private readonly openText: (path: string) => string | undefined = () => undefined,
    private readonly within: (path: string) => boolean = () => true,
  ) {}

  find(filePath: string): FoundProjectConfig | undefined {
    const visited: string[] = [];
    let dir = dirname(resolve(filePath));
    let found: FoundProjectConfig | undefined;
    for (;;) {
      if (!this.within(dir)) break;
      const key = pathKey(dir);
      if (this.byDir.has(key)) {
        found = this.byDir.get(key);
        break;
      }
      visited.push(key);
      found = read(dir, this.openText);
      if (found) break;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    for (const key of visited) this.byDir.set(key, found);
    return found;
  }

  invalidate(): void {
    this.byDir.clear();
  }
}

function read(dir: string, openText: (path: string) => string | undefined): FoundProjectConfig | undefined {
  const path = join(dir, PROJECT_FILE_NAME);
  let text = openText(path);
  if (text === undefined) {
    const read = readRegularFile(path, MAX_PROJECT_FILE_BYTES);
    if ('notRead' in read) {
      // No project file here; one that exists but cannot be read is named, with an empty configuration.
      return existsSync(path) || isSymlink(path) ? { config: parseProjectConfig(''), dir, path, text: '', notRead: read.notRead } : undefined;
    }
    text = read.text;
  }
  return { config: parseProjectConfig(text), dir, path, text };
}

const MAX_PROJECT_FILE_BYTES = 1024 * 1024;

export function isProjectFile(path: string): boolean {
  return path.endsWith(`/${PROJECT_FILE_NAME}`) || path.endsWith(`\\${PROJECT_FILE_NAME}`);
}
