import { getChild, type ConfigNode } from '../../syntax/config-tree';
import type { Offload, TrainingPlan } from '../../estimate/plan';
import { num, str } from '../../plan/anchors';
import { applyFsdpOptions } from '../../plan/fsdp-options';
import type { PartialPlan } from '../../plan/anchors';

function offloadDevice(node: ConfigNode | undefined): Offload | undefined {
  const device = str(node)?.toLowerCase();
  return device === 'cpu' || device === 'nvme' ? device : undefined;
}

/**
 * What an accelerate config adds to the training it launches: FSDP or DeepSpeed sharding (the inline deepspeed_config
 * keys; a deepspeed_config_file is read as its own link) and the mixed precision. Used only as a linked file: alone it
 * says nothing about the model or the batch.
 */
export function planFromAccelerate(root: ConfigNode): PartialPlan {
  const plan: TrainingPlan = {};
  const notes: string[] = [];
  // accelerate config mixed_precision: "no", "fp16", "bf16" or "fp8" (fp8 runs on bf16 mixed precision).
  const precision = str(getChild(root, 'mixed_precision'))?.toLowerCase();
  if (precision === 'bf16' || precision === 'fp16' || precision === 'fp8') plan.precision = precision;
  else if (precision === 'no') plan.precision = 'fp32';
  applyFsdpOptions('distributed_type', root, plan, notes);
  const deepspeed = getChild(root, 'deepspeed_config');
  if (str(getChild(root, 'distributed_type'))?.toUpperCase() === 'DEEPSPEED' && deepspeed?.kind === 'object' && !getChild(deepspeed, 'deepspeed_config_file')) {
    // DeepSpeedPlugin defaults: zero_stage 2, no offload.
    const stage = num(getChild(deepspeed, 'zero_stage')) ?? 2;
    plan.framework = 'deepspeed';
    plan.zero = {
      stage: stage === 0 || stage === 1 || stage === 2 || stage === 3 ? stage : undefined,
      offloadOptimizer: offloadDevice(getChild(deepspeed, 'offload_optimizer_device')),
      offloadParams: offloadDevice(getChild(deepspeed, 'offload_param_device')),
    };
  }
  return { plan, anchors: {}, notes };
}
