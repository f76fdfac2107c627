import { contentHash, readPythonModule, type PyClass, type PyField, type PyModuleRef, type PyParserUse, type PythonModule } from './module';
import type { ArgumentSet, ProgramArgument, ProgramArguments } from './program-arguments';
import type { PythonParser } from './syntax';
import { upstreamClass, upstreamDefines } from './upstream';

/**
 * Finds what a program accepts: from the program file, follows its imports inside the workspace (module path to file,
 * a package's `__init__.py`, relative imports) to the classes its parser is built over and their bases. Pure: the edge
 * hands in `readFile` (undefined for a missing or unreadable file) and the parser. Bounded in files and bytes.
 */
export interface ResolveInput {
  /** Absolute path of the program, '/'-separated. */
  programPath: string;
  /** The workspace (repository) root, absolute, '/'-separated: imports resolve against it, its `src/` and the program's folder. */
  root: string;
  /** More folders imports may resolve against (the checked folder, when it is not the repository root). */
  extraRoots?: string[];
  readFile(path: string): string | undefined;
  parser: PythonParser | undefined;
}

const MAX_FILES = 50;
const MAX_BYTES = 2_000_000;
const MAX_DEPTH = 12;

// Methods that read a config file (transformers/hf_argparser.py parse_yaml_file/parse_json_file/parse_dict;
// trl/scripts/utils.py TrlParser.parse_args_and_config; alignment-handbook's H4ArgumentParser.parse_yaml_and_args and
// open-instruct's ArgumentParserPlus.parse, which read argv[1] when it ends in .yaml).
const CONFIG_METHODS = new Set(['parse_yaml_file', 'parse_json_file', 'parse_dict', 'parse_args_and_config', 'parse_yaml_and_args', 'parse']);
// Methods that parse the command line.
const COMMAND_LINE_METHODS = new Set(['parse_args', 'parse_known_args', 'parse_intermixed_args', 'parse_known_intermixed_args', 'parse_args_into_dataclasses', 'parse_args_and_config', 'parse_yaml_and_args', 'parse']);
// Bases that add no fields.
const PLAIN_BASES = new Set(['object', 'ABC', 'abc.ABC', 'Generic', 'typing.Generic']);

type Resolved =
  | { kind: 'local'; cls: PyClass; file: string; module: PythonModule }
  | { kind: 'module'; file: string; module: PythonModule }
  | { kind: 'upstream'; name: string }
  | { kind: 'unresolved'; why: string };

const dirname = (path: string) => (path.lastIndexOf('/') > 0 ? path.slice(0, path.lastIndexOf('/')) : '/');

class Workspace {
  private files = new Map<string, PythonModule | undefined>();
  private bytes = 0;
  exhausted = false;
  constructor(readonly input: ResolveInput) {}

  private get roots(): string[] {
    return [...new Set([this.input.root, ...(this.input.extraRoots ?? [])].map((r) => r.replace(/\/+$/, '')))];
  }

  /** A path relative to the innermost root holding it, for messages. */
  relative(path: string): string {
    const root = this.roots.filter((r) => path.startsWith(`${r}/`)).sort((a, b) => b.length - a.length)[0];
    return root ? path.slice(root.length + 1) : path;
  }

  module(path: string): PythonModule | undefined {
    if (this.files.has(path)) return this.files.get(path);
    if (this.files.size >= MAX_FILES || this.bytes >= MAX_BYTES) {
      this.exhausted = true;
      return undefined;
    }
    const text = this.input.readFile(path);
    if (text !== undefined) this.bytes += text.length;
    const module = text === undefined || this.bytes > MAX_BYTES ? undefined : readPythonModule(text, this.input.parser, { functionBodies: path === this.input.programPath });
    this.files.set(path, module);
    return module;
  }

  /** The file of a module, or undefined when it is not in the workspace (an installed package). */
  findModule(from: string, ref: PyModuleRef): string | undefined {
    const parts = ref.module === '' ? [] : ref.module.split('.');
    let bases: string[];
    if (ref.level > 0) {
      let base = dirname(from);
      for (let i = 1; i < ref.level; i++) base = dirname(base);
      bases = [base];
    } else {
      // sys.path[0] is the program's folder; an installed project (pip install -e .) is importable from the root or src/.
      bases = [...new Set([dirname(this.input.programPath), ...this.roots.flatMap((r) => [r, `${r}/src`])])];
    }
    for (const base of bases) {
      const stem = [base, ...parts].join('/');
      for (const candidate of parts.length === 0 ? [`${stem}/__init__.py`] : [`${stem}.py`, `${stem}/__init__.py`]) {
        if (this.module(candidate)) return candidate;
      }
    }
    return undefined;
  }
}

function resolveImported(ws: Workspace, from: string, ref: PyModuleRef, name: string | undefined, depth: number): Resolved {
  const file = ws.findModule(from, ref);
  if (name === undefined) {
    if (file) return { kind: 'module', file, module: ws.module(file)! };
    return { kind: 'unresolved', why: `module ${ref.module} is not in the workspace` };
  }
  if (file) {
    const found = resolveName(ws, file, name, depth + 1);
    if (found.kind !== 'unresolved') return found;
  }
  // `from pkg import mod`: a submodule (also of a namespace package without __init__.py).
  const sub = ws.findModule(from, { module: ref.module === '' ? name : `${ref.module}.${name}`, level: ref.level });
  if (sub) return { kind: 'module', file: sub, module: ws.module(sub)! };
  if (file) return { kind: 'unresolved', why: `${name} is not defined in ${ws.relative(file)}` };
  if (ref.level === 0) {
    const upstream = upstreamClass(ref.module, name);
    if (upstream) return { kind: 'upstream', name: upstream };
  }
  return { kind: 'unresolved', why: `${ref.level > 0 ? '.'.repeat(ref.level) : ''}${ref.module} is not in the workspace` };
}

/** What a (dotted) name means in a module: a class of the workspace, a module, an upstream class, or unknown. */
function resolveName(ws: Workspace, file: string, dotted: string, depth: number): Resolved {
  if (depth > MAX_DEPTH || ws.exhausted) return { kind: 'unresolved', why: 'the import chain is too long to follow' };
  const module = ws.module(file);
  if (!module) return { kind: 'unresolved', why: `${ws.relative(file)} could not be read` };
  const [head, ...rest] = dotted.split('.');
  let current: Resolved | undefined;
  const cls = module.classes.get(head);
  if (cls) current = { kind: 'local', cls, file, module };
  else {
    const imported = module.imports.get(head);
    if (imported) current = resolveImported(ws, file, imported, imported.name, depth);
    else {
      for (const star of module.starImports) {
        const found = resolveImported(ws, file, star, head, depth);
        if (found.kind !== 'unresolved') {
          current = found;
          break;
        }
      }
    }
  }
  if (!current) return { kind: 'unresolved', why: `${head} is not defined or imported in ${ws.relative(file)}` };
  // `import a.b` binds `a`: follow the dots through packages and modules.
  for (let i = 0; i < rest.length; i++) {
    const part = rest[i];
    if (current.kind === 'module') {
      const inner: Resolved = resolveName(ws, current.file, part, depth + 1);
      if (inner.kind !== 'unresolved') {
        current = inner;
        continue;
      }
      const sub: string | undefined = current.file.endsWith('/__init__.py') ? ws.findModule(current.file, { module: part, level: 1 }) : undefined;
      if (!sub) return inner;
      current = { kind: 'module', file: sub, module: ws.module(sub)! };
      continue;
    }
    if (current.kind === 'unresolved' && i === 0) {
      // An installed package: `transformers.TrainingArguments`, `trl.DPOConfig`.
      const imported = module.imports.get(head);
      if (imported && imported.level === 0) {
        const upstream = upstreamClass([imported.module, imported.name, ...rest.slice(0, -1)].filter(Boolean).join('.'), rest[rest.length - 1]);
        if (upstream) return { kind: 'upstream', name: upstream };
      }
    }
    return current.kind === 'unresolved' ? current : { kind: 'unresolved', why: `${dotted} is not a class TrainLint can read` };
  }
  return current;
}

interface Collected {
  fields: Map<string, { field: PyField; className: string; file: string; module: PythonModule }>;
  upstream: Set<string>;
  unresolved: string[];
}

/** A class's fields with its bases', in dataclass order: bases first (last base first), a subclass's field replacing a base's. */
function collectClass(ws: Workspace, resolved: Resolved, into: Collected, seen: Set<PyClass>, depth: number): void {
  if (resolved.kind === 'upstream') {
    into.upstream.add(resolved.name);
    return;
  }
  if (resolved.kind !== 'local') {
    into.unresolved.push(resolved.kind === 'unresolved' ? resolved.why : 'a module is no class');
    return;
  }
  if (seen.has(resolved.cls) || depth > MAX_DEPTH) return;
  seen.add(resolved.cls);
  for (const base of [...resolved.cls.bases].reverse()) {
    if (PLAIN_BASES.has(base)) continue;
    collectClass(ws, resolveName(ws, resolved.file, base, depth + 1), into, seen, depth + 1);
  }
  for (const field of resolved.cls.fields) {
    if (!field.init) into.fields.delete(field.name);
    else into.fields.set(field.name, { field, className: resolved.cls.name, file: resolved.file, module: resolved.module });
  }
}

/** Choices of a field: Literal/metadata, else the values of an Enum-typed field (hf_argparser.py: `[x.value for x in field.type]`). */
function choicesOf(ws: Workspace, entry: { field: PyField; file: string }): PyField['choices'] {
  if (entry.field.choices) return entry.field.choices;
  if (!/^[\w.]+$/.test(entry.field.baseType)) return undefined;
  const type = resolveName(ws, entry.file, entry.field.baseType, 0);
  return type.kind === 'local' ? type.cls.enumValues : undefined;
}

function describeParser(use: PyParserUse): string {
  const callee = use.callee.slice(use.callee.lastIndexOf('.') + 1);
  if (use.kind === 'argparse') return 'argparse';
  const shown = use.classes.length > 3 ? [...use.classes.slice(0, 2), '...'] : use.classes;
  return `${callee} over (${shown.join(', ')})`;
}

function dataclassSet(ws: Workspace, programFile: string, uses: PyParserUse[]): ArgumentSet {
  const collected: Collected = { fields: new Map(), upstream: new Set(), unresolved: [] };
  for (const use of uses) {
    if (use.classesUnreadable) collected.unresolved.push(use.classesUnreadable);
    for (const name of use.classes) collectClass(ws, resolveName(ws, programFile, name, 0), collected, new Set(), 0);
  }
  const fields: Record<string, ProgramArgument> = {};
  for (const [name, entry] of collected.fields) {
    const field = entry.field;
    const boolType = /^(?:bool|Optional\[bool\])$/.test(field.baseType) || field.baseType === 'bool';
    // hf_argparser.py _parse_dataclass_field: --name, --name-with-dashes, the metadata aliases, and --no_name for a bool defaulting to True.
    const flags = [`--${name}`, ...(name.includes('_') ? [`--${name.replace(/_/g, '-')}`] : []), ...field.aliases];
    if (boolType && field.default === true) flags.push(`--no_${name}`, `--no-${name.replace(/_/g, '-')}`);
    const list = /^(?:typing\.)?(?:List|list|Sequence|tuple|Tuple)\[/.test(field.baseType);
    const argument: ProgramArgument = { name, flags, type: field.type, definedIn: { className: entry.className, file: ws.relative(entry.file) } };
    const choices = choicesOf(ws, entry);
    if (choices) argument.choices = choices;
    if (list) argument.nargs = '+';
    else if (boolType) argument.nargs = '?';
    if (collected.upstream.size > 0 && upstreamDefines(name)) argument.redefines = true;
    fields[name] = argument;
  }
  const acceptsUnknown = uses.map((u) => u.acceptsUnknown).find(Boolean);
  const why = collected.unresolved[0] ?? (ws.exhausted ? 'the program imports more than TrainLint reads' : undefined);
  return {
    parser: [...new Set(uses.map(describeParser))].join(' and '),
    style: 'dataclass',
    fields,
    upstream: [...collected.upstream],
    complete: why === undefined,
    ...(why ? { incompleteBecause: why } : {}),
    ...(acceptsUnknown ? { acceptsUnknown } : {}),
  };
}

function argparseSet(ws: Workspace, programFile: string, uses: PyParserUse[]): ArgumentSet {
  const fields: Record<string, ProgramArgument> = {};
  for (const use of uses) {
    for (const option of use.options) {
      const existing = fields[option.dest];
      if (existing) {
        existing.flags.push(...option.flags);
        continue;
      }
      const argument: ProgramArgument = { name: option.dest, flags: [...option.flags], definedIn: { file: ws.relative(programFile) } };
      if (option.type) argument.type = option.type;
      if (option.choices) argument.choices = option.choices;
      if (option.nargs !== undefined) argument.nargs = option.nargs;
      if (option.action) argument.action = option.action;
      fields[option.dest] = argument;
    }
  }
  const opaque = uses.map((u) => u.opaque).find(Boolean);
  const acceptsUnknown = uses.map((u) => u.acceptsUnknown).find(Boolean);
  return { parser: 'argparse', style: 'argparse', fields, upstream: [], complete: !opaque, ...(opaque ? { incompleteBecause: opaque } : {}), ...(acceptsUnknown ? { acceptsUnknown } : {}) };
}

function setOf(ws: Workspace, programFile: string, uses: PyParserUse[]): ArgumentSet | undefined {
  if (uses.length === 0) return undefined;
  const dataclass = uses.filter((u) => u.kind === 'dataclass');
  const argparse = uses.filter((u) => u.kind === 'argparse');
  if (argparse.length === 0) return dataclassSet(ws, programFile, dataclass);
  if (dataclass.length === 0) return argparseSet(ws, programFile, argparse);
  // Both parse the command line: a flag either takes is accepted (each parser's parse_known_args leaves the other's alone).
  const a = dataclassSet(ws, programFile, dataclass);
  const b = argparseSet(ws, programFile, argparse);
  return {
    ...a,
    parser: `${a.parser} and argparse`,
    fields: { ...b.fields, ...a.fields },
    complete: a.complete && b.complete,
    ...(a.incompleteBecause ?? b.incompleteBecause ? { incompleteBecause: a.incompleteBecause ?? b.incompleteBecause } : {}),
    ...(a.acceptsUnknown ?? b.acceptsUnknown ? { acceptsUnknown: a.acceptsUnknown ?? b.acceptsUnknown } : {}),
  };
}

/** The arguments of a program, or undefined when it builds no parser TrainLint can see (or cannot be read). Never throws. */
export function resolveProgram(input: ResolveInput): ProgramArguments | undefined {
  try {
    const ws = new Workspace(input);
    const module = ws.module(input.programPath);
    if (!module || module.unreadable || module.parsers.length === 0) return undefined;
    const parsers = module.parsers;
    const used = (use: PyParserUse, methods: Set<string>) => [...use.methods].some((m) => methods.has(m));
    // A dataclass parser whose methods are not called here (it is handed to a helper) may serve either purpose.
    const unknownUse = (use: PyParserUse) => ![...use.methods].some((m) => CONFIG_METHODS.has(m) || COMMAND_LINE_METHODS.has(m));
    const commandLine = parsers.filter((u) => used(u, COMMAND_LINE_METHODS) || unknownUse(u));
    const configUses = parsers.filter((u) => u.kind === 'dataclass' && used(u, CONFIG_METHODS));
    const config = configUses.length > 0 ? configUses : parsers.filter((u) => u.kind === 'dataclass' && unknownUse(u));
    const result: ProgramArguments = { program: ws.relative(input.programPath), readsConfigFile: configUses.length > 0 };
    const cli = setOf(ws, input.programPath, commandLine);
    if (cli) result.commandLine = cli;
    const file = setOf(ws, input.programPath, config);
    if (file) result.configFile = file;
    return result.commandLine || result.configFile ? result : undefined;
  } catch {
    return undefined;
  }
}

const resolvedCache = new Map<string, { reads: string; result: ProgramArguments | undefined }>();

/** One line per file read: its path and content hash (a missing file as '-'). */
function readsKey(reads: Array<[string, string | undefined]>): string {
  return reads.map(([path, text]) => `${path}\0${text === undefined ? '-' : contentHash(text)}`).join('\n');
}

/**
 * resolveProgram, cached per program and keyed by the content of every file the last resolution read: an edit to any
 * of them (or a new file on an import path) is seen, while an unchanged program is not re-parsed on each keystroke.
 * Checking the key re-reads those files (bounded as above); parsing them again is what is saved.
 */
export function resolveProgramCached(input: ResolveInput): ProgramArguments | undefined {
  const id = `${[input.root, ...(input.extraRoots ?? [])].join('\0')}\0${input.programPath}`;
  const cached = resolvedCache.get(id);
  if (cached) {
    const paths = cached.reads === '' ? [] : cached.reads.split('\n').map((line) => line.slice(0, line.indexOf('\0')));
    if (readsKey(paths.map((path) => [path, input.readFile(path)])) === cached.reads) return cached.result;
  }
  const reads: Array<[string, string | undefined]> = [];
  const result = resolveProgram({ ...input, readFile: (path) => {
    const text = input.readFile(path);
    reads.push([path, text]);
    return text;
  } });
  if (resolvedCache.size >= 100) resolvedCache.delete(resolvedCache.keys().next().value!);
  resolvedCache.set(id, { reads: readsKey(reads), result });
  return result;
}
