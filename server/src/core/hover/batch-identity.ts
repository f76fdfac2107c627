import type { FileAnalysis } from '../analyze';
import { accumulationOf, batchFactsFor, type BatchFacts } from '../facts/batch-facts';
import type { NumberField } from '../facts/values';
import { worldSizeOf, type Settings } from '../settings';
import { getChild, type ConfigNode } from '../syntax/config-tree';

/** One factor of the batch identity: its value and where that value comes from. */
export interface Factor {
  value?: number;
  /** Set when the file says "auto": the launcher fills it. */
  auto?: boolean;
  source: string;
  /** The property that states it, when the file does. */
  node?: ConfigNode;
}

/** global = micro x accumulation x data-parallel size, for one config root, with the source of each number. */
export interface BatchIdentity {
  global: Factor;
  micro: Factor;
  accum: Factor;
  dataParallel: Factor;
  /** Whether the stated numbers satisfy the identity; undefined while a factor is unknown. */
  holds?: boolean;
  tokensPerStep?: Factor;
  /** The property a one-line summary of the identity belongs to. */
  anchor: ConfigNode;
}

function stated(field: NumberField | undefined, reader: string): Factor | undefined {
  if (!field) return undefined;
  if (field.value === 'auto') return { auto: true, source: `\`${field.name}\` is "auto": ${reader} fills it`, node: field.node };
  if (field.value === undefined) return { source: `\`${field.name}\` is not a number`, node: field.node };
  return { value: field.value, source: `\`${field.name}\``, node: field.node };
}

/** axolotl without gradient_accumulation_steps: batch_size // micro_batch_size steps. */
function perRankAccumulation(facts: BatchFacts): Factor | undefined {
  const value = facts.accum === undefined ? accumulationOf(facts) : undefined;
  if (value === undefined || !facts.perRank) return undefined;
  return { value, source: `\`${facts.perRank.name}\` ${String(facts.perRank.value)} // \`${facts.names.micro}\` (axolotl derives it)`, node: facts.perRank.node };
}

const wholeOrUndefined = (n: number) => (Number.isInteger(n) && n > 0 ? n : undefined);

/**
 * Fills the missing factors the way the framework does. DeepSpeed: deepspeed/runtime/config.py
 * _set_batch_related_parameters (any two give the third; a lone global or micro batch means one accumulation step).
 * TrainingArguments: transformers training_args.py defaults (per_device_train_batch_size 8, gradient_accumulation_steps 1),
 * global = per device x accumulation x processes.
 */
function derive(facts: BatchFacts, g: Factor | undefined, m: Factor | undefined, a: Factor | undefined, dp?: number): { global: Factor; micro: Factor; accum: Factor } {
  const unknown = (why: string): Factor => ({ source: why });
  if (facts.defaults) {
    const micro = m ?? { value: facts.defaults.micro, source: `default of \`${facts.names.micro}\`` };
    const accum = a ?? { value: facts.defaults.accum, source: `default of \`${facts.names.accum}\`` };
    const global: Factor =
      micro.value !== undefined && accum.value !== undefined && dp !== undefined
        ? { value: micro.value * accum.value * dp, source: 'per device x accumulation x data-parallel size' }
        : unknown('needs the per-device batch, the accumulation steps and the world size');
    return { global, micro, accum };
  }
  const rule = facts.derivedAs ?? 'derived as DeepSpeed does';
  if (g && m && a) return { global: g, micro: m, accum: a };
  if (g && m) return { global: g, micro: m, accum: divided(g, [m], dp, rule) };
  if (g && a) return { global: g, micro: divided(g, [a], dp, rule), accum: a };
  if (m && a) {
    const value = m.value !== undefined && a.value !== undefined && dp !== undefined ? m.value * a.value * dp : undefined;
    return { global: value !== undefined ? { value, source: `${rule}: micro x accumulation x data-parallel size` } : unknown(rule), micro: m, accum: a };
  }
  const one: Factor = { value: 1, source: 'DeepSpeed uses 1 when only one batch size is given' };
  if (g) return { global: g, micro: divided(g, [one], dp, rule), accum: one };
  if (m) return { global: m.value !== undefined && dp !== undefined ? { value: m.value * dp, source: `${rule}: micro x data-parallel size` } : unknown(rule), micro: m, accum: one };
  return { global: unknown('not set'), micro: unknown('not set'), accum: unknown('not set') };
}

function divided(whole: Factor, by: Factor[], dp: number | undefined, rule: string): Factor {
  if (whole.value === undefined || dp === undefined || by.some((f) => f.value === undefined)) return { source: rule };
  const value = wholeOrUndefined(whole.value / (dp * by.reduce((p, f) => p * (f.value ?? 1), 1)));
  return value !== undefined ? { value, source: `${rule}: ${whole.value} / (${[...by.map((f) => f.value), dp].join(' x ')})` } : { source: `${rule}, but ${whole.value} does not divide evenly` };
}

// Sequence-length keys of TrainingArguments subclasses (TRL's SFTConfig: max_length, formerly max_seq_length).
const SEQUENCE_KEYS = ['max_seq_length', 'max_length'];

function tokensPerStep(root: ConfigNode, global: Factor): Factor | undefined {
  if (global.value === undefined) return undefined;
  for (const key of SEQUENCE_KEYS) {
    const node = getChild(root, key);
    if (typeof node?.value === 'number' && node.value > 0) {
      const packing = getChild(root, 'packing')?.value === true;
      return { value: global.value * node.value, source: `global batch x \`${key}\` ${node.value}${packing ? ' (packed sequences)' : ' (an upper bound: unpacked sequences are shorter)'}`, node };
    }
  }
  return undefined;
}

/** What the numbers imply when the world size is not given: ", but 512 / (4 x 8) implies 16 data-parallel ranks". */
function impliedRanks(facts: BatchFacts): string {
  const [g, m, a] = [facts.global?.value, facts.micro?.value, facts.accum?.value];
  if (typeof g !== 'number' || typeof m !== 'number' || typeof a !== 'number') return '';
  const ranks = g / (m * a);
  return Number.isInteger(ranks) && ranks >= 1 ? `, but ${facts.names.global} ${g} with micro ${m} x accumulation ${a} implies ${ranks} data-parallel ranks` : '';
}

/**
 * The batch identity of each config root of a file. `worldSource`, when given, says where the world size came
 * from in words the user recognises (editor settings, the project file, a linking file).
 */
export function batchIdentities(analysis: FileAnalysis, settings: Settings, worldSource?: string): BatchIdentity[] {
  const identities: BatchIdentity[] = [];
  // The settings the rules saw: a launch script's own process layout wins over a generic world size, as in diagnostics.
  const effective = analysis.settings ?? settings;
  const world = worldSizeOf(effective);
  const source = world.value !== worldSizeOf(settings).value ? 'the launch command in this file' : worldSource ?? world.source;
  for (const root of analysis.roots) {
    const facts = batchFactsFor(analysis.format, root, effective);
    if (!facts) continue;
    const reader = facts.worldFrom ?? 'the launcher';
    let dataParallel: Factor;
    const worldText = `world size ${world.value} (${source})`;
    const parallelText = facts.modelParallel > 1 ? ` / ${facts.modelParallelSource}` : '';
    if (world.value === undefined) dataParallel = { source: `world size unknown${impliedRanks(facts)}: set trainlint.cluster or \`cluster\` in .trainlint.yaml` };
    else if (world.value % facts.modelParallel !== 0) dataParallel = { source: `${worldText} does not divide by model parallelism ${facts.modelParallel}` };
    else dataParallel = { value: world.value / facts.modelParallel, source: `${worldText}${parallelText}` };
    const g = stated(facts.global, reader);
    const m = stated(facts.micro, reader);
    const a = stated(facts.accum, reader) ?? perRankAccumulation(facts);
    const { global, micro, accum } = derive(facts, g, m, a, dataParallel.value);
    const all = [global, micro, accum, dataParallel];
    const holds = all.every((f) => f.value !== undefined) ? global.value === micro.value! * accum.value! * dataParallel.value! : undefined;
    const anchor = (facts.global ?? facts.micro ?? facts.accum)?.node ?? root;
    identities.push({ global, micro, accum, dataParallel, holds, tokensPerStep: tokensPerStep(root, global), anchor });
  }
  return identities;
}

function show(f: Factor): string {
  if (f.value !== undefined) return String(f.value);
  return f.auto ? 'auto' : '?';
}

/** `512 = 4 x 8 x 16` with a mark for whether it holds. */
export function identityLine(identity: BatchIdentity): string {
  const mark = identity.holds === undefined ? '' : identity.holds ? ' ✓' : ' ✗';
  return `${show(identity.global)} = ${show(identity.micro)} × ${show(identity.accum)} × ${show(identity.dataParallel)}${mark}`;
}

/** The identity as a markdown table: each factor, its value and its source. */
export function identityMarkdown(identity: BatchIdentity): string {
  const rows: Array<[string, Factor]> = [
    ['global batch', identity.global],
    ['micro-batch per GPU', identity.micro],
    ['accumulation steps', identity.accum],
    ['data-parallel size', identity.dataParallel],
  ];
  if (identity.tokensPerStep) rows.push(['tokens per step', identity.tokensPerStep]);
  const verdict =
    identity.holds === undefined ? '' : identity.holds ? ' — holds' : ' — **does not hold**: the framework stops at start-up';
  return [
    `**Batch identity**: global = micro × accumulation × data-parallel: \`${identityLine(identity)}\`${verdict}`,
    '',
    '| factor | value | from |',
    '|---|---:|---|',
    ...rows.map(([name, f]) => `| ${name} | ${show(f)} | ${f.source.replace(/\|/g, '\\|')} |`),
  ].join('\n');
}
