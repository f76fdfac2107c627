import { getChild, type ConfigNode } from './syntax/config-tree';
import type { FileAnalysis, LinkedFile } from './analyze';
import type { Settings } from './settings';
import type { ProgramId } from './programs/ids';
import type { OffsetRange } from './text/range';
import { TRAINER_PATH_FIELDS } from './programs/hf-trainer/links';
import { shellFactsOf, type ShellLaunchFacts } from './shell/shell-config';
import { programOf } from './programs/index';
import { rangeOfField } from './shell/words';
import { fieldText, isKnown, type Field } from './shell/words';
import { normalizeRelative, writtenByEarlierCommand } from './shell/writers';

/**
 * A config that names another file the framework will read with it. The analysis of the target
 * takes `context` as settings: who reads it and, where the linking file says, the world size.
 */
export interface ConfigLink {
  /** The path as written, relative to the linking file's folder unless absolute. */
  target: string;
  range: OffsetRange;
  /** A config a program reads (named by its id), a checkpoint's config.json, or the config file of a program read in full. */
  kind: `${ProgramId}-config` | 'model-config' | 'program-config';
  context: Settings;
  /** A target that may well not be a local file (a Hub id, a path on the cluster): read when present, never reported missing. */
  optional?: boolean;
}

export function stringAt(node: ConfigNode | undefined): { value: string; node: ConfigNode } | undefined {
  return node && node.kind === 'scalar' && typeof node.value === 'string' && node.value.trim() !== '' ? { value: node.value, node } : undefined;
}

export function positive(node: ConfigNode | undefined): number | undefined {
  return node && typeof node.value === 'number' && Number.isInteger(node.value) && node.value > 0 ? node.value : undefined;
}

export function findLinks(analysis: FileAnalysis): ConfigLink[] {
  const facts = shellFactsOf(analysis.tree);
  // A file the script writes before the run reads it (`cat <<EOT > $config_json`, `sed ... TEMPLATE.json > ds.json`,
  // `python gen.py | tee cfg.yaml`) is there when the program opens it; what is on disk now is not what runs. Heredoc
  // DeepSpeed configs are checked in the script itself (embedded.ts).
  const written = writtenFilesOf(analysis);
  const out: ConfigLink[] = [];
  for (const { link, at, field } of linksOf(analysis)) {
    // `path/to/config.json`, `<your config>`: a stand-in for the user to replace, no file anyone means to open.
    if (placeholderPath(link.target)) continue;
    if (written.has(normalizeRelative(link.target))) continue;
    // A command run before the launch that takes the path as an argument writes it (a generator, a download, a copy).
    if (facts && at !== undefined && writtenByEarlierCommand(facts.script, link.target, at)) continue;
    const unchecked = link.optional ? undefined : userSuppliedPath(analysis, link, field);
    out.push(unchecked ? { ...link, optional: true } : link);
  }
  return out;
}

/** The paths a launch script writes, when known statically, normalized as written (relative to the launch folder). */
export function writtenFilesOf(analysis: Pick<FileAnalysis, 'tree'>): Set<string> {
  const facts = shellFactsOf(analysis.tree);
  const out = new Set<string>();
  for (const file of facts?.script.written ?? []) if (isKnown(file.target) && fieldText(file.target).trim() !== '') out.add(normalizeRelative(fieldText(file.target)));
  return out;
}

// Stand-ins for a path the user fills in: `path/to/...` (accelerate's tests/test_configs: `path/to/be/ignored`),
// `<your config>`, `your_config.json`, `{model}.yaml` and `${VAR}` left for a formatter, `xxx`, `...`.
const PLACEHOLDER_PATH = [
  /(?:^|\/)path\/to(?:\/|$)/i,
  /<[^<>]*>/,
  /(?:^|[^a-z])your(?:[^a-z]|$)/i,
  /\{[^{}]*\}/,
  /(?:^|[/_.-])x{3,}(?:[/_.-]|$)/i,
  /(?:^|\/)\.{3,}(?:\/|$)/,
];

/** Whether a path is a stand-in for one the user supplies (`path/to/ds_config.json`, `/path/to/...`, `<your config>`). */
export function placeholderPath(path: string): boolean {
  return PLACEHOLDER_PATH.some((re) => re.test(path));
}

/**
 * Why a missing target says nothing about the run, when its path is the user's to supply: the name of a file a training
 * run writes (Megatron-DeepSpeed's `ds_config_${NAME}.json`, NAME built from the run's settings, which its
 * ds_evalharness.sh names beside the checkpoint it goes with), or a folder the environment gives
 * (`${ACCELERATE_DIR:-/accelerate}/examples/...`) or an empty variable leaves out (`CONFIG_DIR=` ... `${CONFIG_DIR}/ds.json`).
 * Such a link is read when the file is there, and not reported when it is not.
 */
function userSuppliedPath(analysis: FileAnalysis, link: ConfigLink, given: Field | undefined): string | undefined {
  const name = link.target.slice(link.target.lastIndexOf('/') + 1);
  if (runNamed(name)) return 'the name of a file a training run writes';
  const facts = shellFactsOf(analysis.tree);
  const field = given ?? (facts ? fieldOfLink(facts, link) : undefined);
  if (!field || field.length === 0) return undefined;
  // The folder part: the pieces that end at or before the last slash.
  const slash = link.target.lastIndexOf('/');
  let offset = link.target.length - fieldText(field).length;
  for (const piece of field) {
    if (piece.text !== '' && offset + piece.text.length <= slash + 1) {
      if (piece.envDefault !== undefined) return `the folder comes from $${piece.envDefault}, which the environment may set`;
      if (piece.argDefault !== undefined) return `the folder comes from $${piece.argDefault}, which the script's arguments may set`;
    }
    offset += piece.text.length;
  }
  // An expansion that gave nothing right before a leading `/`: the folder is a variable left empty for the user to set.
  const first = field[0];
  if (link.target.startsWith('/') && first.verbatim && first.text.startsWith('/') && /\$(?:\{[^{}]*\}|[A-Za-z_]\w*)$/.test(analysis.text.slice(Math.max(0, first.start - 80), first.start))) {
    return 'the folder is a variable the script leaves empty';
  }
  return undefined;
}

/**
 * A file name that encodes a training run's settings (`ds_config_gpt3-with-pile-0.125B-lr-2.4e-3-minlr-6.0e-5-bs-2048-
 * gpus-128-zero-0-mp-1-pp-1-...-step-20728-token-45B.json`): eight or more numbered parts, as scripts compose names from
 * their hyperparameters. A committed config has a few (`zero_stage3_config_100b.json`).
 */
function runNamed(name: string): boolean {
  const stem = name.replace(/\.[A-Za-z]+$/, '');
  return stem.split(/[-_]+/).filter((part) => /\d/.test(part)).length >= 8;
}

/** The launch script word a link's path was read from: the same text (or `--flag=text`), overlapping the link's range. */
function fieldOfLink(facts: ShellLaunchFacts, link: ConfigLink): Field | undefined {
  const fields = [...(facts.launch?.args ?? []), ...facts.script.commands.flatMap((c) => c.argv)];
  return fields.find((f) => isKnown(f) && fieldText(f).replace(/^--?[\w.-]+=/, '') === link.target && f.some((p) => p.start <= link.range.end && link.range.start <= p.end));
}

/** A link with, in a launch script, where the command that passes it starts (`at`) and the word it was read from. */
interface FoundLink {
  link: ConfigLink;
  at?: number;
  field?: Field;
}

function linksOf(analysis: FileAnalysis): FoundLink[] {
  const links: FoundLink[] = [];
  const facts = shellFactsOf(analysis.tree);
  // A launch script's commands hand config files to their framework: accelerate launch --config_file, llamafactory-cli train X.yaml,
  // axolotl train X.yaml (and python -m axolotl.cli.train X.yaml). The target is analysed as that framework's config.
  for (const file of facts?.configFiles ?? []) {
    const target = fieldText(file.field);
    if (target.trim() === '' || !isKnown(file.field)) continue;
    const world = file.world ?? facts?.world.value;
    links.push({
      link: {
        target,
        range: rangeOfField(file.field),
        kind: `${file.kind}-config`,
        context: { format: file.kind, ...(world && !programOf(file.kind)?.configuresLauncher ? { cluster: { worldSize: world } } : {}), ...(file.launchFlags ? { launchFlags: file.launchFlags } : {}) },
      },
      at: file.command.start,
      field: file.field,
    });
  }
  // The training launch's own arguments (its program's config file, the DeepSpeed config it names) are read when it starts.
  const at = facts?.launch?.range.start;
  const programConfig = programConfigLink(analysis);
  if (programConfig) links.push({ link: programConfig, at });
  // What the file itself names: each program knows its keys that hold other files (programs/<id>/links.ts).
  const program = programOf(analysis.format);
  for (const root of analysis.roots) for (const link of program?.links?.(root, analysis) ?? []) links.push({ link, at });
  return links;
}

/**
 * The DeepSpeed config an accelerate config names (deepspeed_config_file), as a link of the launch script that passes that
 * accelerate config with --config_file: the HF Trainer the script starts fills and compares it against its flags, in the
 * world size accelerate's num_processes gives. The range is the script's --config_file path; the target is relative to the script.
 */
export function linksThrough(analysis: FileAnalysis, via: LinkedFile): ConfigLink[] {
  if (via.link.kind !== 'accelerate-config' || !via.analysis) return [];
  const slash = via.link.target.lastIndexOf('/');
  const base = slash >= 0 ? via.link.target.slice(0, slash + 1) : '';
  const root = analysis.roots[0];
  return findLinks(via.analysis)
    .filter((l) => l.kind === 'deepspeed-config')
    .map((l) => {
      const world = l.context.cluster?.worldSize;
      const context = root ? programOf(analysis.format)?.launchedDeepSpeedContext?.(root, world) : undefined;
      return {
        target: l.target.startsWith('/') ? l.target : base + l.target,
        range: via.link.range,
        kind: 'deepspeed-config' as const,
        context: context ?? l.context,
      };
    });
}

/** The world size a script's accelerate config gives (num_processes counts every process on every machine), when the script's own launcher does not say. */
export function worldFromLinkedAccelerate(analysis: { tree: FileAnalysis['tree'] }, linked: LinkedFile[] | undefined): number | undefined {
  const facts = shellFactsOf(analysis.tree);
  if (!facts || facts.world.value !== undefined || facts.launch?.launcher !== 'accelerate') return undefined;
  const config = (linked ?? []).find((l) => l.link.kind === 'accelerate-config' && l.analysis);
  return positive(getChild(config?.analysis?.roots[0], 'num_processes'));
}

const CONFIG_FILE = /\.(?:ya?ml|json)$/i;

/**
 * The YAML or JSON a launch script hands to a program whose arguments are known (settings.program): `prog.py X.yaml`,
 * `prog.py --config X.yaml` (TrlParser.parse_args_and_config, trl/scripts/utils.py), or, when the program reads a config
 * file itself (parse_yaml_file, parse_json_file), the first argument naming one (Firefly's `--train_args_file X.json`).
 * The target is analysed with the program as its reader.
 */

/**
 * Whether a YAML/JSON word is the value of one of the program's own fields (`--meta_path data.json`, InternVL's dataset
 * list; `--deepspeed ds.json`), not the file of arguments the program parses (Firefly's `--train_args_file`).
 */
function fieldValue(program: NonNullable<Settings['program']>, before: string, word: string): boolean {
  const flag = /^--?([\w-]+)=/.exec(word)?.[1] ?? /^--?([\w-]+)$/.exec(before)?.[1];
  if (!flag) return false;
  const name = flag.replace(/-/g, '_');
  return TRAINER_PATH_FIELDS.has(name) || [program.configFile, program.commandLine].some((set) => set?.style === 'dataclass' && name in set.fields);
}

function programConfigLink(analysis: FileAnalysis): ConfigLink | undefined {
  const program = analysis.settings.program;
  const launch = shellFactsOf(analysis.tree)?.launch;
  if (!program?.configFile || !launch) return undefined;
  const args = launch.args;
  const text = (i: number) => (args[i] && isKnown(args[i]) ? fieldText(args[i]) : '');
  let index = CONFIG_FILE.test(text(0)) ? 0 : -1;
  if (index < 0) {
    const flag = args.findIndex((a) => fieldText(a) === '--config');
    if (flag >= 0 && CONFIG_FILE.test(text(flag + 1))) index = flag + 1;
  }
  if (index < 0 && program.readsConfigFile) index = args.findIndex((_, i) => CONFIG_FILE.test(text(i).replace(/^--?[\w-]+=/, '')) && !fieldValue(program, i > 0 ? text(i - 1) : '', text(i)));
  if (index < 0) return undefined;
  const target = text(index).replace(/^--?[\w-]+=/, '');
  // Where the run starts (and so what the path is relative to) is not in the script: a missing file is not reported.
  return { target, range: rangeOfField(args[index]), kind: 'program-config', context: { program }, optional: true };
}
