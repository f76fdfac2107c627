import { fileAtRevision } from '../node/git-baseline';

/**
 * Each file's version at git HEAD, read once and kept until the file is opened or saved again (a commit usually
 * follows a save), so typing never runs git.
 */
export class HeadVersions {
  private readonly cache = new Map<string, { text: string; path: string } | undefined>();

  get(path: string): { text: string; path: string } | undefined {
    if (!this.cache.has(path)) this.cache.set(path, fileAtRevision(path, 'HEAD'));
    return this.cache.get(path);
  }

  forget(path: string): void {
    this.cache.delete(path);
  }
}
