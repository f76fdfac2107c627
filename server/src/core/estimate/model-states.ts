import type { Offload, OptimizerType, TrainingPlan } from './plan';

/** Bytes per parameter before any sharding. `optimizer` includes fp32 master weights where the scheme keeps them. */
export interface BytesPerParameter {
  weights: number;
  gradients: number;
  optimizer: number;
}

/** Per-GPU model-state bytes after sharding, and what was moved to CPU or NVMe. */
export interface ModelStateBytes {
  weights: number;
  /** The part of `weights` that is frozen (an adapter's base), as held on the GPU. */
  frozenWeights: number;
  gradients: number;
  optimizer: number;
  offloadedToCpu: number;
  offloadedToNvme: number;
  perParameter: BytesPerParameter;
  /** Ranks the sharded states are divided over. */
  shardDegree: number;
  assumptions: string[];
  sources: string[];
}

/** Bytes of optimizer moments per parameter at a given moment width (4 = fp32, 2 = 16-bit). */
function momentBytes(type: OptimizerType, width: number, assumptions: string[], momentum?: number): number {
  switch (type) {
    case 'adam':
    case 'adamw':
      return 2 * width;
    case 'sgd':
      // torch/optim/sgd.py: the momentum_buffer state exists only when momentum != 0 (the default is 0).
      return momentum === 0 ? 0 : width;
    case 'lion':
    case 'muon':
      // EleutherAI calc_transformer_mem.py: 8 bytes for SGD-momentum and Muon (master + one moment); Lion keeps one moment (Chen et al. 2023).
      return width;
    case 'adam8bit':
      // Dettmers et al. 2022 (8-bit Optimizers via Block-wise Quantization): both Adam moments stored in 8 bits.
      return 2;
    case 'adafactor':
      assumptions.push('Adafactor: factored second moment is O(rows + cols) per matrix and no first moment; counted as 0 bytes per parameter');
      // Shazeer & Stern 2018: the second-moment estimate is factored into row and column sums.
      return 0;
  }
}

/**
 * Bytes per parameter of weights, gradients and optimizer state, by precision, optimizer and framework.
 * ZeRO paper (Rajbhandari et al. 2020, Sec. 3.1): mixed-precision Adam keeps 2 (fp16 weights) + 2 (fp16 gradients) + K
 * (K = 12: fp32 master, momentum, variance). Megatron keeps fp32 main gradients with bf16 (18 bytes). DeepSpeed keeps
 * an fp32 copy of the gradient partition next to the optimizer (stage_1_and_2.py after PR #5099: 2P + 18P/N).
 */
export function bytesPerParameter(plan: TrainingPlan, assumptions: string[] = []): BytesPerParameter {
  const precision = plan.precision ?? 'bf16';
  const type = plan.optimizer?.type ?? 'adamw';
  const momentum = plan.optimizer?.momentum;
  const framework = plan.framework ?? 'plain';
  if (precision === 'fp32' || precision === 'tf32') {
    // fp32 training: the weights are the master copy (Megatron dist_optimizer.md: fp32 params + fp32 grads = 16 bytes with Adam).
    return { weights: 4, gradients: 4, optimizer: momentBytes(type, 4, assumptions, momentum) };
  }
  if (precision === 'bf16-pure') {
    assumptions.push('bf16-pure: 16-bit weights, gradients and optimizer moments, no fp32 master copy');
    return { weights: 2, gradients: 2, optimizer: momentBytes(type, 2, assumptions, momentum) };
  }
  const moments = momentBytes(type, 4, assumptions, momentum);
  if (framework === 'megatron') {
    // Megatron docs/user-guide/features/dist_optimizer.md: fp16 params + fp16 grads = 20 bytes (4 + 16/d distributed),
    // bf16 params + fp32 main grads = 18 bytes (6 + 12/d).
    if (precision === 'fp16') return { weights: 2, gradients: 2, optimizer: 4 + 4 + moments };
    // --grad-reduce-in-bf16 allocates the main-gradient buffer in bf16 (Megatron-LM arguments.py, DistributedDataParallelConfig.grad_reduce_in_fp32=False).
    return { weights: 2, gradients: plan.bf16GradientBuffer ? 2 : 4, optimizer: 4 + moments };
  }
  if (framework === 'deepspeed') {
    const stage = plan.zero?.stage ?? 0;
    // DeepSpeed bf16_optimizer.py (bf16 with ZeRO 0/1): fp32 gradient accumulation buffers for every parameter,
    // fp32 master weights and Adam states partitioned over data parallel - the same 6 + 12/d as Megatron.
    if (precision === 'bf16' && stage <= 1) return { weights: 2, gradients: 4, optimizer: 4 + moments };
    // DeepSpeed stage3.py estimator: 18 bytes = 2 (16-bit param) + 16 (fp32 param, fp32 grad, Adam m and v); stage_1_and_2.py: 2 + 18/N.
    if (stage === 3) return { weights: 2, gradients: 4, optimizer: 4 + moments };
    return { weights: 2, gradients: 2, optimizer: 4 + 4 + moments };
  }
  if (plan.loadDtype === 'bf16' && precision === 'bf16' && (framework === 'fsdp' || framework === 'plain')) {
    // Weights loaded in bf16 and trained without DeepSpeed: bf16 parameters and gradients, and torch.optim.AdamW's
    // exp_avg / exp_avg_sq created with torch.zeros_like(param), so in bf16 too: no fp32 master copy.
    assumptions.push('weights loaded in bf16 (torch_dtype) and trained without DeepSpeed: bf16 parameters, gradients and Adam moments, no fp32 master copy');
    return { weights: 2, gradients: 2, optimizer: momentBytes(type, 2, assumptions, momentum) };
  }
  if (framework === 'fsdp') {
    // PyTorch FSDP MixedPrecision: the sharded flat parameter stays fp32 (it is the master copy), gradients are reduced into fp32 shards.
    return { weights: 4, gradients: 4, optimizer: moments };
  }
  // ZeRO paper Sec. 3.1 / Table 1: 2 + 2 + K with K = 12 for mixed-precision Adam.
  return { weights: 2, gradients: 2, optimizer: 4 + moments };
}

/**
 * Plain PyTorch mixed precision without ZeRO (HF Trainer fp16/bf16): fp32 parameters, 16-bit compute under
 * torch.autocast. Its 4 + 4 + K bytes per parameter (fp32 weights and gradients, no separate master copy) total the
 * ZeRO paper's 2 + 2 + K + 4 counted above.
 */
export function usesAutocast(plan: TrainingPlan): boolean {
  const mixed = plan.precision === 'fp16' || plan.precision === 'bf16';
  return (plan.framework ?? 'plain') === 'plain' && mixed && plan.loadDtype === undefined && shardingStage(plan) === 0;
}

/**
 * The 16-bit copies torch.autocast makes of fp32 trainable weights: cached_cast keeps the cast of every leaf tensor
 * that requires grad for the whole autocast region (aten/src/ATen/autocast_mode.cpp), and the linear layers save them
 * for the backward pass, so 2 bytes per trainable parameter are held from the end of the forward pass into the backward.
 */
export function autocastCopyBytes(plan: TrainingPlan, trainableOnGpu: number): number {
  return usesAutocast(plan) ? 2 * trainableOnGpu : 0;
}

export function offloadTarget(value: Offload | undefined): 'cpu' | 'nvme' | undefined {
  if (value === 'nvme') return 'nvme';
  if (value === true || value === 'cpu') return 'cpu';
  return undefined;
}

/** Which states are sharded, in the ZeRO paper's terms: 1 = optimizer, 2 = + gradients, 3 = + weights. */
export function shardingStage(plan: TrainingPlan): 0 | 1 | 2 | 3 {
  if (plan.fsdp === 'full-shard') return 3;
  if (plan.fsdp === 'shard-grad-op') return 2;
  const stage = plan.zero?.stage ?? 0;
  if (stage === 0 && plan.distributedOptimizer) return 1;
  return stage;
}

/** Data-parallel ranks that share the sharded states (Megatron's distributed optimizer shards over DP x CP). */
export function shardDegree(plan: TrainingPlan): number {
  const dp = plan.parallel?.dp ?? 1;
  const ranks = plan.framework === 'megatron' ? dp * (plan.parallel?.cp ?? 1) : dp;
  return Math.max(1, ranks / shardInstances(plan));
}

/** Replicas of the sharded state (HSDP; Megatron --num-distributed-optimizer-instances), 1 unless it divides dp. */
export function shardInstances(plan: TrainingPlan): number {
  const instances = plan.parallel?.shardInstances ?? 1;
  return Number.isInteger(instances) && instances > 1 && (plan.parallel?.dp ?? 1) % instances === 0 ? instances : 1;
}

/** How an adapter's frozen base is held: bytes per parameter, and whether full sharding divides it. */
export interface FrozenStorage {
  bytesPerParam: number;
  sharded: boolean;
}

/**
 * Per-GPU model states for `params` parameters held by the GPU (after TP/PP/EP splitting), of which `trainable` get
 * gradients and optimizer state (all of them unless an adapter freezes the base).
 * ZeRO paper Table 1: P_os = 4Psi + K Psi/Nd, P_os+g = 2Psi + (2+K) Psi/Nd, P_os+g+p = (4+K) Psi/Nd.
 */
export function modelStateBytes(plan: TrainingPlan, params: number, trainable: number = params, frozenStorage?: FrozenStorage): ModelStateBytes {
  const assumptions: string[] = [];
  const sources = ['ZeRO (Rajbhandari et al., SC20) Sec. 3.1, 5.1-5.4, Table 1'];
  const perParameter = bytesPerParameter(plan, assumptions);
  const stage = shardingStage(plan);
  const n = shardDegree(plan);
  const frozen = params - trainable;
  let frozenWeights = frozen * (frozenStorage?.bytesPerParam ?? perParameter.weights);
  let trainableWeights = trainable * perParameter.weights;
  let gradients = trainable * perParameter.gradients;
  let optimizer = trainable * perParameter.optimizer;
  if (stage >= 1) optimizer /= n;
  if (stage >= 2) gradients /= n;
  if (stage >= 3) {
    trainableWeights /= n;
    if (frozenStorage?.sharded ?? true) frozenWeights /= n;
  }
  let weights = trainableWeights + frozenWeights;
  if (plan.framework === 'megatron') sources.push('Megatron-LM docs/user-guide/features/dist_optimizer.md (18 or 6 + 12/d bytes per parameter)');
  if (plan.framework === 'deepspeed') sources.push('DeepSpeed stage_1_and_2.py / stage3.py estimate_zero*_model_states_mem_needs (fp32 gradient partition, 18 bytes)');
  if (plan.framework === 'fsdp') sources.push('PyTorch FSDP MixedPrecision: fp32 sharded FlatParameter with bf16 compute copies');
  let offloadedToCpu = 0;
  let offloadedToNvme = 0;
  const optimizerTarget = offloadTarget(plan.zero?.offloadOptimizer);
  if (optimizerTarget) {
    // ZeRO-Offload (DeepSpeed stage_1_and_2.py estimator: GPU = 2P with offload): optimizer states and fp32 gradients live on the host.
    // FSDP CPUOffload keeps the sharded gradients on the host too (torch FSDP docs, CPUOffload).
    const gradientsMove = (plan.framework === 'deepspeed' && stage === 3) || plan.framework === 'fsdp';
    const moved = optimizer + (gradientsMove ? gradients : 0);
    if (optimizerTarget === 'cpu') offloadedToCpu += moved;
    else offloadedToNvme += moved;
    if (plan.framework === 'deepspeed' || plan.framework === 'fsdp') gradients = 0;
    optimizer = 0;
    assumptions.push(plan.framework === 'fsdp' ? 'FSDP CPU offload: sharded gradients and the optimizer step on the host'
      : `optimizer states offloaded to ${optimizerTarget.toUpperCase()}`);
  }
  const paramTarget = offloadTarget(plan.zero?.offloadParams);
  if (paramTarget && stage === 3) {
    if (paramTarget === 'cpu') offloadedToCpu += weights;
    else offloadedToNvme += weights;
    weights = 0;
    frozenWeights = 0;
    assumptions.push(`${plan.framework === 'fsdp' ? 'FSDP sharded' : 'ZeRO-3'} parameters offloaded to ${paramTarget.toUpperCase()}; only live layers stay on the GPU`);
  } else if (paramTarget) {
    assumptions.push('parameter offload only applies with ZeRO stage 3 / FSDP full shard; ignored');
  }
  if (plan.fsdpNoSync && (plan.batch?.gradAccum ?? 1) > 1) {
    // torch FSDP.no_sync() docstring: it "will accumulate the full model gradients (instead of gradient shards) until
    // the eventual sync", in the compute dtype, and with CPU offload they stay on the GPU until then. During the last
    // micro-step they are reduce-scattered layer by layer into the shards, so the larger of the two is held.
    const fullPrecision = plan.precision === 'fp32' || plan.precision === 'tf32';
    const unsharded = trainable * (fullPrecision ? 4 : 2);
    if (unsharded > gradients) {
      gradients = unsharded;
      assumptions.push('FSDP no_sync() during gradient accumulation: every rank holds the unsharded gradients until the last micro-step');
      sources.push('PyTorch FullyShardedDataParallel.no_sync docstring; accelerate gradient_synchronization.md ("no_sync requires additional GPU memory when using FSDP")');
    }
  }
  return { weights, frozenWeights, gradients, optimizer, offloadedToCpu, offloadedToNvme, perParameter, shardDegree: n, assumptions, sources };
}

/**
 * Largest model (parameters) whose model states fit `capacityBytes` per GPU with model parallelism `mp` and DP degree
 * `dp`, by the ZeRO paper's Table 2 method: solve bytes(Psi) / MP = capacity.
 */
export function largestFittingModel(plan: TrainingPlan, capacityBytes: number, mp: number): number {
  const perParameter = modelStateBytes(plan, 1);
  const perParam = perParameter.weights + perParameter.gradients + perParameter.optimizer;
  return perParam > 0 ? (capacityBytes * mp) / perParam : Infinity;
}
