import { getChild, getPath, type ConfigNode } from '../syntax/config-tree';
import type { Format } from '../detect/formats';
import type { Settings } from '../settings';
import { readNumberField, numericValue, type NumberField } from './values';
import { megatronBatchFacts } from './megatron-batch';

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
  /** The framework derives a missing one of the three, as DeepSpeed's _set_batch_related_parameters does. */
  derivesMissing: boolean;
  /** Whether the framework refuses a config that gives neither global nor micro batch. */
  requiresGlobalOrMicro: boolean;
  /** Where to report a missing batch size: the config's root object. */
  root: ConfigNode;
}

export function batchFactsFor(format: Format, root: ConfigNode, settings: Settings): BatchFacts | undefined {
  if (root.kind !== 'object') return undefined;
  if (format === 'megatron' || format === 'nemo' || format === 'neox' || format === 'axolotl' || format === 'llamafactory') return megatronBatchFacts(format, root, settings);
  const parallel = settings.parallel ?? {};
  if (format === 'deepspeed') {
    const autotp = numericValue(readNumberField(getPath(root, 'tensor_parallel', 'autotp_size')));
    const tp = parallel.tp ?? autotp ?? 1;
    const pipelineStages = numericValue(readNumberField(getPath(root, 'pipeline', 'stages')));
    const pp = parallel.pp ?? pipelineStages ?? 1;
    // deepspeed/runtime/config.py DeepSpeedConfig.__init__: without an mpu, "sequence_parallel_size" in the config divides
    // the world size the batch assertion uses (Ulysses sequence parallelism, as accelerate and the HF Trainer launch it).
    const ulysses = numericValue(readNumberField(getChild(root, 'sequence_parallel_size')));
    const cp = parallel.cp ?? ulysses ?? 1;
    const sources = [
      tp > 1 ? `TP ${tp} (${parallel.tp ? 'settings' : 'tensor_parallel.autotp_size'})` : '',
      pp > 1 ? `PP ${pp} (${parallel.pp ? 'settings' : 'pipeline.stages'})` : '',
      cp > 1 ? `SP ${cp} (${parallel.cp ? 'settings' : 'sequence_parallel_size'})` : '',
    ].filter(Boolean);
    return {
      global: readNumberField(getChild(root, 'train_batch_size')),
      micro: readNumberField(getChild(root, 'train_micro_batch_size_per_gpu')),
      accum: readNumberField(getChild(root, 'gradient_accumulation_steps')),
      modelParallel: tp * pp * cp,
      modelParallelSource: sources.length > 0 ? sources.join(' x ') : 'no model parallelism',
      names: { global: 'train_batch_size', micro: 'train_micro_batch_size_per_gpu', accum: 'gradient_accumulation_steps' },
      derivesMissing: true,
      requiresGlobalOrMicro: true,
      root,
    };
  }
  if (format === 'hf-trainer') {
    // TrainingArguments has no global batch: it is per_device_train_batch_size x gradient_accumulation_steps x processes.
    return {
      micro: readNumberField(getChild(root, 'per_device_train_batch_size')),
      accum: readNumberField(getChild(root, 'gradient_accumulation_steps')),
      modelParallel: (parallel.tp ?? 1) * (parallel.pp ?? 1) * (parallel.cp ?? 1),
      modelParallelSource: 'settings',
      names: { global: 'global batch', micro: 'per_device_train_batch_size', accum: 'gradient_accumulation_steps' },
      derivesMissing: true,
      requiresGlobalOrMicro: false,
      root,
    };
  }
  return undefined;
}

/** The accumulation steps the framework runs: as stated, or axolotl's batch_size // micro_batch_size. */
export function accumulationOf(facts: BatchFacts): number | undefined {
  if (typeof facts.accum?.value === 'number') return facts.accum.value;
  const perRank = facts.perRank?.value;
  const micro = facts.micro?.value;
  return facts.accum === undefined && typeof perRank === 'number' && typeof micro === 'number' && micro > 0 ? Math.max(1, Math.floor(perRank / micro)) : undefined;
}
