import type { PipelineSchedule } from './plan';

/** Times of one micro-batch's forward (F), input-gradient (B) and weight-gradient (W) passes on one stage, any unit. */
export interface PassCosts {
  forward: number;
  backwardInput: number;
  backwardWeight: number;
}

export interface BubbleInput {
  pp: number;
  microbatches: number;
  schedule?: PipelineSchedule;
  vpp?: number;
  /** Per-pass costs for the zero-bubble schedules (default: the FLOP ratios of Qi et al. Table 1 for s << 24h, 1:1:1). */
  costs?: PassCosts;
  /** Relative time of each stage (e.g. its layer count) when the split is uneven. */
  stageCosts?: number[];
}

export interface BubbleBlock {
  available: boolean;
  schedule: PipelineSchedule | 'none';
  microbatches: number;
  /** Idle share of the step: bubble / (bubble + ideal). */
  fraction: number;
  /** Bubble relative to the ideal (bubble-free) time, Narayanan's (p - 1)/m. */
  overIdeal: number;
  /** Micro-batches whose activations the first stage holds at the peak. */
  inFlight: number;
  assumptions: string[];
  sources: string[];
  missing: string[];
}

const SOURCES = {
  oneFOneB: 'Narayanan et al. SC21 Sec. 2.2: GPipe and 1F1B bubble / ideal = (p - 1)/m; GPipe Sec. 2.3: (K - 1)/(M + K - 1) of the step',
  interleaved: 'Narayanan et al. SC21 Sec. 2.2.2: interleaved bubble / ideal = (1/v)(p - 1)/m; Llama 3: (PP - 1)/(V M)',
  zeroBubble: 'Qi et al. ICLR 2024 (Zero Bubble Pipeline Parallelism) Sec. 2-3: bubble (p - 1)(T_F + T_B - T_W) for ZB-H1, (p - 1)(T_F + T_B - 2T_W) for ZB-H2, with at least p and 2p - 1 micro-batches',
  uneven: 'Calculon llm.py _compute_batch_stats: the slowest stage sets the pace; (m - 1) t_max + sum of stage times',
};

/**
 * Pipeline bubble for GPipe, 1F1B, interleaved 1F1B and the zero-bubble schedules. With an uneven split the slowest
 * stage paces the steady state: step = (m - 1) t_max + sum_i t_i for 1F1B, and the idle share is 1 - m sum t_i / (p step).
 */
export function pipelineBubble(input: BubbleInput): BubbleBlock {
  const p = input.pp;
  const m = input.microbatches;
  const v = input.vpp ?? 1;
  const assumptions: string[] = [];
  const result: BubbleBlock = { available: false, schedule: 'none', microbatches: m, fraction: 0, overIdeal: 0, inFlight: 1, assumptions, sources: [], missing: [] };
  if (!(p >= 1) || !(m >= 1)) {
    result.missing.push(!(p >= 1) ? 'parallel.pp' : 'batch.gradAccum (micro-batches per step)');
    return result;
  }
  if (p === 1) return { ...result, available: true, inFlight: 1 };
  const schedule: PipelineSchedule = input.schedule ?? (v > 1 ? 'interleaved' : '1f1b');
  result.available = true;
  result.schedule = schedule;
  if (schedule === 'zb-h1' || schedule === 'zb-h2') {
    const costs = input.costs ?? { forward: 1, backwardInput: 1, backwardWeight: 1 };
    if (!input.costs) assumptions.push('zero-bubble pass costs F = B = W (Qi et al. Table 1 FLOPs with s << h)');
    const { forward: f, backwardInput: b, backwardWeight: w } = costs;
    // Qi et al. Sec. 3: ZB-H1 (p - 1)(T_F + T_B - T_W), ZB-H2 (p - 1)(T_F + T_B - 2T_W): the W passes of p - 1 (ZB-H1) or
    // 2p - 2 (ZB-H2) micro-batches fill the tail. With fewer micro-batches only m - 1 W passes are left to fill it
    // (pipeline-timeline.ts lays both schedules out pass by pass and reaches the same figure).
    const filling = Math.min(m - 1, (schedule === 'zb-h1' ? 1 : 2) * (p - 1));
    const bubble = Math.max(0, (p - 1) * (f + b) - filling * w);
    const ideal = m * (f + b + w);
    result.overIdeal = bubble / ideal;
    result.fraction = bubble / (bubble + ideal);
    // Qi et al. Table 1: peak activation memory p M_B for ZB-H1, (2p - 1) M_B for ZB-H2.
    result.inFlight = Math.min(m, schedule === 'zb-h1' ? p : 2 * p - 1);
    if (m < (schedule === 'zb-h1' ? p : 2 * p - 1)) assumptions.push(`${m} micro-batches leave part of the ${schedule.toUpperCase()} tail unfilled (it needs ${schedule === 'zb-h1' ? p : 2 * p - 1})`);
    result.sources.push(SOURCES.zeroBubble);
    return result;
  }
  if (schedule === 'interleaved' && v > 1) {
    // Narayanan Sec. 2.2.2: (1/v)(p - 1)/m over ideal; Megatron's warm-up holds p + (p - 1)/v micro-batches on rank 0.
    result.overIdeal = (p - 1) / (v * m);
    result.fraction = result.overIdeal / (1 + result.overIdeal);
    result.inFlight = Math.min(m, p + (p - 1) / v);
    if (m % p !== 0) assumptions.push(`interleaving needs the micro-batch count (${m}) to be a multiple of pp (${p}) (Narayanan Sec. 2.2.2)`);
    result.sources.push(SOURCES.interleaved);
    return result;
  }
  const stageCosts = input.stageCosts;
  if (stageCosts && stageCosts.length === p && stageCosts.some((c) => c !== stageCosts[0])) {
    const slowest = Math.max(...stageCosts);
    const sum = stageCosts.reduce((a, b) => a + b, 0);
    // Calculon _compute_batch_stats: steady state at the slowest stage's pace plus one pass through every stage.
    const step = (m - 1) * slowest + sum;
    const useful = (m * sum) / p;
    result.fraction = 1 - useful / step;
    result.overIdeal = step / useful - 1;
    result.sources.push(SOURCES.uneven);
  } else {
    // Narayanan Sec. 2.2: bubble / ideal = (p - 1)/m; GPipe Sec. 2.3: (K - 1)/(M + K - 1) of the step.
    result.overIdeal = (p - 1) / m;
    result.fraction = (p - 1) / (m + p - 1);
  }
  result.inFlight = schedule === 'gpipe' ? m : Math.min(m, p);
  result.sources.push(SOURCES.oneFOneB);
  return result;
}
