import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { PIN_FILE_ORDER, pinFileKind, readPinFile, type Pin } from '../core/versions/pin-files';
import { isVersionedFramework, parseVersionSpec, type VersionedFramework } from '../core/versions/version-spec';
import { impliedSpec, type BoundFramework } from '../core/versions/co-pins';
import type { Settings } from '../core/index';
import { holdsGit } from './git-folders';

/** Pins found for one file: versions by framework, and where each was read (path relative to the config, and line). */
export interface FoundPins {
  versions: NonNullable<Settings['versions']>;
  sources: NonNullable<Settings['versionSources']>;
}

interface DirPins {
  pins: Array<Pin & { path: string }>;
}

const MAX_FILE_BYTES = 2 * 1024 * 1024;
const MAX_INCLUDE_DEPTH = 4;

/**
 * The framework versions a workspace pins for a config: walking up from the config's folder to the repository root
 * (the folder holding `.git`), each framework takes the nearest folder's pin; within a folder a lock file wins over
 * requirements files, those over pyproject.toml, setup.py, setup.cfg, environment.yml, Dockerfiles and scripts.
 * Folders are read once and cached until `invalidate()`.
 */
export class WorkspacePins {
  private readonly byDir = new Map<string, DirPins>();

  /** `within`: the paths that may be read (the language server: its workspace folders); by default any. */
  constructor(private readonly within: (path: string) => boolean = () => true) {}

  find(filePath: string): FoundPins {
    const file = resolve(filePath);
    const versions: Partial<Record<Pin['framework'], string>> = {};
    const sources: Partial<Record<Pin['framework'], string>> = {};
    let dir = dirname(file);
    for (;;) {
      if (!this.within(dir)) break;
      for (const pin of this.dirPins(dir).pins) {
        if (versions[pin.framework] !== undefined) continue;
        versions[pin.framework] = pin.spec;
        sources[pin.framework] = `${relative(dirname(file), pin.path).replace(/\\/g, '/') || basename(pin.path)}:${pin.line}`;
      }
      const parent = dirname(dir);
      if (parent === dir || holdsGit(dir)) break;
      dir = parent;
    }
    return withCoPins(versions, sources);
  }

  invalidate(): void {
    this.byDir.clear();
  }

  private dirPins(dir: string): DirPins {
    const cached = this.byDir.get(dir);
    if (cached) return cached;
    let names: string[] = [];
    try {
      names = readdirSync(dir).sort();
    } catch {
      // An unreadable folder pins nothing.
    }
    const found: Array<Pin & { path: string; rank: number }> = [];
    for (const name of names) {
      const kind = pinFileKind(name);
      if (!kind) continue;
      const path = join(dir, name);
      const rank = PIN_FILE_ORDER.indexOf(kind);
      for (const pin of readWithIncludes(path, kind, 0, this.within)) found.push({ ...pin, rank: pin.own ? -1 : rank });
    }
    // Stable sort: by kind, then by file name (requirements.txt before requirements-dev.txt by length, then name).
    found.sort((a, b) => a.rank - b.rank || a.path.length - b.path.length || a.path.localeCompare(b.path) || a.line - b.line);
    const entry = { pins: found };
    this.byDir.set(dir, entry);
    return entry;
  }
}

/**
 * The frameworks' pins, each bounded by what the pins of the packages it depends on allow (co-pins.ts): tokenizers==0.15.1
 * makes an unpinned transformers a 4.35-4.39 one, and that transformers an older TRL. An exact pin stands as it is.
 */
function withCoPins(versions: Partial<Record<Pin['framework'], string>>, sources: Partial<Record<Pin['framework'], string>>): FoundPins {
  const found: FoundPins = { versions: {}, sources: {} };
  for (const [name, spec] of Object.entries(versions) as Array<[Pin['framework'], string]>) {
    if (!isVersionedFramework(name)) continue;
    found.versions[name] = spec;
    found.sources[name] = sources[name];
  }
  const bound = (framework: BoundFramework, by: Array<Pin['framework']>) => {
    const coPins: Record<string, string> = {};
    for (const p of by) {
      const spec = isVersionedFramework(p) ? found.versions[p] : versions[p];
      if (spec !== undefined) coPins[p] = spec;
    }
    const implied = impliedSpec(framework, coPins);
    const own = found.versions[framework];
    if (!implied || (own && parseVersionSpec(own)?.exact)) return;
    const where = (p: string) => (isVersionedFramework(p) ? found.sources[p] : sources[p as Pin['framework']]);
    const because = Object.keys(coPins)
      .map((p) => `${p}${/^\d/.test(coPins[p]) ? '==' : ''}${coPins[p]} at ${where(p)}`)
      .join(', ');
    found.versions[framework] = own ? `${own},${implied}` : implied;
    found.sources[framework] = `${found.sources[framework] ? `${found.sources[framework]}; ` : ''}bounded by ${because}`;
  };
  bound('transformers', ['tokenizers', 'huggingface-hub']);
  bound('trl', ['transformers', 'accelerate']);
  return found;
}

function readSmall(path: string): string | undefined {
  try {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function readWithIncludes(path: string, kind: NonNullable<ReturnType<typeof pinFileKind>>, depth: number, within: (path: string) => boolean): Array<Pin & { path: string }> {
  if (!within(path)) return [];
  const text = readSmall(path);
  if (text === undefined) return [];
  const { pins, includes } = readPinFile(kind, text);
  const own = pins.map((p) => ({ ...p, path }));
  if (depth >= MAX_INCLUDE_DEPTH) return own;
  return [...own, ...includes.flatMap((inc) => readWithIncludes(resolve(dirname(path), inc), 'requirements', depth + 1, within))];
}

/** Settings holding the pins (lowest precedence: the project file, the editor and flags override them). */
export function pinSettings(found: FoundPins): Settings {
  return Object.keys(found.versions).length > 0 ? { versions: found.versions, versionSources: found.sources } : {};
}

export type { VersionedFramework };
