import { getChild, type ConfigNode } from '../syntax/config-tree';
import type { Fix } from '../diagnostic';
import { findArgument, type ArgumentSet, type ProgramArgument } from '../python/program-arguments';
import { upstreamDefines } from '../python/upstream';
import { stripOptional } from '../python/module';
import { pythonStr, type PyLiteral } from '../python/syntax';
import { rankSuggestions } from '../util/did-you-mean';
import { renameKey } from '../fix/edits';
import type { RuleContext } from './rule';

/**
 * unknown-key and invalid-value when the program that reads the file is known (settings.program, found by the edge from
 * the launch script: core/python/resolve.ts). Kept apart from the schema checks: these functions say which keys the
 * program decides (`owned`), and the schema checks leave those alone.
 */
export interface ProgramKeys {
  set: ArgumentSet;
  program: string;
  from: 'command-line' | 'config-file';
  /** Pointers of top-level keys the program decides: the ones it defines, and the ones it certainly rejects. */
  owned: Set<string>;
  /** Keys the program defines, by pointer. */
  defined: Map<string, ProgramArgument>;
  /** Keys no class of the program defines, reported here as errors. */
  rejected: ConfigNode[];
  /** True when a key nobody defines may still be taken (an unread class, parse_known_args): nothing here is certain. */
  uncertain: boolean;
}

const cache = new WeakMap<ConfigNode, ProgramKeys>();

const norm = (key: string) => key.replace(/-/g, '_');

function objectRoots(ctx: RuleContext): ConfigNode[] {
  // A script's program flags are /args whatever the script was detected as (`accelerate launch --config_file X scripts/dpo.py`
  // is an accelerate launch, whose roots are empty); a config file's keys are its top level.
  const roots = ctx.tree.language === 'shell' ? [getChild(ctx.tree.documents[0]?.root, 'args')] : ctx.tree.documents.map((d) => d.root);
  return roots.filter((r): r is ConfigNode => r !== undefined && r.kind === 'object');
}

/** Which keys of the file the program decides; undefined when the program is unknown or does not read this kind of input. */
export function programKeys(ctx: RuleContext): ProgramKeys | undefined {
  const program = ctx.settings.program;
  if (!program) return undefined;
  const from = ctx.tree.language === 'shell' ? 'command-line' : 'config-file';
  const set = from === 'command-line' ? program.commandLine : program.configFile;
  const roots = objectRoots(ctx);
  if (!set || roots.length === 0) return undefined;
  const hit = cache.get(roots[0]);
  if (hit && hit.set === set) return hit;
  const keys: ProgramKeys = { set, program: program.program, from, owned: new Set(), defined: new Map(), rejected: [], uncertain: !set.complete || set.acceptsUnknown !== undefined };
  for (const root of roots) {
    for (const child of root.children) {
      const key = String(child.key);
      const argument = findArgument(set, key, from);
      if (argument) {
        keys.owned.add(child.pointer);
        keys.defined.set(child.pointer, argument);
        continue;
      }
      // An upstream class it includes (TrainingArguments, DPOConfig, ...): the schema checks judge it as before.
      if (set.upstream.length > 0 && upstreamDefines(from === 'command-line' ? norm(key) : key, set.upstream)) continue;
      if (keys.uncertain) continue;
      keys.owned.add(child.pointer);
      keys.rejected.push(child);
    }
  }
  cache.set(roots[0], keys);
  return keys;
}

/** Whether the schema checks should leave a node alone: the program decides its key. */
export function ownedByProgram(keys: ProgramKeys | undefined, pointer: string): boolean {
  if (!keys) return false;
  for (const owned of keys.owned) if (pointer === owned || pointer.startsWith(`${owned}/`)) return true;
  return false;
}

function consequence(keys: ProgramKeys): string {
  // transformers/hf_argparser.py: parse_dict raises ValueError("Some keys are not used by the HfArgumentParser"),
  // parse_args_into_dataclasses raises ValueError("Some specified arguments are not used by the HfArgumentParser");
  // argparse.py parse_args exits with "unrecognized arguments".
  if (keys.set.style === 'argparse') return 'argparse exits with "unrecognized arguments"';
  return keys.from === 'config-file' ? 'it stops at start-up with a ValueError about unused keys' : 'it stops at start-up with a ValueError about unused arguments';
}

/** unknown-key: a key no class of a fully read program defines (and no upstream class it includes) is certainly an error. */
export function reportProgramUnknownKeys(ctx: RuleContext, keys: ProgramKeys): void {
  const candidates = Object.values(keys.set.fields).map((f) => (keys.from === 'command-line' ? (f.flags.find((x) => x.startsWith('--')) ?? f.flags[0]).replace(/^-+/, '') : f.name));
  const shell = ctx.tree.language === 'shell';
  for (const node of keys.rejected) {
    const key = String(node.key);
    const present = new Set(node.key !== undefined ? [key] : []);
    const ranked = rankSuggestions(key, candidates, 3).filter((r) => !present.has(r.candidate));
    const fixes: Fix[] = [];
    for (const suggestion of ranked) {
      const edit = renameKey(ctx.tree.language, ctx.text, node, suggestion.candidate);
      if (edit) fixes.push({ title: `Rename to "${suggestion.candidate}"`, safe: false, edits: [edit] });
    }
    const hint = ranked.length > 0 ? ` Did you mean ${ranked.map((r) => `"${r.candidate}"`).join(', ')}?` : '';
    ctx.report({
      range: node.keyRange ?? node.range,
      severity: 'error',
      message: `Unknown ${shell ? 'flag' : 'key'} "${key}": ${keys.set.parser} in ${keys.program} rejects it; ${consequence(keys)}.${hint}`,
      fixes,
    });
  }
}

const STRING_TO_BOOL = /^(?:yes|true|t|y|1|no|false|f|n|0)$/i;
const PY_INT = /^\s*[-+]?\d+(?:_\d+)*\s*$/;
const PY_FLOAT = /^\s*[-+]?(?:(?:\d+(?:_\d+)*)?\.?\d*(?:_\d+)*(?:[eE][-+]?\d+)?|inf|infinity|nan)\s*$/i;

/** What argparse does with the written word, where certain: the type function's error or "invalid choice". */
function valueProblem(argument: ProgramArgument, style: ArgumentSet['style'], raw: string): string | undefined {
  if (argument.action && argument.action !== 'store' && argument.action !== 'append') return undefined;
  const type = argument.type ? (style === 'dataclass' ? stripOptional(argument.type) : argument.type) : style === 'argparse' ? 'str' : undefined;
  if (type === 'int' && !PY_INT.test(raw)) return `must be an integer (argparse: "invalid int value: '${raw}'")`;
  if (type === 'float' && (!PY_FLOAT.test(raw) || !/\d|inf|nan/i.test(raw))) return `must be a number (argparse: "invalid float value: '${raw}'")`;
  // transformers/hf_argparser.py string_to_bool raises ArgumentTypeError for anything else.
  if (style === 'dataclass' && type === 'bool' && !STRING_TO_BOOL.test(raw)) return `must be true or false (HfArgumentParser's string_to_bool rejects '${raw}')`;
  if (argument.choices && argument.choices.length > 0 && !matchesChoice(raw, argument.choices, type)) {
    return `must be one of ${argument.choices.map((c) => JSON.stringify(c)).join(', ')} (argparse: "invalid choice: '${raw}'")`;
  }
  return undefined;
}

function matchesChoice(raw: string, choices: PyLiteral[], type: string | undefined): boolean {
  // argparse compares the converted value (type=int or float first); HfArgumentParser maps str(choice) back to the choice.
  if ((type === 'int' || type === 'float') && choices.every((c) => typeof c === 'number')) return choices.some((c) => c === Number(raw.replace(/_/g, '')));
  return choices.some((c) => pythonStr(c) === raw);
}

/**
 * invalid-value for the program's own arguments. On a command line argparse converts and checks each value (type=,
 * choices=), so a bad one stops the program. From a config file HfArgumentParser.parse_dict passes values to the
 * dataclass as they are (transformers/hf_argparser.py parse_dict: `dtype(**inputs)`), so nothing is certain there.
 */
export function reportProgramValues(ctx: RuleContext, keys: ProgramKeys): void {
  if (keys.from !== 'command-line') return;
  for (const [pointer, argument] of keys.defined) {
    const node = ctx.tree.documents[0]?.index.get(pointer);
    if (!node) continue;
    // argparse gives an option without nargs (or nargs='?') one word; the words after it are positionals.
    const multiple = argument.nargs !== undefined && argument.nargs !== '?' && argument.nargs !== 1;
    const values = node.kind === 'array' ? (multiple ? node.children : node.children.slice(0, 1)) : [node];
    for (const value of values) {
      if (value.kind !== 'scalar' || value.raw === undefined || value.raw === '' || value.value === undefined) continue;
      const problem = valueProblem(argument, keys.set.style, value.raw);
      if (!problem) continue;
      ctx.report({
        range: value.range,
        severity: 'error',
        message: `--${String(node.key)} ${problem}; ${keys.set.parser} in ${keys.program} stops at start-up.`,
        fixes: [],
      });
      break;
    }
  }
}
