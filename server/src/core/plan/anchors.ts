import type { ConfigNode } from '../syntax/config-tree';
import { switchValue } from '../facts/values';
import type { TrainingPlan } from '../estimate/plan';

/**
 * Where each plan input is written in the config, so estimate findings land on the key the user
 * would edit and their fixes edit it. Absent when the value came from settings, a catalog or a default.
 */
export type AnchorKey =
  | 'model'
  | 'seqLength'
  | 'batch.micro'
  | 'batch.gradAccum'
  | 'batch.global'
  | 'precision'
  | 'zero.stage'
  | 'zero.offloadOptimizer'
  | 'zero.offloadParams'
  | 'recompute'
  | 'parallel.tp'
  | 'parallel.pp'
  | 'parallel.vpp'
  | 'parallel.cp'
  | 'optimizer.lr';

export type Anchors = Partial<Record<AnchorKey, ConfigNode>>;

export function num(node: ConfigNode | undefined): number | undefined {
  if (!node || node.kind !== 'scalar') return undefined;
  if (typeof node.value === 'number' && Number.isFinite(node.value)) return node.value;
  // PyYAML keeps `2e-5` a string; for estimates the intended number is what matters.
  if (typeof node.value === 'string' && /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(node.value.trim())) return Number(node.value);
  return undefined;
}

export function str(node: ConfigNode | undefined): string | undefined {
  return node && node.kind === 'scalar' && typeof node.value === 'string' && node.value !== '' ? node.value : undefined;
}

/** A Python truthiness reading of a switch; undefined when absent or "auto". */
export function flag(node: ConfigNode | undefined): boolean | undefined {
  return switchValue(node);
}

/**
 * The mixed-precision mode two switches state (bf16 wins, as both frameworks refuse both), with the key that says it.
 * `fp32` only when a switch is written and both are off; undefined when neither is written or one is "auto".
 */
export function precisionOf(fp16: ConfigNode | undefined, bf16: ConfigNode | undefined): { precision?: 'bf16' | 'fp16' | 'fp32'; node?: ConfigNode } {
  if (flag(bf16)) return { precision: 'bf16', node: bf16 };
  if (flag(fp16)) return { precision: 'fp16', node: fp16 };
  const written = [fp16, bf16].filter((n): n is ConfigNode => n !== undefined);
  if (written.length > 0 && written.every((n) => flag(n) === false)) return { precision: 'fp32' };
  return {};
}

/** What one file says about the run, before the settings and the files it links to add to it. */
export interface PartialPlan {
  plan: TrainingPlan;
  anchors: Anchors;
  /** Sentences about what was read or could not be read from the file. */
  notes: string[];
  /** A sentence that holds only when no linked file shards the run (the program leaves sharding to its launcher). */
  unshardedNote?: string;
}
