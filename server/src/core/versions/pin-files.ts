import { parseVersionSpec, type VersionedFramework } from './version-spec';
import type { CoPinPackage } from './co-pins';

/**
 * Reads the versions a workspace file pins (text in, pins out; `server/src/node/workspace-pins.ts` finds the files).
 * Kinds: requirements*.txt (with `-r` includes, resolved by the caller), pyproject.toml (`[project]` dependencies,
 * poetry tables), setup.py (requirement strings of static lists), setup.cfg, environment.yml, uv.lock, poetry.lock,
 * Pipfile, Pipfile.lock, `pip install X==V` in Dockerfiles and shell scripts, and `git checkout TAG` after a clone of
 * gpt-neox (its README tells Pythia users to run `git checkout v1.0`).
 */

export interface Pin {
  /** A framework whose keys TrainLint knows per version, or a package that bounds one (co-pins.ts). */
  framework: VersionedFramework | CoPinPackage;
  /** An exact version (`4.46.0`) or a range (`>=4.40,<4.45`). */
  spec: string;
  /** 1-based line of the pin. */
  line: number;
  /** The folder is a checkout of the framework itself (its setup.py builds it): that version runs, whatever else is pinned. */
  own?: boolean;
}

export interface PinFileResult {
  pins: Pin[];
  /** Files a requirements file includes (`-r base.txt`), relative to it. */
  includes: string[];
}

export type PinFileKind = 'requirements' | 'pyproject' | 'setup.py' | 'setup.cfg' | 'conda' | 'uv.lock' | 'poetry.lock' | 'Pipfile' | 'Pipfile.lock' | 'script' | 'readme';

/** The kind of pin file a file name is, most authoritative first in PIN_FILE_ORDER; undefined for other files. */
export function pinFileKind(name: string): PinFileKind | undefined {
  const lower = name.toLowerCase();
  if (/^requirements.*\.(txt|in)$/.test(lower) || /.*-requirements\.txt$/.test(lower)) return 'requirements';
  if (lower === 'pyproject.toml') return 'pyproject';
  if (lower === 'setup.py') return 'setup.py';
  if (lower === 'setup.cfg') return 'setup.cfg';
  if (/^environment.*\.ya?ml$/.test(lower)) return 'conda';
  if (lower === 'uv.lock') return 'uv.lock';
  if (lower === 'poetry.lock') return 'poetry.lock';
  if (name === 'Pipfile') return 'Pipfile';
  if (name === 'Pipfile.lock') return 'Pipfile.lock';
  if (/^dockerfile/.test(lower) || /\.dockerfile$/.test(lower) || /\.(sh|bash|slurm|sbatch)$/.test(lower)) return 'script';
  if (lower === 'readme.md') return 'readme';
  return undefined;
}

/** Within one folder, the pins of an earlier kind win: a lock file says what is installed, a README least. */
export const PIN_FILE_ORDER: PinFileKind[] = ['uv.lock', 'poetry.lock', 'Pipfile.lock', 'requirements', 'pyproject', 'Pipfile', 'setup.py', 'setup.cfg', 'conda', 'script', 'readme'];

const PACKAGES: Record<string, Pin['framework']> = { deepspeed: 'deepspeed', transformers: 'transformers', trl: 'trl', accelerate: 'accelerate', tokenizers: 'tokenizers', 'huggingface-hub': 'huggingface-hub' };

function frameworkOf(name: string): Pin['framework'] | undefined {
  return PACKAGES[name.toLowerCase().replace(/[_.]/g, '-')];
}

// `transformers[torch]>=4.40,<4.45 ; python_version >= "3.9"`: the name, then the spec.
const REQUIREMENT_RE = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*((?:(?:===|==|>=|<=|~=|!=|>|<)\s*[\w.*+!-]+\s*,?\s*)+)\s*(?:;.*)?$/;

/** `transformers==4.46.0` -> the pin; undefined for other packages, bare names and URLs. */
export function requirementPin(text: string, line: number): Pin | undefined {
  const m = REQUIREMENT_RE.exec(text);
  if (!m) return undefined;
  const framework = frameworkOf(m[1]);
  const spec = m[2].replace(/\s+/g, '').replace(/,$/, '');
  if (!framework || !parseVersionSpec(spec)) return undefined;
  return { framework, spec, line };
}

export function readPinFile(kind: PinFileKind, text: string): PinFileResult {
  switch (kind) {
    case 'requirements':
      return readRequirements(text);
    case 'pyproject':
    case 'Pipfile':
      return { pins: readToml(text, kind), includes: [] };
    case 'setup.py':
      return { pins: [...ownPackage(text), ...quotedRequirements(text)], includes: [] };
    case 'setup.cfg':
      return { pins: lines(text).flatMap(({ text: l, line }) => optional(requirementPin(l, line))), includes: [] };
    case 'conda':
      return { pins: readConda(text), includes: [] };
    case 'uv.lock':
    case 'poetry.lock':
      return { pins: readLock(text), includes: [] };
    case 'Pipfile.lock':
      return { pins: readPipfileLock(text), includes: [] };
    case 'script':
      return { pins: [...pipInstalls(text), ...neoxCheckout(text)], includes: [] };
    case 'readme':
      return { pins: neoxCheckout(text), includes: [] };
  }
}

function optional<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}

function lines(text: string): Array<{ text: string; line: number }> {
  return text.split(/\r?\n/).map((t, i) => ({ text: t, line: i + 1 }));
}

function readRequirements(text: string): PinFileResult {
  const pins: Pin[] = [];
  const includes: string[] = [];
  for (const { text: raw, line } of lines(text)) {
    const l = raw.replace(/(^|\s)#.*$/, '').trim();
    const include = /^(?:-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)$/.exec(l);
    if (include) includes.push(include[1]);
    else pins.push(...optional(requirementPin(l, line)));
  }
  return { pins, includes };
}

/** pyproject.toml (`[project]` dependency strings; poetry's `name = "^1.2"` or `{ version = "..." }`) and Pipfile. */
function readToml(text: string, kind: 'pyproject' | 'Pipfile'): Pin[] {
  const pins: Pin[] = [];
  let table = '';
  for (const { text: raw, line } of lines(text)) {
    const l = raw.replace(/\s#.*$/, '');
    const header = /^\s*\[+\s*([^\]]+?)\s*\]+/.exec(l);
    if (header) {
      table = header[1];
      continue;
    }
    const tableOfNames = kind === 'Pipfile' ? /^(packages|dev-packages)$/.test(table) : /^tool\.poetry(\.group\.[^.]+)?\.(dev-)?dependencies$/.test(table);
    if (tableOfNames) {
      const m = /^\s*"?([A-Za-z0-9._-]+)"?\s*=\s*(?:"([^"]*)"|\{[^}]*version\s*=\s*"([^"]*)")/.exec(l);
      const framework = m ? frameworkOf(m[1]) : undefined;
      const spec = m ? (m[2] ?? m[3]).replace(/\s+/g, '') : '';
      if (framework && spec !== '*' && parseVersionSpec(spec)) pins.push({ framework, spec, line });
    } else if (kind === 'pyproject' && /^project(\.optional-dependencies)?$/.test(table)) {
      pins.push(...quotedRequirements(l, line));
    }
  }
  return pins;
}

/** Requirement strings in quotes (`"deepspeed>=0.17.2",` in setup.py's lists), each with its line. */
function quotedRequirements(text: string, firstLine = 1): Pin[] {
  const pins: Pin[] = [];
  for (const { text: l, line } of lines(text)) {
    // A commented-out requirement (`# tokenizers: "tokenizers==0.9.4"` in alignment-handbook's setup.py) pins nothing.
    if (/^\s*#/.test(l)) continue;
    for (const m of l.matchAll(/["']([^"'\n]+)["']/g)) pins.push(...optional(requirementPin(m[1], line + firstLine - 1)));
  }
  return pins;
}

/** environment.yml: the pip section's `- transformers==4.46.0`, conda's `- transformers=4.46` (a prefix). */
function readConda(text: string): Pin[] {
  const pins: Pin[] = [];
  for (const { text: l, line } of lines(text)) {
    const m = /^\s*-\s*([A-Za-z0-9._-]+)\s*(.*?)\s*(?:#.*)?$/.exec(l);
    if (!m) continue;
    const conda = /^=(\d[\w.]*)(?:=\S*)?$/.exec(m[2]);
    pins.push(...optional(conda ? requirementPin(`${m[1]}==${conda[1].replace(/\.?\*$/, '')}${/\*$/.test(conda[1]) || conda[1].split('.').length < 3 ? '.*' : ''}`, line) : requirementPin(`${m[1]}${m[2]}`, line)));
  }
  return pins;
}

/** uv.lock and poetry.lock: `[[package]]` tables with `name` and `version`. */
function readLock(text: string): Pin[] {
  const pins: Pin[] = [];
  let name: string | undefined;
  for (const { text: l, line } of lines(text)) {
    if (/^\s*\[\[package\]\]/.test(l)) name = undefined;
    const n = /^name\s*=\s*"([^"]+)"/.exec(l);
    if (n) name = n[1];
    const v = /^version\s*=\s*"([^"]+)"/.exec(l);
    const framework = v && name ? frameworkOf(name) : undefined;
    if (v && framework && parseVersionSpec(v[1])) {
      pins.push({ framework, spec: v[1], line });
      name = undefined;
    }
  }
  return pins;
}

function readPipfileLock(text: string): Pin[] {
  const pins: Pin[] = [];
  let name: string | undefined;
  for (const { text: l, line } of lines(text)) {
    const n = /^\s*"([A-Za-z0-9._-]+)"\s*:\s*\{/.exec(l);
    if (n) name = n[1];
    const v = /^\s*"version"\s*:\s*"==([^"]+)"/.exec(l);
    const framework = v && name ? frameworkOf(name) : undefined;
    if (v && framework && parseVersionSpec(v[1])) pins.push({ framework, spec: v[1], line });
  }
  return pins;
}

/** `pip install ... transformers==4.46.0` (pip, pip3, python -m pip, uv pip), continued lines joined. */
function pipInstalls(text: string): Pin[] {
  const pins: Pin[] = [];
  const all = lines(text);
  for (let i = 0; i < all.length; i++) {
    let joined = all[i].text;
    const line = all[i].line;
    while (/\\\s*$/.test(joined) && i + 1 < all.length) joined = joined.replace(/\\\s*$/, ' ') + all[++i].text;
    for (const command of joined.split(/&&|;|\|\|/)) {
      const m = /\bpip3?\s+install\s+(.*)$/.exec(command);
      if (!m) continue;
      for (const token of m[1].trim().split(/\s+/)) pins.push(...optional(requirementPin(token.replace(/^["']|["']$/g, ''), line)));
    }
  }
  return pins;
}

/**
 * The package a setup.py builds, when it is a framework: a vendored checkout (LMOps' dpkd/transformers, installed with
 * `pip install -e transformers/`) runs its own version, `version="4.36.0.dev0"` in its `setup(...)`.
 */
function ownPackage(text: string): Pin[] {
  const name = /\bname\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(text);
  const version = /\bversion\s*=\s*["'](\d+(?:\.\d+)+)[^"']*["']/.exec(text);
  const framework = name ? frameworkOf(name[1]) : undefined;
  if (!framework || !version) return [];
  return [{ framework, spec: version[1], line: text.slice(0, version.index).split('\n').length, own: true }];
}

/** `git clone .../gpt-neox` followed by `git checkout v1.0` (the README of EleutherAI/pythia). */
function neoxCheckout(text: string): Pin[] {
  const all = lines(text);
  for (let i = 0; i < all.length; i++) {
    if (!/git\s+clone\s+\S*gpt-neox/.test(all[i].text)) continue;
    for (let j = i; j < Math.min(all.length, i + 6); j++) {
      const m = /git\s+checkout\s+(v?\d+(?:\.\d+)*)\b/.exec(all[j].text);
      if (m) return [{ framework: 'gpt-neox', spec: m[1].replace(/^v/, ''), line: all[j].line }];
    }
  }
  return [];
}
