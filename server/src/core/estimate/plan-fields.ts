import { clearWinner, rankSuggestions } from '../util/did-you-mean';
import type {
  AdapterSpec, BatchSpec, ExtraModelSpec, VllmSpec, HardwareSpec, HybridLayers, ModelSpec, MultiLatentAttention, OptimizerSpec, OverlapSpec, ParallelSpec, TrainingPlan,
  TrainingSpec, ZeroSpec,
} from './plan';

/** What a hand-written plan field may hold: a kind of JSON value, a list of allowed strings, or a nested block. */
type FieldKind = 'number' | 'boolean' | 'string' | 'numbers' | 'strings' | 'offload' | readonly string[] | ListOf | Fields;
/** An array whose items are blocks of one kind, written as that block in a one-element tuple. */
type ListOf = readonly [Fields];
interface Fields {
  readonly [name: string]: FieldKind;
}

// Each block lists every field of its interface, no more and no fewer: the mapped types make tsc hold them in step.
type FieldsOf<T> = { readonly [K in keyof Required<T>]: FieldKind };

const MLA: FieldsOf<MultiLatentAttention> = { qLoraRank: 'number', kvLoraRank: 'number', qkNopeHeadDim: 'number', qkRopeHeadDim: 'number', vHeadDim: 'number' };

const HYBRID: FieldsOf<HybridLayers> = { mamba: 'number', attention: 'number', mlp: 'number', stateSize: 'number', headDim: 'number', groups: 'number', expand: 'number' };

const MODEL: FieldsOf<ModelSpec> = {
  name: 'string', layers: 'number', hiddenSize: 'number', ffnHiddenSize: 'number', heads: 'number', kvHeads: 'number', headDim: 'number',
  vocabSize: 'number', seqLength: 'number', glu: 'boolean', tiedEmbeddings: 'boolean', experts: 'number', topK: 'number',
  moeFfnHiddenSize: 'number', sharedExperts: 'number', firstDenseLayers: 'number', mla: MLA, hybrid: HYBRID, dropout: 'boolean', maxPositions: 'number',
  norm: ['rmsnorm', 'layernorm'], normsPerLayer: 'number', attentionBias: ['none', 'qkv', 'all'], mlpBias: 'boolean',
  qkNorm: ['none', 'per-head', 'full-width'], positionEmbedding: ['rotary', 'learned', 'alibi', 'none'], embeddingNorm: 'boolean',
  attentionSinks: 'boolean', routerBias: 'boolean', expertBias: 'boolean', routerScoreBias: 'boolean', totalParams: 'number',
};

const PARALLEL: FieldsOf<ParallelSpec> = {
  tp: 'number', pp: 'number', vpp: 'number', cp: 'number', ep: 'number', dp: 'number', worldSize: 'number', sequenceParallel: 'boolean',
  schedule: ['gpipe', '1f1b', 'interleaved', 'zb-h1', 'zb-h2'], stageLayers: 'numbers', shardInstances: 'number',
};

const BATCH: FieldsOf<BatchSpec> = { micro: 'number', gradAccum: 'number', global: 'number' };

const OPTIMIZER: FieldsOf<OptimizerSpec> = { type: ['adam', 'adamw', 'sgd', 'lion', 'adafactor', 'adam8bit', 'muon'], lr: 'number', fused: 'boolean', momentum: 'number' };

const ZERO: FieldsOf<ZeroSpec> = {
  stage: 'number', offloadOptimizer: 'offload', offloadParams: 'offload', reduceBucketSize: 'number', allgatherBucketSize: 'number',
  prefetchBucketSize: 'number', maxLiveParameters: 'number', zeroInit: 'boolean',
};

const ADAPTER: FieldsOf<AdapterSpec> = { type: ['lora', 'qlora'], rank: 'number', targetModules: 'strings', trainableParams: 'number', baseBits: 'number',
  dropout: 'number', dora: 'boolean', doubleQuant: 'boolean', quantStorage: ['uint8', 'bf16', 'fp16', 'fp32'], gptq: 'boolean', savedModules: 'strings' };

const EXTRA_MODEL: FieldsOf<ExtraModelSpec> = {
  role: ['reference', 'reward', 'value', 'vision'], trainer: 'string', name: 'string', params: 'number', scalarHead: 'boolean', trained: 'boolean',
  onlyIf: 'string', source: 'string',
};

const VLLM: FieldsOf<VllmSpec> = { colocate: 'boolean', gpuMemoryUtilization: 'number', sleepMode: 'boolean' };

const OVERLAP: FieldsOf<OverlapSpec> = { gradReduce: 'boolean', paramGather: 'boolean', tensorParallel: 'boolean', pipelineP2p: 'boolean' };

const HARDWARE: FieldsOf<HardwareSpec> = {
  gpu: 'string', peakTflops: 'number', memoryGiB: 'number', memoryBandwidthGBps: 'number', gpusPerNode: 'number', intraNodeGBps: 'number',
  interNodeGBps: 'number', matmulTflops: 'number', peak16Tflops: 'number',
};

const TRAINING: FieldsOf<TrainingSpec> = {
  iterations: 'number', tokens: 'number', epochs: 'number', datasetTokens: 'number', pricePerGpuHour: 'number', examplePrice: 'boolean', measuredIterationSeconds: 'number',
};

const PLAN: FieldsOf<TrainingPlan> = {
  framework: ['megatron', 'deepspeed', 'fsdp', 'plain'], model: MODEL, parallel: PARALLEL, batch: BATCH,
  precision: ['fp32', 'tf32', 'fp16', 'bf16', 'bf16-pure', 'fp8'], optimizer: OPTIMIZER, zero: ZERO, distributedOptimizer: 'boolean', fp8ParamGather: 'boolean',
  bf16GradientBuffer: 'boolean', fsdp: ['full-shard', 'shard-grad-op'], fsdpNoSync: 'boolean', recompute: ['none', 'selective', 'full'],
  recomputeLayers: 'number', flashAttention: 'boolean', loadDtype: ['bf16'], pipelineEngine: ['deepspeed'], fusedLoss: ['liger', 'cut-cross-entropy'], partitionActivations: 'boolean', deallocatePipelineOutputs: 'boolean',
  adapter: ADAPTER, extraModels: [EXTRA_MODEL], vllm: VLLM, overlap: OVERLAP, hardware: HARDWARE, training: TRAINING,
};

function isList(kind: FieldKind): kind is ListOf {
  return Array.isArray(kind) && typeof kind[0] === 'object';
}

function describe(kind: FieldKind): string {
  if (isList(kind)) return 'an array of objects';
  if (Array.isArray(kind)) return `one of ${kind.map((v) => JSON.stringify(v)).join(', ')}`;
  if (typeof kind === 'object') return 'an object';
  return { number: 'a number', boolean: 'true or false', string: 'a string', numbers: 'an array of numbers', strings: 'an array of strings', offload: 'true, false, "cpu" or "nvme"' }[kind as string]!;
}

function fits(kind: FieldKind, value: unknown): boolean {
  if (isList(kind)) return Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
  if (Array.isArray(kind)) return typeof value === 'string' && kind.includes(value);
  if (typeof kind === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  switch (kind) {
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'boolean': return typeof value === 'boolean';
    case 'string': return typeof value === 'string';
    case 'numbers': return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v));
    case 'strings': return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'offload': return typeof value === 'boolean' || value === 'cpu' || value === 'nvme';
  }
  return false;
}

function check(value: Record<string, unknown>, fields: Fields, path: string, problems: string[]): void {
  for (const [name, child] of Object.entries(value)) {
    const at = path ? `${path}.${name}` : name;
    const kind = fields[name];
    if (kind === undefined) {
      const suggestion = clearWinner(rankSuggestions(name, Object.keys(fields)));
      problems.push(`${at}: not a plan field${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
    } else if (child === null || child === undefined) {
      continue;
    } else if (!fits(kind, child)) {
      problems.push(`${at}: expected ${describe(kind)}, got ${JSON.stringify(child)}`);
    } else if (isList(kind)) {
      (child as Record<string, unknown>[]).forEach((item, i) => check(item, kind[0], `${at}[${i}]`, problems));
    } else if (typeof kind === 'object' && !Array.isArray(kind)) {
      check(child as Record<string, unknown>, kind as Fields, at, problems);
    }
  }
}

/** What is wrong with a hand-written plan: unknown fields (with the likely intended one) and values of the wrong kind. */
export function planFieldProblems(plan: Record<string, unknown>): string[] {
  const problems: string[] = [];
  check(plan, PLAN, '', problems);
  return problems;
}
