import { findGpu } from '../catalog/find-gpu';
import { shardingStage } from './model-states';
import type { TrainingPlan } from './plan';

/**
 * What the published throughput rows that fitted STEP_TIME_CONSTANTS cover, so that a predicted step time says whether
 * it rests on measurements of the same kind of run or is extrapolated. The table is a fact about bench/accuracy.ts:
 * test/estimate/calibration.test.ts recomputes it from the bench's rows and fails when they drift apart.
 */
export type ParallelRegime = 'model-parallel' | 'sharded-data-parallel' | 'data-parallel';
export type PrecisionClass = '16-bit' | 'fp8';

export interface CalibratedRegime {
  /** Accelerator catalog id. */
  gpu: string;
  parallel: ParallelRegime;
  precision: PrecisionClass;
  /** Published rows of this kind scored by bench/accuracy.ts (calibration and held-out together). */
  rows: number;
  /** Median |error| of the predicted step time over those rows, in percent, one decimal. */
  medianErrorPercent: number;
  sources: string[];
}

// Regenerate with `node out/bench/calibration-coverage.js` after a change of rows or constants.
export const CALIBRATED_REGIMES: CalibratedRegime[] = [
  {gpu: 'a100_40gb_sxm', parallel: 'data-parallel', precision: '16-bit', rows: 2, medianErrorPercent: 3.1, sources: ['Megatron-LM images/tables.tex (published.json)']},
  {gpu: 'a100_40gb_sxm', parallel: 'model-parallel', precision: '16-bit', rows: 6, medianErrorPercent: 2.1, sources: ['Megatron-LM images/tables.tex (published.json)']},
  {gpu: 'a100_80gb_sxm', parallel: 'data-parallel', precision: '16-bit', rows: 1, medianErrorPercent: 0.2, sources: ['Narayanan et al. SC21 Table 1']},
  {gpu: 'a100_80gb_sxm', parallel: 'model-parallel', precision: '16-bit', rows: 25, medianErrorPercent: 2.2, sources: ['BLOOM prequel micro-batch sweep (published.json)', 'Korthikanti et al. 2022 Table 3 + Table 5', 'MT-NLG 280-node point (confirmed by PaLM App. B)', 'Narayanan et al. SC21 Table 1', 'Narayanan et al. SC21 Table 2', 'bigscience tr11-176B-ml README (reference-facts.json bloom_176b)']},
  {gpu: 'a100_80gb_sxm', parallel: 'sharded-data-parallel', precision: '16-bit', rows: 4, medianErrorPercent: 6.1, sources: ['Narayanan et al. SC21 Table 2']},
  {gpu: 'b200', parallel: 'data-parallel', precision: 'fp8', rows: 2, medianErrorPercent: 2.2, sources: ['Megatron-Bridge performance summary (NeMo 25.09-26.02)']},
  {gpu: 'b200', parallel: 'model-parallel', precision: 'fp8', rows: 2, medianErrorPercent: 4.5, sources: ['Megatron-Bridge performance summary (NeMo 25.09-26.02)']},
  {gpu: 'gb200', parallel: 'data-parallel', precision: 'fp8', rows: 2, medianErrorPercent: 3.6, sources: ['Megatron-Bridge performance summary (NeMo 25.09-26.02)']},
  {gpu: 'gb200', parallel: 'model-parallel', precision: 'fp8', rows: 7, medianErrorPercent: 10, sources: ['Megatron-Bridge performance summary (NeMo 25.09-26.02)']},
  {gpu: 'gb200', parallel: 'sharded-data-parallel', precision: 'fp8', rows: 3, medianErrorPercent: 7.5, sources: ['Megatron-Bridge performance summary (NeMo 25.09-26.02)']},
  {gpu: 'h100_sxm', parallel: 'data-parallel', precision: '16-bit', rows: 1, medianErrorPercent: 14, sources: ['Megatron-LM README H100 weak-scaling table (reference-facts.json)']},
  {gpu: 'h100_sxm', parallel: 'data-parallel', precision: 'fp8', rows: 7, medianErrorPercent: 4.7, sources: ['NeMo 24.07 performance summary (DGX-H100, FP8)', 'NeMo Framework Launcher examples/README.md, DGX H100 FP8 (reference-facts.json)', 'NeMo long-sequence performance (LLAMA2-7B FP8, DGX-H100)']},
  {gpu: 'h100_sxm', parallel: 'model-parallel', precision: '16-bit', rows: 15, medianErrorPercent: 8.3, sources: ['Llama 3 paper Table 4 (405B on 8K-16K H100)', 'Megatron-LM README H100 weak-scaling table (reference-facts.json)', 'torchtitan benchmarks (Grand Teton H100)']},
  {gpu: 'h100_sxm', parallel: 'model-parallel', precision: 'fp8', rows: 39, medianErrorPercent: 5.1, sources: ['Megatron-Bridge performance summary (NeMo 25.09-26.02)', 'NeMo 24.07 performance summary (DGX-H100, FP8)', 'NeMo Framework Launcher examples/README.md, DGX H100 FP8 (reference-facts.json)', 'NeMo long-sequence performance (LLAMA2-7B FP8, DGX-H100)', 'torchtitan benchmarks (Grand Teton H100)']},
  {gpu: 'h100_sxm', parallel: 'sharded-data-parallel', precision: '16-bit', rows: 4, medianErrorPercent: 7.3, sources: ['torchtitan benchmarks (Grand Teton H100)']},
  {gpu: 'h100_sxm', parallel: 'sharded-data-parallel', precision: 'fp8', rows: 8, medianErrorPercent: 11.8, sources: ['Megatron-Bridge performance summary (NeMo 25.09-26.02)', 'torchtitan benchmarks (Grand Teton H100)']},
  {gpu: 'h200_sxm', parallel: 'sharded-data-parallel', precision: 'fp8', rows: 2, medianErrorPercent: 27.7, sources: ['Trainy on WhiteFiber H200 (torchtitan benchmarks)']},
  {gpu: 'v100_32gb_sxm2', parallel: 'data-parallel', precision: '16-bit', rows: 1, medianErrorPercent: 18.2, sources: ['Megatron-LM images/tables.tex (published.json)']},
  {gpu: 'v100_32gb_sxm2', parallel: 'model-parallel', precision: '16-bit', rows: 3, medianErrorPercent: 11.4, sources: ['Megatron-LM images/tables.tex (published.json)']},
];

// ASSUMPTION: one or two rows cannot tell a bias of the model from noise in a run; three make a regime calibrated.
const MIN_ROWS = 3;

export interface RegimeKey {
  gpu?: string;
  parallel: ParallelRegime;
  precision: PrecisionClass;
}

export function regimeOf(plan: TrainingPlan): RegimeKey {
  const tp = plan.parallel?.tp ?? 1;
  const pp = plan.parallel?.pp ?? 1;
  const parallel: ParallelRegime = tp > 1 || pp > 1 ? 'model-parallel' : shardingStage(plan) === 3 ? 'sharded-data-parallel' : 'data-parallel';
  const gpu = plan.hardware?.gpu !== undefined ? findGpu(plan.hardware.gpu)?.id : undefined;
  return { gpu, parallel, precision: plan.precision === 'fp8' ? 'fp8' : '16-bit' };
}

const REGIME_WORDS: Record<ParallelRegime, string> = {
  'model-parallel': 'tensor/pipeline-parallel',
  'sharded-data-parallel': 'fully sharded data-parallel (ZeRO-3/FSDP)',
  'data-parallel': 'data-parallel (no model parallelism, no full sharding)',
};

export function describeRegime(key: RegimeKey): string {
  return `${REGIME_WORDS[key.parallel]} ${key.precision}`;
}

export interface StepTimeConfidence {
  /** 'calibrated': published rows of the same GPU and regime fitted the model; 'extrapolated': none did. */
  level: 'calibrated' | 'extrapolated' | 'measured';
  reason: string;
}

export function stepTimeConfidence(plan: TrainingPlan, regimes: CalibratedRegime[] = CALIBRATED_REGIMES): StepTimeConfidence {
  const key = regimeOf(plan);
  const from = (r: CalibratedRegime): string => (r.sources.length <= 2 ? r.sources.join('; ') : `${r.sources.length} sources, bench/accuracy.ts`);
  const gpuName = (id: string | undefined): string => (id !== undefined ? findGpu(id)?.name ?? id : (plan.hardware?.gpu ?? 'a GPU given by its peak only'));
  if (plan.adapter) return { level: 'extrapolated', reason: 'no published LoRA/QLoRA step time among the calibration rows (bench/accuracy.ts)' };
  const match = regimes.find((r) => r.gpu === key.gpu && r.parallel === key.parallel && r.precision === key.precision);
  if (match && match.rows < MIN_ROWS) {
    return { level: 'extrapolated', reason: `${gpuName(key.gpu)}, ${describeRegime(key)}: only ${match.rows} published run${match.rows === 1 ? '' : 's'} (${from(match)}), median error ${match.medianErrorPercent}%` };
  }
  if (match) {
    return {
      level: 'calibrated',
      reason: `${gpuName(key.gpu)}, ${describeRegime(key)}: ${match.rows} published run${match.rows === 1 ? '' : 's'} (${from(match)}), median error ${match.medianErrorPercent}%`,
    };
  }
  const sameGpu = regimes.filter((r) => r.gpu === key.gpu && r.rows >= MIN_ROWS);
  if (key.gpu !== undefined && sameGpu.length > 0) {
    return { level: 'extrapolated', reason: `${gpuName(key.gpu)} is calibrated for ${sameGpu.map(describeRegime).join(', ')} runs, not for ${describeRegime(key)} ones` };
  }
  const few = regimes.filter((r) => r.gpu === key.gpu).reduce((n, r) => n + r.rows, 0);
  if (key.gpu !== undefined && few > 0) {
    return { level: 'extrapolated', reason: `only ${few} published run${few === 1 ? '' : 's'} on ${gpuName(key.gpu)}, none calibrating ${describeRegime(key)} runs: predicted from its peak and matmul ceiling` };
  }
  return { level: 'extrapolated', reason: `no published step time on ${gpuName(key.gpu)} among the calibration rows: predicted from its peak and matmul ceiling` };
}
