import { count } from '../report/units';
import { batchIdentities } from './batch-identity';
import type { SummaryInput } from './file-summary';

export interface DerivedHint {
  /** Where the hint is drawn: the end of the value it explains. */
  offset: number;
  label: string;
  tooltip: string;
}

/**
 * Values the file does not write but the run will use, drawn after the value they follow from: the batch identity
 * with the data-parallel size (and any factor the framework derives), and the tokens per optimizer step.
 */
export function derivedHints(input: SummaryInput): DerivedHint[] {
  const hints: DerivedHint[] = [];
  for (const identity of batchIdentities(input.analysis, input.settings, input.worldSource)) {
    const { global, micro, accum, dataParallel } = identity;
    if (dataParallel.value !== undefined && global.value !== undefined && micro.value !== undefined && accum.value !== undefined) {
      // A mismatch is shown as one, never as a false equation (512 != 4 x 8 x 8 = 256).
      const product = micro.value * accum.value * dataParallel.value;
      const relation = product === global.value ? '=' : '≠';
      hints.push({
        offset: identity.anchor.range.end,
        label: `global ${global.value} ${relation} ${micro.value} micro × ${accum.value} accum × ${dataParallel.value} DP${product === global.value ? '' : ` = ${product}`}`,
        tooltip: [global, micro, accum, dataParallel].map((f) => `${f.value}: ${f.source}`).join('\n'),
      });
    }
    const tokens = identity.tokensPerStep;
    if (tokens?.value !== undefined && tokens.node) {
      hints.push({ offset: tokens.node.range.end, label: `${count(tokens.value)} tokens/step`, tooltip: tokens.source });
    }
  }
  return hints;
}
