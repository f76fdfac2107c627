import { getChild, getPath, type ConfigNode } from '../../syntax/config-tree';
import type { Offload, TrainingPlan } from '../../estimate/plan';
import { flag, num, precisionOf, str, type Anchors, type PartialPlan } from '../../plan/anchors';
import { optimizerFamily } from '../../plan/optimizer-names';

function offload(node: ConfigNode | undefined): Offload | undefined {
  const device = str(getChild(node, 'device'))?.toLowerCase();
  return device === 'cpu' || device === 'nvme' ? device : device === 'none' ? false : undefined;
}

/** What a DeepSpeed ds_config says about the run; the model and the cluster come from elsewhere. */
export function planFromDeepSpeed(root: ConfigNode): PartialPlan {
  const anchors: Anchors = {};
  const notes: string[] = [];
  const plan: TrainingPlan = { framework: 'deepspeed' };
  const micro = getChild(root, 'train_micro_batch_size_per_gpu');
  const accum = getChild(root, 'gradient_accumulation_steps');
  const global = getChild(root, 'train_batch_size');
  plan.batch = { micro: num(micro), gradAccum: num(accum), global: num(global) };
  // deepspeed/runtime/config.py _set_batch_related_parameters: train_batch_size alone means no accumulation and a
  // micro-batch of train_batch_size / world size, as the hover derives it.
  if (plan.batch.global !== undefined && plan.batch.micro === undefined && plan.batch.gradAccum === undefined) {
    plan.batch.gradAccum = 1;
    notes.push('train_batch_size alone: DeepSpeed sets gradient_accumulation_steps 1 and the micro-batch to train_batch_size / world size');
  }
  if (micro) anchors['batch.micro'] = micro;
  if (accum) anchors['batch.gradAccum'] = accum;
  if (global) anchors['batch.global'] = global;

  const fp16 = getPath(root, 'fp16', 'enabled');
  const bf16 = getPath(root, 'bf16', 'enabled') ?? getPath(root, 'bfloat16', 'enabled');
  const precision = precisionOf(fp16, bf16);
  plan.precision = precision.precision;
  if (precision.node) anchors.precision = precision.node;
  if (!precision.precision && (bf16?.value === 'auto' || fp16?.value === 'auto')) {
    notes.push('precision is "auto": the HF Trainer or accelerate decides it');
  }

  const zero = getChild(root, 'zero_optimization');
  const stageNode = getChild(zero, 'stage');
  const stage = num(stageNode);
  plan.zero = {
    stage: stage === 0 || stage === 1 || stage === 2 || stage === 3 ? stage : undefined,
    offloadOptimizer: offload(getChild(zero, 'offload_optimizer')),
    offloadParams: offload(getChild(zero, 'offload_param')),
    reduceBucketSize: num(getChild(zero, 'reduce_bucket_size')),
    allgatherBucketSize: num(getChild(zero, 'allgather_bucket_size')),
    prefetchBucketSize: num(getChild(zero, 'stage3_prefetch_bucket_size') ?? getChild(zero, 'prefetch_bucket_size')),
    maxLiveParameters: num(getChild(zero, 'stage3_max_live_parameters') ?? getChild(zero, 'max_live_parameters')),
  };
  if (stageNode) anchors['zero.stage'] = stageNode;
  const offloadOptimizer = getPath(zero, 'offload_optimizer', 'device');
  if (offloadOptimizer) anchors['zero.offloadOptimizer'] = offloadOptimizer;
  const offloadParams = getPath(zero, 'offload_param', 'device');
  if (offloadParams) anchors['zero.offloadParams'] = offloadParams;
  if (!zero) plan.zero.stage = 0;
  if (plan.precision === 'bf16' && !plan.zero.stage) {
    // DeepSpeed's engine wraps the optimizer in BF16_Optimizer at stage 0 with bf16, which keeps the fp32 master
    // weights and optimizer states partitioned over data parallelism like ZeRO-1 (deepspeed/runtime/engine.py
    // _configure_bf16_optimizer, deepspeed/runtime/bf16_optimizer.py).
    plan.zero.stage = 1;
    notes.push('bf16 at ZeRO stage 0 uses DeepSpeed\'s BF16_Optimizer, which shards optimizer states like ZeRO-1');
  }
  const overlap = flag(getChild(zero, 'overlap_comm'));
  if (overlap !== undefined) plan.overlap = { gradReduce: overlap };

  const optimizer = getChild(root, 'optimizer');
  if (optimizer) {
    const lr = getPath(optimizer, 'params', 'lr');
    plan.optimizer = { type: optimizerFamily(str(getChild(optimizer, 'type'))), lr: num(lr) };
    if (lr) anchors['optimizer.lr'] = lr;
  }
  const checkpointing = getChild(root, 'activation_checkpointing');
  if (flag(getChild(checkpointing, 'partition_activations'))) plan.partitionActivations = true;
  const autotp = num(getPath(root, 'tensor_parallel', 'autotp_size'));
  const stages = num(getPath(root, 'pipeline', 'stages'));
  if (autotp || stages) plan.parallel = { tp: autotp, pp: stages };
  return { plan, anchors, notes };
}
