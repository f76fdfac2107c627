import { childPointer, indexDocument, type ConfigNode, type ConfigTree, type ScalarValue, type SyntaxProblem } from '../syntax/config-tree';
import type { Detection } from '../detect/detect-format';
import type { Format } from '../programs/ids';
import { PROGRAMS, programOf } from '../programs/index';
import type { OffsetRange } from '../text/range';
import { DEFAULT_LIMITS } from '../syntax/limits';
import { classifyCommand, configFilesOf, trainingScore, type Launch, type LaunchConfigFile } from './launch';
import { interpretScript, type EmbeddedFile, type SbatchOption, type ScriptFacts } from './script';
import { MAX_SHELL_DEPTH, type ShellParser } from './syntax';
import { skippedLaunchReason } from './skipped-launch';
import { multilineLiterals } from './multiline-literals';
import { fieldRange, fieldText, fromEnvDefault, isKnown, rangeOfField, sliceField, spreadOf, type Field } from './words';

/** A number the launch decides (processes per node, nodes, world size), with where it was written. */
export interface LaunchNumber {
  value?: number;
  /** Where the number is written (the assignment or #SBATCH line a variable came from). */
  range?: OffsetRange;
  /** How it was found, for messages: "--nproc_per_node $GPUS_PER_NODE (GPUS_PER_NODE=8)". */
  source: string;
  /** Set when the value is the default of `${VAR:-default}`: the environment may change it. */
  envDefault?: string;
}

/** Why the program's arguments are not all known: words that may be any number of flags (`"$@"`, an unknown `$ARGS`). */
export interface ArgsOpen {
  why: string;
  range: OffsetRange;
}

export interface ShellLaunchFacts {
  script: ScriptFacts;
  launch?: Launch;
  /** Set when the command passes words that may be more flags: a flag absent from `/args` may still be given, and a later one may override one written. */
  argsOpen?: ArgsOpen;
  /** Megatron-DeepSpeed (`--deepspeed` on a Megatron entry point) rather than Megatron-LM. */
  megatronDeepSpeed: boolean;
  nnodes: LaunchNumber;
  nprocPerNode: LaunchNumber;
  world: LaunchNumber;
  sbatch: SbatchOption[];
  embedded: EmbeddedFile[];
  /** Config files the script's commands hand to a framework (accelerate --config_file, llamafactory-cli train X.yaml, axolotl train X.yaml). */
  configFiles: LaunchConfigFile[];
  /**
   * The folder the script cds to before its launch when TrainLint cannot know it (`cd $WORK/code/Megatron-DeepSpeed`):
   * the program that runs is that checkout's, whose release and fork decide what it takes.
   */
  checkout?: string;
  /** Where a comment cannot end a line: strings and heredocs that run over line breaks (the "disable for this line" action). */
  multilineLiterals: OffsetRange[];
}

const facts = new WeakMap<ConfigTree, ShellLaunchFacts>();

/** The launch facts of a tree built from a shell script; undefined for JSON and YAML trees. */
export function shellFactsOf(tree: ConfigTree): ShellLaunchFacts | undefined {
  return facts.get(tree);
}

export interface ParsedShell {
  tree: ConfigTree;
  detection: Detection;
}

/**
 * Reads a launch script into the one config tree shape: `/args` holds the training program's flags (as written,
 * without dashes), each value node ranged where its text was written (often a variable assignment);
 * `/launcher` holds the launcher and the process layout it decides.
 */
export function parseShellScript(text: string, parser: ShellParser | undefined): ParsedShell {
  const unknownDetection = (reason: string): Detection => ({ format: 'unknown', reason, roots: ['/args'] });
  if (text.length > DEFAULT_LIMITS.maxChars) {
    return { tree: { language: 'shell', documents: [], problems: [{ kind: 'file-too-large', message: `The file is larger than ${DEFAULT_LIMITS.maxChars} characters and was not analysed.`, range: { start: 0, end: 0 } }] }, detection: unknownDetection('too large') };
  }
  if (!parser) return { tree: { language: 'shell', documents: [], problems: [] }, detection: unknownDetection('no shell parser was loaded') };
  // bash ends a command whose last line continues (`--load $CKPT \` at the end of the file) at end of input;
  // tree-sitter-bash wants one more line. The padding only follows the text, so every offset stays where it was.
  const parsed = /\\[ \t]*(?:\r?\n[ \t]*)?$/.test(text) ? `${text}\n\n` : text;
  let syntax;
  try {
    syntax = parser.parse(parsed);
  } catch {
    syntax = undefined;
  }
  if (!syntax) return { tree: { language: 'shell', documents: [], problems: [{ kind: 'parse-error', message: 'The shell parser could not read this file.', range: { start: 0, end: 0 } }] }, detection: unknownDetection('unparsable') };
  const script = interpretScript(syntax, parsed, parser);
  const launches = script.commands.map(classifyCommand).filter((l): l is Launch => l !== undefined);
  let best: Launch | undefined;
  let bestScore = -Infinity;
  for (const launch of launches) {
    const score = trainingScore(launch);
    if (score >= bestScore) {
      best = launch;
      bestScore = score;
    }
  }
  const problems: SyntaxProblem[] = [...script.problems];
  if (syntax.truncated) problems.push({ kind: 'nesting-too-deep', message: `The script nests commands more than ${MAX_SHELL_DEPTH} levels deep; what lies deeper was not read.`, range: { start: 0, end: 0 } });
  const configFiles = script.commands.flatMap((command) => configFilesOf(command, script.variables));
  const programFormat = best ? formatOf(best) : 'unknown';
  // A script whose only training command is a framework's tool (llamafactory-cli train X.yaml) is that framework's launch:
  // its flags are in the YAML it links to, so nothing in /args is checked (no roots), only the link.
  const toolFormat: Format | undefined = programFormat === 'unknown' ? (configFiles.find((c) => !programOf(c.kind)?.configuresLauncher) ?? configFiles[0])?.kind : undefined;
  const format = toolFormat ?? programFormat;
  const commandLine = programOf(format)?.commandLine;
  const keyStyle = commandLine?.keyStyle ?? 'as-written';
  const { node: args, open: argsOpen } = buildArgs(best?.args ?? [], keyStyle, problems, best?.range ?? { start: 0, end: 0 });
  const megatronDeepSpeed = commandLine?.runsDeepSpeed?.(args, best?.launcher) === true;
  const layout = best ? layoutOf(best, script) : { nnodes: { source: 'no launcher' }, nprocPerNode: { source: 'no launcher' }, world: { source: 'no launcher' } };
  const launcherNode = buildLauncher(best, layout);
  const root: ConfigNode = { kind: 'object', pointer: '', range: best?.range ?? { start: 0, end: text.length }, children: [launcherNode, args] };
  launcherNode.key = 'launcher';
  args.key = 'args';
  const tree: ConfigTree = { language: 'shell', documents: [indexDocument(root)], problems };
  const checkout = best ? checkoutOutOfReach(script, best, parsed) : undefined;
  facts.set(tree, { script, launch: best, argsOpen, megatronDeepSpeed, ...layout, sbatch: script.sbatch, embedded: script.embedded, configFiles, ...(checkout ? { checkout } : {}), multilineLiterals: multilineLiterals(syntax, parsed) });
  const program = best?.program ? fieldText(best.program) : '';
  const skippedLaunch = format === 'unknown' ? skippedLaunchReason(script, parsed, best, argsOpen) : undefined;
  const detection: Detection =
    format === 'unknown'
      ? { ...unknownDetection(best ? `launch script running ${program || 'a program'} with no known training flags` : 'no training command found'), ...(skippedLaunch ? { skippedLaunch } : {}) }
      : toolFormat
        ? { format, reason: `launch script: the ${format} command-line tool with its config file`, roots: [] }
        : { format, reason: `launch script: ${best!.launcher} ${program}`.trim(), roots: ['/args'] };
  return { tree, detection };
}

/**
 * The last `cd DIR` before the launch, when DIR is not known statically or is an absolute path (a cluster's folder, not
 * the repository's): DIR as written (`$WORK/code/megatron-lm`).
 */
function checkoutOutOfReach(script: ScriptFacts, launch: Launch, text: string): string | undefined {
  const cd = script.commands.filter((c) => c.range.start <= launch.range.start && c.argv.length === 2 && fieldText(c.argv[0]) === 'cd').pop();
  if (!cd || (isKnown(cd.argv[1]) && !/^[/~]/.test(fieldText(cd.argv[1])))) return undefined;
  const written = rangeOfField(cd.argv[1]);
  return written.start >= cd.range.start && written.end <= cd.range.end ? text.slice(written.start, written.end) : fieldText(cd.argv[1]);
}

/** The program whose arguments a launched command line is (programs/<id>/command-line.ts), asked in registry order. */
export function formatOf(launch: Launch): Format {
  const program = launch.program ? fieldText(launch.program) : '';
  const base = program.slice(program.lastIndexOf('/') + 1);
  const flags = new Set(launch.args.map((a) => fieldText(a)).filter((t) => t.startsWith('--')).map((t) => t.slice(2).split('=')[0]));
  return PROGRAMS.find((p) => p.commandLine?.recognises?.(base, flags, launch.args))?.id ?? 'unknown';
}

// ---- arguments --------------------------------------------------------------------------------

const PY_INT = /^[-+]?\d+(?:_\d+)*$/;
const PY_FLOAT = /^[-+]?(?:(?:\d+(?:_\d+)*)?\.\d*(?:_\d+)*(?:[eE][-+]?\d+)?|\d+(?:_\d+)*[eE][-+]?\d+|\d+(?:_\d+)*\.)$/;

/** What the program's argparse type function would make of a word: int(), float(), or the string. */
export function typeShellValue(text: string): ScalarValue {
  if (PY_INT.test(text)) return Number(text.replace(/_/g, ''));
  if (PY_FLOAT.test(text) && /\d/.test(text)) return Number(text.replace(/_/g, ''));
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  return text;
}

function isFlag(text: string): boolean {
  return /^--?[A-Za-z]/.test(text);
}

function scalarNode(pointer: string, field: Field, fallback: OffsetRange): ConfigNode {
  const text = fieldText(field);
  const known = isKnown(field);
  return {
    kind: 'scalar',
    pointer,
    range: fieldRange(field, fallback),
    value: known ? typeShellValue(text) : undefined,
    raw: known ? text : undefined,
    style: 'plain',
    children: [],
  };
}


/**
 * Two values of a flag that set the same thing: the same text, or the same boolean spelled differently (`True`, `true`):
 * HfArgumentParser's string_to_bool and the usual str2bool helpers compare case-insensitively (transformers/hf_argparser.py).
 */
function sameFlagValue(a: string, b: string): boolean {
  if (a === b) return true;
  const bool = (v: string) => /^\["(true|false)"\]$/i.exec(v)?.[1].toLowerCase();
  return bool(a) !== undefined && bool(a) === bool(b);
}
function buildArgs(args: Field[], keyStyle: 'underscore' | 'as-written', problems: SyntaxProblem[], commandRange: OffsetRange): { node: ConfigNode; open?: ArgsOpen } {
  let open: ArgsOpen | undefined;
  const object: ConfigNode = { kind: 'object', pointer: '/args', range: commandRange, children: [] };
  type Pending = { name: string; nameRange: OffsetRange; flagRange: OffsetRange; values: Field[] };
  const flags: Pending[] = [];
  let current: Pending | undefined;
  for (const arg of args) {
    const text = fieldText(arg);
    // argparse: every word after `--` is positional, never an option.
    if (text === '--' && isKnown(arg)) break;
    const spread = spreadOf(arg);
    if (spread) {
      // `"$@"` or an unquoted unknown `$ARGS`: any number of words, flags included. Right after a flag it may be that flag's
      // value (unknown); after a flag's value it is more words, never one more value of that flag.
      const consumed = current !== undefined && current.values.length === 0;
      if (consumed) current!.values.push(arg);
      if (spread === 'args' || !consumed) open ??= { why: arg.find((p) => p.unknown)?.unknown ?? 'unknown words', range: fieldRange(arg, commandRange) };
      current = undefined;
      continue;
    }
    if (isFlag(text) && isKnown(arg.slice(0, 1))) {
      const dashes = text.startsWith('--') ? 2 : 1;
      const eq = text.indexOf('=');
      const nameField = sliceField(arg, dashes, eq >= 0 ? eq : undefined);
      current = { name: fieldText(nameField), nameRange: rangeOfField(nameField.length ? nameField : arg), flagRange: fieldRange(arg, rangeOfField(arg)), values: [] };
      if (eq >= 0) current.values.push(sliceField(arg, eq + 1));
      flags.push(current);
      if (eq >= 0) current = undefined;
      continue;
    }
    if (current) current.values.push(arg);
  }
  const seen = new Map<string, { range: OffsetRange; value: string }>();
  // What a flag's words say, an unknown piece by what it stands for (`$X` twice is the same value).
  const valueOf = (flag: Pending) => JSON.stringify(flag.values.map((v) => v.map((p) => (p.unknown === undefined ? p.text : `\u0000${p.unknown}\u0000${p.text}`)).join('')));
  for (const flag of flags) {
    const key = keyStyle === 'underscore' ? flag.name.replace(/-/g, '_') : flag.name;
    const pointer = childPointer('/args', key);
    let node: ConfigNode;
    if (flag.values.length === 0) {
      node = { kind: 'scalar', pointer, range: flag.flagRange, value: true, raw: '', style: 'plain', children: [] };
    } else if (flag.values.length === 1) {
      node = scalarNode(pointer, flag.values[0], flag.nameRange);
    } else {
      node = {
        kind: 'array',
        pointer,
        range: { start: Math.min(...flag.values.map((v) => fieldRange(v, flag.nameRange).start)), end: Math.max(...flag.values.map((v) => fieldRange(v, flag.nameRange).end)) },
        children: flag.values.map((v, i) => ({ ...scalarNode(childPointer(pointer, i), v, flag.nameRange), key: i })),
      };
    }
    node.key = key;
    node.keyRange = flag.nameRange;
    const earlier = seen.get(key);
    const value = valueOf(flag);
    // A switch given twice (store_true: `--pixel-shuffle` in EXTRA_ARGS and again on the command line) or the very same
    // value twice loses nothing: argparse's last value is the first one. Only a different value is overridden.
    if (earlier && !sameFlagValue(earlier.value, value)) problems.push({ kind: 'duplicate-key', message: `The flag --${flag.name} is given twice with different values; argparse keeps the last value.`, range: flag.nameRange, firstRange: earlier.range });
    seen.set(key, { range: flag.nameRange, value });
    object.children.push(node);
  }
  return { node: object, open };
}

// ---- process layout ---------------------------------------------------------------------------

function launchNumber(field: Field | undefined, label: string, fallback?: LaunchNumber): LaunchNumber {
  if (!field) return fallback ?? { source: `${label} not given` };
  const text = fieldText(field);
  const range = fieldRange(field, rangeOfField(field));
  if (!isKnown(field)) {
    const why = field.find((p) => p.unknown)?.unknown ?? 'the environment';
    return { source: `${label} comes from ${why}`, range };
  }
  const m = /^(\d+)(?::(\d+))?$/.exec(text.trim());
  if (!m || (m[2] !== undefined && m[2] !== m[1])) return { source: `${label} ${text}`, range };
  const envDefault = fromEnvDefault(field);
  return { value: Number(m[1]), range, source: `${label} ${m[1]}`, ...(envDefault ? { envDefault } : {}) };
}

function sbatchNumber(script: ScriptFacts, name: string): LaunchNumber | undefined {
  const option = [...script.sbatch].reverse().find((o) => o.name === name);
  if (!option) return undefined;
  const m = /^(\d+)$/.exec(option.value);
  return m ? { value: Number(m[1]), range: option.range, source: `#SBATCH --${name}=${option.value}` } : undefined;
}

function multiply(a: LaunchNumber, b: LaunchNumber): LaunchNumber {
  if (a.value === undefined) return { source: a.source, range: a.range };
  if (b.value === undefined) return { source: b.source, range: b.range };
  const envDefault = a.envDefault ?? b.envDefault;
  return { value: a.value * b.value, source: `${a.source} x ${b.source}`, range: b.range ?? a.range, ...(envDefault ? { envDefault } : {}) };
}

function layoutOf(launch: Launch, script: ScriptFacts): { nnodes: LaunchNumber; nprocPerNode: LaunchNumber; world: LaunchNumber } {
  const opt = (name: string) => launch.options.get(name)?.field;
  const wrap = (name: string) => launch.wrapperOptions.get(name)?.field;
  const one: LaunchNumber = { value: 1, source: 'one node (default)' };
  switch (launch.launcher) {
    case 'torchrun':
    case 'torch.distributed.run':
    case 'torch.distributed.launch': {
      const nproc = launchNumber(opt('nproc_per_node'), '--nproc_per_node', { value: 1, source: '--nproc_per_node 1 (default)' });
      const nnodes = launchNumber(opt('nnodes'), '--nnodes', one);
      return { nnodes, nprocPerNode: nproc, world: multiply(nnodes, nproc) };
    }
    case 'deepspeed': {
      const hostfile = launch.options.has('hostfile') || launch.options.has('H');
      const nproc = launchNumber(opt('num_gpus') ?? opt('num_accelerators'), '--num_gpus', { source: 'deepspeed uses every local GPU (no --num_gpus)' });
      const nnodes = launchNumber(opt('num_nodes'), '--num_nodes', hostfile ? { source: 'every host of the hostfile (no --num_nodes)' } : one);
      return { nnodes, nprocPerNode: nproc, world: multiply(nnodes, nproc) };
    }
    case 'accelerate': {
      const world = launchNumber(opt('num_processes'), '--num_processes', { source: 'the accelerate config decides (no --num_processes)' });
      const nnodes = launchNumber(opt('num_machines'), '--num_machines', one);
      return { nnodes, nprocPerNode: { source: 'from --num_processes' }, world };
    }
    default: {
      // A plain program under srun or mpirun: one process per task.
      if (launch.wrappers.includes('srun')) {
        const nodes = launchNumber(wrap('nodes') ?? wrap('N'), 'srun --nodes', sbatchNumber(script, 'nodes') ?? one);
        const perNode = launchNumber(wrap('ntasks_per_node'), 'srun --ntasks-per-node', sbatchNumber(script, 'ntasks-per-node') ?? { source: 'tasks per node unknown' });
        return { nnodes: nodes, nprocPerNode: perNode, world: multiply(nodes, perNode) };
      }
      if (launch.wrappers.some((w) => w === 'mpirun' || w === 'mpiexec')) {
        const world = launchNumber(wrap('np') ?? wrap('n'), 'mpirun -np', { source: 'mpirun decides from the host list' });
        return { nnodes: { source: 'mpirun' }, nprocPerNode: { source: 'mpirun' }, world };
      }
      return { nnodes: one, nprocPerNode: { source: 'a single python process' }, world: { source: 'a plain python run (one process)' } };
    }
  }
}

function buildLauncher(launch: Launch | undefined, layout: { nnodes: LaunchNumber; nprocPerNode: LaunchNumber; world: LaunchNumber }): ConfigNode {
  const fallback = launch?.range ?? { start: 0, end: 0 };
  const node = (key: string, value: ScalarValue, range: OffsetRange | undefined): ConfigNode => ({ kind: 'scalar', pointer: childPointer('/launcher', key), key, keyRange: range ?? fallback, range: range ?? fallback, value, raw: String(value), style: 'plain', children: [] });
  const children: ConfigNode[] = [];
  if (launch) {
    children.push(node('name', launch.launcher, launch.range));
    if (launch.program) children.push(node('program', fieldText(launch.program), fieldRange(launch.program, fallback)));
    if (layout.nnodes.value !== undefined) children.push(node('nnodes', layout.nnodes.value, layout.nnodes.range));
    if (layout.nprocPerNode.value !== undefined) children.push(node('nproc_per_node', layout.nprocPerNode.value, layout.nprocPerNode.range));
    if (layout.world.value !== undefined) children.push(node('world_size', layout.world.value, layout.world.range));
  }
  return { kind: 'object', pointer: '/launcher', range: fallback, children };
}
