import { getChild, type ConfigNode } from '../../syntax/config-tree';
import type { Settings } from '../../settings';
import { readNumberField } from '../../facts/values';
import type { BatchFacts } from '../../facts/batch-facts';

/** TrainingArguments has no global batch: it is per_device_train_batch_size x gradient_accumulation_steps x processes. */
export function batchFacts(root: ConfigNode, settings: Settings): BatchFacts | undefined {
  const parallel = settings.parallel ?? {};
  return {
    micro: readNumberField(getChild(root, 'per_device_train_batch_size')),
    accum: readNumberField(getChild(root, 'gradient_accumulation_steps')),
    modelParallel: (parallel.tp ?? 1) * (parallel.pp ?? 1) * (parallel.cp ?? 1),
    modelParallelSource: 'settings',
    names: { global: 'global batch', micro: 'per_device_train_batch_size', accum: 'gradient_accumulation_steps' },
    // transformers training_args.py defaults.
    defaults: { micro: 8, accum: 1 },
    derivesMissing: true,
    requiresGlobalOrMicro: false,
    root,
  };
}
