import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { FileAnalysis } from '../core/analyze';
import type { ProgramArguments } from '../core/python/program-arguments';
import { resolveProgramCached } from '../core/python/resolve';
import type { PythonParser } from '../core/python/syntax';
import { shellFactsOf } from '../core/shell/shell-config';
import { fieldText, isKnown } from '../core/shell/words';

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
    if (existsSync(join(dir, '.git'))) return dir;
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

/** The program file of a launch: `train.py`, or `-m pkg.mod` as pkg/mod.py or pkg/mod/__main__.py. */
function programFile(scriptPath: string, analysis: FileAnalysis, roots: string[]): string | undefined {
  const launch = shellFactsOf(analysis.tree)?.launch;
  if (!launch?.program || !isKnown(launch.program)) return undefined;
  const written = fieldText(launch.program);
  if (launch.programIsModule) {
    if (!/^[\w.]+$/.test(written)) return undefined;
    const stem = written.replace(/\./g, '/');
    return resolveFromScript(scriptPath, `${stem}.py`, ...roots) ?? resolveFromScript(scriptPath, `${stem}/__main__.py`, ...roots);
  }
  return /\.py$/.test(written) ? resolveFromScript(scriptPath, written, ...roots) : undefined;
}

/** What the program a launch script runs accepts, when it is a Python file of the workspace whose parser TrainLint can read. */
export function programOfScript(scriptPath: string, analysis: FileAnalysis, parser: PythonParser | undefined, checkedFolder?: string): ProgramArguments | undefined {
  if (!parser || analysis.tree.language !== 'shell') return undefined;
  // The repository root, and the checked folder when it is another one (a fixture inside a repository, a subproject).
  const roots = [...new Set([repositoryRoot(scriptPath, checkedFolder), ...(checkedFolder ? [resolve(checkedFolder)] : [])])];
  const program = programFile(scriptPath, analysis, roots);
  if (!program) return undefined;
  return resolveProgramCached({ programPath: posix(program), root: posix(roots[0]), extraRoots: roots.slice(1).map(posix), parser, readFile: (path) => readBounded(path) });
}
