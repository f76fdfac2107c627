/**
 * The normalized description of one training run that every estimator reads. All fields are optional so that a plan
 * can be written by hand as JSON or assembled from a partial config; `completePlan` fills what can be derived and
 * says, as plain strings, what it assumed and what is still missing.
 */

/**
 * Numeric format of the run.
 * - 'fp32': fp32 weights, gradients and optimizer states; fp32 matmuls.
 * - 'tf32': fp32 storage with TF32 tensor-core matmuls.
 * - 'fp16': mixed precision: fp16 weights, gradients and activations, fp32 master weights in the optimizer (ZeRO's 2+2+K).
 * - 'bf16': the same with bf16.
 * - 'bf16-pure': bf16 weights, gradients and optimizer states with no fp32 master copy.
 * - 'fp8': FP8 matmuls (Transformer Engine) on top of bf16 mixed precision: memory as 'bf16', matmul peak as FP8.
 */
export type Precision = 'fp32' | 'tf32' | 'fp16' | 'bf16' | 'bf16-pure' | 'fp8';

/** adam/adamw (two moments), sgd (with momentum), lion (one moment), adafactor (factored second moment), adam8bit, muon. */
export type OptimizerType = 'adam' | 'adamw' | 'sgd' | 'lion' | 'adafactor' | 'adam8bit' | 'muon';

/** The framework decides byte counts that papers leave open (Megatron keeps fp32 main gradients, DeepSpeed an fp32 gradient partition). */
export type Framework = 'megatron' | 'deepspeed' | 'fsdp' | 'plain';

export type Recompute = 'none' | 'selective' | 'full';

/** 'interleaved' is implied by vpp > 1; 'zb-h1'/'zb-h2' are the zero-bubble schedules of Qi et al. (ICLR 2024). */
export type PipelineSchedule = 'gpipe' | '1f1b' | 'interleaved' | 'zb-h1' | 'zb-h2';

export type Offload = boolean | 'cpu' | 'nvme';

/**
 * A hybrid stack in Megatron's pattern (megatron/core/models/hybrid/hybrid_layer_allocation.py: M Mamba, * attention,
 * - MLP): each layer is one of the three, with its own pre-norm. `layers` is their sum.
 */
export interface HybridLayers {
  mamba: number;
  attention: number;
  mlp: number;
  /** Mamba-2 mixer (megatron/core/ssm/mamba_mixer.py; TransformerConfig defaults d_state 128, head dim 64, 8 groups, expand 2). */
  stateSize: number;
  headDim: number;
  groups: number;
  expand: number;
}

export interface MultiLatentAttention {
  qLoraRank?: number;
  kvLoraRank: number;
  qkNopeHeadDim: number;
  qkRopeHeadDim: number;
  vHeadDim: number;
}

export interface ModelSpec {
  /** Hugging Face id (or GPT-3 paper name) looked up in the catalog to fill the fields below. */
  name?: string;
  layers?: number;
  hiddenSize?: number;
  /** Dense MLP width (per expert for MoE models without a separate moeFfnHiddenSize). */
  ffnHiddenSize?: number;
  heads?: number;
  kvHeads?: number;
  /** Per-head width when heads x headDim differs from hiddenSize (Gemma, PaLM). */
  headDim?: number;
  vocabSize?: number;
  seqLength?: number;
  glu?: boolean;
  tiedEmbeddings?: boolean;
  experts?: number;
  topK?: number;
  moeFfnHiddenSize?: number;
  sharedExperts?: number;
  /** Leading layers with a dense MLP in a MoE model (DeepSeek first_k_dense_replace). */
  firstDenseLayers?: number;
  mla?: MultiLatentAttention;
  hybrid?: HybridLayers;
  /** Dropout on (GPT-3/Megatron style): adds Korthikanti's 1-byte masks to activation memory. */
  dropout?: boolean;
  maxPositions?: number;
  norm?: 'rmsnorm' | 'layernorm';
  normsPerLayer?: number;
  attentionBias?: 'none' | 'qkv' | 'all';
  mlpBias?: boolean;
  qkNorm?: 'none' | 'per-head' | 'full-width';
  positionEmbedding?: 'rotary' | 'learned' | 'alibi' | 'none';
  embeddingNorm?: boolean;
  attentionSinks?: boolean;
  routerBias?: boolean;
  expertBias?: boolean;
  routerScoreBias?: boolean;
  /** A published total parameter count, used where the shape is not known well enough to count. */
  totalParams?: number;
}

export interface ParallelSpec {
  tp?: number;
  pp?: number;
  /** Virtual pipeline stages (model chunks) per device; > 1 means the interleaved schedule. */
  vpp?: number;
  cp?: number;
  ep?: number;
  dp?: number;
  worldSize?: number;
  sequenceParallel?: boolean;
  schedule?: PipelineSchedule;
  /** Transformer layers per pipeline stage when the split is uneven (length pp). */
  stageLayers?: number[];
  /**
   * Replicas of the sharded state (Megatron --num-distributed-optimizer-instances, HSDP): parameters, gradients and
   * optimizer state are sharded over dp / instances ranks and gradients all-reduced across the instances.
   */
  shardInstances?: number;
}

export interface BatchSpec {
  micro?: number;
  gradAccum?: number;
  global?: number;
}

export interface OptimizerSpec {
  type?: OptimizerType;
  lr?: number;
  /** A fused kernel (apex/Transformer Engine/DeepSpeed FusedAdam) updates in place; PyTorch's AdamW allocates temporaries. */
  fused?: boolean;
  /** SGD momentum: 0 keeps no optimizer state (torch.optim.SGD creates momentum_buffer only when momentum != 0). */
  momentum?: number;
}

export interface ZeroSpec {
  stage?: 0 | 1 | 2 | 3;
  offloadOptimizer?: Offload;
  offloadParams?: Offload;
  /** DeepSpeed reduce_bucket_size / allgather_bucket_size, in elements. */
  reduceBucketSize?: number;
  allgatherBucketSize?: number;
  /** DeepSpeed stage3_prefetch_bucket_size and stage3_max_live_parameters, in elements. */
  prefetchBucketSize?: number;
  maxLiveParameters?: number;
  /** deepspeed.zero.Init used when building the model (changes DeepSpeed's CPU estimate). */
  zeroInit?: boolean;
}

export interface AdapterSpec {
  type: 'lora' | 'qlora';
  rank?: number;
  /** HF module names (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj) or 'all-linear'. */
  targetModules?: string[];
  trainableParams?: number;
  /** Bits per frozen base weight: 16 for LoRA, 8 for LLM.int8 (load_in_8bit), 4 for QLoRA (NF4/FP4, load_in_4bit). */
  baseBits?: number;
  /** lora_dropout: above 0 each adapted module keeps a dropped-out copy of its input for the backward pass. */
  dropout?: number;
  /** DoRA (use_dora): a trained magnitude vector per adapted matrix, and the norm of W + BA computed each step. */
  dora?: boolean;
  /** bitsandbytes double quantization of the 4-bit blocks' absmax constants (bnb_4bit_use_double_quant). */
  doubleQuant?: boolean;
  /**
   * The dtype the packed 4-bit weights are stored in (bnb_4bit_quant_storage, default uint8): a float dtype lets FSDP
   * flatten and shard them with the rest of the layer (PEFT docs, accelerate/fsdp.md).
   */
  quantStorage?: 'uint8' | 'bf16' | 'fp16' | 'fp32';
  /**
   * Modules trained in full beside the adapter (PEFT modules_to_save): ModulesToSaveWrapper keeps the original frozen
   * and trains a copy, so each adds its parameters twice, once trainable.
   */
  savedModules?: Array<'embedding' | 'lmHead'>;
  /** A base checkpoint quantized with GPTQ (Qwen's -Int4 releases) instead of bitsandbytes at load time. */
  gptq?: boolean;
}

/**
 * A model the run holds besides the one it trains (TRL's reference, reward and value models). Frozen unless `trained`:
 * 16-bit weights only, sharded under ZeRO-3 / FSDP full shard, replicated otherwise (TRL prepare_deepspeed, prepare_fsdp).
 */
export interface ExtraModelSpec {
  /** `vision`: a multimodal program's image encoder (LLaVA's vision tower). */
  role: 'reference' | 'reward' | 'value' | 'vision';
  /** The trainer that holds it, as the sentences name it ("DPO", "GRPO"). */
  trainer?: string;
  /** Hugging Face id looked up in the catalog; absent: the same architecture as the trained model. */
  name?: string;
  /** Parameter count, where the catalog does not know the model or a hand-written plan states it. */
  params?: number;
  /** A sequence-classification head (one score) instead of the output layer: reward and value models. */
  scalarHead?: boolean;
  /** Trained with the policy (PPO's value model): gradients and optimizer states as the policy's. */
  trained?: boolean;
  /** Counted only if this holds (the file does not say which trainer reads it): its size is stated, not added. */
  onlyIf?: string;
  /** Why the run holds it: the upstream code, one line. */
  source?: string;
}

/** TRL generating with vLLM: in colocate mode each training process holds a vLLM engine on its GPU. */
export interface VllmSpec {
  colocate?: boolean;
  /** vLLM gpu_memory_utilization: the share of the GPU's memory the engine reserves for its weights and KV cache. */
  gpuMemoryUtilization?: number;
  /** vllm_enable_sleep_mode: the engine releases its memory while the policy trains. */
  sleepMode?: boolean;
}

export interface OverlapSpec {
  /** Data-parallel gradient reduction overlapped with the backward pass. */
  gradReduce?: boolean;
  /** ZeRO-3/FSDP parameter all-gathers prefetched under compute. */
  paramGather?: boolean;
  /** Tensor-parallel collectives overlapped with GEMMs (Megatron --tp-comm-overlap). */
  tensorParallel?: boolean;
  /**
   * Pipeline sends and receives overlapped with compute. Unset: Megatron's default, on for the interleaved schedule
   * (arguments.py --no-overlap-p2p-communication is store_false, forced off for non-interleaved schedules).
   */
  pipelineP2p?: boolean;
}

export interface HardwareSpec {
  gpu?: string;
  peakTflops?: number;
  memoryGiB?: number;
  memoryBandwidthGBps?: number;
  gpusPerNode?: number;
  /** Per GPU, one direction, decimal GB/s. */
  intraNodeGBps?: number;
  interNodeGBps?: number;
  /** Measured best-case matmul TFLOP/s (MAMF); bounds achievable GEMM speed. */
  matmulTflops?: number;
  /** Peak of the 16-bit tensor cores, used for attention and non-FP8 work when precision is fp8. */
  peak16Tflops?: number;
}

export interface TrainingSpec {
  iterations?: number;
  tokens?: number;
  /** Passes over the dataset; with datasetTokens they give the tokens when neither tokens nor iterations is stated. */
  epochs?: number;
  /** Tokens in one pass over the training data (after packing or truncation to the sequence length). */
  datasetTokens?: number;
  pricePerGpuHour?: number;
  /** The price is the catalog's example for the GPU, not one the user gave: every figure in dollars says so. */
  examplePrice?: boolean;
  /** A measured time per iteration; replaces the predicted one. */
  measuredIterationSeconds?: number;
}

export interface TrainingPlan {
  framework?: Framework;
  model?: ModelSpec;
  parallel?: ParallelSpec;
  batch?: BatchSpec;
  precision?: Precision;
  optimizer?: OptimizerSpec;
  zero?: ZeroSpec;
  /**
   * The pipeline runs in DeepSpeed's PipelineEngine (GPT-NeoX; Megatron-DeepSpeed with --deepspeed), whose one training
   * schedule is 1F1B (deepspeed/runtime/pipe/schedule.py TrainSchedule), whatever framework holds the rest.
   */
  pipelineEngine?: 'deepspeed';
  /**
   * The dtype the program loads the weights in (from_pretrained torch_dtype=bfloat16). Trained without DeepSpeed (which
   * keeps an fp32 master copy), the parameters stay bf16 and torch's AdamW keeps its moments in the parameters' dtype.
   */
  loadDtype?: 'bf16';
  /** Megatron --use-distributed-optimizer: optimizer states sharded over data parallel (ZeRO-1 style). */
  distributedOptimizer?: boolean;
  /** Megatron --fp8-param-gather: FP8 runs all-gather 1-byte parameters (distributed optimizer and Megatron-FSDP). */
  fp8ParamGather?: boolean;
  /** Megatron --grad-reduce-in-bf16: the main-gradient buffer holds bf16 instead of fp32. */
  bf16GradientBuffer?: boolean;
  fsdp?: 'full-shard' | 'shard-grad-op';
  /**
   * FSDP accumulation micro-steps run under no_sync(): each rank holds the unsharded gradients of its trainable
   * parameters until the last micro-step (HF Trainer and accelerate with FSDP1 and gradient accumulation).
   */
  fsdpNoSync?: boolean;
  recompute?: Recompute;
  /** Megatron --recompute-num-layers with the block method: layers per stage fully recomputed (default all when full). */
  recomputeLayers?: number;
  flashAttention?: boolean;
  /**
   * A loss kernel that never holds the full logits: Liger's fused linear cross entropy (use_liger_kernel), Apple's cut
   * cross entropy (axolotl cut_cross_entropy).
   */
  fusedLoss?: 'liger' | 'cut-cross-entropy';
  /** DeepSpeed partition_activations: checkpointed activations split over tensor-parallel ranks (ZeRO-R P_a). */
  partitionActivations?: boolean;
  /** Megatron frees pipeline output tensors once sent (Korthikanti App. B); false keeps s*b*h per in-flight micro-batch. */
  deallocatePipelineOutputs?: boolean;
  adapter?: AdapterSpec;
  /** Models held besides the trained one (reference, reward, value). */
  extraModels?: ExtraModelSpec[];
  vllm?: VllmSpec;
  overlap?: OverlapSpec;
  hardware?: HardwareSpec;
  training?: TrainingSpec;
}

/** What `completePlan` returns: the filled plan and, as sentences, every default taken, every gap and every contradiction. */
export interface CompletedPlan {
  plan: TrainingPlan;
  assumptions: string[];
  /** Inputs neither the file nor a program default gives, filled with a stated guess: a finding that rests on them is not certain. */
  guessed: string[];
  missing: string[];
  conflicts: string[];
}

export { completePlan, peakForPrecision } from './complete-plan';
