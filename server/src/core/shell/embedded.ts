import type { Diagnostic, Fix, RelatedLocation } from '../diagnostic';
import type { Settings } from '../settings';
import { mergeSettings } from '../settings';
import type { ConfigNode, ConfigTree } from '../syntax/config-tree';
import { getChild } from '../syntax/config-tree';
import type { OffsetRange } from '../text/range';
import { shellFactsOf, type ShellLaunchFacts } from './shell-config';
import { fieldText, type Piece } from './words';
import { parseJson } from '../syntax/from-json';
import type { Program } from '../programs/program';
import { programOf } from '../programs/index';
import { PROGRAM, type Format } from '../programs/ids';

/**
 * The settings a launch script implies for its own analysis: the world size its launcher starts wins over a
 * generic `--gpus` (the script says what runs), unless the script only has it from a `${VAR:-default}`.
 */
export function withLaunchLayout(settings: Settings, tree: ConfigTree, ownWorld?: Program['worldOf']): Settings {
  const facts = shellFactsOf(tree);
  const world = facts?.world ?? ownWorld?.(tree);
  if (!world || world.value === undefined) return settings;
  const stated = settings.cluster?.worldSize !== undefined || (settings.cluster?.nodes !== undefined && settings.cluster?.gpusPerNode !== undefined);
  if (world.envDefault && stated) return settings;
  return mergeSettings(settings, { cluster: { worldSize: world.value, nodes: undefined, gpusPerNode: undefined } });
}

/** Megatron's parallel sizes as the script sets them, for the DeepSpeed config it writes. */
export function megatronParallelOf(args: ConfigNode | undefined): { tp?: number; pp?: number; cp?: number } {
  const num = (...names: string[]) => {
    for (const name of names) {
      const node = getChild(args, name);
      if (node && typeof node.value === 'number') return node.value;
    }
    return undefined;
  };
  return { tp: num('tensor-model-parallel-size'), pp: num('pipeline-model-parallel-size'), cp: num('context-parallel-size') };
}

type AnalyzeFn = (text: string, options: { path?: string; settings?: Settings }) => { format: string; diagnostics: Diagnostic[] };

// Estimates are made once for the whole launch, from the script's flags merged with the configs it writes.
const SCRIPT_WIDE_RULES = new Set(['out-of-memory', 'pipeline-bubble', 'compute-underutilized']);

/** Maps offsets of an expanded text back into the script, piece by piece. */
class OffsetMap {
  private readonly starts: number[] = [];
  constructor(private readonly pieces: Piece[]) {
    let offset = 0;
    for (const piece of pieces) {
      this.starts.push(offset);
      offset += piece.text.length;
    }
  }

  private pieceAt(offset: number): number {
    let low = 0;
    let high = this.pieces.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** The script range for an expanded range, or undefined when the text there was not written in the script. */
  range(range: OffsetRange): OffsetRange | undefined {
    if (this.pieces.length === 0) return undefined;
    const i = this.pieceAt(range.start);
    const j = this.pieceAt(Math.max(range.start, range.end - 1));
    const a = this.pieces[i];
    const b = this.pieces[j];
    if (a.unknown !== undefined) return { start: a.start, end: a.end };
    const start = a.verbatim ? a.start + (range.start - this.starts[i]) : a.start;
    const end = b.verbatim ? b.start + (range.end - this.starts[j]) : b.end;
    if (i === j || (end >= start && end - start <= range.end - range.start + 8)) return { start, end: Math.max(start, end) };
    return { start, end: a.end };
  }

  /** Like range, for edits: only where the expanded text is exactly the script's text. */
  exact(range: OffsetRange): OffsetRange | undefined {
    const i = this.pieceAt(range.start);
    const j = this.pieceAt(Math.max(range.start, range.end - 1));
    if (i !== j || !this.pieces[i].verbatim) {
      // A whole non-verbatim piece (a `$VAR` that expanded to a value written verbatim elsewhere) is fine too.
      const a = this.pieces[i];
      if (i === j && a.start !== a.end && range.start === this.starts[i] && range.end === this.starts[i] + a.text.length && !a.unknown) return undefined;
      return undefined;
    }
    const p = this.pieces[i];
    return { start: p.start + (range.start - this.starts[i]), end: p.start + (range.end - this.starts[i]) };
  }
}

function mapFix(fix: Fix, map: OffsetMap): Fix | undefined {
  const edits = [];
  for (const edit of fix.edits) {
    const range = map.exact(edit.range);
    if (!range) return undefined;
    edits.push({ range, newText: edit.newText });
  }
  return { ...fix, edits };
}

/**
 * DeepSpeed configs the script writes with a heredoc (`cat <<EOT > $config_json`), analysed as DeepSpeed
 * configs in the context of the launch (world size, Megatron's TP/PP, who reads them), with every range mapped
 * back into the script: a finding about `train_batch_size: $GLOBAL_BATCH_SIZE` lands on `GLOBAL_BATCH_SIZE=2048`.
 */
export function embeddedDiagnostics(tree: ConfigTree, format: Format, settings: Settings, analyzeFn: AnalyzeFn): Diagnostic[] {
  const facts = shellFactsOf(tree);
  if (!facts || facts.embedded.length === 0) return [];
  const args = tree.documents[0]?.root?.children.find((c) => c.key === 'args');
  const out: Diagnostic[] = [];
  for (const file of facts.embedded) {
    const target = fieldText(file.target);
    const text = file.body.map((p) => (p.unknown !== undefined ? `\${${p.unknown.replace(/[^\w $]/g, '')}}` : p.text)).join('');
    const pieces = file.body.map((p) => (p.unknown !== undefined ? { ...p, text: `\${${p.unknown.replace(/[^\w $]/g, '')}}` } : p));
    const hasUnknown = file.body.some((p) => p.unknown !== undefined);
    const context = embeddedContext(facts, format, args, settings);
    // The heredoc's own content decides its format, whatever format the script itself was given.
    const { format: _scriptFormat, ...scriptSettings } = settings;
    const analysis = analyzeFn(text, { path: 'embedded.json', settings: mergeSettings(scriptSettings, context) });
    if (analysis.format !== PROGRAM.deepspeed) continue;
    const map = new OffsetMap(pieces);
    const label = target ? `the DeepSpeed config this script writes to ${target}` : 'the DeepSpeed config this script writes';
    for (const d of analysis.diagnostics) {
      if (hasUnknown && d.rule === 'parse-error') continue; // Text the environment fills in; not the script's error.
      if (SCRIPT_WIDE_RULES.has(d.rule)) continue; // The script's own plan (flags plus this config) covers the whole run.
      if (d.rule === 'comment-in-strict-json' && context.consumer === PROGRAM.deepspeed) continue;
      const range = map.range(d.range) ?? file.range;
      const related: RelatedLocation[] = d.related.filter((r) => !r.path).map((r) => ({ ...r, range: map.range(r.range) ?? file.range }));
      out.push({
        ...d,
        message: `In ${label}: ${d.message}`,
        range,
        related,
        fixes: d.fixes.map((f) => mapFix(f, map)).filter((f): f is Fix => f !== undefined),
      });
    }
  }
  return out;
}

/** Who reads the DeepSpeed config a launch script writes, in what layout: the program the script runs says (programs/<id>/). */
function embeddedContext(facts: ShellLaunchFacts, format: Format, args: ConfigNode | undefined, settings: Settings): Settings {
  const context: Settings = { format: PROGRAM.deepspeed, ...programOf(format)?.heredocDeepSpeed?.(facts, args) };
  // The program the script runs was read and none of its parsers takes TrainingArguments or a TRL config (an argparse
  // script calling deepspeed.initialize, DeepSpeedExamples' finetune_zero3.py): the HF Trainer is not known to read the config.
  const program = settings.program;
  if (context.consumer === PROGRAM.hfTrainer && program && ![program.commandLine, program.configFile].some((set) => (set?.upstream.length ?? 0) > 0)) delete context.consumer;
  return context;
}
/** The texts of the files a script writes with heredocs, as expanded (unknown values left as `${NAME}`). */
export function embeddedTexts(tree: ConfigTree): string[] {
  const facts = shellFactsOf(tree);
  if (!facts) return [];
  return facts.embedded.map((file) => file.body.map((p) => (p.unknown !== undefined ? `\${${p.unknown.replace(/[^\w $]/g, '')}}` : p.text)).join(''));
}

/** A JSON config a script writes with a heredoc, parsed, with a way back from its offsets into the script. */
export interface EmbeddedConfig {
  /** Where the script writes it, as expanded. */
  target: string;
  root: ConfigNode | undefined;
  /** The heredoc's range in the script. */
  range: OffsetRange;
  /** The script range a range of the parsed text came from (the heredoc when it cannot be mapped). */
  toScript(range: OffsetRange): OffsetRange;
}

export function embeddedConfigs(tree: ConfigTree): EmbeddedConfig[] {
  const facts = shellFactsOf(tree);
  if (!facts) return [];
  return facts.embedded.map((file) => {
    const pieces = file.body.map((p) => (p.unknown !== undefined ? { ...p, text: `\${${p.unknown.replace(/[^\w $]/g, '')}}` } : p));
    const map = new OffsetMap(pieces);
    return { target: fieldText(file.target), root: parseJson(pieces.map((p) => p.text).join('')).documents[0]?.root, range: file.range, toScript: (range: OffsetRange) => map.range(range) ?? file.range };
  });
}
