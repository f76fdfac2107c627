import { getChild, getPath, type ConfigNode } from '../../syntax/config-tree';
import type { Settings } from '../../settings';
import { isSwitchOn, numberAt as num, readNumberField } from '../../facts/values';
import type { BatchFacts } from '../../facts/batch-facts';

/** DeepSpeed's batch triple; _set_batch_related_parameters derives the missing one. */
export function batchFacts(root: ConfigNode, settings: Settings): BatchFacts | undefined {
  const parallel = settings.parallel ?? {};
  const autotp = num(getPath(root, 'tensor_parallel', 'autotp_size'));
  const tp = parallel.tp ?? autotp ?? 1;
  const pipelineStages = num(getPath(root, 'pipeline', 'stages'));
  const pp = parallel.pp ?? pipelineStages ?? 1;
  // deepspeed/runtime/config.py DeepSpeedConfig.__init__: without an mpu, "sequence_parallel_size" in the config divides
  // the world size the batch assertion uses (Ulysses sequence parallelism, as accelerate and the HF Trainer launch it).
  const ulysses = num(getChild(root, 'sequence_parallel_size'));
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
    // The program that hands DeepSpeed the config launches the processes.
    worldFrom: 'the HF Trainer or accelerate',
    derivesMissing: true,
    // With elasticity enabled DeepSpeed computes the batch sizes itself (deepspeed/elasticity/elasticity.py).
    requiresGlobalOrMicro: !isSwitchOn(getPath(root, 'elasticity', 'enabled')),
    root,
  };
}
