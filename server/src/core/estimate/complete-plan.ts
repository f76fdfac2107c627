import { findGpu } from '../catalog/find-gpu';
import { resolveModel, type ResolvedModel } from '../catalog/resolve-model';
import { EXAMPLE_GPU_PRICES } from '../catalog/gpu-prices';
import type { Accelerator } from '../catalog/accelerators';
import type { CompletedPlan, ModelSpec, Precision, TrainingPlan } from './plan';

// Fallback link speeds when neither the plan nor the catalog gives one: PCIe Gen4 x16 (32 GB/s each way) inside a node
// and one 100 Gb/s NIC per GPU (12.5 GB/s) between nodes. Both are stated as assumptions when used.
const FALLBACK_INTRA_NODE_GBPS = 32;
const FALLBACK_INTER_NODE_GBPS = 12.5;

const GUESSED_VOCAB = 32000;

const SHAPE_DETAIL_KEYS: (keyof ModelSpec)[] = ['norm', 'attentionBias', 'mlpBias', 'positionEmbedding', 'qkNorm'];

function isPositiveInteger(value: number | undefined): value is number {
  return value !== undefined && Number.isInteger(value) && value > 0;
}

/** The dense peak the run's matmuls use: FP8 for fp8, TF32 for tf32, FP32 for fp32, else the 16-bit tensor cores. */
export function peakForPrecision(gpu: Accelerator, precision: Precision): number | undefined {
  const peak = gpu.peakTflops;
  if (precision === 'fp8') return peak.fp8;
  if (precision === 'tf32') return peak.tf32;
  if (precision === 'fp32') return peak.fp32;
  if (precision === 'fp16') return peak.fp16;
  return peak.bf16 ?? peak.fp16;
}

/** Where the model's shape came from, naming the base and the rules when the catalog lists the base, not the name. */
function shapeAssumption(name: string, resolved: ResolvedModel): string {
  const { entry, via } = resolved;
  if (via.length === 0) return `model shape of ${entry.id} from the catalog (${entry.source})`;
  return `model shape of ${name} taken from its base ${entry.id} (rule: ${via.join('; ')}) from the catalog (${entry.source})`;
}

function completeModel(input: ModelSpec | undefined, out: CompletedPlan): ModelSpec {
  const model: ModelSpec = { ...(input ?? {}) };
  if (model.name !== undefined) {
    const resolved = resolveModel(model.name);
    if (resolved) {
      const entry = resolved.entry;
      const filled = Object.keys(entry.architecture).filter((k) => model[k as keyof ModelSpec] === undefined);
      // Fields the file gives win; fields it leaves undefined come from the catalog.
      const given = Object.fromEntries(Object.entries(input ?? {}).filter(([, v]) => v !== undefined));
      Object.assign(model, { ...entry.architecture, ...given });
      if (filled.length > 0) out.assumptions.push(shapeAssumption(model.name, resolved));
    } else if (model.layers === undefined || model.hiddenSize === undefined || model.heads === undefined) {
      out.assumptions.push(`model "${model.name}" is not in the catalog; only the shape fields given are used`);
    }
  }
  if (model.vocabSize === undefined && model.totalParams === undefined && [model.layers, model.hiddenSize, model.heads].every((v) => v !== undefined)) {
    // The layers are given and only the tokenizer's size is not (a tokenizer file or a data step decides it): Llama 2's
    // 32,000 SentencePiece pieces (Touvron et al. 2023), among the smallest in use; it sizes the embedding, output layer and logits.
    model.vocabSize = GUESSED_VOCAB;
    out.guessed.push('model.vocabSize');
    out.assumptions.push(`vocabulary size not given (the tokenizer decides): assumed ${GUESSED_VOCAB.toLocaleString('en-US')} tokens (Llama 2's); a larger vocabulary adds to the embedding, output layer and logits`);
  }
  for (const key of ['layers', 'hiddenSize', 'heads', 'vocabSize', 'seqLength'] as const) {
    if (model[key] === undefined && !(key !== 'seqLength' && model.totalParams !== undefined)) out.missing.push(`model.${key}`);
  }
  if (model.glu === undefined) {
    model.glu = false;
    out.assumptions.push('plain two-matrix MLP (glu not given)');
  }
  if (model.kvHeads === undefined && model.heads !== undefined && model.mla === undefined) {
    model.kvHeads = model.heads;
    out.assumptions.push('kvHeads = heads (multi-head attention; kvHeads not given)');
  }
  if (model.ffnHiddenSize === undefined && model.hiddenSize !== undefined && !(model.experts && model.experts > 1 && !model.firstDenseLayers)) {
    const h = model.hiddenSize;
    // Megatron-LM arguments.py: ffn_hidden_size = int((4h * 2/3) / 64) * 64 with SwiGLU, else 4h.
    model.ffnHiddenSize = model.glu ? Math.floor((4 * h * 2) / 3 / 64) * 64 : 4 * h;
    out.assumptions.push(`ffnHiddenSize = ${model.ffnHiddenSize} (Megatron default: ${model.glu ? 'int(8h/3 / 64) * 64 with GLU' : '4h'})`);
  }
  if (model.tiedEmbeddings === undefined) {
    model.tiedEmbeddings = false;
    out.assumptions.push('untied input and output embeddings (tiedEmbeddings not given)');
  }
  if (model.experts !== undefined && model.experts > 1 && model.topK === undefined) {
    model.topK = 1;
    out.assumptions.push('MoE top-k = 1 (topK not given)');
  }
  if (model.dropout === undefined) {
    model.dropout = false;
    out.assumptions.push('no dropout (dropout not given): no 1-byte dropout masks in activation memory');
  }
  if (model.name === undefined && SHAPE_DETAIL_KEYS.every((k) => model[k] === undefined)) {
    out.assumptions.push('Llama-style layer details: RMSNorm, no biases, rotary positions (they change parameter counts by < 0.1%)');
  }
  return model;
}

function completeParallelAndBatch(plan: TrainingPlan, out: CompletedPlan): void {
  const parallel = { ...(plan.parallel ?? {}) };
  const batch = { ...(plan.batch ?? {}) };
  for (const key of ['tp', 'pp', 'cp', 'ep', 'vpp'] as const) {
    if (parallel[key] === undefined) parallel[key] = 1;
    else if (!isPositiveInteger(parallel[key])) {
      out.conflicts.push(`parallel.${key} = ${parallel[key]} is not a positive integer; 1 used`);
      parallel[key] = 1;
    }
  }
  const modelParallel = parallel.tp! * parallel.pp! * parallel.cp!;
  if (parallel.worldSize !== undefined && parallel.dp !== undefined) {
    if (parallel.worldSize !== parallel.dp * modelParallel) {
      out.conflicts.push(`worldSize ${parallel.worldSize} != dp ${parallel.dp} x tp x pp x cp (${modelParallel})`);
    }
  } else if (parallel.worldSize !== undefined) {
    const dp = parallel.worldSize / modelParallel;
    if (!Number.isInteger(dp) || dp < 1) {
      out.conflicts.push(`worldSize ${parallel.worldSize} is not a multiple of tp x pp x cp = ${modelParallel}`);
      parallel.dp = Math.max(1, Math.floor(dp));
    } else parallel.dp = dp;
  } else if (parallel.dp !== undefined) {
    parallel.worldSize = parallel.dp * modelParallel;
  } else if (isPositiveInteger(batch.global) && isPositiveInteger(batch.micro) && isPositiveInteger(batch.gradAccum)) {
    parallel.dp = batch.global / (batch.micro * batch.gradAccum);
    parallel.worldSize = parallel.dp * modelParallel;
    out.assumptions.push(`data-parallel size ${parallel.dp} = global / (micro x gradAccum); world size ${parallel.worldSize}`);
  } else {
    out.missing.push('parallel.worldSize');
  }
  const dp = parallel.dp;
  if (dp !== undefined) {
    if (batch.micro !== undefined && batch.gradAccum !== undefined && batch.global !== undefined) {
      if (batch.global !== batch.micro * batch.gradAccum * dp) {
        out.conflicts.push(`global batch ${batch.global} != micro ${batch.micro} x gradAccum ${batch.gradAccum} x dp ${dp}`);
      }
    } else if (batch.micro !== undefined && batch.global !== undefined) {
      batch.gradAccum = batch.global / (batch.micro * dp);
      if (!Number.isInteger(batch.gradAccum)) out.conflicts.push(`global batch ${batch.global} is not a multiple of micro x dp = ${batch.micro * dp}`);
    } else if (batch.gradAccum !== undefined && batch.global !== undefined) {
      batch.micro = batch.global / (batch.gradAccum * dp);
      if (!Number.isInteger(batch.micro)) out.conflicts.push(`global batch ${batch.global} is not a multiple of gradAccum x dp = ${batch.gradAccum * dp}`);
    } else if (batch.global !== undefined) {
      batch.micro = 1;
      batch.gradAccum = batch.global / dp;
      out.assumptions.push('micro-batch 1 (only the global batch given)');
      if (!Number.isInteger(batch.gradAccum)) out.conflicts.push(`global batch ${batch.global} is not a multiple of dp = ${dp}`);
    } else if (batch.micro !== undefined) {
      if (batch.gradAccum === undefined) {
        batch.gradAccum = 1;
        out.assumptions.push('no gradient accumulation (gradAccum not given)');
      }
      batch.global = batch.micro * batch.gradAccum * dp;
    } else {
      out.missing.push('batch.micro or batch.global');
    }
  }
  if (parallel.sequenceParallel === undefined) {
    parallel.sequenceParallel = false;
    if (parallel.tp! > 1) out.assumptions.push('no sequence parallelism (sequenceParallel not given)');
  }
  if (parallel.schedule === undefined && parallel.pp! > 1) {
    parallel.schedule = parallel.vpp! > 1 ? 'interleaved' : '1f1b';
    out.assumptions.push(`pipeline schedule ${parallel.schedule} (schedule not given)`);
  }
  plan.parallel = parallel;
  plan.batch = batch;
}

function completeHardware(plan: TrainingPlan, out: CompletedPlan): void {
  const hardware = { ...(plan.hardware ?? {}) };
  const precision = plan.precision!;
  const gpu = hardware.gpu !== undefined ? findGpu(hardware.gpu) : undefined;
  if (hardware.gpu !== undefined && !gpu) out.assumptions.push(`GPU "${hardware.gpu}" is not in the catalog`);
  if (gpu) {
    const peak = peakForPrecision(gpu, precision);
    if (hardware.peakTflops === undefined) {
      if (peak !== undefined) hardware.peakTflops = peak;
      else out.conflicts.push(`${gpu.name} has no dense ${precision} peak in the catalog (format unsupported)`);
    }
    hardware.peak16Tflops ??= gpu.peakTflops.bf16 ?? gpu.peakTflops.fp16;
    if ((precision === 'bf16' || precision === 'bf16-pure') && gpu.peakTflops.bf16 === undefined) {
      out.conflicts.push(`${gpu.name} has no bf16 tensor cores; the fp16 peak is used`);
    }
    hardware.memoryGiB ??= gpu.memoryGiB;
    hardware.memoryBandwidthGBps ??= gpu.memoryBandwidthGBps;
    hardware.matmulTflops ??= precision === 'fp8' ? undefined : gpu.measuredMatmulTflops;
    hardware.gpusPerNode ??= gpu.gpusPerNode;
    hardware.intraNodeGBps ??= gpu.intraNodeGBps;
    hardware.interNodeGBps ??= gpu.interNodeGBps;
  }
  hardware.peak16Tflops ??= hardware.peakTflops;
  if (hardware.peakTflops === undefined) out.missing.push('hardware.gpu or hardware.peakTflops');
  if (hardware.memoryGiB === undefined) out.missing.push('hardware.gpu or hardware.memoryGiB');
  if (hardware.gpusPerNode === undefined) {
    hardware.gpusPerNode = 8;
    out.assumptions.push('8 GPUs per node (gpusPerNode not given)');
  }
  if (hardware.intraNodeGBps === undefined) {
    hardware.intraNodeGBps = FALLBACK_INTRA_NODE_GBPS;
    out.assumptions.push(`intra-node bandwidth ${FALLBACK_INTRA_NODE_GBPS} GB/s per GPU (PCIe Gen4 x16; not given)`);
  }
  if (hardware.interNodeGBps === undefined) {
    hardware.interNodeGBps = FALLBACK_INTER_NODE_GBPS;
    out.assumptions.push(`inter-node bandwidth ${FALLBACK_INTER_NODE_GBPS} GB/s per GPU (one 100 Gb/s NIC; not given)`);
  }
  plan.hardware = hardware;
  const training = { ...(plan.training ?? {}) };
  const price = gpu ? EXAMPLE_GPU_PRICES[gpu.id] : undefined;
  if (training.pricePerGpuHour === undefined && price) {
    training.pricePerGpuHour = price.usdPerGpuHour;
    training.examplePrice = true;
    out.assumptions.push(`ASSUMED price $${price.usdPerGpuHour}/GPU-hour for ${gpu!.name}: ${price.basis} (${price.source}); example only`);
  }
  plan.training = training;
}

function completeTraining(plan: TrainingPlan, out: CompletedPlan): void {
  const training = plan.training!;
  if (training.tokens === undefined && training.iterations === undefined && training.epochs !== undefined) {
    if (training.datasetTokens !== undefined) {
      training.tokens = training.epochs * training.datasetTokens;
      out.assumptions.push(`tokens = ${training.epochs} epochs x ${training.datasetTokens} dataset tokens (packed: no padding counted)`);
    } else out.missing.push(`training.datasetTokens (to turn ${training.epochs} epochs into tokens)`);
  }
  const tokensPerIteration = (plan.batch?.global ?? NaN) * (plan.model?.seqLength ?? NaN);
  if (!Number.isFinite(tokensPerIteration)) return;
  if (training.tokens === undefined && training.iterations !== undefined) training.tokens = training.iterations * tokensPerIteration;
  if (training.iterations === undefined && training.tokens !== undefined) training.iterations = Math.ceil(training.tokens / tokensPerIteration);
}

/**
 * Fills what can be derived from a partial plan: the model shape from the catalog, dp = world / (tp x pp x cp),
 * the missing one of micro, gradient accumulation and global batch, kvHeads = heads, the FFN width by Megatron's
 * convention, the GPU's peak, memory and links from the catalog, tokens <-> iterations. Every default taken is
 * an assumption string; what cannot be derived is listed as missing; contradictions are listed as conflicts.
 */
export function completePlan(partial: TrainingPlan): CompletedPlan {
  const out: CompletedPlan = { plan: { ...partial }, assumptions: [], guessed: [], missing: [], conflicts: [] };
  const plan = out.plan;
  plan.model = completeModel(partial.model, out);
  if (plan.precision === undefined) {
    plan.precision = 'bf16';
    out.assumptions.push('bf16 mixed precision (precision not given)');
  }
  plan.optimizer = { ...(plan.optimizer ?? {}) };
  if (plan.optimizer.type === undefined) {
    plan.optimizer.type = 'adamw';
    out.assumptions.push('AdamW optimizer (optimizer not given)');
  }
  plan.zero = { ...(plan.zero ?? {}) };
  if (plan.zero.stage === undefined) plan.zero.stage = 0;
  if (plan.recompute === undefined) {
    plan.recompute = 'none';
    out.assumptions.push('no activation recomputation (recompute not given)');
  }
  if (plan.flashAttention === undefined) {
    plan.flashAttention = true;
    out.assumptions.push('fused attention kernels (FlashAttention / PyTorch SDPA) keep no s x s scores (flashAttention not given)');
  }
  if (plan.framework === undefined) {
    plan.framework = plan.distributedOptimizer ? 'megatron' : plan.fsdp ? 'fsdp' : 'plain';
    out.assumptions.push(`byte accounting of ${plan.framework === 'plain' ? 'the ZeRO paper (2+2+K bytes per parameter)' : plan.framework} (framework not given)`);
  }
  completeParallelAndBatch(plan, out);
  if (plan.fsdp && plan.fsdpNoSync === undefined && (plan.batch?.gradAccum ?? 1) > 1) {
    out.assumptions.push('FSDP gradients reduce-scattered every micro-batch (fsdpNoSync not given; the HF Trainer uses no_sync with FSDP1)');
  }
  completeHardware(plan, out);
  completeTraining(plan, out);
  return out;
}
