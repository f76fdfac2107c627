// Rules from the research literature (TL6xx) and the pure functions they rest on, for the language server's hovers
// and refactorings and for `trainlint rescale`.
import type { Rule } from '../rule';
import { lrNotRescaled, lrNotScaledForOptimizer, emaNotRescaled } from './lr-rules';
import { fewOptimizerSteps, lrDecayHorizonMismatch, warmupMissing } from './schedule-rules';
import { beyondCriticalBatch } from './scale-rules';
import { fp32Training, pipelineMicroBatch, zero3CommunicationBound } from './layout-rules';
import { moeLoadBalancePerMicroBatch, packingWithoutMasking } from './data-rules';
import { elasticBatchNotPreserved } from './elastic-rules';

/** In code order: TL601-TL612. */
export const RESEARCH_RULES: readonly Rule[] = [
  lrNotRescaled,
  lrNotScaledForOptimizer,
  warmupMissing,
  fewOptimizerSteps,
  lrDecayHorizonMismatch,
  beyondCriticalBatch,
  pipelineMicroBatch,
  zero3CommunicationBound,
  moeLoadBalancePerMicroBatch,
  packingWithoutMasking,
  elasticBatchNotPreserved,
  fp32Training,
  emaNotRescaled,
];

export { scalingAdvice, emaDecayFor, optimizerKind, type ScalingAdvice, type ScalingOptions, type OptimizerKind } from '../../facts/lr-scaling';
export { trainingLength, criticalBatch, tokenOverheadVersusCritical, type TrainingLength, type CriticalBatch } from '../../facts/training-length';
export { paddingWaste, type PaddingInput, type PaddingWaste } from '../../facts/padding';
export { deepspeedElasticity, fixedGlobalOverWorlds, perDeviceOverWorlds } from '../../facts/elastic';
export { scheduleFactsFor, type ScheduleFacts } from '../../facts/schedule-facts';
export { MIN_OPTIMIZER_STEPS } from './schedule-rules';
