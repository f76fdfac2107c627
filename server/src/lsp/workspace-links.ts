import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import type { ConfigLink, Settings } from '../core/index';
import { pathKey } from './paths';

/** What the scan of a workspace folder reads: bounded so a huge folder costs a few thousand stats, once. */
export const SCAN_LIMITS = {
  maxEntries: 5000,
  maxFileBytes: 1024 * 1024,
  skipDirs: new Set(['node_modules', '.git', 'dist', 'out']),
  extensions: new Set(['.json', '.yaml', '.yml', '.sh']),
};

interface ScannedLink {
  target: string;
  context: Settings;
}

interface FolderScan {
  /** Linking file (path key) -> its path and the links it makes on disk. */
  linkers: Map<string, { path: string; links: ScannedLink[] }>;
}

export interface WorkspaceLinksDeps {
  /** The innermost workspace folder holding a path, if any. */
  folderOf: (path: string) => string | undefined;
  /** The links a file on disk makes, analysed as the editor would analyse it (project settings, shell parser). */
  linksOf: (path: string, text: string) => Promise<ConfigLink[]>;
  /** Whether a file is open in the editor: its unsaved text (the LinkGraph) speaks for it then, not the disk. */
  isOpen: (path: string) => boolean;
}

/**
 * Files that point to other files, found on disk in the workspace folder, so that a DeepSpeed config opened on its own
 * is analysed in the context its closed consumer gives (accelerate's num_processes, who reads it). Each folder is scanned
 * once, on the first lookup in it; didChangeWatchedFiles updates the files that changed.
 */
export class WorkspaceLinks {
  private readonly scans = new Map<string, Promise<FolderScan>>();

  constructor(private readonly deps: WorkspaceLinksDeps) {}

  /** Scans the folder holding `path` if that has not been done yet. */
  async ready(path: string): Promise<void> {
    const folder = this.deps.folderOf(path);
    if (folder) await this.scan(folder);
  }

  /** What a closed linking file on disk says about `targetPath`, once its folder is scanned; the first by path wins. */
  contextFor(targetPath: string): { context: Settings; linker: string } | undefined {
    const folder = this.deps.folderOf(targetPath);
    const scan = folder ? this.done.get(pathKey(folder)) : undefined;
    if (!scan) return undefined;
    const key = pathKey(targetPath);
    const linkers = [...scan.linkers.values()].filter((l) => !this.deps.isOpen(l.path)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const linker of linkers) {
      const link = linker.links.find((l) => pathKey(l.target) === key);
      if (link) return { context: link.context, linker: linker.path };
    }
    return undefined;
  }

  /**
   * Files changed on disk: read those in scanned folders again. Returns the targets whose context may have changed
   * (every target of a linking file that changed, before and after), so the open ones are checked again.
   */
  async filesChanged(paths: string[]): Promise<string[]> {
    const targets = new Set<string>();
    for (const path of paths) {
      const folder = this.deps.folderOf(path);
      const scan = folder ? this.done.get(pathKey(folder)) : undefined;
      if (!scan || !SCAN_LIMITS.extensions.has(extname(path).toLowerCase())) continue;
      const before = scan.linkers.get(pathKey(path));
      const links = await this.read(path);
      for (const l of before?.links ?? []) targets.add(l.target);
      for (const l of links) targets.add(l.target);
      if (links.length > 0) scan.linkers.set(pathKey(path), { path, links });
      else scan.linkers.delete(pathKey(path));
    }
    return [...targets];
  }

  /** Workspace folders or project files changed: scan again on the next lookup. */
  invalidate(): void {
    this.scans.clear();
    this.done.clear();
  }

  private readonly done = new Map<string, FolderScan>();

  private scan(folder: string): Promise<FolderScan> {
    const key = pathKey(folder);
    let scan = this.scans.get(key);
    if (!scan) {
      scan = this.walk(folder).then((result) => {
        if (this.scans.get(key) === scan) this.done.set(key, result);
        return result;
      });
      this.scans.set(key, scan);
    }
    return scan;
  }

  private async walk(folder: string): Promise<FolderScan> {
    const linkers: FolderScan['linkers'] = new Map();
    const queue = [folder];
    let entries = 0;
    while (queue.length > 0 && entries < SCAN_LIMITS.maxEntries) {
      const dir = queue.shift()!;
      let children;
      try {
        children = await readdir(dir, { withFileTypes: true });
      } catch {
        continue; // Unreadable folder: skip it.
      }
      for (const child of children) {
        if (++entries > SCAN_LIMITS.maxEntries) break;
        const path = join(dir, child.name);
        // Symbolic links are neither followed nor read: no cycles, nothing outside the folder.
        if (child.isDirectory()) {
          if (!SCAN_LIMITS.skipDirs.has(child.name)) queue.push(path);
        } else if (child.isFile() && SCAN_LIMITS.extensions.has(extname(child.name).toLowerCase())) {
          const links = await this.read(path);
          if (links.length > 0) linkers.set(pathKey(path), { path, links });
        }
      }
    }
    return { linkers };
  }

  /** The links one file on disk makes; none when it is missing, too large, or cannot point to a DeepSpeed config. */
  private async read(path: string): Promise<ScannedLink[]> {
    try {
      if ((await stat(path)).size > SCAN_LIMITS.maxFileBytes) return [];
      const text = await readFile(path, 'utf8');
      // Only links to DeepSpeed configs are recorded (deepspeed:, deepspeed_config_file, --deepspeed_config): skip the rest unparsed.
      if (!/deepspeed|deepscale/i.test(text)) return [];
      const links = (await this.deps.linksOf(path, text)).filter((l) => l.kind === 'deepspeed-config');
      return links.map((l) => ({ target: resolve(dirname(path), l.target), context: l.context }));
    } catch {
      return [];
    }
  }
}
