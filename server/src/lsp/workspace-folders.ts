import { relative, sep } from 'node:path';
import type { WorkspaceFolder } from 'vscode-languageserver';
import { pathKey, pathOfUri } from './paths';

/** The open workspace folders, for globs written relative to a folder (`trainlint.files.include`). */
export class WorkspaceFolders {
  private paths: string[] = [];

  set(folders: WorkspaceFolder[] | null | undefined): void {
    this.paths = (folders ?? []).map((f) => pathOfUri(f.uri)).filter((p): p is string => p !== undefined);
  }

  change(added: WorkspaceFolder[], removed: WorkspaceFolder[]): void {
    const gone = new Set(removed.map((f) => pathOfUri(f.uri)));
    const kept = this.paths.filter((p) => !gone.has(p));
    this.paths = [...kept, ...added.map((f) => pathOfUri(f.uri)).filter((p): p is string => p !== undefined)];
  }

  /** The innermost folder holding the path, if any. */
  folderOf(path: string): string | undefined {
    const key = pathKey(path);
    const holders = this.paths.filter((folder) => {
      const f = pathKey(folder);
      return key === f || key.startsWith(f.endsWith(sep) ? f : f + sep);
    });
    return holders.sort((a, b) => b.length - a.length)[0];
  }

  /** The path relative to the innermost folder holding it, with forward slashes; the bare path when none does. */
  relative(path: string): string {
    const folder = this.folderOf(path);
    return (folder ? relative(folder, path) : path).replace(/\\/g, '/');
  }
}
