import { getChild, getPath, type ConfigNode } from '../syntax/config-tree';
import type { Format } from '../detect/formats';
import type { Settings } from '../settings';
import { readNumberField, numericValue } from './values';
import type { BatchFacts } from './batch-facts';

const first = (...nodes: Array<ConfigNode | undefined>) => nodes.find((n) => n !== undefined);
const num = (node: ConfigNode | undefined) => numericValue(readNumberField(node));

/**
 * The batch identity of the formats that derive accumulation from the global batch (Megatron-LM, NeMo,
 * GPT-NeoX) or from micro-batch x accumulation (axolotl, LLaMA-Factory), with TP x PP x CP from the file.
 */
export function megatronBatchFacts(format: Format, root: ConfigNode, settings: Settings): BatchFacts | undefined {
  const parallel = settings.parallel ?? {};
  const product = (tp: number, pp: number, cp: number, sources: string[]) => ({
    modelParallel: tp * pp * cp,
    modelParallelSource: sources.filter(Boolean).join(' x ') || 'no model parallelism',
  });
  if (format === 'megatron') {
    // Launch-script flags (`global-batch-size`) or --yaml-cfg dest names (`global_batch_size`, model_parallel.*).
    const mp = getChild(root, 'model_parallel');
    const get = (dest: string) => first(getChild(root, dest.replace(/_/g, '-')), getChild(root, dest), getChild(mp, dest));
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
      ...product(tp, pp, cp, [tp > 1 ? `TP ${tp}` : '', pp > 1 ? `PP ${pp}` : '', cp > 1 ? `CP ${cp}` : '']),
      names: { global: name('global_batch_size'), micro: name('micro_batch_size'), accum: 'gradient accumulation (derived)' },
      derivesMissing: true,
      requiresGlobalOrMicro: false,
      root,
    };
  }
  if (format === 'nemo') {
    const model = getChild(root, 'model');
    if (!model) return undefined;
    const tp = parallel.tp ?? num(getChild(model, 'tensor_model_parallel_size')) ?? 1;
    const pp = parallel.pp ?? num(getChild(model, 'pipeline_model_parallel_size')) ?? 1;
    const cp = parallel.cp ?? num(getChild(model, 'context_parallel_size')) ?? 1;
    return {
      global: readNumberField(getChild(model, 'global_batch_size'), 'model.global_batch_size'),
      micro: readNumberField(getChild(model, 'micro_batch_size'), 'model.micro_batch_size'),
      accum: undefined,
      ...product(tp, pp, cp, [tp > 1 ? `TP ${tp}` : '', pp > 1 ? `PP ${pp}` : '', cp > 1 ? `CP ${cp}` : '']),
      names: { global: 'model.global_batch_size', micro: 'model.micro_batch_size', accum: 'gradient accumulation (derived)' },
      derivesMissing: true,
      requiresGlobalOrMicro: false,
      root,
    };
  }
  if (format === 'neox') {
    // NeoX accepts "-" and "_" spellings; pipe/model parallel 0 counts as 1.
    const get = (key: string) => first(getChild(root, key), getChild(root, key.replace(/_/g, '-')));
    const tp = parallel.tp ?? Math.max(1, num(get('model_parallel_size')) ?? 1);
    const pp = parallel.pp ?? Math.max(1, num(get('pipe_parallel_size')) ?? 1);
    return {
      global: readNumberField(get('train_batch_size')),
      micro: readNumberField(get('train_micro_batch_size_per_gpu')),
      accum: readNumberField(get('gradient_accumulation_steps')),
      ...product(tp, pp, 1, [tp > 1 ? `model_parallel_size ${tp}` : '', pp > 1 ? `pipe_parallel_size ${pp}` : '']),
      names: { global: 'train_batch_size', micro: 'train_micro_batch_size_per_gpu', accum: 'gradient_accumulation_steps' },
      derivesMissing: true,
      requiresGlobalOrMicro: false,
      root,
    };
  }
  if (format === 'axolotl') {
    const tp = parallel.tp ?? num(getChild(root, 'tensor_parallel_size')) ?? 1;
    const cp = parallel.cp ?? num(getChild(root, 'context_parallel_size')) ?? num(getChild(root, 'sequence_parallel_degree')) ?? 1;
    // axolotl has no global batch key: batch_size is per data-parallel rank (normalize_config).
    return {
      micro: readNumberField(getChild(root, 'micro_batch_size')),
      accum: readNumberField(getChild(root, 'gradient_accumulation_steps')),
      perRank: readNumberField(getChild(root, 'batch_size')),
      ...product(tp, 1, cp, [tp > 1 ? `tensor_parallel_size ${tp}` : '', cp > 1 ? `context_parallel_size ${cp}` : '']),
      names: { global: 'global batch (micro_batch_size x gradient_accumulation_steps x data-parallel size)', micro: 'micro_batch_size', accum: 'gradient_accumulation_steps' },
      derivesMissing: true,
      requiresGlobalOrMicro: false,
      root,
    };
  }
  if (format === 'llamafactory') {
    // v1 layout (micro_batch_size, cp_size) or the TrainingArguments one.
    const cp = parallel.cp ?? num(getChild(root, 'cp_size')) ?? 1;
    const tp = parallel.tp ?? num(getChild(root, 'tensor_model_parallel_size')) ?? 1;
    const pp = parallel.pp ?? num(getChild(root, 'pipeline_model_parallel_size')) ?? 1;
    return {
      global: readNumberField(getChild(root, 'global_batch_size')),
      micro: readNumberField(first(getChild(root, 'per_device_train_batch_size'), getChild(root, 'micro_batch_size'))),
      accum: readNumberField(getChild(root, 'gradient_accumulation_steps')),
      ...product(tp, pp, cp, [tp > 1 ? `TP ${tp}` : '', pp > 1 ? `PP ${pp}` : '', cp > 1 ? `cp_size ${cp}` : '']),
      names: { global: 'global_batch_size', micro: 'per_device_train_batch_size', accum: 'gradient_accumulation_steps' },
      derivesMissing: true,
      requiresGlobalOrMicro: false,
      root,
    };
  }
  void getPath;
  return undefined;
}
