import { pipelineBubble, type BubbleBlock } from './bubble';
import { completePlan } from './complete-plan';
import { estimateCost, type CostBlock } from './cost';
import { estimateFlops, type FlopsConvention, type FlopsResult } from './flops';
import { estimateMemory, type MemoryBlock } from './memory';
import { countParameters, type ParameterCounts } from './parameters';
import type { TrainingPlan } from './plan';
import { estimateStepTime, STEP_TIME_CONSTANTS, unavailableTime, type StepTimeConstants, type TimeBlock } from './step-time';

export interface EstimateOptions {
  /** FLOPs convention for the flops block, MFU and TFLOP/s (default 'palm', PaLM's MFU definition). */
  convention?: FlopsConvention;
  /** Override the calibrated performance-model constants (used by the calibration bench). */
  constants?: StepTimeConstants;
}

export interface Estimate {
  /** The plan after completePlan: what every block below was computed from. */
  plan: TrainingPlan;
  assumptions: string[];
  /** Inputs filled with a stated guess (completePlan): findings that rest on them are not certain. */
  guessed: string[];
  missing: string[];
  conflicts: string[];
  parameters: ParameterCounts;
  memory: MemoryBlock;
  bubble: BubbleBlock;
  flops: FlopsResult;
  time: TimeBlock;
  cost: CostBlock;
}

/** Runs one block; an unexpected failure becomes an unavailable block that says so, never an exception. */
function guarded<T extends { available: boolean; missing: string[] }>(compute: () => T, fallback: T): T {
  try {
    return compute();
  } catch (error) {
    return { ...fallback, available: false, missing: [`could not compute: ${error instanceof Error ? error.message : String(error)}`] };
  }
}

function stageCosts(parameters: ParameterCounts): number[] | undefined {
  const layers = parameters.perStage.map((s) => s.layers);
  return layers.length > 1 && layers.some((n) => n !== layers[0]) ? layers : undefined;
}

/**
 * Everything the estimator knows about one training plan: parameters, per-GPU memory, pipeline bubble, FLOPs,
 * step time with MFU/HFU, and cost. Each block carries `available`, `assumptions`, `sources` and `missing`;
 * missing inputs make a block unavailable, never an exception.
 */
export function estimate(input: TrainingPlan, options: EstimateOptions = {}): Estimate {
  const completed = completePlan(input ?? {});
  const plan = completed.plan;
  const convention = options.convention ?? 'palm';
  const constants = options.constants ?? STEP_TIME_CONSTANTS;
  const base = { assumptions: [], sources: [], missing: [] as string[] };
  const parameters = guarded(() => countParameters(plan), {
    ...base, available: false, total: 0, embedding: 0, lmHead: 0, nonEmbedding: 0, active: 0, trainable: 0, largestLayer: 0, denseLayer: 0,
    moeLayer: 0, routedExpertsPerLayer: 0, perStage: [], perGpu: { firstStage: 0, lastStage: 0, firstStageExperts: 0, lastStageExperts: 0 },
  });
  const memory = guarded(() => estimateMemory(plan), {
    ...base, available: false, stage: 'only', weights: 0, gradients: 0, optimizer: 0, activations: 0, logits: 0, buffers: 0, otherModels: 0,
    generationEngine: 0, optimizerStep: 0,
    total: 0, peakPhase: 'forward-backward', capacity: 0, fits: false, bufferParts: { cudaContext: 0, communicationBuckets: 0, liveParameters: 0, dequantizedWeight: 0, autocastCopies: 0 },
  });
  const bubble = guarded(() => pipelineBubble({
    pp: plan.parallel?.pp ?? 1, microbatches: plan.batch?.gradAccum ?? NaN, schedule: plan.parallel?.schedule,
    vpp: plan.parallel?.vpp, stageCosts: stageCosts(parameters),
  }), { ...base, available: false, schedule: 'none', microbatches: 0, fraction: 0, overIdeal: 0, inFlight: 0 });
  const flops = guarded(() => estimateFlops(plan, convention), { ...base, available: false, convention, perIteration: { model: 0, hardware: 0 }, perToken: { model: 0, hardware: 0 } });
  const time = guarded(() => estimateStepTime(plan, convention, constants), unavailableTime(base.assumptions, base.sources, base.missing));
  const cost = guarded(() => estimateCost(plan, time.available ? time.iterationSeconds : undefined), {
    ...base, available: false, tokens: 0, iterations: 0, days: 0, gpuHours: 0,
  });
  return { plan, assumptions: completed.assumptions, guessed: completed.guessed, missing: completed.missing, conflicts: completed.conflicts, parameters, memory, bubble, flops, time, cost };
}
