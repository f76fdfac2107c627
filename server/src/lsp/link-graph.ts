import { dirname, resolve } from 'node:path';
import type { ConfigLink, Settings } from '../core/index';
import { pathKey } from './paths';

interface Link {
  target: string;
  context: Settings;
}

/**
 * Which open configs point to which files (a TrainingArguments YAML to its DeepSpeed JSON, accelerate's
 * deepspeed_config_file). A target is analysed in the context its linking file gives, so when a link or
 * its context changes, both ends must be checked again.
 */
export class LinkGraph {
  private readonly outgoing = new Map<string, { linker: string; links: Link[] }>();

  /** Records the links of a linking file (none when it closes); returns the paths whose link context changed. */
  update(linkerPath: string, links: ConfigLink[]): string[] {
    const next = links.map((l) => ({ target: resolve(dirname(linkerPath), l.target), context: l.context }));
    const previous = this.outgoing.get(pathKey(linkerPath))?.links ?? [];
    if (next.length === 0) this.outgoing.delete(pathKey(linkerPath));
    else this.outgoing.set(pathKey(linkerPath), { linker: linkerPath, links: next });
    const describe = (list: Link[]) => new Map(list.map((l) => [pathKey(l.target), JSON.stringify(l.context)]));
    const before = describe(previous);
    const after = describe(next);
    const changed = new Set<string>();
    for (const l of [...previous, ...next]) {
      if (before.get(pathKey(l.target)) !== after.get(pathKey(l.target))) changed.add(l.target);
    }
    return [...changed];
  }

  /** What a linking file says about a target; the first linking file wins when several disagree. */
  contextFor(targetPath: string): { context: Settings; linker: string } | undefined {
    const key = pathKey(targetPath);
    for (const { linker, links } of this.outgoing.values()) {
      const link = links.find((l) => pathKey(l.target) === key);
      if (link) return { context: link.context, linker };
    }
    return undefined;
  }

  /** The open files that link to `path`: they read it, so they are checked again when it changes. */
  linkersOf(path: string): string[] {
    const key = pathKey(path);
    return [...this.outgoing.values()].filter(({ links }) => links.some((l) => pathKey(l.target) === key)).map(({ linker }) => linker);
  }
}
