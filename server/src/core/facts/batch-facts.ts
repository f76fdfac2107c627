import type { ConfigNode } from '../syntax/config-tree';
import type { Format } from '../programs/ids';
import type { Settings } from '../settings';
import type { NumberField } from './values';
import { programOf } from '../programs/index';

/**
 * The batch identity of one config, whatever its format: global = micro x accumulation x data-parallel size,
 * with data-parallel size = world / (TP x PP x CP).
 */
export interface BatchFacts {
  global?: NumberField;
  micro?: NumberField;
  accum?: NumberField;
  /**
   * axolotl's `batch_size`: micro-batch x accumulation on each data-parallel rank (normalize_config multiplies it by the
   * world size itself, and derives accumulation as batch_size // micro_batch_size when it is not given).
   */
  perRank?: NumberField;
  /** TP x PP x CP, and where each factor came from. */
  modelParallel: number;
  modelParallelSource: string;
  /** Names used in messages for fields that are absent. */
  names: { global: string; micro: string; accum: string };
  /** The values the program takes for a factor left out, instead of deriving it (TrainingArguments: 8 and 1). */
  defaults?: { micro: number; accum: number };
  /** Who sets the data-parallel size the file's batch is multiplied by, in messages ("the launcher"). */
  worldFrom?: string;
  /** The framework derives a missing one of the three, as DeepSpeed's _set_batch_related_parameters does. */
  derivesMissing: boolean;
  /** How the program derives the missing factor, in the batch identity's sources; DeepSpeed's wording when absent. */
  derivedAs?: string;
  /** Whether the framework refuses a config that gives neither global nor micro batch. */
  requiresGlobalOrMicro: boolean;
  /** Where to report a missing batch size: the config's root object. */
  root: ConfigNode;
}

export function batchFactsFor(format: Format, root: ConfigNode, settings: Settings): BatchFacts | undefined {
  if (root.kind !== 'object') return undefined;
  return programOf(format)?.batchFacts?.(root, settings);
}

/** TP x PP x CP and the factors' sources, for BatchFacts. */
export function modelParallelOf(tp: number, pp: number, cp: number, sources: string[]): Pick<BatchFacts, 'modelParallel' | 'modelParallelSource'> {
  return { modelParallel: tp * pp * cp, modelParallelSource: sources.filter(Boolean).join(' x ') || 'no model parallelism' };
}

/** The accumulation steps the framework runs: as stated, or axolotl's batch_size // micro_batch_size. */
export function accumulationOf(facts: BatchFacts): number | undefined {
  if (typeof facts.accum?.value === 'number') return facts.accum.value;
  const perRank = facts.perRank?.value;
  const micro = facts.micro?.value;
  return facts.accum === undefined && typeof perRank === 'number' && typeof micro === 'number' && micro > 0 ? Math.max(1, Math.floor(perRank / micro)) : undefined;
}
