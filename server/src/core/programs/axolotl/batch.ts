import { getChild, type ConfigNode } from '../../syntax/config-tree';
import type { Settings } from '../../settings';
import { numberAt as num, readNumberField } from '../../facts/values';
import { modelParallelOf, type BatchFacts } from '../../facts/batch-facts';

/** axolotl: micro-batch x accumulation per data-parallel rank, TP and CP from the file. */
export function batchFacts(root: ConfigNode, settings: Settings): BatchFacts | undefined {
  const parallel = settings.parallel ?? {};
  const tp = parallel.tp ?? num(getChild(root, 'tensor_parallel_size')) ?? 1;
  const cp = parallel.cp ?? num(getChild(root, 'context_parallel_size')) ?? num(getChild(root, 'sequence_parallel_degree')) ?? 1;
  // axolotl has no global batch key: batch_size is per data-parallel rank (normalize_config).
  return {
    micro: readNumberField(getChild(root, 'micro_batch_size')),
    accum: readNumberField(getChild(root, 'gradient_accumulation_steps')),
    perRank: readNumberField(getChild(root, 'batch_size')),
    ...modelParallelOf(tp, 1, cp, [tp > 1 ? `tensor_parallel_size ${tp}` : '', cp > 1 ? `context_parallel_size ${cp}` : '']),
    names: { global: 'global batch (micro_batch_size x gradient_accumulation_steps x data-parallel size)', micro: 'micro_batch_size', accum: 'gradient_accumulation_steps' },
    derivesMissing: true,
    requiresGlobalOrMicro: false,
    root,
  };
}
