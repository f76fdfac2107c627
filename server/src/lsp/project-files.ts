import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseProjectConfig, PROJECT_FILE_NAME, type ProjectConfig } from '../core/index';
import { pathKey } from './paths';

export interface FoundProjectConfig {
  config: ProjectConfig;
  /** The folder holding the project file: its globs are relative to it. */
  dir: string;
  path: string;
}

/**
 * Finds the nearest `.trainlint.yaml` at or above a file's folder, as the CLI does, so the editor and
 * `trainlint check` agree. Lookups are cached per folder until a project file is created, changed or deleted.
 */
export class ProjectFiles {
  private readonly byDir = new Map<string, FoundProjectConfig | undefined>();

  find(filePath: string): FoundProjectConfig | undefined {
    const visited: string[] = [];
    let dir = dirname(filePath);
    let found: FoundProjectConfig | undefined;
    for (;;) {
      const key = pathKey(dir);
      if (this.byDir.has(key)) {
        found = this.byDir.get(key);
        break;
      }
      visited.push(key);
      found = read(dir);
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

function read(dir: string): FoundProjectConfig | undefined {
  const path = join(dir, PROJECT_FILE_NAME);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined; // No project file here (or unreadable, which the CLI would report; the editor just walks on).
  }
  return { config: parseProjectConfig(text), dir, path };
}

export function isProjectFile(path: string): boolean {
  return path.endsWith(`/${PROJECT_FILE_NAME}`) || path.endsWith(`\\${PROJECT_FILE_NAME}`);
}
