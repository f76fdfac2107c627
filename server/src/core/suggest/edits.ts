import type { FileAnalysis } from '../analyze';
import { batchFactsFor } from '../facts/batch-facts';
import { programOf } from '../programs/index';
import { batchEdits } from '../rescale/global-batch';
import type { Settings } from '../settings';
import { layoutChanges, type Layout, type LayoutWrite } from './layout';

const worldOf = (l: Layout) => l.tp * l.pp * l.cp * l.dp;

/**
 * The edits that make a file state a suggested layout: the batch fields for every program that states them
 * (micro-batch and accumulation at the same global batch), the rest by the program's own writer. What neither can
 * express is returned in words, never written as a guess.
 */
export function suggestionEdits(analysis: FileAnalysis, settings: Settings, from: Layout, to: Layout, global: number, fileWorld: number): LayoutWrite {
  const root = analysis.roots[0];
  const out: LayoutWrite = { edits: [], byHand: [] };
  if (!root) return { edits: [], byHand: layoutChanges(from, to) };
  const language = analysis.tree.language;
  if (from.micro !== to.micro || from.accum !== to.accum) {
    const facts = batchFactsFor(analysis.format, root, settings);
    if (facts) out.edits.push(...batchEdits(language, analysis.text, facts, { global, micro: to.micro, accum: to.accum }));
    else out.byHand.push(`micro-batch ${to.micro} with ${to.accum} accumulation steps`);
  }
  const modelOrSharding = { ...to, micro: from.micro, accum: from.accum };
  const rest = layoutChanges(from, modelOrSharding).filter((c) => !c.startsWith('DP '));
  const writer = programOf(analysis.format)?.layoutWriter;
  if (writer) {
    const written = writer({ tree: analysis.tree, root, text: analysis.text, settings, format: analysis.format }, from, to);
    out.edits.push(...written.edits);
    out.byHand.push(...written.byHand);
  } else {
    out.byHand.push(...rest);
  }
  if (fileWorld !== worldOf(to)) out.byHand.push(`launch on ${worldOf(to)} GPUs (the file runs ${fileWorld})`);
  return out;
}
