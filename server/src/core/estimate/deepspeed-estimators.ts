/**
 * DeepSpeed's own model-state estimators, reproduced as its code and docs state them (deepspeed/runtime/zero/
 * stage_1_and_2.py estimate_zero2_model_states_mem_needs, stage3.py estimate_zero3_model_states_mem_needs, docs
 * memory.rst). They print bytes / 2^30 under a "GB" label; these functions return bytes. CPU figures include
 * additional_buffer_factor (1.5 by default).
 */

export interface DeepSpeedEstimate {
  gpuBytes: number;
  cpuBytes: number;
}

export interface Zero2EstimatorInput {
  totalParams: number;
  gpusPerNode: number;
  nodes: number;
  offloadOptimizer: boolean;
  /** 'docs': 4P + 16P/N (memory.rst and code before PR #5099, June 2024); 'current': 2P + 18P/N. */
  formula: 'docs' | 'current';
  additionalBufferFactor?: number;
}

export function deepspeedZero2Estimate(input: Zero2EstimatorInput): DeepSpeedEstimate {
  const p = input.totalParams;
  const totalGpus = input.gpusPerNode * input.nodes;
  const buffer = input.additionalBufferFactor ?? 1.5;
  if (input.offloadOptimizer) {
    // stage_1_and_2.py: gpu_mem = 2 * total_params; cpu_mem = total_params * max(4 * total_gpus, 16) * additional_buffer_factor.
    return { gpuBytes: 2 * p, cpuBytes: p * Math.max(4 * totalGpus, 16) * buffer };
  }
  // memory.rst / pre-#5099: gpu_mem = 4 * total_params + int(16 * total_params / total_gpus); current: 2P + int(18P / total_gpus).
  const gpuBytes = input.formula === 'docs' ? 4 * p + Math.floor((16 * p) / totalGpus) : 2 * p + Math.floor((18 * p) / totalGpus);
  // cpu_mem = total_params * 4 * num_gpus_per_node * additional_buffer_factor.
  return { gpuBytes, cpuBytes: p * 4 * input.gpusPerNode * buffer };
}

export interface Zero3EstimatorInput {
  totalParams: number;
  largestLayerParams: number;
  gpusPerNode: number;
  nodes: number;
  offloadOptimizer: boolean;
  offloadParams: boolean;
  zeroInit: boolean;
  additionalBufferFactor?: number;
}

export function deepspeedZero3Estimate(input: Zero3EstimatorInput): DeepSpeedEstimate {
  const p = input.totalParams;
  const totalGpus = input.gpusPerNode * input.nodes;
  const gpusFactor = 1 / input.nodes;
  const buffer = input.additionalBufferFactor ?? 1.5;
  // stage3.py: largest_layer_memory = 4 * largest_layer_params (16-bit parameters and gradients of the largest layer).
  const largestLayerMemory = 4 * input.largestLayerParams;
  if (input.offloadOptimizer && input.offloadParams) {
    // gpu = largest_layer_memory; cpu = P * 18 * gpus_factor * buf (zero_init) else P * max(4 * gpus_per_node, 18 * gpus_factor) * buf.
    const cpu = input.zeroInit ? p * 18 * gpusFactor : p * Math.max(4 * input.gpusPerNode, 18 * gpusFactor);
    return { gpuBytes: largestLayerMemory, cpuBytes: cpu * buffer };
  }
  if (input.offloadOptimizer) {
    // gpu = largest_layer_memory + int(2P / total_gpus); cpu = P * 16 * gpus_factor * buf (zero_init) else P * max(4 * gpus_per_node, 16 * gpus_factor) * buf.
    const cpu = input.zeroInit ? p * 16 * gpusFactor : p * Math.max(4 * input.gpusPerNode, 16 * gpusFactor);
    return { gpuBytes: largestLayerMemory + Math.floor((2 * p) / totalGpus), cpuBytes: cpu * buffer };
  }
  // gpu = largest_layer_memory + int(18P / total_gpus); cpu = largest_layer_params * 4 * gpus_per_node * buf (zero_init) else P * 4 * gpus_per_node * buf.
  const cpu = input.zeroInit ? input.largestLayerParams * 4 * input.gpusPerNode : p * 4 * input.gpusPerNode;
  return { gpuBytes: largestLayerMemory + Math.floor((18 * p) / totalGpus), cpuBytes: cpu * buffer };
}
