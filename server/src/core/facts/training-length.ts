/**
 * Pure estimates about the length of a run, for hovers and the research rules: tokens per parameter with the
 * over-training multiple, and critical-batch estimates that grow with the token budget. None of the ratios or fits is
 * presented as "the" optimum: each comes with where it was measured.
 */

export interface TrainingLength {
  tokens: number;
  parameters: number;
  tokensPerParameter: number;
  /** Tokens per parameter over Chinchilla's ~20, the "over-training multiple" of Gadre et al. (2024). */
  overTrainingMultiple: number;
  /** Published ratios to compare with, each with its context. */
  references: Array<{ label: string; tokensPerParameter?: number; note: string }>;
  /** One paragraph for a hover. */
  text: string;
}

// Hoffmann et al., Training Compute-Optimal Large Language Models (Chinchilla, 2022): about 20 tokens per parameter at
// the compute-optimal frontier of their setup; Gadre et al. (2024) measure over-training as a multiple of it.
const CHINCHILLA_TOKENS_PER_PARAMETER = 20;

function compact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e12) return `${Number((value / 1e12).toPrecision(3))}T`;
  if (abs >= 1e9) return `${Number((value / 1e9).toPrecision(3))}B`;
  if (abs >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (abs >= 1e3) return `${Number((value / 1e3).toPrecision(3))}K`;
  return String(Number(value.toPrecision(3)));
}

/**
 * Tokens per parameter and the over-training multiple (Gadre et al., Language models scale reliably with
 * over-training and on downstream tasks, 2024: a 1.4B model on 900B tokens is "32x over-trained"). For sparse (MoE)
 * models pass the active parameter count to compare compute, the total to compare capacity.
 */
export function trainingLength(tokens: number, parameters: number): TrainingLength {
  const tokensPerParameter = tokens / parameters;
  // Gadre et al. 2024: over-training multiple M = (D / N) / 20.
  const overTrainingMultiple = tokensPerParameter / CHINCHILLA_TOKENS_PER_PARAMETER;
  const references = [
    { label: 'Chinchilla (Hoffmann et al. 2022)', tokensPerParameter: CHINCHILLA_TOKENS_PER_PARAMETER, note: 'compute-optimal for their data and cosine schedule, ignoring inference cost' },
    { label: 'MiniCPM (Hu et al. 2024)', note: 'with a Warmup-Stable-Decay schedule finds a compute-optimal data-model ratio much higher than Chinchilla\'s' },
    { label: 'Llama 3 8B (Meta 2024)', tokensPerParameter: 1875, note: '15T tokens on 8B parameters: deliberately over-trained for cheaper inference' },
  ];
  const multiple = overTrainingMultiple >= 1 ? `${Number(overTrainingMultiple.toPrecision(3))}x Chinchilla's ~20` : `${Number(overTrainingMultiple.toPrecision(2))}x Chinchilla's ~20 (under-trained by that yardstick)`;
  const text = `${compact(tokens)} tokens on ${compact(parameters)} parameters: ${Number(tokensPerParameter.toPrecision(3))} tokens per parameter, ${multiple}. `
    + 'No single ratio is optimal: Chinchilla\'s ~20 is compute-optimal for one setup; MiniCPM finds a much higher ratio with a WSD schedule; models meant for cheap inference train far past it (Llama 3 8B: ~1,900).';
  return { tokens, parameters, tokensPerParameter, overTrainingMultiple, references, text };
}

export interface CriticalBatchInput {
  /** Training tokens (the budget D). */
  tokens: number;
  /** Non-embedding parameters N. */
  nonEmbeddingParameters: number;
  /** For DeepSeek's attention term 6 n_layer d_model l_seq (optional). */
  layers?: number;
  hiddenSize?: number;
  seqLength?: number;
}

export interface CriticalBatch {
  /** DeepSeek LLM's non-embedding FLOPs per token M, and compute C = M D. */
  flopsPerToken: number;
  compute: number;
  /** DeepSeek LLM (2024): B_opt = 0.2920 C^0.3271 tokens. */
  deepseekOptimalTokens: number;
  /** Kaplan et al. (2020): B_crit = 2.0e6 tokens x (C / 1 PF-day)^0.24. */
  kaplanCriticalTokens: number;
  /** The larger of the two: a conservative point beyond which returns diminish. */
  upper: number;
  caveats: string[];
}

const PF_DAY = 1e15 * 86400;

/**
 * Critical / optimal batch estimates keyed on the token budget (they grow with it: How Does Critical Batch Size Scale in
 * Pre-training? (2024) finds the CBS scales primarily with data size; Time Transfer: On Optimal Learning Rate and Batch
 * Size In The Infinite Data Limit (2024) measures B_crit proportional to T).
 */
export function criticalBatch(input: CriticalBatchInput): CriticalBatch {
  const attention = input.layers && input.hiddenSize && input.seqLength ? 6 * input.layers * input.hiddenSize * input.seqLength : 0;
  // DeepSeek LLM (2024), Sec. 3.1: M = 72 n_layer d_model^2 + 6 n_layer d_model l_seq, i.e. 6 N_non-embedding + the attention term (transcribed, formulas.md Sec. 7).
  const flopsPerToken = 6 * input.nonEmbeddingParameters + attention;
  const compute = flopsPerToken * input.tokens;
  // DeepSeek LLM (2024), Sec. 3.1 fit: B_opt = 0.2920 * C^0.3271 (tokens), C = M * D.
  const deepseekOptimalTokens = 0.292 * Math.pow(compute, 0.3271);
  // Kaplan et al. (2020), Sec. 5: B_crit(C_min) = B_e * C_min^0.24, B_e = 2.0e6 tokens, C_min in PF-days (C = 6 N D used for C_min).
  const kaplanCriticalTokens = 2.0e6 * Math.pow((6 * input.nonEmbeddingParameters * input.tokens) / PF_DAY, 0.24);
  return {
    flopsPerToken,
    compute,
    deepseekOptimalTokens,
    kaplanCriticalTokens,
    upper: Math.max(deepseekOptimalTokens, kaplanCriticalTokens),
    caveats: [
      'Both are fits to pre-training from scratch on one data mix and schedule; the optimum is a wide basin, and the constants move with the setup (Unraveling the Mystery of Scaling Laws: Part I, 2024).',
      'At fixed compute smaller batches are often better (Bordelon & Pehlevan, Learning Curves for SGD on Structured Features, 2022); with retuned hyperparameters large batches need not hurt quality, only efficiency (Shallue et al., Measuring the Effects of Data Parallelism, 2019).',
    ],
  };
}

/**
 * McCandlish et al., An Empirical Model of Large-Batch Training (2018), Sec. 2: E = E_min (1 + B / B_crit). Training
 * at batch B takes this many times the tokens it takes at B = B_crit (where E = 2 E_min) to reach the same loss.
 */
export function tokenOverheadVersusCritical(batchTokens: number, criticalTokens: number): number {
  return (1 + batchTokens / criticalTokens) / 2;
}
