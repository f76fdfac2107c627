import { getChild, type ConfigNode } from '../../syntax/config-tree';
import type { Settings } from '../../settings';
import { firstNode, numberAt as num, readNumberField } from '../../facts/values';
import { modelParallelOf, type BatchFacts } from '../../facts/batch-facts';

/** Megatron-LM derives accumulation from the global batch; TP x PP x CP from the file. */
export function batchFacts(root: ConfigNode, settings: Settings): BatchFacts | undefined {
  const parallel = settings.parallel ?? {};
  // Launch-script flags (`global-batch-size`) or --yaml-cfg dest names (`global_batch_size`, model_parallel.*).
  const mp = getChild(root, 'model_parallel');
  const get = (dest: string) => firstNode(getChild(root, dest.replace(/_/g, '-')), getChild(root, dest), getChild(mp, dest));
  const tp = parallel.tp ?? num(get('tensor_model_parallel_size')) ?? 1;
  const pp = parallel.pp ?? num(get('pipeline_model_parallel_size')) ?? 1;
  const cp = parallel.cp ?? num(get('context_parallel_size')) ?? num(get('ds_sequence_parallel_size')) ?? 1;
  const shell = getChild(root, 'micro-batch-size') !== undefined || getChild(root, 'global-batch-size') !== undefined;
  const name = (dest: string) => (shell ? `--${dest.replace(/_/g, '-')}` : dest);
  // A step schedule sets the global batch over time: batch-schedule-conflict reports the pair.
  const scheduled = get('step_batch_size_schedule') !== undefined;
  return {
    global: scheduled ? undefined : readNumberField(get('global_batch_size'), name('global_batch_size')),
    micro: readNumberField(get('micro_batch_size'), name('micro_batch_size')),
    accum: undefined,
    ...modelParallelOf(tp, pp, cp, [tp > 1 ? `TP ${tp}` : '', pp > 1 ? `PP ${pp}` : '', cp > 1 ? `CP ${cp}` : '']),
    names: { global: name('global_batch_size'), micro: name('micro_batch_size'), accum: 'gradient accumulation (derived)' },
    derivesMissing: true,
    // megatron/core/num_microbatches_calculator.py ConstantNumMicroBatchesCalculator: global // (micro x data-parallel size).
    derivedAs: 'derived as Megatron-LM does (num_microbatches)',
    requiresGlobalOrMicro: false,
    root,
  };
}
