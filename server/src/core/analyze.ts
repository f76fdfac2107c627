import type { Diagnostic, Severity } from './diagnostic';
import { detectFormat, readModeline, type Detection } from './detect/detect-format';
import { programOf, yamlLoaderOf } from './programs/index';
import { completedByTool, environmentTemplate, jsonPlaceholderTemplate, templateMarkup } from './detect/templates';
import { analysisFailed, fileNotRead, fileTooLarge, nestingTooDeep, parseError } from './rules/syntax-rules';
import type { Format } from './programs/ids';
import { mergeSettings, type Consumer, type Settings } from './settings';
import { parseJson } from './syntax/from-json';
import { parseYaml } from './syntax/from-yaml';
import type { ConfigNode, ConfigTree } from './syntax/config-tree';
import type { YamlResolver } from './syntax/yaml-scalars';
import { RULES, rulesFor } from './rules/registry';
import type { RuleMeta } from './rules/rule-meta';
import type { Finding, RuleContext } from './rules/rule';
import { toSource } from './text/source';
import { worldFromLinkedAccelerate, type ConfigLink } from './links';
import { parseShellScript } from './shell/shell-config';
import { checkoutOf } from './rules/checkout';
import { embeddedDiagnostics, withLaunchLayout } from './shell/embedded';
import type { ShellParser } from './shell/syntax';
import { applySuppressions } from './suppress/suppress';
import { fitShellEdit } from './fix/edits';
import type { TextEdit } from './text/range';

export interface AnalyzeOptions {
  /** The file's path or name: a hint for the language and format, never opened. */
  path?: string;
  settings?: Settings;
  /** A ready shell parser for launch scripts (.sh/.bash/.slurm); front ends load it once (server/src/node/shell-parser.ts). Without it scripts stay unknown. */
  shellParser?: ShellParser;
  /** The files this one links to (see links.ts), read and analysed by the front end. */
  linked?: LinkedFile[];
  /**
   * The same file at a reference revision (git HEAD in the editor, `--baseline REV` in CI), for rules that judge a
   * change (the global batch changed and the learning rate did not). Analysed with the same settings; absent when unknown.
   */
  baseline?: { text: string; path: string };
}

/** A file named by the analysed one; `analysis` is absent when the file does not exist. */
export interface LinkedFile {
  link: ConfigLink;
  /** The target's path as the front end resolved it. */
  path: string;
  /** For a target found: which folder the path was resolved from and why, in words (for the hover on the path). */
  resolvedFrom?: string;
  /** For a target not found: the folders a run may start from that the front end looked in, as it names them. */
  lookedIn?: string[];
  /** For a target not found: an absolute path outside the workspace (the repository), on a machine the front end cannot see. */
  outsideWorkspace?: boolean;
  /** For a target that exists but was not read (no regular file, unreadable, over the size limit): why, in words. */
  notRead?: string;
  analysis?: FileAnalysis;
}

export interface FileAnalysis {
  /** The analysed text, without a byte order mark; all offsets point into it. */
  text: string;
  hadBom: boolean;
  format: Format;
  detection: Detection;
  consumer: Consumer;
  /** Whether the consumer was stated (settings, a linking file) or inferred from the content. */
  consumerStated: boolean;
  tree: ConfigTree;
  roots: ConfigNode[];
  diagnostics: Diagnostic[];
  /** The settings the rules saw: the given ones plus what the file states of its own layout (a launch script's process count). */
  settings: Settings;
}

// The rules that judge a file by the program reading it (rules/program-rules.ts), the only ones run on a file of no known format.
const PROGRAM_RULES = new Set(['unknown-key', 'invalid-value']);

export function languageOf(path: string, text: string): 'json' | 'yaml' | 'shell' {
  const lower = path.toLowerCase();
  if (/\.(json|jsonc|json5|hjson)$/.test(lower)) return 'json';
  if (/\.(ya?ml)$/.test(lower)) return 'yaml';
  if (/\.(sh|bash|slurm|sbatch)$/.test(lower) || /^#!\S*(?:\/|env\s+)(?:ba|z|k)?sh\b/.test(text)) return 'shell';
  const first = text.trimStart()[0];
  return first === '{' || first === '[' ? 'json' : 'yaml';
}

function parse(text: string, language: 'json' | 'yaml', resolver: YamlResolver): ConfigTree {
  return language === 'json' ? parseJson(text) : parseYaml(text, resolver);
}

/** Who reads the file: settings say so, or the program does (`"auto"` values show a Trainer/accelerate consumer). */
function consumerOf(format: Format, settings: Settings, root: ConfigNode | undefined): Consumer {
  return settings.consumer ?? programOf(format)?.consumer(root) ?? 'unknown';
}

function rootsOf(tree: ConfigTree, detection: Detection): ConfigNode[] {
  const roots: ConfigNode[] = [];
  for (const doc of tree.documents) {
    for (const pointer of detection.roots) {
      const node = doc.index.get(pointer);
      if (node) roots.push(node);
    }
  }
  return roots;
}

/**
 * Analyses one file: parse, detect the format, run every rule. Pure and total: any text gives a result.
 * Unknown files get no diagnostics at all, so unrelated JSON and YAML stay quiet. An exception that escapes the analysis
 * (a defect TrainLint must fix) becomes one finding on the file, so a folder's other files are still checked and the
 * editor never shows a failed file as clean.
 */
export function analyze(rawText: string, options: AnalyzeOptions = {}): FileAnalysis {
  try {
    return analyzeFile(rawText, options);
  } catch (error) {
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return oneFindingAnalysis(options, analysisFailed.meta, `TrainLint could not check this file (internal error: ${what.slice(0, 200)}); the other files were checked.`);
  }
}

/** The analysis of a file the front end could not read (`reason` follows "Not read: "), with one file-not-read finding. */
export function notReadAnalysis(options: AnalyzeOptions, reason: string, severity?: Severity): FileAnalysis {
  return oneFindingAnalysis(options, fileNotRead.meta, `Not read: ${reason}.`, severity);
}

function oneFindingAnalysis(options: AnalyzeOptions, meta: RuleMeta, message: string, severity?: Severity): FileAnalysis {
  const settings = options.settings ?? {};
  const configured = settings.rules?.[meta.name] ?? settings.rules?.[meta.code];
  const diagnostics = configured === 'off' ? [] : [toDiagnostic(meta, { range: { start: 0, end: 0 }, message, severity }, configured)];
  const detection: Detection = { format: 'unknown', reason: message, roots: [''] };
  const tree: ConfigTree = { language: languageOf(options.path ?? '', ''), documents: [], problems: [] };
  return { text: '', hadBom: false, format: 'unknown', detection, consumer: 'unknown', consumerStated: false, tree, roots: [], diagnostics, settings };
}

function analyzeFile(rawText: string, options: AnalyzeOptions): FileAnalysis {
  const source = toSource(rawText);
  const text = source.text;
  const path = options.path ?? '';
  const language = languageOf(path, text);
  const shell = language === 'shell' ? parseShellScript(text, options.shellParser) : undefined;
  let tree = shell ? shell.tree : parse(text, language as 'json' | 'yaml', 'pyyaml');
  const firstRoot = tree.documents[0]?.root;
  // Templates and configs another tool completes first are skipped, with the evidence as the reason (templates.ts).
  const stated = options.settings?.format !== undefined || readModeline(text) !== undefined;
  const template = !stated && !shell ? jsonPlaceholderTemplate(tree, path) : undefined;
  const markup = stated || shell ? undefined : templateMarkup(text, tree);
  const found: Detection = options.settings?.format
    ? { format: options.settings.format, reason: 'settings', roots: [shell ? '/args' : ''] }
    : markup ? { format: 'unknown', reason: markup, roots: [''] }
    : shell ? shell.detection : detectFormat(firstRoot, path, text);
  const skipped =
    markup ?? (stated || shell ? undefined : template?.reason ?? completedByTool(path, firstRoot) ?? environmentTemplate(firstRoot, yamlLoaderOf(found.format).loader === 'omegaconf'));
  const detection: Detection = skipped ? { ...found, reason: found.reason === skipped ? skipped : `${found.reason}, but ${skipped}`, skip: skipped } : found;
  // Scalars are typed as the program's loader types them (programs/<id>/index.ts `loader`).
  if (language === 'yaml' && yamlLoaderOf(detection.format).loader === 'omegaconf') tree = parse(text, language, 'omegaconf');
  // A launch script states its own process layout; it overrides a generic --gpus (see shell/embedded.ts).
  const ownWorld = programOf(detection.format)?.worldOf;
  const withLayout = shell || ownWorld ? withLaunchLayout(options.settings ?? {}, tree, ownWorld) : options.settings ?? {};
  // `accelerate launch --config_file X.yaml`: the accelerate config's num_processes is the launch's world size.
  const accelerateWorld = shell ? worldFromLinkedAccelerate({ tree }, options.linked) : undefined;
  const settings = accelerateWorld ? mergeSettings(withLayout, { cluster: { worldSize: accelerateWorld, nodes: undefined, gpusPerNode: undefined } }) : withLayout;
  const format = detection.format;
  const consumer = consumerOf(format, settings, tree.documents[0]?.root);
  const roots = rootsOf(tree, detection);
  const diagnostics: Diagnostic[] = [];
  const parseFailed = tree.documents.length === 0 || tree.problems.some((p) => p.kind === 'parse-error');
  // A file of no known format that a known program reads (settings.program) is still checked against that program's arguments.
  const programOnly = format === 'unknown' && settings.program !== undefined && !parseFailed;
  const parseRule = settings.rules?.[parseError.meta.name] ?? settings.rules?.[parseError.meta.code];
  let rulesRan = false;
  if (template && parseRule !== 'off') {
    // One note for the whole template, on its first placeholder; the rendered file is what a program reads.
    const first = tree.problems.find((p) => p.kind === 'parse-error')!;
    const message = `Not checked: ${template.reason} (${template.words.length} placeholder${template.words.length === 1 ? '' : 's'}); check the rendered file instead.`;
    diagnostics.push(toDiagnostic(parseError.meta, { range: first.range, message, severity: 'info' }, parseRule));
  } else if (skipped) {
    // Checked as rendered or completed, not as written: nothing to say about this text.
  } else if (format === 'unknown' && !programOnly) {
    // A broken file of unknown format: which program reads it is a guess from its name, so one warning at most.
    const first = tree.problems.find((p) => p.kind === 'parse-error' || p.kind === 'alias-limit');
    const tooLarge = tree.problems.find((p) => p.kind === 'file-too-large');
    // Nested too deep to read: said whatever the file is, since what it is was not read.
    const deep = tree.problems.find((p) => p.kind === 'nesting-too-deep');
    const deepRule = settings.rules?.[nestingTooDeep.meta.name] ?? settings.rules?.[nestingTooDeep.meta.code];
    if (deep && deepRule !== 'off') diagnostics.push(toDiagnostic(nestingTooDeep.meta, { range: deep.range, message: deep.message, severity: 'info' }, deepRule));
    const sizeRule = settings.rules?.[fileTooLarge.meta.name] ?? settings.rules?.[fileTooLarge.meta.code];
    if (parseFailed && looksLikeConfigFile(path) && !isJsonLines(text)) {
      if (tooLarge && sizeRule !== 'off') diagnostics.push(toDiagnostic(fileTooLarge.meta, { range: tooLarge.range, message: tooLarge.message }, sizeRule));
      else if (first && parseRule !== 'off') {
        const message = `${first.message} The file's name suggests a training config, and no JSON or YAML reader accepts it as written.`;
        diagnostics.push(toDiagnostic(parseError.meta, { range: first.range, message, severity: 'warning' }, parseRule));
      }
    }
  } else {
    rulesRan = true;
    const baseline = options.baseline
      ? { ...options.baseline, analysis: analyze(options.baseline.text, { path: options.baseline.path, settings: options.settings, shellParser: options.shellParser }) }
      : undefined;
    // The folder a launch script runs its program from when TrainLint cannot see it: that checkout's release decides.
    const checkout = checkoutOf(tree, settings);
    // Only the rules whose `programs` name the file's program (or every program's).
    for (const rule of rulesFor(format)) {
      const configured = settings.rules?.[rule.meta.name] ?? settings.rules?.[rule.meta.code];
      if (configured === 'off') continue;
      if (programOnly && !PROGRAM_RULES.has(rule.meta.name)) continue;
      const context: RuleContext = {
        text,
        path,
        tree,
        format,
        detection,
        consumer,
        consumerStated: settings.consumer !== undefined,
        settings,
        roots,
        linked: options.linked ?? [],
        baseline,
        report: (finding: Finding) => diagnostics.push(outOfReach(toDiagnostic(rule.meta, shell ? fitFixesToShell(text, finding) : finding, configured), rule.meta, checkout)),
      };
      rule.check(context);
    }
    if (shell) diagnostics.push(...embeddedDiagnostics(tree, format, settings, analyze).map((d) => outOfReach(d, RULES.find((r) => r.meta.name === d.rule)?.meta, checkout)));
  }
  // Suppression comments silence findings here, after every rule; whether a comment is unused is judged only where the rules ran.
  const reported = applySuppressions(diagnostics, text, language, settings, rulesRan);
  reported.sort((a, b) => a.range.start - b.range.start || a.code.localeCompare(b.code));
  return { text, hadBom: source.hadBom, format, detection, consumer, consumerStated: settings.consumer !== undefined, tree, roots, diagnostics: reported, settings };
}

/**
 * A finding of a rule that judges one release of the program, on a script that runs the program from a checkout TrainLint
 * cannot see: a note naming the checkout (bigscience's 2021 scripts run a Megatron-LM clone where --checkpoint-activations
 * was valid and the pipeline size was capped, not asserted).
 */
function outOfReach(diagnostic: Diagnostic, meta: RuleMeta | undefined, checkout: string | undefined): Diagnostic {
  if (!checkout || !meta?.judgesRelease) return diagnostic;
  const said = diagnostic.message.includes(checkout) ? '' : ` The script runs the program from ${checkout}, a checkout TrainLint cannot see, whose release decides.`;
  return { ...diagnostic, severity: 'info', message: diagnostic.message + said };
}

/** A broken file of unknown format is still reported when its name says it is a training config. */
/**
 * A JSON Lines data file (one object a line: transformers' tests_samples/wmt_en_ro/train.json, read by datasets' json
 * loader): data, not a broken config. The first lines decide; each is a whole JSON object.
 */
function isJsonLines(text: string): boolean {
  const lines = text.split('\n', JSON_LINES_SAMPLE + 1).slice(0, JSON_LINES_SAMPLE).map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length < 2) return false;
  return lines.every((line) => {
    if (!line.startsWith('{') || !line.endsWith('}')) return false;
    try {
      JSON.parse(line);
      return true;
    } catch {
      return false;
    }
  });
}

// Lines read to tell JSON Lines from a broken JSON document.
const JSON_LINES_SAMPLE = 20;

function looksLikeConfigFile(path: string): boolean {
  return /(ds_?config|deepspeed|zero[0-3]|accelerate|train|sft|dpo|finetune|pretrain)[^/]*\.(json|ya?ml)$/i.test(path);
}

/** A shell file's fixes with each replacement fitted to the word it lands in; a fix that cannot be fitted is dropped. */
function fitFixesToShell(text: string, finding: Finding): Finding {
  if (!finding.fixes?.length) return finding;
  const fixes = finding.fixes.flatMap((fix) => {
    const edits = fix.edits.map((edit) => fitShellEdit(text, edit));
    return edits.every((edit) => edit !== undefined) ? [{ ...fix, edits: edits as TextEdit[] }] : [];
  });
  return { ...finding, fixes };
}

function toDiagnostic(meta: { code: string; name: string; severity: Severity }, finding: Finding, configured: Severity | undefined): Diagnostic {
  return {
    code: meta.code,
    rule: meta.name,
    severity: configured ?? finding.severity ?? meta.severity,
    message: finding.message,
    range: finding.range,
    fixes: finding.fixes ?? [],
    related: finding.related ?? [],
  };
}
