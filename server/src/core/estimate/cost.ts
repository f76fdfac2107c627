import type { TrainingPlan } from './plan';

export interface CostBlock {
  available: boolean;
  tokens: number;
  iterations: number;
  days: number;
  gpuHours: number;
  /** Undefined when no price per GPU-hour is known. */
  usd?: number;
  /** The price per GPU-hour behind `usd`, and whether it is the catalog's example rather than the user's. */
  pricePerGpuHour?: number;
  examplePrice?: boolean;
  assumptions: string[];
  sources: string[];
  missing: string[];
}

const SECONDS_PER_DAY = 86_400;

/**
 * Training days when only a throughput is known: tokens x FLOPs per token / (GPUs x achieved FLOP/s).
 * Narayanan et al. SC21 Eq. 4 uses 8 T P / (n X) (FLOPs per token = 8P with recomputation); bigscience math/README.md the same.
 */
export function daysFromThroughput(tokens: number, flopsPerToken: number, gpus: number, flopsPerSecondPerGpu: number): number {
  // Narayanan Eq. 4 with the FLOPs per token left to the caller.
  return (tokens * flopsPerToken) / (gpus * flopsPerSecondPerGpu) / SECONDS_PER_DAY;
}

/**
 * Tokens, iterations, wall-clock days, GPU-hours and dollars for the whole run from the iteration time:
 * iterations = tokens / (global batch x sequence), days = iterations x seconds per iteration, GPU-hours = days x 24 x GPUs.
 */
export function estimateCost(plan: TrainingPlan, iterationSeconds: number | undefined): CostBlock {
  const assumptions: string[] = [];
  const missing: string[] = [];
  const sources = ['EleutherAI Transformer Math 101 and bigscience math/README.md: time = tokens / throughput; cost = GPU-hours x price'];
  const tokensPerIteration = (plan.batch?.global ?? NaN) * (plan.model?.seqLength ?? NaN);
  const world = plan.parallel?.worldSize;
  let iterations = plan.training?.iterations;
  let tokens = plan.training?.tokens;
  if (iterations === undefined && tokens !== undefined && Number.isFinite(tokensPerIteration)) iterations = Math.ceil(tokens / tokensPerIteration);
  if (tokens === undefined && iterations !== undefined && Number.isFinite(tokensPerIteration)) tokens = iterations * tokensPerIteration;
  const epochs = plan.training?.epochs;
  if (iterations === undefined || tokens === undefined) {
    missing.push(epochs !== undefined && plan.training?.datasetTokens === undefined
      ? `training.datasetTokens: the tokens of one pass over the data, for the ${epochs} epochs (--dataset-tokens, datasetTokens in .trainlint.yaml)`
      : 'training.tokens or training.iterations (with batch.global and model.seqLength)');
  }
  if (world === undefined) missing.push('parallel.worldSize');
  if (iterationSeconds === undefined || !(iterationSeconds > 0)) missing.push('an iteration time (prediction unavailable)');
  if (missing.length > 0) {
    return { available: false, tokens: tokens ?? 0, iterations: iterations ?? 0, days: 0, gpuHours: 0, assumptions, sources, missing };
  }
  // EleutherAI Transformer Math 101 / bigscience math/README.md: wall-clock = iterations x time per iteration; GPU-hours = hours x GPUs.
  const days = (iterations! * iterationSeconds!) / SECONDS_PER_DAY;
  const gpuHours = days * 24 * world!;
  const price = plan.training?.pricePerGpuHour;
  if (price === undefined) assumptions.push('no price per GPU-hour: dollars not computed');
  assumptions.push('no restarts, evaluation or checkpoint stalls counted');
  return { available: true, tokens: tokens!, iterations: iterations!, days, gpuHours, usd: price !== undefined ? gpuHours * price : undefined,
    ...(price !== undefined ? { pricePerGpuHour: price, examplePrice: plan.training?.examplePrice === true } : {}), assumptions, sources, missing };
}
