import type { Fix } from '../../diagnostic';
import type { TrainingPlan } from '../../estimate/plan';
import { formatScalar } from '../../fix/edits';
import type { ConfigNode, ScalarValue } from '../../syntax/config-tree';
import type { OffsetRange, TextEdit } from '../../text/range';
import type { RuleContext } from '../rule';

import type { Reading } from '../../plan/reading';
export { readingOf, type Reading } from '../../plan/reading';

/** The global batch in samples and what it is made of, from the completed plan; `perRank` = micro x accumulation. */
export interface BatchReading {
  global?: number;
  micro?: number;
  accum?: number;
  perRank?: number;
  seq?: number;
  dp?: number;
}

export function batchOf(reading: Reading | undefined): BatchReading {
  const plan = reading?.completed?.plan;
  const written = reading?.built?.plan.batch;
  if (!plan) return {};
  const micro = written?.micro ?? plan.batch?.micro;
  const accum = plan.batch?.gradAccum;
  const global = plan.batch?.global !== undefined && Number.isFinite(plan.batch.global) ? plan.batch.global : undefined;
  return {
    global,
    micro,
    accum,
    perRank: micro !== undefined && accum !== undefined ? micro * accum : undefined,
    seq: plan.model?.seqLength,
    dp: plan.parallel?.dp,
  };
}

/** Global batch ratio new / old: both globals when known, else the per-rank batches (same settings, same world size). */
export function batchRatio(now: BatchReading, before: BatchReading): { ratio: number; from: number; to: number } | undefined {
  if (now.global !== undefined && before.global !== undefined && before.global > 0) return { ratio: now.global / before.global, from: before.global, to: now.global };
  if (now.perRank !== undefined && before.perRank !== undefined && before.perRank > 0) return { ratio: now.perRank / before.perRank, from: before.perRank, to: now.perRank };
  return undefined;
}

/** Where to report a finding: the first node given that is written in the file, else the config's first key. */
export function placeOf(ctx: RuleContext, ...nodes: Array<ConfigNode | undefined>): OffsetRange {
  for (const node of nodes) if (node) return node.keyRange ?? node.range;
  const first = ctx.roots[0]?.children[0];
  return first ? first.keyRange ?? first.range : { start: 0, end: 0 };
}

/** An edit that writes `value` over a scalar written in this file (not through an alias), in the file's spelling. */
export function setValue(ctx: RuleContext, node: ConfigNode | undefined, value: ScalarValue): TextEdit | undefined {
  if (!node || node.kind !== 'scalar' || node.viaAlias) return undefined;
  const language = ctx.tree.language;
  if (language === 'shell') {
    // A value written in the script: replace its text when it is exactly what the flag received.
    if (node.raw === undefined || ctx.text.slice(node.range.start, node.range.end) !== node.raw) return undefined;
    return { range: node.range, newText: String(value) };
  }
  return { range: node.range, newText: formatScalar(language, value) };
}

function lineEnd(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i === -1 ? text.length : i;
}

function columnOf(text: string, offset: number): number {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return offset - start;
}

/**
 * Edits that add keys to an object written in this file: after its last property, with that property's indentation
 * (JSON objects, YAML block mappings). Undefined for launch scripts, flow mappings and empty objects.
 */
export function addKeys(ctx: RuleContext, object: ConfigNode | undefined, entries: Array<[string, ScalarValue]>): TextEdit[] | undefined {
  if (!object || object.kind !== 'object' || object.viaAlias || entries.length === 0) return undefined;
  const language = ctx.tree.language;
  const last = object.children[object.children.length - 1];
  if (!last?.keyRange || language === 'shell') return undefined;
  const indent = ' '.repeat(columnOf(ctx.text, last.keyRange.start));
  if (language === 'json') {
    const body = entries.map(([k, v]) => `,\n${indent}${JSON.stringify(k)}: ${formatScalar('json', v)}`).join('');
    return [{ range: { start: last.range.end, end: last.range.end }, newText: body }];
  }
  // YAML: a flow mapping ({a: 1}) or a key on the same line as its parent is left alone.
  if (ctx.text[object.range.start] === '{' || ctx.text.slice(ctx.text.lastIndexOf('\n', last.keyRange.start - 1) + 1, last.keyRange.start).trim() !== '') return undefined;
  const at = lineEnd(ctx.text, Math.max(last.range.end - 1, last.keyRange.end));
  const body = entries.map(([k, v]) => `\n${indent}${k}: ${formatScalar('yaml', v)}`).join('');
  return [{ range: { start: at, end: at }, newText: body }];
}

/** A fix from edits that may be missing; undefined unless every edit could be made. */
export function fixOf(title: string, ...edits: Array<TextEdit | TextEdit[] | undefined>): Fix | undefined {
  const flat: TextEdit[] = [];
  for (const e of edits) {
    if (!e) return undefined;
    if (Array.isArray(e)) flat.push(...e);
    else flat.push(e);
  }
  return flat.length > 0 ? { title, safe: false, edits: flat } : undefined;
}

export function fixes(...list: Array<Fix | undefined>): Fix[] {
  return list.filter((f): f is Fix => f !== undefined);
}

/** A number for messages: 3 significant digits, no trailing noise. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e7)) return value.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(4)));
}

export function tokens(value: number): string {
  if (value >= 1e12) return `${fmt(value / 1e12)}T`;
  if (value >= 1e9) return `${fmt(value / 1e9)}B`;
  if (value >= 1e6) return `${fmt(value / 1e6)}M`;
  if (value >= 1e3) return `${fmt(value / 1e3)}K`;
  return fmt(value);
}

/** The plan with changes applied (a deep copy), for before/after estimates. */
export function withPlan(plan: TrainingPlan, change: (copy: TrainingPlan) => void): TrainingPlan {
  const copy = JSON.parse(JSON.stringify(plan)) as TrainingPlan;
  change(copy);
  return copy;
}
