import type { ErrorObject } from 'ajv';
import { childPointer, getChild, type ConfigNode, toPlain, splitPointer } from '../syntax/config-tree';
import { knownProperties, propertySchema, schemaAt, unknownKeyPolicy, type SchemaNode } from '../schema/schema-walk';
import { validateAgainst } from '../schema/validate';
import { schemaFor } from '../schema/schemas';
import { programOf } from '../programs/index';
import type { Format } from '../programs/ids';
import type { ArgumentFacts } from '../programs/program';
import { clearWinner, rankSuggestions, type Suggestion } from '../util/did-you-mean';
import { renameKey, formatScalar } from '../fix/edits';
import { YAML12_NUMBER_RE } from '../syntax/yaml-scalars';
import type { Fix } from '../diagnostic';
import type { Rule, RuleContext } from './rule';
import { checkoutOutOfReach } from './checkout';
import { shellFactsOf } from '../shell/shell-config';
import { fieldText } from '../shell/words';
import { ownedByProgram, programKeys, reportProgramUnknownKeys, reportProgramValues } from './program-rules';
import { capSeverity, reportChoicesMissingAtPin, reportKeysMissingAtPin, versionedChoice, versionedRename, versionedUnknownKey, versionedValue } from './version-checks';

// Values that other rules explain better than a schema message can.
const CLAIMED_BY_OTHER_RULES: Record<string, string[]> = {
  deepspeed: ['/zero_optimization/stage'], // invalid-zero-stage
};

interface Located {
  root: ConfigNode;
  schema: SchemaNode;
  index: Map<string, ConfigNode>;
}

function nodeIndex(root: ConfigNode): Map<string, ConfigNode> {
  const index = new Map<string, ConfigNode>();
  const visit = (node: ConfigNode) => {
    index.set(node.pointer, node);
    node.children.forEach(visit);
  };
  visit(root);
  return index;
}

// Validation results per config root: unknown-key and invalid-value read the same ajv run.
const validated = new WeakMap<ConfigNode, { located: Located; errors: ErrorObject[] }>();

/** Validates each config root once per analysis; the schema rules share the result. */
function forEachValidated(ctx: RuleContext, visit: (located: Located, errors: ErrorObject[]) => void): void {
  const schema = schemaFor(ctx.format, ctx.tree);
  if (!schema) return;
  for (const root of ctx.roots) {
    if (root.kind !== 'object') continue;
    let entry = validated.get(root);
    if (!entry || entry.located.schema !== schema) {
      entry = { located: { root, schema, index: nodeIndex(root) }, errors: validateAgainst(schema, toPlain(root)) };
      validated.set(root, entry);
    }
    visit(entry.located, entry.errors);
  }
}

function frameworkName(format: Format): string {
  const program = programOf(format);
  return program ? program.parser ?? program.displayName : format;
}

/** The program a schema describes, by its title ("Megatron-DeepSpeed command-line arguments"), else by the format. */
function schemaFramework(schema: SchemaNode, format: Format): string {
  const title = (schema as { title?: string }).title;
  return title ? title.replace(/ command-line arguments$/, '') : frameworkName(format);
}

function where(pointer: string): string {
  const tokens = splitPointer(pointer);
  return tokens.length === 0 ? 'at the top level' : `in ${tokens.join('.')}`;
}

// Suggestions per object schema and unknown name: the same typo in many files (or keystrokes) is ranked once.
const suggestionCache = new WeakMap<SchemaNode, Map<string, Suggestion[]>>();

// The candidate names per object schema, listed once: listing them per unknown key cost as much as the ranking.
const publicCache = new WeakMap<SchemaNode, string[]>();

function publicProperties(root: SchemaNode, objectSchema: SchemaNode): string[] {
  let names = publicCache.get(objectSchema);
  if (!names) {
    names = knownProperties(root, objectSchema).filter((name) => !name.startsWith('_'));
    publicCache.set(objectSchema, names);
  }
  return names;
}

function suggestionsFor(root: SchemaNode, objectSchema: SchemaNode, key: string): Suggestion[] {
  let byKey = suggestionCache.get(objectSchema);
  if (!byKey) {
    byKey = new Map();
    suggestionCache.set(objectSchema, byKey);
  }
  let ranked = byKey.get(key);
  if (!ranked) {
    // A few extra candidates, since names the object already has are dropped afterwards.
    // Private fields (`_kt_config_handle`, init=False) are nobody's intended spelling of a public key.
    const candidates = key.startsWith('_') ? knownProperties(root, objectSchema) : publicProperties(root, objectSchema);
    ranked = rankSuggestions(key, candidates, 8);
    if (byKey.size < 1000) byKey.set(key, ranked);
  }
  return ranked;
}

function jsonTypes(value: unknown): string[] {
  if (value === null) return ['null'];
  if (Array.isArray(value)) return ['array'];
  if (typeof value === 'number') return Number.isInteger(value) ? ['integer', 'number'] : ['number'];
  return [typeof value];
}

/**
 * Whether renaming a key keeps the kind of value written, so the rename can be offered (and, for a typo, be safe): a
 * string under a key that takes an object (`_comment` to `comet`) is not, nor is a typed old key becoming an untyped
 * new one of another format (`rampup_batch_size`: three integers, `step_batch_size_schedule`: a schedule string). A
 * misspelt choice under the right key is left to invalid-value, which fixes it next.
 */
function renameKeepsValue(node: ConfigNode, target: SchemaNode | undefined, source?: SchemaNode): boolean {
  if (!target) return false;
  if (target.type === undefined) return source?.type === undefined;
  const allowed = Array.isArray(target.type) ? target.type : [target.type];
  return jsonTypes(toPlain(node)).some((t) => allowed.includes(t));
}

/** `_comment`, `//`, `#note`: keys people write as comments in formats without them. */
/** A key written with no value (`gptq_model_v1:`): YAML null, which axolotl reads as the field left unset. */
function emptyValueIsUnset(ctx: RuleContext, node: ConfigNode): boolean {
  return argumentsOf(ctx)?.nullIsUnset === true && node.kind === 'scalar' && node.value === null;
}

function argumentsOf(ctx: RuleContext): ArgumentFacts | undefined {
  return programOf(ctx.format)?.arguments;
}

function isCommentKey(key: string): boolean {
  return /^(?:_|\/\/|#)/.test(key) || /comment/i.test(key);
}

export const unknownKey: Rule = {
  meta: {
    code: 'TL201',
    name: 'unknown-key',
    judgesRelease: true,
    severity: 'warning',
    summary: 'A key the framework does not know, usually a misspelling.',
    why: 'Some frameworks reject unknown keys (DeepSpeed\'s pydantic sections, HfArgumentParser, TrlParser); others silently ignore them (DeepSpeed\'s top level), so a typo such as `gradient_acumulation_steps` quietly trains with the default.',
    fix: 'When one known key is clearly closest, renaming to it is offered, as a safe fix when the written value is valid for that key; otherwise the closest names are listed. Keys written as comments (`_comment`, `//`) are left alone where the framework ignores unknown keys.',
    example: { language: 'json', text: '{\n  "train_batch_size": 32,\n  "gradient_acumulation_steps": 2,\n  "zero_optimization": { "stage": 2 }\n}' },
    references: ['deepspeedai/DeepSpeed deepspeed/runtime/config_utils.py (extra="forbid")', 'huggingface/transformers src/transformers/hf_argparser.py (parse_dict)'],
  },
  check(ctx) {
    // The program that reads the file is known: it decides the keys it defines or certainly rejects (program-rules.ts).
    const program = programKeys(ctx);
    if (program) reportProgramUnknownKeys(ctx, program);
    forEachValidated(ctx, ({ root, schema, index }, errors) => {
      // Launch-script flags upstream does not define and that are no near-miss: several of them mean a fork.
      const forkFlags: ConfigNode[] = [];
      const fork = forkFileOf(ctx, schema);
      // axolotl plugins (plugins: [axolotl.integrations.liger.LigerPlugin]) merge their own arguments into the config.
      const pluginsKey = argumentsOf(ctx)?.pluginsKey;
      const pluginsNode = pluginsKey ? getChild(root, pluginsKey) : undefined;
      const openSection = argumentsOf(ctx)?.openSection;
      const plugins = pluginsNode?.kind === 'array' ? pluginsNode.children.map((c) => String(c.value)) : [];
      const pluginKeys: ConfigNode[] = [];
      const programKeys: ConfigNode[] = [];
      const modelKeys: ConfigNode[] = [];
      const optionalFlags = argumentsOf(ctx)?.optionalFlags;
      const optionalKeys: ConfigNode[] = [];
      // The renames into each key of each object: two misspellings renamed to one key would make a duplicate key.
      const renamesInto = new Map<string, Fix[]>();
      // Keys a section ignores without a near-miss, by section: several of them mean the section itself is out of date.
      const ignoredBySection = new Map<string, Array<{ node: ConfigNode; report: () => void }>>();
      // The keys of each object with unknown keys, built once per object: per key it made 10,000 unknown keys quadratic.
      const keySets = new Map<ConfigNode, Set<string>>();
      const keysOf = (parent: ConfigNode) => keySets.get(parent) ?? keySets.set(parent, new Set(parent.children.map((c) => String(c.key)))).get(parent)!;
      for (const error of errors) {
        if (error.keyword !== 'additionalProperties' || error.schemaPath.includes('Of/')) continue;
        const key = String((error.params as { additionalProperty: string }).additionalProperty);
        const parentPointer = root.pointer + error.instancePath;
        const node = index.get(childPointer(parentPointer, key));
        const parent = index.get(parentPointer);
        if (!node || !parent) continue;
        if (ownedByProgram(program, node.pointer)) continue;
        const parentSchema = (error.parentSchema ?? {}) as SchemaNode;
        const policy = unknownKeyPolicy(schema, parentSchema);
        // axolotl drops unknown keys, and an empty value (`gptq_model_v1:`, null) changes nothing either way.
        if (policy !== 'error' && emptyValueIsUnset(ctx, node)) continue;
        // Another release may have the key, or the pinned one may not reject it (version-checks.ts).
        const versioned = versionedUnknownKey(ctx, splitPointer(parentPointer.slice(root.pointer.length)), key, policy === 'error');
        if (versioned?.skip) continue;
        // A comment key is no typo: quiet where the framework ignores unknown keys, reported without renames where it rejects them.
        const comment = isCommentKey(key);
        if (comment && policy !== 'error') continue;
        const present = keysOf(parent);
        const ranked = comment ? [] : suggestionsFor(schema, parentSchema, key).filter((r) => !present.has(r.candidate)).slice(0, 3);
        const winner = clearWinner(ranked);
        const fixes: Fix[] = [];
        const edit = winner ? renameKey(ctx.tree.language, ctx.text, node, winner) : undefined;
        if (winner && edit) {
          const rename: Fix = { title: `Rename to "${winner}"`, safe: renameKeepsValue(node, propertySchema(schema, parentSchema, winner)), edits: [edit] };
          fixes.push(rename);
          const into = `${parentPointer}\u0000${winner}`;
          renamesInto.set(into, [...(renamesInto.get(into) ?? []), rename]);
        }
        for (const other of ranked) {
          if (other.candidate === winner) continue;
          const otherEdit = renameKey(ctx.tree.language, ctx.text, node, other.candidate);
          if (otherEdit) fixes.push({ title: `Rename to "${other.candidate}"`, safe: false, edits: [otherEdit] });
        }
        let consequence =
          parentSchema['x-unknown-keys-consequence'] ?? (policy === 'error' ? `${frameworkName(ctx.format)} rejects it at start-up` : `${frameworkName(ctx.format)} ignores it silently, so the default is used`);
        const hint = ranked.length > 0 ? ` Did you mean ${ranked.map((r) => `"${r.candidate}"`).join(', ')}?` : '';
        // A key the program ignores that is no near-miss of one it reads: a leftover, another tool's setting or one the
        // program never had, as often as a lost intent (10 of 25 judged real in bench/wild: min_lr beside the optimizer
        // block, but also DeepSpeed "log" blocks and axolotl "test_value"). A note; a near-miss stays a warning.
        const silentlyIgnored = policy !== 'error' && parentSchema['x-unknown-keys-consequence'] === undefined;
        let severity: 'error' | 'warning' | 'info' = policy === 'error' ? 'error' : silentlyIgnored && !winner && ranked.length === 0 ? 'info' : 'warning';
        // A launch script's flags: a training script adds argument dataclasses of its own (HfArgumentParser), and
        // forks add flags (Megatron-DeepSpeed): only a near-miss is worth a word there, as a warning.
        const forkSeverity = (schema as { 'x-unknown-keys-severity'?: string })['x-unknown-keys-severity'];
        if (openSection && (parentPointer.slice(root.pointer.length) + '/').startsWith(`/${openSection}/`) && (!winner || ranked[0].distance > 1)) {
          // NeMo's model classes (SFT, NeVA, CLIP, BERT, PEFT mixins) each read keys of their own from cfg.model.
          modelKeys.push(node);
          continue;
        } else if (programOutOfReach(ctx)) {
          // The program's own argument classes may define it: only a near-miss of an upstream field is worth a warning.
          if (!winner || ranked[0].distance > 1) {
            programKeys.push(node);
            continue;
          }
          severity = 'warning';
          consequence = 'not a TrainingArguments or TRL field; unless the program\'s own argument dataclasses define it, HfArgumentParser rejects it';
        } else if (fork && (!winner || ranked[0].distance > 1)) {
          // The repository runs its own Megatron arguments (and its --yaml-cfg reader): no near-miss, its keys to decide.
          forkFlags.push(node);
          continue;
        } else if (plugins.length > 0 && parentPointer === root.pointer && (!winner || ranked[0].distance > 2)) {
          pluginKeys.push(node);
          continue;
        } else if (checkoutOutOfReach(ctx) && (!winner || ranked[0].distance > 1)) {
          // The script runs the program from a checkout it cds to but TrainLint cannot see (bigscience's
          // `cd $ajs_ALL_CCFRWORK/code/Megatron-DeepSpeed` on a muP branch): that checkout decides its flags.
          forkFlags.push(node);
          continue;
        } else if (ctx.tree.language === 'shell' && optionalFlags?.flags.has(key)) {
          optionalKeys.push(node);
          continue;
        } else if (ctx.tree.language === 'shell' && argumentsOf(ctx)?.extensibleFlags && policy === 'error' && (!winner || ranked[0].distance > 2 || !runsCorePretraining(ctx))) {
          // No near-miss: a Megatron program adds arguments of its own (extra_args_provider: modelopt's --enable-gpt-oss,
          // examples/multimodal/train.py's --vision-model-type), or a fork does. A program other than a pretrain_*.py
          // entry point decides even a near-miss: Megatron-DeepSpeed's tools/generate_samples_gpt.py adds --top_p beside
          // the core's --top-p, tasks/main.py adds --task (get_tasks_args).
          forkFlags.push(node);
          continue;
        } else if (forkSeverity === 'warning' && policy === 'error') {
          severity = 'warning';
          consequence = `${schemaFramework(schema, ctx.format)} at the commit this schema was read from rejects it ("unrecognized arguments"); a fork or another version may take it`;
        }
        if (program?.uncertain && severity === 'error') {
          // The program has classes TrainLint could not read, or takes unknown keys (parse_known_args, allow_extra_keys).
          severity = 'warning';
          consequence = `not defined by the classes of ${program.set.parser} in ${program.program} that TrainLint could read (${program.set.incompleteBecause ?? program.set.acceptsUnknown})`;
        }
        if (fork) {
          severity = 'warning';
          consequence = `${schemaFramework(schema, ctx.format)} at the commit its schema was read from does not define it, but this repository runs its own ${fork}, which decides; the run stops with "unrecognized arguments" only if that file does not define it either`;
        }
        const report = () =>
          ctx.report({
            range: node.keyRange ?? node.range,
            severity: capSeverity(severity, versioned?.maxSeverity),
            message: `Unknown ${ctx.tree.language === 'shell' ? 'flag' : 'key'} "${key}" ${where(parentPointer.slice(root.pointer.length))}: ${versioned?.consequence ?? consequence}.${hint}${versioned?.note ?? ''}`,
            fixes,
          });
        // Only sections that drop keys without a word (NeMo's trainer raises TypeError on each: reported one by one).
        if (silentlyIgnored && !winner && !versioned && parentPointer !== root.pointer) {
          const ignored = ignoredBySection.get(parentPointer) ?? ignoredBySection.set(parentPointer, []).get(parentPointer)!;
          ignored.push({ node, report });
        } else report();
      }
      // Reported fixes are data until applied: two that collide are neither safe (the author picks which key is meant).
      for (const renames of renamesInto.values()) if (renames.length > 1) for (const rename of renames) rename.safe = false;
      for (const [pointer, ignored] of ignoredBySection) {
        const section = index.get(pointer);
        if (ignored.length < IGNORED_SECTION_COUNT || !section?.keyRange) {
          for (const i of ignored) i.report();
          continue;
        }
        // DeepSpeed's legacy quantize_training block (MoQ: quantize_bits, quantize_groups, ...; only its eigenvalue
        // sub-block is still read, runtime/config.py): one finding on the section says what is lost, not one per key.
        const names = ignored.map((i) => String(i.node.key));
        ctx.report({
          range: section.keyRange,
          message: `${names.length} keys ${where(pointer.slice(root.pointer.length))} are not read by ${frameworkName(ctx.format)} (${names.join(', ')}): it ignores them silently, so those settings do not take effect.`,
          related: ignored.map((i) => ({ message: String(i.node.key), range: i.node.keyRange ?? i.node.range })),
          fixes: [],
        });
      }
      reportForkFlags(ctx, forkFlags, schemaFramework(schema, ctx.format), fork);
      if (optionalFlags && optionalKeys.length > 0) {
        reportAsOneNote(ctx, optionalKeys, (names) => `${names.length} flag${names.length === 1 ? ' comes' : 's come'} from ${optionalFlags.from} (${names.join(', ')}): without that package the run stops with "unrecognized arguments".`);
      }
      if (modelKeys.length > 0) {
        reportAsOneNote(ctx, modelKeys, (names) => `${names.length} key${names.length === 1 ? ' is' : 's are'} not MegatronGPTModel's (${names.join(', ')}): the NeMo model class the training script builds (SFT, PEFT, multimodal, BERT, ...) reads keys of its own from cfg.model; a key no class reads is ignored.`);
      }
      if (programKeys.length > 0) {
        reportAsOneNote(ctx, programKeys, (names) => `${names.length} ${ctx.tree.language === 'shell' ? 'flag' : 'key'}${names.length === 1 ? ' is' : 's are'} not TrainingArguments or TRL fields (${names.join(', ')}): the program that reads this ${ctx.tree.language === 'shell' ? 'command line' : 'file'} must define ${names.length === 1 ? 'it' : 'them'} in its own argument dataclasses, or HfArgumentParser rejects ${names.length === 1 ? 'it' : 'them'} at start-up.`);
      }
      reportKeysMissingAtPin(ctx, root, (path) => schemaAt(schema, path) !== undefined, (node, severity, message) => ctx.report({ range: node.keyRange ?? node.range, severity, message, fixes: [] }));
      if (pluginKeys.length > 0) {
        reportAsOneNote(ctx, pluginKeys, (names) => `${names.length} key${names.length === 1 ? ' is' : 's are'} not in axolotl's own config (${names.join(', ')}): the plugins this file loads (${plugins.join(', ')}) add arguments of their own; axolotl silently drops a key none of them defines.`);
      }
    });
  },
};

/**
 * Whether the file is read by HfArgumentParser over argument classes TrainLint has not read. Training programs hand
 * their own dataclasses to the parser beside TrainingArguments (HfArgumentParser((ModelArguments, DataArguments,
 * TrainingArguments)), transformers/hf_argparser.py) and may redefine a field's type or choices, so a key or value
 * outside TrainingArguments and TRL is no certain failure.
 */
function programOutOfReach(ctx: RuleContext): boolean {
  if (!argumentsOf(ctx)?.ownArguments) return false;
  // A program read in full (settings.program, rules/program-rules.ts) on a command line: argparse checks every value it
  // takes, TrainingArguments' fields too (type=, choices=; transformers/hf_argparser.py _parse_dataclass_field). From a
  // file nothing is converted (parse_dict), so there it stays out of reach.
  const program = programKeys(ctx);
  return !(program && !program.uncertain && program.from === 'command-line');
}

/** The program a launch script runs (`open_instruct/dpo.py`), or a description of the unknown one that reads a file. */
function readerName(ctx: RuleContext): string {
  const program = ctx.tree.language === 'shell' ? shellFactsOf(ctx.tree)?.launch?.program : undefined;
  return program ? fieldText(program) : `the program that reads this ${ctx.tree.language === 'shell' ? 'command line' : 'file'}`;
}

/** Unknown keys that something else may define (a plugin, the program, a fork): one info note naming them all. */
function reportAsOneNote(ctx: RuleContext, nodes: ConfigNode[], message: (names: string[]) => string): void {
  const label = (n: ConfigNode) => (ctx.tree.language === 'shell' ? `--${String(n.key)}` : String(n.key));
  ctx.report({
    range: nodes[0].keyRange ?? nodes[0].range,
    severity: 'info',
    message: message(nodes.map(label)),
    related: nodes.slice(1).map((n) => ({ message: label(n), range: n.keyRange ?? n.range })),
    fixes: [],
  });
}

// From this many ignored keys without a near-miss in one section on, the section is reported once (its keys as related).
const IGNORED_SECTION_COUNT = 3;

// From this many unknown flags without a near-miss on, the script runs a fork (BLOOM's bigscience-workshop/Megatron-DeepSpeed
// adds --embed-layernorm, --pp-partition-method, ...) or a program with arguments of its own: one note, not one per flag.
const FORK_FLAG_COUNT = 3;

/** Megatron-LM's own pretraining entry points (pretrain_gpt.py, pretrain_mamba.py, ...); other programs add arguments. */
function runsCorePretraining(ctx: RuleContext): boolean {
  const program = shellFactsOf(ctx.tree)?.launch?.program;
  return program !== undefined && /(?:^|\/)pretrain_\w+\.py$/.test(fieldText(program));
}

/** A Megatron launch script's repository's own arguments file, when it is not the file the schema in use was read from. */
function forkFileOf(ctx: RuleContext, schema: SchemaNode): string | undefined {
  const forkArguments = argumentsOf(ctx)?.forkArguments;
  if (!forkArguments) return undefined;
  // A --yaml-cfg file is read by the same repository's Megatron-LM arguments code.
  return forkArguments(ctx.settings, ctx.tree.language === 'shell' ? schemaFramework(schema, ctx.format) : 'Megatron-LM');
}

/** The folder the script cds to before its launch, when TrainLint cannot know it (`cd $WORK/code/Megatron-DeepSpeed`). */
function reportForkFlags(ctx: RuleContext, flags: ConfigNode[], framework: string, fork?: string): void {
  const program = shellFactsOf(ctx.tree)?.launch?.program;
  const checkout = checkoutOutOfReach(ctx);
  if (checkout && flags.length > 0) {
    reportAsOneNote(ctx, flags, (names) => `${names.length} flag${names.length === 1 ? ' is' : 's are'} not ${framework}'s at the commit its schema was read from (${names.join(', ')}): the script runs the program from ${checkout}, a checkout TrainLint cannot see, which decides whether it takes them.`);
    return;
  }
  // Only programs with extensibleFlags collect flags here.
  const otherProgram = !runsCorePretraining(ctx);
  if (fork && flags.length > 0) {
    const noun = ctx.tree.language === 'shell' ? 'flag' : 'key';
    reportAsOneNote(ctx, flags, (names) => `${names.length} ${noun}${names.length === 1 ? ' is' : 's are'} not ${framework}'s at the commit its schema was read from (${names.join(', ')}): this repository runs its own ${fork}, which decides whether it takes them.`);
    return;
  }
  if (flags.length >= FORK_FLAG_COUNT || (otherProgram && flags.length > 0)) {
    const definer = otherProgram && program ? `${fieldText(program)} (its own arguments) or a fork` : 'a fork, another version or an extra-arguments provider';
    reportAsOneNote(ctx, flags, (names) => `${names.length} flag${names.length === 1 ? ' is' : 's are'} not ${framework}'s at the commit its schema was read from (${names.join(', ')}): ${definer} must define them; otherwise the run stops with "unrecognized arguments".`);
    return;
  }
  for (const flag of flags) {
    ctx.report({
      range: flag.keyRange ?? flag.range,
      severity: 'warning',
      message: `Unknown flag "${String(flag.key)}" at the top level: ${framework} at the commit this schema was read from rejects it ("unrecognized arguments"); a fork, another version or an extra-arguments provider (modelopt's post-training flags) may take it.`,
      fixes: [],
    });
  }
}

function describeExpectation(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return `must be ${String(params.type).replace(/,/g, ' or ')}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(params.comparison)} ${String(params.limit)}`;
    case 'anyOf':
    case 'oneOf':
      return `must be ${describeBranches(error.parentSchema as SchemaNode)}`;
    case 'pattern':
      return String(params.pattern) === '^(?:auto)$' || String(params.pattern) === '^auto$' ? 'must be a number or "auto"' : `must match ${String(params.pattern)}`;
    default:
      return error.message ?? 'is not allowed';
  }
}

function describeBranches(schema: SchemaNode | undefined): string {
  const parts: string[] = [];
  for (const branch of [...(schema?.anyOf ?? []), ...(schema?.oneOf ?? [])]) {
    if (branch.const !== undefined) parts.push(JSON.stringify(branch.const));
    else if (branch.enum) parts.push(`one of ${branch.enum.map((v) => JSON.stringify(v)).join(', ')}`);
    else if (branch.type) parts.push(Array.isArray(branch.type) ? branch.type.join(' or ') : branch.type);
  }
  return parts.length > 0 ? parts.join(', or ') : 'a value the schema allows';
}

const VALUE_KEYWORDS = new Set(['type', 'enum', 'const', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'anyOf', 'oneOf', 'pattern', 'multipleOf', 'minItems', 'maxItems', 'minLength']);

export const invalidValue: Rule = {
  meta: {
    code: 'TL202',
    name: 'invalid-value',
    judgesRelease: true,
    severity: 'error',
    summary: 'A value of the wrong type, or outside the values the framework accepts.',
    why: 'The framework validates these when it starts (pydantic, argparse choices, dataclass checks) and stops with an error, after the job has waited in the queue.',
    fix: 'For a misspelt choice, renaming to the closest allowed value is a safe fix when one clearly wins.',
    example: { language: 'json', text: '{\n  "train_micro_batch_size_per_gpu": 4,\n  "fp16": { "enabled": "yes please" }\n}' },
    references: ['schemas/ in this repository, each citing its upstream source'],
  },
  check(ctx) {
    const claimed = new Set(CLAIMED_BY_OTHER_RULES[ctx.format] ?? []);
    // The program's own arguments are checked as the program checks them (program-rules.ts), not against the schema.
    const program = programKeys(ctx);
    if (program) reportProgramValues(ctx, program);
    forEachValidated(ctx, ({ root, index, schema }, errors) => {
      const reported = new Set<string>();
      const fork = forkFileOf(ctx, schema);
      for (const error of errors) {
        if (!VALUE_KEYWORDS.has(error.keyword)) continue;
        if (error.schemaPath.includes('Of/')) continue; // Branch details: the anyOf/oneOf error itself is reported.
        const pointer = root.pointer + error.instancePath;
        if (reported.has(pointer) || claimed.has(error.instancePath)) continue;
        const node = index.get(pointer);
        if (!node) continue;
        if (ownedByProgram(program, pointer)) continue;
        if (node.missing) continue; // The parse error at the place says it.
        if (node.kind === 'scalar' && node.value === 'auto') continue; // auto-outside-trainer explains "auto".
        if (argumentsOf(ctx)?.resolvedAtRunTime && node.kind === 'scalar' && typeof node.value === 'string' && (node.value.includes('${') || node.value === '???')) continue; // OmegaConf resolves these at run time.
        if (node.kind === 'scalar' && typeof node.value === 'string' && /^\$\{\w+\}$/.test(node.value.trim())) continue; // `${BF16}`: a job template's placeholder, filled in before the file is read.
        if (node.kind === 'scalar' && node.style === 'plain' && typeof node.value === 'string' && YAML12_NUMBER_RE.test(node.value)) continue; // yaml-float-as-string.
        const launchOption = argumentsOf(ctx)?.launchOption?.(error.instancePath);
        // accelerate/commands/launch.py (_validate_launch_command): a config value is copied only `if getattr(args, name, None) is None`,
        // nested ones only for keys not in args.nondefault, and the config is not type-checked when loaded (config_args.py): an option
        // the launching command gives makes the config's value unused.
        if (launchOption && ctx.settings.launchFlags?.includes(launchOption)) continue;
        // The pinned release may take the value, or not validate it (version-checks.ts).
        const tokens = splitPointer(error.instancePath);
        const versioned = (error.keyword === 'enum' ? versionedChoice(ctx, tokens, node.value) : undefined) ?? versionedValue(ctx, tokens);
        if (versioned?.skip) continue;
        reported.add(pointer);
        const name = splitPointer(error.instancePath).join('.') || '(root)';
        const shown = node.kind === 'scalar' ? JSON.stringify(node.value) : node.kind;
        if (launchOption && ctx.settings.launchFlags === undefined && node.kind === 'scalar' && node.value === null) {
          // No launching command known: a null is what `accelerate launch --X ...` is expected to fill (smollm's slurm
          // launchers pass --num_machines and --num_processes to every such config, judged in bench/wild); the run fails
          // only without it, so a note.
          ctx.report({
            range: node.range,
            severity: 'info',
            message: `${name} ${describeExpectation(error)} (got null); accelerate launch stops unless its command line gives --${launchOption}, which replaces the config's value.`,
          });
          continue;
        }
        const fixes: Fix[] = [];
        const allowed = error.keyword === 'enum' ? ((error.params as { allowedValues: unknown[] }).allowedValues ?? []) : [];
        if (node.kind === 'scalar' && typeof node.value === 'string' && allowed.length > 0) {
          const winner = clearWinner(rankSuggestions(node.value, allowed.map(String)));
          const choice = allowed.find((v) => String(v) === winner);
          if (choice !== undefined) fixes.push({ title: `Change to ${JSON.stringify(choice)}`, safe: true, edits: [{ range: node.range, newText: formatScalar(ctx.tree.language, choice as string) }] });
        }
        // Where another file decides the choices (a fork's arguments.py, a program's own enum or Literal: open-instruct's
        // DPOLossType adds dpo_norm), only a clear near-miss of a known choice is worth a warning; otherwise a note.
        const nearMiss = fixes.length > 0 ? ('warning' as const) : ('info' as const);
        // A TrainingArguments file's values are the program's to judge: programOutOfReach below (and program-rules.ts).
        if (fork && error.keyword === 'enum') {
          // The choices are the fork's: its arguments.py may add some (zero-bubble's --tokenizer-type MistralTokenizer).
          ctx.report({ range: node.range, severity: nearMiss, message: `${name} ${describeExpectation(error)} in ${schemaFramework(schema, ctx.format)} at the commit its schema was read from (got ${shown}); this repository runs its own ${fork}, whose choices decide.`, fixes });
          continue;
        }
        ctx.report({
          range: node.range,
          ...(programOutOfReach(ctx)
            ? {
                // A choice some release had (adamw_hf) is upstream's, not the program's own: the release decides.
                severity: capSeverity(!versioned && (error.keyword === 'enum' || error.keyword === 'pattern') ? nearMiss : 'warning', versioned?.maxSeverity),
                message: `${name} ${describeExpectation(error)} in TrainingArguments and TRL (got ${shown}); ${ctx.tree.language === 'shell' ? 'HfArgumentParser stops at start-up on it' : 'the Trainer fails on it or misreads it'} unless ${readerName(ctx)} defines the field otherwise in its own argument classes.${versioned?.note ?? ''}`,
              }
            : {
                // A launch from a checkout TrainLint cannot see runs that checkout's release, which decides the value.
                severity: versioned?.maxSeverity,
                message: `${name} ${describeExpectation(error)} (got ${shown}); ${versioned?.consequence ?? (error.parentSchema as SchemaNode | undefined)?.['x-consequence'] ?? `${frameworkName(ctx.format)} stops at start-up on this value`}.${versioned?.note ?? ''}`,
              }),
          fixes,
        });
      }
      // A value today's schema rejects too was reported above; the program may define the field itself (programOutOfReach).
      reportChoicesMissingAtPin(ctx, root, (node, message) => {
        if (reported.has(node.pointer) || ownedByProgram(program, node.pointer)) return;
        ctx.report({ range: node.range, ...(programOutOfReach(ctx) ? { severity: 'warning' as const, message: `${message} Unless ${readerName(ctx)} defines the field otherwise in its own argument classes.` } : { message }), fixes: [] });
      });
    });
  },
};

export const deprecatedKey: Rule = {
  meta: {
    code: 'TL203',
    name: 'deprecated-key',
    judgesRelease: true,
    severity: 'info',
    summary: 'A key the framework has renamed, deprecated or removed.',
    why: 'Deprecated keys work with a warning until the release that removes them; after that the parser rejects them ("Unknown arguments from config file") or, worse, ignores them. A note while every release the file may run on still takes the key; a warning where one it may run on (within the pinned range, or the commit the schema was read at) has removed it.',
    fix: 'Renaming to the replacement is offered when it is a sibling key that takes the written value as it is (`rampup_batch_size` to `step_batch_size_schedule` changes format, so it is not offered). It is never applied by `--fix`: the old name keeps working on the versions that predate the new one.',
    example: { language: 'yaml', text: 'output_dir: out\nper_device_train_batch_size: 8\nnum_train_epochs: 1\nevaluation_strategy: steps\n' },
    references: ['schemas/ in this repository, each citing its upstream source'],
  },
  check(ctx) {
    const schema = schemaFor(ctx.format, ctx.tree);
    if (!schema) return;
    // A key the program defines itself is the program's, whatever upstream did with the name.
    const program = programKeys(ctx);
    const fork = forkFileOf(ctx, schema);
    for (const root of ctx.roots) {
      // TRL fields removed upstream that the program's own dataclasses may still define (max_seq_length).
      const programFields: ConfigNode[] = [];
      const visit = (node: ConfigNode, tokens: string[]) => {
        for (const child of node.children) {
          if (node.kind !== 'object') continue;
          if (program?.defined.has(child.pointer)) continue;
          // axolotl's deprecation validators raise only on a set value (`if max_packed_sequence_len:`, `if dpo_beta is not
          // None:`, axolotl utils/schemas/deprecated.py): a key left empty is None there and passes.
          if (emptyValueIsUnset(ctx, child)) continue;
          const path = [...tokens, String(child.key)];
          const sub = schemaAt(schema, path);
          const sibling0 = sub?.['x-replacement'] && !/[./]/.test(sub['x-replacement']) ? sub['x-replacement'] : undefined;
          // Whether the pinned version has the key and its replacement as they are now (version-checks.ts).
          const versioned = sub?.deprecated ? versionedRename(ctx, path, sibling0, sub['x-removed-in']) : undefined;
          if (sub?.deprecated && child.keyRange && !versioned?.skip && tokens.length === 0 && programOutOfReach(ctx) && onlyTrlField(sub)) {
            programFields.push(child);
          } else if (sub?.deprecated && child.keyRange && !versioned?.skip) {
            const replacement = sub['x-replacement'];
            const sibling = versioned?.offer === false ? undefined : sibling0;
            const taken = sibling !== undefined && node.children.some((c) => c.key === sibling);
            // Offered only where the written value fits the replacement, and never applied by --fix: the old name still
            // works on the versions that predate the new one, and which version runs is not in the file.
            const fits = sibling !== undefined && renameKeepsValue(child, schemaAt(schema, [...tokens, sibling]), sub);
            const edit = sibling && !taken && fits ? renameKey(ctx.tree.language, ctx.text, child, sibling) : undefined;
            const removedIn = versioned?.removedIn ?? sub['x-removed-in'];
            const removed = removedIn ? ` It was removed in ${removedIn}; newer versions reject it.` : '';
            const upstream = sub['x-deprecated-message'] ? ` Upstream: "${sub['x-deprecated-message']}"` : '';
            // A warning only where a release the file may run on rejects the key: one that removed it, within the pinned
            // range (or the schema's own commit, for programs read at one commit), read by a program whose classes are
            // known. A key still accepted is a note for the next upgrade (as editors show deprecations), and so is one
            // whose program may define it itself (ms-swift's own warmup_ratio, open-instruct's) or whose version is not
            // known: files that use a removed name mostly run a release before the removal (judged in bench/wild).
            const rejectedSomewhere = removedIn !== undefined && !programOutOfReach(ctx) && versioned?.maxSeverity !== 'info';
            // A Megatron fork's own arguments code decides what its flags do (sail-sg's still feeds --rampup-batch-size to
            // its microbatch calculator): upstream's deprecation is a note there.
            const forked = fork ? ` This repository runs its own ${fork}, which decides what it does.` : '';
            ctx.report({
              range: child.keyRange,
              severity: rejectedSomewhere && !fork ? 'warning' : 'info',
              message: `"${path.join('.')}" is deprecated${replacement ? `; use "${replacement}"` : ''}.${removed}${upstream}${versioned?.note ?? ''}${forked}`,
              fixes: edit ? [{ title: `Rename to "${sibling}"`, safe: false, edits: [edit] }] : [],
            });
          }
          if (sub) visit(child, path);
        }
      };
      visit(root, []);
      if (programFields.length > 0) {
        const removals = programFields.map((n) => `${String(n.key)}: ${schemaAt(schema, [String(n.key)])?.['x-removed-in'] ?? 'deprecated'}`);
        reportAsOneNote(ctx, programFields, () => `${programFields.length} ${programFields.length === 1 ? 'key was a TRL config field' : 'keys were TRL config fields'} that TRL has since removed or renamed (${removals.join(', ')}): a TRL config of those versions rejects ${programFields.length === 1 ? 'it' : 'them'}, unless the program that reads this file defines ${programFields.length === 1 ? 'it' : 'them'} in its own dataclasses.`);
      }
    }
  },
};

/** A field only TRL's configs had (SFTConfig's max_seq_length): a program's own dataclasses often define the same name. */
function onlyTrlField(sub: SchemaNode): boolean {
  const configs = (sub as { 'x-config'?: string[] })['x-config'] ?? [];
  return configs.length > 0 && !configs.some((c) => /TrainingArguments$/.test(c));
}
