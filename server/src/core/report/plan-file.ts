import { fileSummary, formatName, type SummaryInput } from '../hover/file-summary';
import { readingOf } from '../plan/reading';
import { planInputs } from './plan-inputs';
import type { PlanPageFile } from './plan-page';

/** A file's part of the plan page, from the same summary the code lens and the hover show (one estimate, computed once). */
export function planPageFile(input: SummaryInput, name: string): PlanPageFile {
  const summary = fileSummary(input);
  const built = summary.estimate ? readingOf({ ...input.analysis, linked: input.linked })?.built : undefined;
  return {
    name,
    program: formatName(input.analysis.format),
    headline: summary.headline,
    estimate: summary.estimate,
    inputs: summary.estimate && built ? planInputs(summary.estimate.plan, built.anchors, input.analysis.tree.language === 'shell') : [],
    notes: built?.notes ?? [],
  };
}
