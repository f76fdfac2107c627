import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { FileAnalysis } from '../core/analyze';
import type { Settings } from '../core/settings';
import type { ProgramArguments } from '../core/python/program-arguments';
import { resolveProgramCached } from '../core/python/resolve';
import type { PythonParser } from '../core/python/syntax';
import { shellFactsOf } from '../core/shell/shell-config';
import { fieldText, isKnown } from '../core/shell/words';
import { holdsGit } from './git-folders';

/**
 * The edge of core/python/resolve.ts for the CLI and the language server: finds the program a launch script runs in the
 * workspace and hands the resolver a bounded file reader. Python files are read here, never in the core.
 */

const MAX_FILE_BYTES = 1_000_000;

const posix = (path: string) => path.split(sep).join('/');

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readBounded(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return stat.isFile() && stat.size <= MAX_FILE_BYTES ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** The repository a file belongs to: the nearest folder above it holding `.git`, else `fallback` (the checked folder), else the file's folder. */
export function repositoryRoot(file: string, fallback?: string): string {
  let dir = dirname(resolve(file));
  for (let i = 0; i < 64; i++) {
    if (holdsGit(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return fallback ? resolve(fallback) : dirname(resolve(file));
}

/**
 * A path a launch script names (its program, a config it passes), resolved against the script's folder and the
 * repository root, whichever holds it: scripts are run from either (`bash scripts/train.sh` from the root is common).
 */
export function resolveFromScript(scriptPath: string, target: string, ...roots: Array<string | undefined>): string | undefined {
  if (isAbsolute(target)) return isFile(target) ? target : undefined;
  for (const base of [dirname(resolve(scriptPath)), ...roots.filter((r): r is string => r !== undefined)]) {
    const candidate = resolve(base, target);
    if (isFile(candidate)) return candidate;
  }
  return undefined;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The paths a launch's program may be at, relative to the folder the run starts from: `train.py`, or `-m pkg.mod` as pkg/mod.py or pkg/mod/__main__.py. */
function programPaths(analysis: Pick<FileAnalysis, 'tree'> | undefined): string[] {
  const launch = analysis ? shellFactsOf(analysis.tree)?.launch : undefined;
  if (!launch?.program || !isKnown(launch.program)) return [];
  const written = fieldText(launch.program);
  if (launch.programIsModule) {
    if (!/^[\w.]+$/.test(written)) return [];
    const stem = written.replace(/\./g, '/');
    return [`${stem}.py`, `${stem}/__main__.py`];
  }
  return /\.py$/.test(written) ? [written] : [];
}

/** Where the folders a run may start from are, in order of preference; see launchFolders. */
export interface LaunchFolders {
  /** The repository root (the folder holding `.git`, else the checked folder). */
  root: string;
  /** Candidate working directories: the folder the script `cd`s to, the file's folder and each ancestor up to the root. */
  folders: string[];
  /** The folders among them that the script's own `cd` leads to. */
  cdTo: string[];
  /** A relative folder the script `cd`s to before its launch that none of the candidates holds (a submodule, another checkout). */
  unseenCd?: string;
  /** The first candidate holding the script's Python program, when one does: what the run's relative paths mean. */
  programFolder?: string;
  /** The program file found there. */
  program?: string;
}

/**
 * The folders a file's relative paths may be resolved against. A run resolves them against its working directory: the
 * folder the script `cd`s to (followed statically when its argument is known), else where the user launches it, usually
 * the repository root or a sub-project root (InternVL's `internvl_chat/shell/.../x.sh` runs
 * `internvl/train/internvl_chat_finetune.py` from `internvl_chat/`). The candidate holding the script's program wins.
 */
export function launchFolders(file: string, analysis?: Pick<FileAnalysis, 'tree'>, checkedFolder?: string): LaunchFolders {
  const root = repositoryRoot(file, checkedFolder);
  const own = dirname(resolve(file));
  const ancestors: string[] = [];
  for (let dir = own, i = 0; i < 64; i++) {
    ancestors.push(dir);
    if (dir === root) break;
    const parent = dirname(dir);
    if (parent === dir || !(`${parent}${sep}`.startsWith(`${root}${sep}`) || parent === root)) {
      ancestors.push(root);
      break;
    }
    dir = parent;
  }
  if (checkedFolder && !ancestors.includes(resolve(checkedFolder))) ancestors.push(resolve(checkedFolder));
  const facts = analysis ? shellFactsOf(analysis.tree) : undefined;
  const cdTo: string[] = [];
  let unseenCd: string | undefined;
  if (facts?.launch) {
    // The last `cd DIR` the script certainly runs before the launch (at the same place when both come from one eval'd string); a relative DIR is taken from each candidate.
    const cd = facts.script.commands.filter((c) => !c.uncertain && c.range.start <= facts.launch!.range.start && c.argv.length === 2 && fieldText(c.argv[0]) === 'cd').pop();
    const to = cd && isKnown(cd.argv[1]) ? fieldText(cd.argv[1]) : undefined;
    if (to && to !== '-' && !to.startsWith('~')) {
      for (const base of isAbsolute(to) ? [''] : ancestors) {
        const dir = resolve(base, to);
        if (isDirectory(dir) && !cdTo.includes(dir)) cdTo.push(dir);
      }
      if (cdTo.length === 0 && !isAbsolute(to)) unseenCd = to;
    }
  }
  const folders = [...new Set([...cdTo, ...ancestors])];
  const paths = programPaths(analysis);
  for (const folder of folders) {
    for (const path of paths) {
      const candidate = isAbsolute(path) ? path : resolve(folder, path);
      if (isFile(candidate)) return { root, folders, cdTo, programFolder: folder, program: candidate };
    }
  }
  if (unseenCd) return { root, folders, cdTo, unseenCd };
  // A script moved away from its program (bigscience's experiments/decoder-only-lm/gpt2_deepspeed.sh runs
  // `scripts/run_clm.py`, which only jz/ holds): the one folder of the repository where the program's path resolves is
  // where the run can start.
  for (const path of paths.filter((p) => !isAbsolute(p) && p.includes('/'))) {
    const holders = foldersHolding(root, path);
    if (holders.length === 1) return { root, folders: [holders[0], ...folders], cdTo, programFolder: holders[0], program: resolve(holders[0], path) };
  }
  return { root, folders, cdTo };
}

const holdersCache = new Map<string, string[]>();
const SEARCH_DEPTH = 4;
const SEARCH_ENTRIES = 20_000;

/** The folders of a repository (down to SEARCH_DEPTH levels, SEARCH_ENTRIES entries read) under which `path` is a file. */
function foldersHolding(root: string, path: string): string[] {
  const key = `${root}\0${path}`;
  const cached = holdersCache.get(key);
  if (cached) return cached;
  const found: string[] = [];
  let budget = SEARCH_ENTRIES;
  const walk = (dir: string, depth: number): void => {
    if (isFile(resolve(dir, path))) found.push(dir);
    if (depth >= SEARCH_DEPTH || budget <= 0) return;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    budget -= entries.length;
    for (const entry of entries) if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') walk(resolve(dir, entry.name), depth + 1);
  };
  walk(root, 0);
  const holders = budget > 0 ? found : [];
  holdersCache.set(key, holders);
  return holders;
}

/** An absolute path outside the repository (a container's `/accelerate/...`, a cluster's `/blob/...`): the front end cannot see the machine that runs it. */
function outsideWorkspace(target: string, where: LaunchFolders): boolean {
  if (!isAbsolute(target)) return false;
  const path = resolve(target);
  return path !== where.root && !path.startsWith(`${where.root}${sep}`);
}

/** A relative path resolved against the launch folders: the program's folder first, then any candidate that holds it. */
function findInFolders(target: string, where: LaunchFolders): { path: string; folder?: string } | undefined {
  if (isAbsolute(target)) return isFile(target) ? { path: target } : undefined;
  for (const folder of [...(where.programFolder ? [where.programFolder] : []), ...where.folders]) {
    const candidate = resolve(folder, target);
    if (isFile(candidate)) return { path: candidate, folder };
  }
  return undefined;
}

/** Where a file's link points, and why there: what the hover on the path says and linked-file-missing reports. */
export interface LinkLocation {
  path: string;
  /** Found: which folder the path was resolved from, in words ("the repository root", "the folder the script cd's to (configs)"). */
  resolvedFrom?: string;
  /** Not found: the folders looked in, relative to the repository root. */
  lookedIn?: string[];
  /** Not found, absolute and outside the repository: on the machine that runs the job. */
  outsideWorkspace?: boolean;
}

/**
 * Where a link's target is. A relative path is opened from the run's working directory, not the linking file's folder:
 * the candidates are the folder a script `cd`s to, the file's folder and each ancestor up to the repository root, the
 * folder holding the script's program first (launchFolders). The first that holds the target wins; when none does, the
 * path beside the program (or the file), with the folders looked in.
 */
export function locateLink(file: string, target: string, analysis?: Pick<FileAnalysis, 'tree'>, checkedFolder?: string): LinkLocation {
  const where = launchFolders(file, analysis, checkedFolder);
  const name = (folder: string) => posix(relative(where.root, folder)) || '.';
  const found = findInFolders(target, where);
  if (found) {
    if (!found.folder) return { path: found.path, resolvedFrom: 'an absolute path' };
    const folder = found.folder;
    const why = folder === where.programFolder && where.program
      ? `the folder holding the program the script runs (${posix(relative(folder, where.program))})`
      : where.cdTo.includes(folder) ? "the folder the script cd's to"
      : folder === dirname(resolve(file)) ? "the file's own folder"
      : folder === where.root ? 'the repository root' : 'a parent folder the run may start from';
    return { path: found.path, resolvedFrom: `${why} (\`${name(folder)}\`)` };
  }
  if (isAbsolute(target)) return { path: resolve(target), ...(outsideWorkspace(target, where) ? { outsideWorkspace: true } : {}) };
  const first = where.programFolder ?? dirname(resolve(file));
  return { path: resolve(first, target), lookedIn: [...new Set([first, ...where.folders])].map(name) };
}

/**
 * What the edge knows of the run a launch script starts that the core cannot see: the program it runs when that is a
 * Python file of the workspace (its arguments), or the folder it `cd`s to when the workspace does not hold it.
 */
export function scriptSettings(scriptPath: string, analysis: FileAnalysis, parser: PythonParser | undefined, checkedFolder?: string,
  mayRead: (path: string) => boolean = () => true): Settings {
  if (analysis.tree.language !== 'shell') return {};
  const where = launchFolders(scriptPath, analysis, checkedFolder);
  const program = programOfScript(scriptPath, analysis, parser, checkedFolder, where, mayRead);
  if (program) return { program };
  return where.unseenCd ? { unseenCheckout: where.unseenCd } : {};
}

/** What the program a launch script runs accepts, when it is a Python file of the workspace whose parser TrainLint can read. */
/** `mayRead`: which Python files may be read (the language server: those in its workspace folders). */
export function programOfScript(scriptPath: string, analysis: FileAnalysis, parser: PythonParser | undefined, checkedFolder?: string,
  where: LaunchFolders = launchFolders(scriptPath, analysis, checkedFolder), mayRead: (path: string) => boolean = () => true): ProgramArguments | undefined {
  if (!parser || analysis.tree.language !== 'shell') return undefined;
  // The program is found from the folders the run may start from (launchFolders), the same ones its config is resolved against.
  if (!where.program || !where.programFolder) return undefined;
  // Imports resolve against the repository root, the checked folder when it is another one (a fixture inside a repository,
  // a subproject), and the folder the run starts from (scripts add it to PYTHONPATH: InternVL's `$(pwd)`).
  const roots = [...new Set([where.root, ...(checkedFolder ? [resolve(checkedFolder)] : []), where.programFolder])];
  return resolveProgramCached({ programPath: posix(where.program), root: posix(roots[0]), extraRoots: roots.slice(1).map(posix), parser, readFile: (path) => (mayRead(path) ? readBounded(path) : undefined) });
}
