/**
 * How much of each batch is padding when sequences are not packed: for a hover next to `packing` / `sample_packing`
 * and for the packing rule's message. Pure: give it a sample of example lengths (tokens) and the batch layout.
 */

export interface PaddingInput {
  /** Token counts of a sample of training examples (after the chat template); truncated at `maxLength` when given. */
  lengths: number[];
  /** Sequences per micro-batch on one GPU. */
  batchSize: number;
  /** 'longest': dynamic padding to the longest sequence of each batch (DataCollatorWithPadding); 'max-length': every sequence padded to `maxLength`. */
  padTo: 'longest' | 'max-length';
  maxLength?: number;
}

export interface PaddingWaste {
  /** Expected real tokens and padded slots per micro-batch. */
  realTokens: number;
  slots: number;
  /** Share of the computed token slots that are padding. */
  wasteShare: number;
  /** Real tokens per slot: what packing recovers, roughly (attention cost aside). */
  efficiency: number;
  text: string;
}

/**
 * Expected padding per micro-batch when `batchSize` examples are drawn at random from the given length sample.
 * With dynamic padding a batch costs batchSize x E[max length of batchSize draws]; the expectation of the maximum of b
 * i.i.d. draws from the empirical distribution is sum_i v_(i) ((i/n)^b - ((i-1)/n)^b) over the sorted lengths v_(i).
 * Reference point: "more than 50% computation being spent on padding" in speech training (Training and Inference
 * Efficiency of Encoder-Decoder Speech Models).
 */
export function paddingWaste(input: PaddingInput): PaddingWaste | undefined {
  const cap = input.maxLength && input.maxLength > 0 ? input.maxLength : Infinity;
  const lengths = input.lengths.filter((l) => Number.isFinite(l) && l > 0).map((l) => Math.min(l, cap)).sort((a, b) => a - b);
  const b = Math.max(1, Math.floor(input.batchSize));
  if (lengths.length === 0) return undefined;
  const n = lengths.length;
  const mean = lengths.reduce((s, l) => s + l, 0) / n;
  let longest: number;
  if (input.padTo === 'max-length') {
    longest = Number.isFinite(cap) ? cap : lengths[n - 1];
  } else {
    // Order statistics of the empirical distribution: P(max <= v_(i)) = (i / n)^b.
    longest = 0;
    for (let i = 1; i <= n; i++) longest += lengths[i - 1] * (Math.pow(i / n, b) - Math.pow((i - 1) / n, b));
  }
  const realTokens = b * mean;
  const slots = b * longest;
  const wasteShare = slots > 0 ? 1 - realTokens / slots : 0;
  const percent = `${(100 * wasteShare).toFixed(1)}%`;
  const text = `About ${percent} of the token slots are padding (mean length ${Math.round(mean)}, ${input.padTo === 'max-length' ? `padded to ${Math.round(longest)}` : `expected longest of ${b} ${Math.round(longest)}`}); packing or length-grouped batches recover most of it.`;
  return { realTokens, slots, wasteShare, efficiency: slots > 0 ? realTokens / slots : 1, text };
}
