import { PROGRAMS } from '../programs/index';
import { classifyCommand, configFilesOf } from './launch';
import type { ScriptFacts } from './script';
import { formatOf } from './shell-config';
import { fieldText, isKnown } from './words';

// Commands that read, print, test or remove the files they name, or only make folders: none of them writes a file that
// was not there (`echo "config: $CFG"`, `cat $CFG`, `ls configs/`, `rm -f $CFG`, `sed -i` on a file that must exist).
const NOT_WRITERS = new Set([
  'echo', 'printf', 'cat', 'tac', 'ls', 'll', 'test', '[', '[[', 'head', 'tail', 'grep', 'egrep', 'fgrep', 'rg', 'wc', 'stat',
  'file', 'diff', 'cmp', 'md5sum', 'sha1sum', 'sha256sum', 'less', 'more', 'readlink', 'realpath', 'dirname', 'basename',
  'du', 'rm', 'unlink', 'mkdir', 'rmdir', 'cd', 'pushd', 'popd', 'source', '.', 'export', 'local', 'declare', 'readonly',
  'chmod', 'chown', 'sed', 'awk', 'gawk', 'jq', 'yq', 'sort', 'uniq', 'cut', 'tr', 'xargs', 'exit', 'return', 'set', 'shift',
  'sleep', 'wait', 'kill', 'trap', 'eval', 'nvidia-smi', 'hostname', 'scontrol', 'module', 'conda', 'pip', 'git',
]);
// Commands that copy onto their last argument: only that one is written (`cp TEMPLATE.json $CFG`).
const COPIERS = new Set(['cp', 'mv', 'ln', 'install', 'rsync', 'scp']);
// Words that run the command after them.
const TRANSPARENT = new Set(['env', 'exec', 'time', 'nohup', 'sudo', 'command']);

/** `./a/../b.json` as `b.json`: a relative path without `.` and `..` steps it can drop, for comparing two spellings. */
export function normalizeRelative(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(part);
  }
  return (absolute ? '/' : '') + parts.join('/');
}

/**
 * Whether a command the script runs before offset `before` (its launch) takes `target` as an argument and so may write
 * it: a generator (`python generate_conf.py --output_file configs/config.yaml`, DeepSpeedExamples
 * benchmarks/deepcompile/run.sh), a download, a copy onto it. Commands that only read or print the files they name,
 * training launches (which read their configs) and the programs' own tools (`axolotl preprocess X.yaml` reads X.yaml)
 * do not count. A command in a branch or loop the script does not decide counts too: the file may be there.
 */
export function writtenByEarlierCommand(script: ScriptFacts, target: string, before: number): boolean {
  const wanted = normalizeRelative(target);
  for (const command of script.commands) {
    if (command.range.start >= before) continue;
    let i = 0;
    while (i < command.argv.length && (TRANSPARENT.has(fieldText(command.argv[i])) || /^[A-Za-z_]\w*=/.test(fieldText(command.argv[i])))) i++;
    const name = fieldText(command.argv[i] ?? []).replace(/^.*\//, '');
    if (name === '' || NOT_WRITERS.has(name)) continue;
    if (PROGRAMS.some((p) => p.commandLine?.tools?.includes(name))) continue;
    if (configFilesOf(command).length > 0) continue;
    const launch = classifyCommand(command);
    if (launch && formatOf(launch) !== 'unknown') continue;
    const args = command.argv.slice(i + 1);
    for (const arg of COPIERS.has(name) ? args.slice(-1) : args) {
      if (!isKnown(arg)) continue;
      const text = fieldText(arg).replace(/^--?[\w.-]+=/, '');
      if (text !== '' && normalizeRelative(text) === wanted) return true;
    }
  }
  return false;
}
