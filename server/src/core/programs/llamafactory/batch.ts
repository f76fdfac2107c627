import { getChild, type ConfigNode } from '../../syntax/config-tree';
import type { Settings } from '../../settings';
import { firstNode, numberAt as num, readNumberField } from '../../facts/values';
import { modelParallelOf, type BatchFacts } from '../../facts/batch-facts';

/** LLaMA-Factory: the v1 layout (micro_batch_size, cp_size) or the TrainingArguments one. */
export function batchFacts(root: ConfigNode, settings: Settings): BatchFacts | undefined {
  const parallel = settings.parallel ?? {};
  const cp = parallel.cp ?? num(getChild(root, 'cp_size')) ?? 1;
  const tp = parallel.tp ?? num(getChild(root, 'tensor_model_parallel_size')) ?? 1;
  const pp = parallel.pp ?? num(getChild(root, 'pipeline_model_parallel_size')) ?? 1;
  return {
    global: readNumberField(getChild(root, 'global_batch_size')),
    micro: readNumberField(firstNode(getChild(root, 'per_device_train_batch_size'), getChild(root, 'micro_batch_size'))),
    accum: readNumberField(getChild(root, 'gradient_accumulation_steps')),
    ...modelParallelOf(tp, pp, cp, [tp > 1 ? `TP ${tp}` : '', pp > 1 ? `PP ${pp}` : '', cp > 1 ? `cp_size ${cp}` : '']),
    names: { global: 'global_batch_size', micro: 'per_device_train_batch_size', accum: 'gradient_accumulation_steps' },
    derivesMissing: true,
    requiresGlobalOrMicro: false,
    root,
  };
}
