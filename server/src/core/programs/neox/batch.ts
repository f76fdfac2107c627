import { getChild, type ConfigNode } from '../../syntax/config-tree';
import type { Settings } from '../../settings';
import { firstNode, numberAt as num, readNumberField } from '../../facts/values';
import { modelParallelOf, type BatchFacts } from '../../facts/batch-facts';

/** GPT-NeoX hands its batch keys to DeepSpeed, which derives the missing one. */
export function batchFacts(root: ConfigNode, settings: Settings): BatchFacts | undefined {
  const parallel = settings.parallel ?? {};
  // NeoX accepts "-" and "_" spellings; pipe/model parallel 0 counts as 1.
  const get = (key: string) => firstNode(getChild(root, key), getChild(root, key.replace(/_/g, '-')));
  const tp = parallel.tp ?? Math.max(1, num(get('model_parallel_size')) ?? 1);
  const pp = parallel.pp ?? Math.max(1, num(get('pipe_parallel_size')) ?? 1);
  return {
    global: readNumberField(get('train_batch_size')),
    micro: readNumberField(get('train_micro_batch_size_per_gpu')),
    accum: readNumberField(get('gradient_accumulation_steps')),
    ...modelParallelOf(tp, pp, 1, [tp > 1 ? `model_parallel_size ${tp}` : '', pp > 1 ? `pipe_parallel_size ${pp}` : '']),
    names: { global: 'train_batch_size', micro: 'train_micro_batch_size_per_gpu', accum: 'gradient_accumulation_steps' },
    derivesMissing: true,
    requiresGlobalOrMicro: false,
    root,
  };
}
