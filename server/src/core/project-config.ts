import { parseYaml } from './syntax/from-yaml';
import { getChild, toPlain, type ConfigNode } from './syntax/config-tree';
import { CONSUMERS, isFormat } from './programs/ids';
import { HARDWARE_FIGURES, mergeSettings, type Consumer, type HardwareFigures, type RuleSetting, type Settings } from './settings';
import { findGpu, unknownGpuMessage } from './catalog/find-gpu';
import { clearWinner, rankSuggestions } from './util/did-you-mean';
import { matchesGlob } from './util/glob';
import type { OffsetRange } from './text/range';
import { isVersionedFramework, parseVersionSpec, VERSIONED_FRAMEWORKS, type VersionedFramework } from './versions/version-spec';

/**
 * The project file `.trainlint.yaml`, read by the CLI and the language server alike:
 *
 *   cluster: { nodes: 2, gpusPerNode: 8, gpu: a100-80gb, hardware: { interNodeGBps: 25 } }
 *   parallel: { tp: 1, pp: 1 }
 *   rules: { pipeline-bubble: off, unknown-key: error }
 *   include: ["configs/**"]
 *   exclude: ["configs/old/**"]
 *   overrides:
 *     - files: ["configs/ds/*.json"]
 *       format: deepspeed
 *       consumer: hf-trainer
 *   versions: { deepspeed: 0.14.4, transformers: ">=4.40,<4.45" }
 */
export interface ProjectConfig {
  settings: Settings;
  include: string[];
  exclude: string[];
  overrides: Array<{ files: string[]; settings: Settings }>;
  /** `unknown` marks a setting nothing reads (ignored); the rest are values that cannot be used. */
  problems: Array<{ message: string; range: OffsetRange; unknown?: boolean }>;
}

export const PROJECT_FILE_NAME = '.trainlint.yaml';

const RULE_SETTINGS: RuleSetting[] = ['error', 'warning', 'info', 'off'];
const PROJECT_SETTINGS = ['cluster', 'parallel', 'rules', 'include', 'exclude', 'overrides', 'format', 'consumer', 'model', 'seqLength', 'trainingTokens', 'datasetTokens', 'pricePerGpuHour', 'flopsConvention', 'bubbleWarnFraction', 'versions'];

export function parseProjectConfig(text: string): ProjectConfig {
  const tree = parseYaml(text);
  const config: ProjectConfig = { settings: {}, include: [], exclude: [], overrides: [], problems: [] };
  for (const p of tree.problems) config.problems.push({ message: p.message, range: p.range });
  const root = tree.documents[0]?.root;
  if (!root) return config;
  if (root.kind !== 'object') {
    config.problems.push({ message: 'The project file must be a mapping of settings.', range: root.range });
    return config;
  }
  config.settings = readSettings(root, config.problems, text);
  config.include = stringList(getChild(root, 'include'), config.problems);
  config.exclude = stringList(getChild(root, 'exclude'), config.problems);
  const overrides = getChild(root, 'overrides');
  if (overrides && overrides.kind === 'array') {
    for (const item of overrides.children) {
      if (item.kind !== 'object') {
        config.problems.push({ message: 'Each override is a mapping with `files` and settings.', range: item.range });
        continue;
      }
      config.overrides.push({ files: stringList(getChild(item, 'files'), config.problems), settings: readSettings(item, config.problems, text) });
    }
  }
  unknownKeys(root, PROJECT_SETTINGS, config.problems, 'project setting');
  return config;
}

function stringList(node: ConfigNode | undefined, problems: ProjectConfig['problems']): string[] {
  if (!node) return [];
  const value = toPlain(node);
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  problems.push({ message: 'Expected a list of glob patterns.', range: node.range });
  return [];
}

/** Keys of a settings block that nothing reads, reported with the closest known one. */
function unknownKeys(block: ConfigNode, known: readonly string[], problems: ProjectConfig['problems'], what = 'setting'): void {
  if (block.kind !== 'object') {
    problems.push({ message: `Expected a mapping of ${known.join(', ')}.`, range: block.range });
    return;
  }
  for (const child of block.children) {
    const key = String(child.key);
    if (known.includes(key)) continue;
    const suggestion = clearWinner(rankSuggestions(key, known));
    problems.push({ message: `Unknown ${what} "${key}"${suggestion ? `; did you mean "${suggestion}"?` : `; known: ${known.join(', ')}.`}`, range: child.keyRange ?? child.range, unknown: true });
  }
}

/** `cluster.hardware`: catalog figures replaced by the site's own, each a positive number. */
function hardwareFigures(node: ConfigNode | undefined, problems: ProjectConfig['problems']): HardwareFigures | undefined {
  if (!node) return undefined;
  unknownKeys(node, HARDWARE_FIGURES, problems);
  if (node.kind !== 'object') return undefined;
  const figures: HardwareFigures = {};
  for (const name of HARDWARE_FIGURES) {
    const value = positiveNumber(getChild(node, name), problems);
    if (value !== undefined) figures[name] = value;
  }
  return figures;
}

function positiveNumber(node: ConfigNode | undefined, problems: ProjectConfig['problems']): number | undefined {
  if (!node) return undefined;
  if (typeof node.value === 'number' && Number.isFinite(node.value) && node.value > 0) return node.value;
  problems.push({ message: `Expected a positive number, got ${JSON.stringify(node.value ?? node.kind)}.`, range: node.range });
  return undefined;
}

function positiveInt(node: ConfigNode | undefined, problems: ProjectConfig['problems']): number | undefined {
  if (!node) return undefined;
  if (typeof node.value === 'number' && Number.isInteger(node.value) && node.value > 0) return node.value;
  problems.push({ message: `Expected a positive whole number, got ${JSON.stringify(node.value ?? node.kind)}.`, range: node.range });
  return undefined;
}

function readSettings(node: ConfigNode, problems: ProjectConfig['problems'], text: string): Settings {
  const settings: Settings = {};
  readVersions(getChild(node, 'versions'), problems, text, settings);
  const format = getChild(node, 'format');
  if (format) {
    if (isFormat(format.value)) settings.format = format.value;
    else problems.push({ message: `Unknown format ${JSON.stringify(format.value)}.`, range: format.range });
  }
  const consumer = getChild(node, 'consumer');
  if (consumer) {
    if ((CONSUMERS as readonly unknown[]).includes(consumer.value)) settings.consumer = consumer.value as Consumer;
    else problems.push({ message: `Unknown consumer ${JSON.stringify(consumer.value)}; expected one of ${CONSUMERS.join(', ')}.`, range: consumer.range });
  }
  const cluster = getChild(node, 'cluster');
  if (cluster) {
    unknownKeys(cluster, ['nodes', 'gpusPerNode', 'worldSize', 'gpu', 'hardware'], problems);
    const gpu = getChild(cluster, 'gpu');
    if (gpu && typeof gpu.value === 'string' && !findGpu(gpu.value)) problems.push({ message: `${unknownGpuMessage(gpu.value)}.`, range: gpu.range });
    settings.cluster = {
      nodes: positiveInt(getChild(cluster, 'nodes'), problems),
      gpusPerNode: positiveInt(getChild(cluster, 'gpusPerNode'), problems),
      worldSize: positiveInt(getChild(cluster, 'worldSize'), problems),
      gpu: typeof gpu?.value === 'string' ? gpu.value : undefined,
      hardware: hardwareFigures(getChild(cluster, 'hardware'), problems),
    };
  }
  const parallel = getChild(node, 'parallel');
  if (parallel) {
    unknownKeys(parallel, ['tp', 'pp', 'cp'], problems);
    settings.parallel = { tp: positiveInt(getChild(parallel, 'tp'), problems), pp: positiveInt(getChild(parallel, 'pp'), problems), cp: positiveInt(getChild(parallel, 'cp'), problems) };
  }
  const rules = getChild(node, 'rules');
  if (rules?.kind === 'object') {
    settings.rules = {};
    for (const rule of rules.children) {
      const value = rule.value === false ? 'off' : rule.value;
      if (RULE_SETTINGS.includes(value as RuleSetting)) settings.rules[String(rule.key)] = value as RuleSetting;
      else problems.push({ message: `Rule setting must be one of ${RULE_SETTINGS.join(', ')}.`, range: rule.range });
    }
  }
  const model = getChild(node, 'model');
  if (typeof model?.value === 'string') settings.model = model.value;
  const seq = getChild(node, 'seqLength');
  if (seq) settings.seqLength = positiveInt(seq, problems);
  settings.trainingTokens = positiveNumber(getChild(node, 'trainingTokens'), problems);
  settings.datasetTokens = positiveNumber(getChild(node, 'datasetTokens'), problems);
  const price = getChild(node, 'pricePerGpuHour');
  if (typeof price?.value === 'number') settings.pricePerGpuHour = price.value;
  const convention = getChild(node, 'flopsConvention');
  if (convention && ['palm', 'megatron', 'narayanan'].includes(String(convention.value))) settings.flopsConvention = convention.value as Settings['flopsConvention'];
  const bubble = getChild(node, 'bubbleWarnFraction');
  if (typeof bubble?.value === 'number') settings.bubbleWarnFraction = bubble.value;
  return settings;
}

/** `versions: { deepspeed: 0.14.4, transformers: ">=4.40,<4.45" }`: each a version or a range, its line kept for messages. */
function readVersions(node: ConfigNode | undefined, problems: ProjectConfig['problems'], text: string, settings: Settings): void {
  if (!node) return;
  unknownKeys(node, VERSIONED_FRAMEWORKS, problems, 'framework');
  if (node.kind !== 'object') return;
  for (const child of node.children) {
    const name = String(child.key);
    if (!isVersionedFramework(name)) continue;
    // YAML reads 0.14 and 1.0 as numbers: the text as written is the version.
    const written = child.kind === 'scalar' && typeof child.value === 'number' ? text.slice(child.range.start, child.range.end).trim() : child.value;
    if (typeof written !== 'string' || !parseVersionSpec(written)) {
      problems.push({ message: `Expected a version (0.14.4) or a range (">=4.40,<4.45") for ${name}, got ${JSON.stringify(child.value ?? child.kind)}.`, range: child.range });
      continue;
    }
    const line = text.slice(0, child.range.start).split('\n').length;
    settings.versions = { ...settings.versions, [name]: written };
    settings.versionSources = { ...settings.versionSources, [name as VersionedFramework]: `${PROJECT_FILE_NAME}:${line}` };
  }
}

/** Settings for one file: the project's, then each override whose globs match the path (relative to the project file). */
export function settingsForPath(config: ProjectConfig, relativePath: string): Settings {
  const layers = config.overrides.filter((o) => o.files.some((g) => matchesGlob(relativePath, g))).map((o) => o.settings);
  return mergeSettings(config.settings, ...layers);
}

export function isIncluded(config: ProjectConfig, relativePath: string): boolean {
  if (config.exclude.some((g) => matchesGlob(relativePath, g))) return false;
  return config.include.length === 0 || config.include.some((g) => matchesGlob(relativePath, g));
}
