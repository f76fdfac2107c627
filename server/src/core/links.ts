import { getChild, type ConfigNode } from './syntax/config-tree';
import type { FileAnalysis, LinkedFile } from './analyze';
import type { Settings } from './settings';
import type { ProgramId } from './programs/ids';
import type { OffsetRange } from './text/range';
import { TRAINER_PATH_FIELDS } from './programs/hf-trainer/links';
import { shellFactsOf } from './shell/shell-config';
import { programOf } from './programs/index';
import { rangeOfField } from './shell/launch';
import { fieldText, isKnown } from './shell/words';

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
  const links = linksOf(analysis);
  // A file the script writes before the run reads it (`cat <<EOT > $config_json`, `sed ... TEMPLATE.json > ds.json`) is
  // there when the program opens it; what is on disk now is not what runs. Heredoc DeepSpeed configs are checked in the
  // script itself (embedded.ts).
  const written = writtenFilesOf(analysis);
  return written.size === 0 ? links : links.filter((l) => !written.has(normalizeRelative(l.target)));
}

/** The paths a launch script writes, when known statically, normalized as written (relative to the launch folder). */
export function writtenFilesOf(analysis: Pick<FileAnalysis, 'tree'>): Set<string> {
  const facts = shellFactsOf(analysis.tree);
  const out = new Set<string>();
  for (const file of facts?.script.written ?? []) if (isKnown(file.target) && fieldText(file.target).trim() !== '') out.add(normalizeRelative(fieldText(file.target)));
  return out;
}

/** `./a/../b.json` as `b.json`: a relative path without `.` and `..` steps it can drop, for comparing two spellings. */
function normalizeRelative(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(part);
  }
  return (absolute ? '/' : '') + parts.join('/');
}

function linksOf(analysis: FileAnalysis): ConfigLink[] {
  const links: ConfigLink[] = [];
  // A launch script's commands hand config files to their framework: accelerate launch --config_file, llamafactory-cli train X.yaml,
  // axolotl train X.yaml (and python -m axolotl.cli.train X.yaml). The target is analysed as that framework's config.
  for (const file of shellFactsOf(analysis.tree)?.configFiles ?? []) {
    const target = fieldText(file.field);
    if (target.trim() === '' || !isKnown(file.field)) continue;
    const world = file.world ?? shellFactsOf(analysis.tree)?.world.value;
    links.push({
      target,
      range: rangeOfField(file.field),
      kind: `${file.kind}-config`,
      context: { format: file.kind, ...(world && !programOf(file.kind)?.configuresLauncher ? { cluster: { worldSize: world } } : {}), ...(file.launchFlags ? { launchFlags: file.launchFlags } : {}) },
    });
  }
  const programConfig = programConfigLink(analysis);
  if (programConfig) links.push(programConfig);
  // What the file itself names: each program knows its keys that hold other files (programs/<id>/links.ts).
  const program = programOf(analysis.format);
  for (const root of analysis.roots) links.push(...(program?.links?.(root, analysis) ?? []));
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
