import type { Rule } from './rule';
import { computeUnderutilized, outOfMemory, pipelineBubble } from './estimate-rules';
import { unknownModel } from './unknown-model';
import { appliesTo, type RuleMeta } from './rule-meta';
import type { Format } from '../programs/ids';
import { RESEARCH_RULES } from './research/index';
import { unknownSuppressedRule, unusedSuppression } from './suppression-rules';
import { analysisFailed, commentInStrictJson, duplicateKey, fileNotRead, fileTooLarge, nestingTooDeep, parseError, yamlFloatAsString } from './syntax-rules';
import { deprecatedKey, invalidValue, unknownKey } from './schema-rules';
import { batchSizeIndivisible, batchSizeMismatch, batchSizeMissing } from './batch-rules';
import { autoOutsideTrainer } from './auto-rules';
import { fp16AndBf16 } from './precision-rules';
import { hfDeepspeedMismatch } from './hf-deepspeed-rules';
import { invalidZeroStage, offloadRequiresZero, zeroWithPipeline } from './deepspeed-rules';
import { parallelSizesVsWorld } from './axolotl-rules';
import { accelerateInlineDeepSpeedKeys, linkedFileMissing } from './cross-file-rules';
import { megatronDeepSpeedBatchMismatch } from './megatron-deepspeed-rules';
import { batchScheduleConflict, distributedOptimizerDependency, expertsNotDivisibleByEp, headsNotDivisibleByTp, iterationsAndSamples, kvHeadsVsTp, layersNotDivisibleByPp, recomputeConflict, seqExceedsMaxPositions, seqNotDivisibleByCp, sequenceParallelWithoutTp, worldSizeNotDivisible } from './parallel-layout-rules';

/** Every rule, in the order their findings are computed. Codes and names are a public contract. */
export const RULES: readonly Rule[] = [
  parseError,
  duplicateKey,
  commentInStrictJson,
  yamlFloatAsString,
  fileTooLarge,
  nestingTooDeep,
  fileNotRead,
  analysisFailed,
  unusedSuppression,
  unknownSuppressedRule,
  batchSizeMismatch,
  batchSizeIndivisible,
  batchSizeMissing,
  unknownKey,
  invalidValue,
  deprecatedKey,
  autoOutsideTrainer,
  fp16AndBf16,
  zeroWithPipeline,
  offloadRequiresZero,
  invalidZeroStage,
  hfDeepspeedMismatch,
  worldSizeNotDivisible,
  layersNotDivisibleByPp,
  headsNotDivisibleByTp,
  kvHeadsVsTp,
  seqNotDivisibleByCp,
  expertsNotDivisibleByEp,
  seqExceedsMaxPositions,
  sequenceParallelWithoutTp,
  distributedOptimizerDependency,
  recomputeConflict,
  iterationsAndSamples,
  batchScheduleConflict,
  parallelSizesVsWorld,
  linkedFileMissing,
  accelerateInlineDeepSpeedKeys,
  megatronDeepSpeedBatchMismatch,
  outOfMemory,
  pipelineBubble,
  computeUnderutilized,
  unknownModel,
  ...RESEARCH_RULES,
];

export function ruleMetas(): RuleMeta[] {
  return RULES.map((r) => r.meta);
}

/** The rules that check a file of this format: those whose `programs` name it, and those for every program. */
export function rulesFor(format: Format): Rule[] {
  return RULES.filter((r) => appliesTo(r.meta, format));
}

export function findRule(nameOrCode: string): RuleMeta | undefined {
  return RULES.find((r) => r.meta.name === nameOrCode || r.meta.code === nameOrCode)?.meta;
}
