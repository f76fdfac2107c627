import { dottedName, literalOf, namedChildren, textOf, type PyLiteral, type PySyntaxNode, type PythonParser } from './syntax';

/**
 * What TrainLint reads from one Python module: its imports, its classes (dataclass fields, enum values, bases), the
 * argument parsers it builds (HfArgumentParser-style over dataclasses, or argparse with add_argument) and what it calls
 * on them. Statically, and only what is written literally; anything else leaves a note that makes the result incomplete.
 */
export interface PythonModule {
  /** Local name to what it binds: `import a.b as c` (module a.b), `from .x import Y as Z` (name Y of .x). */
  imports: Map<string, PyImport>;
  /** `from x import *`: modules whose names this one re-exports. */
  starImports: PyModuleRef[];
  classes: Map<string, PyClass>;
  /** Functions defined at any level, by name: a parser passed to one of them gets its options there. */
  functions: Set<string>;
  parsers: PyParserUse[];
  /** add_argument calls on a receiver this module never assigned a parser to (inside `def add_args(parser)`). */
  looseOptions: PyOption[];
  /** The module could not be parsed (no parser loaded, or the text was too large). */
  unreadable?: string;
}

export interface PyModuleRef {
  /** Dotted module path without the leading dots (`x.y`, or '' for `from . import q`). */
  module: string;
  /** Leading dots of a relative import; 0 for an absolute one. */
  level: number;
}

export interface PyImport extends PyModuleRef {
  /** The imported name (`from m import name`); absent for `import m`. */
  name?: string;
}

export interface PyField {
  name: string;
  /** The annotation as written (`Optional[Literal["a", "b"]]`). */
  type: string;
  /** The annotation without Optional/Union-with-None: what HfArgumentParser builds the option from (transformers/hf_argparser.py _parse_dataclass_field). */
  baseType: string;
  /** Literal[...] values, or `field(metadata={"choices": [...]})`. */
  choices?: PyLiteral[];
  default?: PyLiteral;
  hasDefault: boolean;
  /** `field(init=False)`: not an argument (hf_argparser.py keeps only fields with f.init). */
  init: boolean;
  /** `field(metadata={"aliases": [...]})`: extra option strings (hf_argparser.py `aliases`). */
  aliases: string[];
}

export interface PyClass {
  name: string;
  /** Base classes as written (`transformers.TrainingArguments`, `B`). */
  bases: string[];
  /** Decorated with `@dataclass`, `@dataclasses.dataclass` or `@dataclass(...)`. */
  dataclass: boolean;
  fields: PyField[];
  /** Member values of an Enum (`A = "a"`); undefined when a value is not a literal (auto()). */
  enumValues?: PyLiteral[];
  enumValuesUnknown?: boolean;
}

export interface PyOption {
  /** Option strings as written (`--lr`, `-l`); positional arguments have none and are not kept. */
  flags: string[];
  dest: string;
  type?: string;
  choices?: PyLiteral[];
  nargs?: string | number;
  action?: string;
}

/** One argument parser the module builds, and what it does with it. */
export interface PyParserUse {
  kind: 'dataclass' | 'argparse';
  /** The callee as written (`HfArgumentParser`, `transformers.HfArgumentParser`, `argparse.ArgumentParser`). */
  callee: string;
  /** Dataclass parsers: the classes as written. */
  classes: string[];
  /** Dataclass parsers: why the classes could not all be read (a variable instead of a tuple of names). */
  classesUnreadable?: string;
  /** Methods called on the parser (`parse_args_into_dataclasses`, `parse_yaml_file`, `parse_known_args`). */
  methods: Set<string>;
  /** Why unknown arguments do not stop the program (parse_known_args, allow_extra_keys=True, return_remaining_strings=True). */
  acceptsUnknown?: string;
  /** argparse: the options added to it or to its groups. */
  options: PyOption[];
  /** argparse: why more options may exist than the ones read (the parser handed to a function of another module, parents=). */
  opaque?: string;
  /** The parser is handed to a function defined in this module, so the module's loose add_argument calls count. */
  takesLooseOptions?: boolean;
}

// Bounds: a module's syntax tree is walked once, iteratively, up to this many nodes.
const MAX_NODES = 300_000;

const DATACLASS_PARSER_KEYWORDS = new Set(['dataclass_types']);
// Keyword arguments that keep unknown keys or flags from stopping the program:
// transformers/hf_argparser.py parse_dict/parse_yaml_file/parse_json_file (allow_extra_keys) and parse_args_into_dataclasses
// (return_remaining_strings); trl/commands/cli_utils.py TrlParser(ignore_extra_args=True); trl/scripts/utils.py
// parse_args_and_config(fail_with_unknown_args=False).
const LENIENT_KEYWORDS: Record<string, boolean> = { allow_extra_keys: true, return_remaining_strings: true, ignore_extra_args: true, fail_with_unknown_args: false };

function lastPart(dotted: string): string {
  return dotted.slice(dotted.lastIndexOf('.') + 1);
}

function callParts(call: PySyntaxNode, text: string): { callee?: string; calleeNode?: PySyntaxNode; positional: PySyntaxNode[]; keywords: Map<string, PySyntaxNode> } {
  const [fn, args] = namedChildren(call);
  const positional: PySyntaxNode[] = [];
  const keywords = new Map<string, PySyntaxNode>();
  for (const arg of args && args.type === 'argument_list' ? namedChildren(args) : []) {
    if (arg.type === 'keyword_argument') {
      const [name, value] = namedChildren(arg);
      if (name && value) keywords.set(textOf(name, text), value);
    } else positional.push(arg);
  }
  return { callee: dottedName(fn, text), calleeNode: fn, positional, keywords };
}

/** `Optional[X]`, `Union[X, None]`, `X | None` to X (hf_argparser.py filters NoneType out of a Union). */
export function stripOptional(type: string): string {
  let t = type.trim();
  for (let i = 0; i < 4; i++) {
    const optional = /^(?:typing\.)?Optional\[(.*)\]$/s.exec(t);
    if (optional) {
      t = optional[1].trim();
      continue;
    }
    const union = /^(?:typing\.)?Union\[(.*)\]$/s.exec(t);
    const parts = union ? splitTopLevel(union[1]) : t.includes('|') ? splitTopLevel(t, '|') : undefined;
    if (parts && parts.length === 2 && parts.some((p) => p === 'None' || p === 'NoneType')) {
      t = parts.find((p) => p !== 'None' && p !== 'NoneType')!;
      continue;
    }
    break;
  }
  return t;
}

function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '[' || ch === '(') depth++;
    if (ch === ']' || ch === ')') depth--;
    if (ch === separator && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  parts.push(current.trim());
  return parts.filter((p) => p !== '');
}

/** The values of a `Literal[...]` anywhere in an annotation node. */
function literalChoices(type: PySyntaxNode, text: string): PyLiteral[] | undefined {
  const stack = [type];
  let seen = 0;
  while (stack.length > 0 && seen++ < 2000) {
    const node = stack.pop()!;
    if (node.type === 'generic_type' || node.type === 'subscript') {
      const [head, ...rest] = namedChildren(node);
      if (head && /^(?:typing\.|typing_extensions\.)?Literal$/.test(textOf(head, text))) {
        const params = node.type === 'generic_type' ? namedChildren(rest[0] ?? head).map((t) => (t.type === 'type' ? namedChildren(t)[0] : t)) : rest;
        const values = params.map((p) => literalOf(p, text));
        return values.every((v) => v !== undefined) ? (values as PyLiteral[]) : undefined;
      }
    }
    stack.push(...namedChildren(node));
  }
  return undefined;
}

function readField(assignment: PySyntaxNode, text: string): PyField | undefined {
  const kids = namedChildren(assignment);
  const target = kids[0];
  const typeNode = assignment.children.find((c) => c.type === 'type');
  if (!target || target.type !== 'identifier' || !typeNode) return undefined;
  const type = textOf(typeNode, text).replace(/\s+/g, ' ');
  if (/^(?:typing\.)?ClassVar\b/.test(type) || /^(?:dataclasses\.)?InitVar\b/.test(type)) return undefined;
  const equals = assignment.children.findIndex((c) => c.type === '=');
  const valueNode = equals >= 0 ? assignment.children.slice(equals + 1).find((c) => c.named) : undefined;
  const field: PyField = { name: textOf(target, text), type, baseType: stripOptional(type), hasDefault: valueNode !== undefined, init: true, aliases: [] };
  const choices = literalChoices(typeNode, text);
  if (choices) field.choices = choices;
  if (valueNode?.type === 'call') {
    const call = callParts(valueNode, text);
    if (call.callee && /^(?:dataclasses\.)?field$|^HfArg$/.test(call.callee)) {
      field.hasDefault = call.keywords.has('default') || call.keywords.has('default_factory');
      const def = literalOf(call.keywords.get('default'), text);
      if (def !== undefined) field.default = def;
      if (literalOf(call.keywords.get('init'), text) === false) field.init = false;
      const metadata = call.keywords.get('metadata');
      for (const pair of metadata?.type === 'dictionary' ? namedChildren(metadata) : []) {
        if (pair.type !== 'pair') continue;
        const [key, value] = namedChildren(pair);
        const name = literalOf(key, text);
        const v = literalOf(value, text);
        // hf_argparser.py: field.metadata is copied into add_argument's kwargs, so "choices" restricts the option.
        if (name === 'choices' && Array.isArray(v)) field.choices = v;
        if (name === 'aliases') field.aliases = typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((a): a is string => typeof a === 'string') : [];
      }
      // HfArg(aliases=...) (hf_argparser.py HfArg) puts them in the metadata too.
      const aliases = literalOf(call.keywords.get('aliases'), text);
      if (typeof aliases === 'string') field.aliases = [aliases];
      else if (Array.isArray(aliases)) field.aliases = aliases.filter((a): a is string => typeof a === 'string');
      const hfChoices = literalOf(call.keywords.get('choices'), text);
      if (Array.isArray(hfChoices)) field.choices = hfChoices;
    }
  } else if (valueNode) {
    const def = literalOf(valueNode, text);
    if (def !== undefined) field.default = def;
  }
  return field;
}

function readClass(node: PySyntaxNode, decorators: PySyntaxNode[], text: string): PyClass | undefined {
  const kids = namedChildren(node);
  const name = kids.find((c) => c.type === 'identifier');
  if (!name) return undefined;
  const argumentList = kids.find((c) => c.type === 'argument_list');
  const bases = (argumentList ? namedChildren(argumentList) : []).filter((c) => c.type !== 'keyword_argument').map((c) => dottedName(c, text) ?? textOf(c, text));
  const dataclass = decorators.some((d) => {
    const expr = namedChildren(d)[0];
    const callee = expr?.type === 'call' ? dottedName(namedChildren(expr)[0], text) : dottedName(expr, text);
    return callee !== undefined && /^(?:dataclasses\.)?dataclass$|^(?:pydantic\.)?dataclasses\.dataclass$/.test(callee);
  });
  const body = kids.find((c) => c.type === 'block');
  const cls: PyClass = { name: textOf(name, text), bases, dataclass, fields: [] };
  const enumValues: PyLiteral[] = [];
  for (const statement of body ? namedChildren(body) : []) {
    if (statement.type !== 'expression_statement') continue;
    const assignment = namedChildren(statement)[0];
    if (assignment?.type !== 'assignment') continue;
    const field = readField(assignment, text);
    if (field) {
      cls.fields.push(field);
      continue;
    }
    // An Enum member: NAME = "value" (no annotation).
    const [target] = namedChildren(assignment);
    const equals = assignment.children.findIndex((c) => c.type === '=');
    const value = equals >= 0 ? literalOf(assignment.children.slice(equals + 1).find((c) => c.named), text) : undefined;
    if (target?.type === 'identifier' && !textOf(target, text).startsWith('_')) {
      if (value === undefined) cls.enumValuesUnknown = true;
      else enumValues.push(value);
    }
  }
  if (bases.some((b) => /Enum$/.test(lastPart(b)))) cls.enumValues = cls.enumValuesUnknown ? undefined : enumValues;
  return cls;
}

function readImport(node: PySyntaxNode, text: string, module: PythonModule): void {
  const kids = namedChildren(node);
  if (node.type === 'import_statement') {
    for (const item of kids) {
      if (item.type === 'dotted_name') {
        const dotted = dottedName(item, text)!;
        // `import a.b` binds `a`; `a.b.X` is then followed through the package.
        const head = dotted.split('.')[0];
        module.imports.set(head, { module: head, level: 0 });
      } else if (item.type === 'aliased_import') {
        const [target, alias] = namedChildren(item);
        const dotted = dottedName(target, text);
        if (dotted && alias) module.imports.set(textOf(alias, text), { module: dotted, level: 0 });
      }
    }
    return;
  }
  // import_from_statement: from (dotted_name | relative_import) import names | *
  const source = kids[0];
  if (!source) return;
  let ref: PyModuleRef;
  if (source.type === 'relative_import') {
    const prefix = source.children.find((c) => c.type === 'import_prefix');
    const level = prefix ? textOf(prefix, text).replace(/\s/g, '').length : 0;
    const name = source.children.find((c) => c.type === 'dotted_name');
    ref = { module: name ? dottedName(name, text) ?? '' : '', level };
  } else {
    ref = { module: dottedName(source, text) ?? '', level: 0 };
  }
  if (kids.some((c) => c.type === 'wildcard_import')) {
    module.starImports.push(ref);
    return;
  }
  for (const item of kids.slice(1)) {
    if (item.type === 'dotted_name') {
      const name = dottedName(item, text)!;
      module.imports.set(name, { ...ref, name });
    } else if (item.type === 'aliased_import') {
      const [target, alias] = namedChildren(item);
      const name = dottedName(target, text);
      if (name && alias) module.imports.set(textOf(alias, text), { ...ref, name });
    }
  }
}

function readOption(call: ReturnType<typeof callParts>, text: string): PyOption | undefined {
  const flags = call.positional.map((p) => literalOf(p, text)).filter((v): v is string => typeof v === 'string' && v.startsWith('-'));
  if (flags.length === 0) return undefined;
  // argparse: dest is the first long option (else the first short one) without its dashes, '-' made '_'.
  const long = flags.find((f) => f.startsWith('--')) ?? flags[0];
  const destKw = literalOf(call.keywords.get('dest'), text);
  const dest = typeof destKw === 'string' ? destKw : long.replace(/^-+/, '').replace(/-/g, '_');
  const option: PyOption = { flags, dest };
  const type = call.keywords.get('type');
  if (type) option.type = textOf(type, text);
  const choices = literalOf(call.keywords.get('choices'), text);
  if (Array.isArray(choices)) option.choices = choices;
  else if (call.keywords.has('choices')) option.choices = undefined;
  const nargs = literalOf(call.keywords.get('nargs'), text);
  if (typeof nargs === 'string' || typeof nargs === 'number') option.nargs = nargs;
  const action = call.keywords.get('action');
  if (action) option.action = literalOf(action, text) as string | undefined ?? textOf(action, text);
  return option;
}

/** Whether a call builds an argument parser, and which kind: a dataclass parser takes classes, argparse's takes none. */
function parserKind(call: ReturnType<typeof callParts>, text: string): PyParserUse | undefined {
  const callee = call.callee;
  if (!callee) return undefined;
  const last = lastPart(callee);
  // HfArgumentParser, TrlParser, H4ArgumentParser, ArgumentParserPlus (open-instruct), ...
  if (!/Parser/.test(last)) return undefined;
  const first = call.positional[0] ?? [...call.keywords].find(([k]) => DATACLASS_PARSER_KEYWORDS.has(k))?.[1];
  const base: Omit<PyParserUse, 'kind' | 'classes'> = { callee, methods: new Set(), options: [] };
  if (!first || first.type === 'string') {
    if (last !== 'ArgumentParser') return undefined;
    const use: PyParserUse = { ...base, kind: 'argparse', classes: [] };
    // argparse.ArgumentParser(parents=[...]) copies the parents' options, which are built elsewhere.
    if (call.keywords.has('parents')) use.opaque = 'it copies the options of parents= parsers';
    return use;
  }
  let classes: string[] = [];
  let unreadable: string | undefined;
  if (first.type === 'tuple' || first.type === 'list' || first.type === 'parenthesized_expression') {
    const items = namedChildren(first);
    const names = items.map((i) => dottedName(i, text));
    if (names.every((n): n is string => n !== undefined)) classes = names;
    else unreadable = `its classes are not all plain names (${textOf(first, text).slice(0, 60)})`;
  } else {
    const name = dottedName(first, text);
    if (!name) return undefined;
    classes = [name];
  }
  const use: PyParserUse = { ...base, kind: 'dataclass', classes };
  if (unreadable) use.classesUnreadable = unreadable;
  const lenient = lenientKeyword(call, text);
  if (lenient) use.acceptsUnknown = lenient;
  return use;
}

function lenientKeyword(call: ReturnType<typeof callParts>, text: string): string | undefined {
  for (const [keyword, value] of Object.entries(LENIENT_KEYWORDS)) {
    const node = call.keywords.get(keyword);
    if (!node) continue;
    const written = literalOf(node, text);
    // A value that is not a literal may be the lenient one.
    if (written === value || written === undefined) return `${keyword}=${textOf(node, text)}`;
  }
  return undefined;
}

const moduleCache = new Map<string, PythonModule>();
const MODULE_CACHE_SIZE = 300;

/** FNV-1a over the text, with its length: the key of a module's cached reading (the language server re-reads on each keystroke). */
export function contentHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${text.length.toString(36)}:${hash.toString(36)}`;
}

/**
 * Reads one module, cached by content. Never throws: an unparsable text gives an empty module with `unreadable` set.
 * `functionBodies: false` (an imported module) reads imports and classes only; the parsers a program builds inside
 * main() need the bodies.
 */
export function readPythonModule(text: string, parser: PythonParser | undefined, options: { functionBodies: boolean } = { functionBodies: true }): PythonModule {
  const key = `${options.functionBodies ? 'full' : 'outline'}:${contentHash(text)}`;
  const cached = moduleCache.get(key);
  if (cached) return cached;
  let module: PythonModule;
  try {
    module = readUncached(text, parser, options.functionBodies);
  } catch {
    module = emptyModule('it could not be read');
  }
  if (moduleCache.size >= MODULE_CACHE_SIZE) moduleCache.delete(moduleCache.keys().next().value!);
  moduleCache.set(key, module);
  return module;
}

function emptyModule(unreadable?: string): PythonModule {
  return { imports: new Map(), starImports: [], classes: new Map(), functions: new Set(), parsers: [], looseOptions: [], ...(unreadable ? { unreadable } : {}) };
}

function readUncached(text: string, parser: PythonParser | undefined, functionBodies: boolean): PythonModule {
  if (!parser) return emptyModule('no Python parser was loaded');
  const root = parser.parse(text, { functionBodies });
  if (!root) return emptyModule('the Python parser gave up');
  const module = emptyModule();
  // Variables bound to a parser (or one of its argument groups), by name, as the walk meets them in source order.
  const bound = new Map<string, PyParserUse>();
  const receiverOf = (node: PySyntaxNode | undefined): PyParserUse | undefined => {
    if (!node) return undefined;
    const name = dottedName(node, text);
    return name !== undefined ? bound.get(name) : undefined;
  };
  // The walk is in source order, so a decorated_definition is met before the class it decorates.
  const decoratorsOf = new Map<PySyntaxNode, PySyntaxNode[]>();
  const stack: PySyntaxNode[] = [root];
  let visited = 0;
  while (stack.length > 0 && visited++ < MAX_NODES) {
    const node = stack.pop()!;
    // Children in source order: pushed reversed.
    for (let i = node.children.length - 1; i >= 0; i--) if (node.children[i].named) stack.push(node.children[i]);
    switch (node.type) {
      case 'import_statement':
      case 'import_from_statement':
        readImport(node, text, module);
        break;
      case 'function_definition': {
        const name = namedChildren(node).find((c) => c.type === 'identifier');
        if (name) module.functions.add(textOf(name, text));
        break;
      }
      case 'decorated_definition': {
        const definition = node.children.find((c) => c.type === 'class_definition');
        if (definition) decoratorsOf.set(definition, node.children.filter((c) => c.type === 'decorator'));
        break;
      }
      case 'class_definition': {
        const cls = readClass(node, decoratorsOf.get(node) ?? [], text);
        if (cls && !module.classes.has(cls.name)) module.classes.set(cls.name, cls);
        break;
      }
      case 'assignment': {
        const [target] = namedChildren(node);
        const equals = node.children.findIndex((c) => c.type === '=');
        const value = equals >= 0 ? node.children.slice(equals + 1).find((c) => c.named) : undefined;
        const name = dottedName(target, text);
        if (!name || value?.type !== 'call') break;
        const call = callParts(value, text);
        const use = parserKind(call, text);
        if (use) {
          module.parsers.push(use);
          bound.set(name, use);
          break;
        }
        // group = parser.add_argument_group(...) / add_mutually_exclusive_group(...): options added to it are the parser's.
        if (call.calleeNode?.type === 'attribute') {
          const [object, method] = namedChildren(call.calleeNode);
          const owner = receiverOf(object);
          const m = method ? textOf(method, text) : '';
          if (owner && (m === 'add_argument_group' || m === 'add_mutually_exclusive_group')) bound.set(name, owner);
          else if (owner && m === 'add_subparsers') owner.opaque = 'it has sub-commands (add_subparsers)';
        }
        break;
      }
      case 'call': {
        const call = callParts(node, text);
        // A parser built and used in one expression: HfArgumentParser((A, B)).parse_args_into_dataclasses().
        if (call.calleeNode?.type === 'attribute') {
          const [object, method] = namedChildren(call.calleeNode);
          const m = method ? textOf(method, text) : '';
          let owner = receiverOf(object);
          if (!owner && object?.type === 'call') {
            const inner = parserKind(callParts(object, text), text);
            if (inner) {
              module.parsers.push(inner);
              owner = inner;
            }
          }
          if (m === 'add_argument') {
            const option = readOption(call, text);
            if (option) (owner ? owner.options : module.looseOptions).push(option);
            // An option name built at run time (OpenRLHF: f"--{prefix}.adam.lr" in a loop): the parser takes names we cannot list.
            else if (owner && call.positional.some((p) => typeof literalOf(p, text) !== 'string')) owner.opaque ??= 'an option name is computed (an f-string or a variable)';
            // A positional with nargs=REMAINDER (xla_spawn.py's training_script_args) takes every later word, flags included.
            if (owner && /REMAINDER$|^['"]\.\.\.['"]$/.test(textOf(call.keywords.get('nargs') ?? node, text))) owner.acceptsUnknown ??= 'a positional takes the remaining arguments (nargs=REMAINDER)';
          } else if (owner) {
            owner.methods.add(m);
            if (m === 'parse_known_args' || m === 'parse_known_intermixed_args') owner.acceptsUnknown ??= `it calls ${m}`;
            const lenient = lenientKeyword(call, text);
            if (lenient) owner.acceptsUnknown ??= `${m}(${lenient})`;
          }
        }
        // A parser handed to a function: options are added there (deepspeed.add_config_arguments(parser), add_args(parser)).
        for (const arg of call.positional) {
          const owner = receiverOf(arg);
          if (!owner || owner.kind !== 'argparse') continue;
          const callee = call.callee ?? textOf(namedChildren(node)[0] ?? node, text);
          if (module.functions.has(callee) || isDefinedLater(callee, text)) owner.takesLooseOptions = true;
          else owner.opaque ??= `it is handed to ${callee}(), which may add options`;
        }
        break;
      }
    }
  }
  if (visited >= MAX_NODES) module.unreadable = 'the module is too large to read fully';
  for (const use of module.parsers) if (use.takesLooseOptions) use.options.push(...module.looseOptions);
  return module;
}

/** A function this module defines anywhere, also after the call that hands it the parser (main() above add_args()). */
function isDefinedLater(name: string, text: string): boolean {
  return /^\w+$/.test(name) && new RegExp(`^[ \\t]*(?:async[ \\t]+)?def[ \\t]+${name}[ \\t]*\\(`, 'm').test(text);
}
