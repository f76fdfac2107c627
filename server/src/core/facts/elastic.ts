import type { OffsetRange } from '../text/range';
/**
 * Which world sizes an elastic launch can run at, and what the global batch becomes at each: DeepSpeed's `elasticity`
 * block (deepspeed/elasticity/elasticity.py, read at deepspeedai/DeepSpeed c5601dbe079597b954fc7ab1de8aa4e04f9fa65b;
 * keys and defaults from shared/reference/keys/deepspeed.json at edaa7221267243c7be7fb49c5d5f5c4fb97b4641) and plain
 * world-size ranges (torchrun --nnodes MIN:MAX). Pure.
 */

export interface DeepSpeedElasticConfig {
  maxTrainBatchSize: number;
  microBatchSizes: number[];
  minGpus: number;
  maxGpus: number;
  numGpusPerNode: number;
  modelParallelSize: number;
  version: number;
  preferLargerBatch: boolean;
}

/** keys/deepspeed.json: elasticity.* defaults. */
export const DEEPSPEED_ELASTIC_DEFAULTS: DeepSpeedElasticConfig = {
  maxTrainBatchSize: 2000,
  microBatchSizes: [2, 4, 6],
  minGpus: 1,
  maxGpus: 10000,
  numGpusPerNode: 1,
  modelParallelSize: 1,
  version: 0.2,
  preferLargerBatch: true,
};

let highlyComposite: number[] | undefined;

/** Highly composite numbers up to 720720 (each has more divisors than every smaller number), by a divisor-count sieve. */
function highlyCompositeNumbers(): number[] {
  if (highlyComposite) return highlyComposite;
  const limit = 720720;
  const divisors = new Uint16Array(limit + 1);
  for (let d = 1; d <= limit; d++) for (let m = d; m <= limit; m += d) divisors[m]++;
  const out: number[] = [];
  let best = 0;
  for (let n = 1; n <= limit; n++) {
    if (divisors[n] > best) {
      best = divisors[n];
      out.push(n);
    }
  }
  highlyComposite = out;
  return out;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The world sizes in [min, max] at which `batch` splits into a whole number of steps of some micro-batch. */
function validWorldSizes(batch: number, micros: number[], min: number, max: number): number[] {
  const valid = new Set<number>();
  for (const micro of micros) {
    if (batch % micro !== 0) continue;
    const most = batch / micro;
    if (most >= min && most <= max) valid.add(most);
    for (let i = Math.max(1, min); i <= Math.min(max, Math.floor(most / 2)); i++) if (most % i === 0) valid.add(i);
  }
  return [...valid].sort((a, b) => a - b);
}

/**
 * DeepSpeed's elasticity v0.1: candidate batches are each micro-batch (and their LCM) scaled by the largest highly
 * composite number that keeps them under max_train_batch_size; the one with the most valid world sizes in
 * [min_gpus, max_gpus] wins (ties: the larger batch when prefer_larger_batch).
 */
function elasticV01(micros: number[], maxBatch: number, minGpus: number, maxGpus: number, preferLarger: boolean): { batch: number; valid: number[] } {
  const min = minGpus || 1;
  const max = maxGpus || Math.floor(maxBatch / Math.min(...micros));
  const lcm = micros.reduce((a, b) => (a * b) / gcd(a, b));
  const hcn = highlyCompositeNumbers();
  const candidates = new Set<number>();
  for (const base of [...micros, lcm]) {
    if (base > maxBatch) continue;
    if (base === maxBatch) {
      candidates.add(base);
      continue;
    }
    const room = Math.floor(maxBatch / base);
    const largest = [...hcn].reverse().find((h) => h <= room) ?? 1;
    candidates.add(largest * base);
  }
  let batch = Math.min(...micros);
  let valid: number[] = [];
  for (const candidate of candidates) {
    const here = validWorldSizes(candidate, micros, min, max);
    if (here.length > valid.length || (here.length === valid.length && (preferLarger ? candidate > batch : candidate < batch))) {
      valid = here;
      batch = candidate;
    }
  }
  return { batch, valid };
}

export interface ElasticOutcome {
  worldSize: number;
  /** The global batch DeepSpeed trains with at this world size; undefined when it refuses to start. */
  globalBatch?: number;
  /** DeepSpeed raises ElasticityIncompatibleWorldSize. */
  refused: boolean;
}

export interface DeepSpeedElasticity {
  /** The batch DeepSpeed computes for its valid world sizes. */
  finalBatch: number;
  /** Valid world sizes (GPUs / model-parallel size for v0.2, GPUs for v0.1). */
  valid: number[];
  /** What happens at a given number of GPUs. */
  at(gpus: number): ElasticOutcome;
}

/** What DeepSpeed's elasticity computes for a config (compute_elastic_config), for any number of GPUs. */
export function deepspeedElasticity(config: Partial<DeepSpeedElasticConfig>): DeepSpeedElasticity | undefined {
  const c = { ...DEEPSPEED_ELASTIC_DEFAULTS, ...config };
  const micros = [...new Set(c.microBatchSizes.filter((m) => Number.isInteger(m) && m > 0))];
  if (micros.length === 0 || !(c.maxTrainBatchSize > 0) || micros.some((m) => m > c.maxTrainBatchSize)) return undefined;
  if (c.version <= 0.1) {
    const { batch, valid } = elasticV01(micros, c.maxTrainBatchSize, c.minGpus, c.maxGpus, c.preferLargerBatch);
    return {
      finalBatch: batch,
      valid,
      at: (gpus) => (valid.includes(gpus) ? { worldSize: gpus, globalBatch: batch, refused: false } : { worldSize: gpus, refused: true }),
    };
  }
  // v0.2 works per node: data-parallel ranks per node = GPUs per node / model-parallel size.
  if (c.numGpusPerNode % c.modelParallelSize !== 0) return undefined;
  const dpPerNode = c.numGpusPerNode / c.modelParallelSize;
  const nodes = elasticV01(micros, Math.trunc(c.maxTrainBatchSize / dpPerNode), Math.trunc(c.minGpus / c.numGpusPerNode), Math.trunc(c.maxGpus / c.numGpusPerNode), c.preferLargerBatch);
  const finalBatch = nodes.batch * dpPerNode;
  const valid = nodes.valid.map((n) => n * dpPerNode);
  return {
    finalBatch,
    valid,
    at: (gpus) => {
      if (valid.includes(Math.floor(gpus / c.modelParallelSize))) return { worldSize: gpus, globalBatch: finalBatch, refused: false };
      // Off the valid list v0.2 picks a batch for the current data-parallel size: the largest multiple of micro x dp under the cap.
      const dp = (gpus / c.numGpusPerNode) * dpPerNode;
      const candidates = micros.map((m) => Math.floor(c.maxTrainBatchSize / (m * dp)) * m * dp);
      const batch = c.preferLargerBatch ? Math.max(...candidates) : Math.min(...candidates);
      return { worldSize: gpus, globalBatch: batch, refused: false };
    },
  };
}

export interface WorldOutcome {
  worldSize: number;
  /** The global batch at this world size; undefined when the framework refuses it. */
  globalBatch?: number;
  /** Gradient-accumulation steps, when they are a whole number. */
  accumulation?: number;
  works: boolean;
  why?: string;
}

/**
 * A fixed global batch over a range of world sizes (Megatron-LM: global = micro x accumulation x DP, DP = world /
 * (TP x PP x CP), accumulation derived and required to be whole).
 */
export function fixedGlobalOverWorlds(worlds: number[], global: number, micro: number, modelParallel: number): WorldOutcome[] {
  return worlds.map((world) => {
    if (world % modelParallel !== 0) return { worldSize: world, works: false, why: `not a multiple of TP x PP x CP = ${modelParallel}` };
    const dp = world / modelParallel;
    const accumulation = global / (micro * dp);
    if (!Number.isInteger(accumulation) || accumulation < 1) return { worldSize: world, globalBatch: global, works: false, why: `${global} / (${micro} x ${dp}) is not a whole number of micro-batches` };
    return { worldSize: world, globalBatch: global, accumulation, works: true };
  });
}

/** A per-device batch and accumulation over a range of world sizes (HF Trainer, axolotl, LLaMA-Factory): the global batch follows the world size. */
export function perDeviceOverWorlds(worlds: number[], micro: number, accumulation: number, modelParallel: number): WorldOutcome[] {
  return worlds.map((world) => {
    if (world % modelParallel !== 0) return { worldSize: world, works: false, why: `not a multiple of the model-parallel size ${modelParallel}` };
    return { worldSize: world, globalBatch: micro * accumulation * (world / modelParallel), accumulation, works: true };
  });
}

// World sizes listed in a message, at most.
const LIST = 12;

export function listWorlds(values: number[]): string {
  return values.length > LIST ? `${values.slice(0, LIST).join(', ')}, ... (${values.length} in all)` : values.join(', ');
}

/** Each world size with its global batch, or why it is refused. */
export function worldOutcomes(results: WorldOutcome[]): string {
  return results.map((r) => (r.works ? `${r.worldSize} GPUs: ${r.globalBatch}` : `${r.worldSize} GPUs: refused (${r.why})`)).join('; ');
}

/** The world sizes an elastic launch (`torchrun --nnodes MIN:MAX`) allows, as the message names them, and where it says so. */
export interface ElasticLaunch {
  worlds: number[];
  span: string;
  range: OffsetRange;
}
