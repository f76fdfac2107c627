import { getChild, type ConfigNode } from '../../syntax/config-tree';
import type { Settings } from '../../settings';
import { numberAt as num, readNumberField } from '../../facts/values';
import { modelParallelOf, type BatchFacts } from '../../facts/batch-facts';

/** NeMo derives accumulation from `model.global_batch_size`, as Megatron-LM does. */
export function batchFacts(root: ConfigNode, settings: Settings): BatchFacts | undefined {
  const parallel = settings.parallel ?? {};
  const model = getChild(root, 'model');
  if (!model) return undefined;
  const tp = parallel.tp ?? num(getChild(model, 'tensor_model_parallel_size')) ?? 1;
  const pp = parallel.pp ?? num(getChild(model, 'pipeline_model_parallel_size')) ?? 1;
  const cp = parallel.cp ?? num(getChild(model, 'context_parallel_size')) ?? 1;
  return {
    global: readNumberField(getChild(model, 'global_batch_size'), 'model.global_batch_size'),
    micro: readNumberField(getChild(model, 'micro_batch_size'), 'model.micro_batch_size'),
    accum: undefined,
    ...modelParallelOf(tp, pp, cp, [tp > 1 ? `TP ${tp}` : '', pp > 1 ? `PP ${pp}` : '', cp > 1 ? `CP ${cp}` : '']),
    names: { global: 'model.global_batch_size', micro: 'model.micro_batch_size', accum: 'gradient accumulation (derived)' },
    derivesMissing: true,
    requiresGlobalOrMicro: false,
    root,
  };
}
