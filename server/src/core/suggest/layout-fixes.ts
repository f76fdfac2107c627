import type { FileAnalysis, LinkedFile } from '../analyze';
import { completePlan } from '../estimate/complete-plan';
import { readingOf } from '../plan/reading';
import type { FileEdits } from '../rescale/global-batch';
import { gib, seconds } from '../report/units';
import { suggestionEdits } from './edits';
import { layoutOf } from './layout';
import { suggestLayouts } from './search';

/** One suggested layout as the editor offers it: its title with predicted memory and step time, and the edits per file. */
export interface LayoutFix {
  title: string;
  files: FileEdits[];
}

/** The findings whose quick fixes are the layout search's best layouts (issue: out-of-memory, compute-underutilized, pipeline-bubble). */
export const LAYOUT_FINDINGS: ReadonlySet<string> = new Set(['out-of-memory', 'compute-underutilized', 'pipeline-bubble']);

/**
 * The fastest layouts that fit (`trainlint suggest`'s top ones) as edits to the file and the configs it links to. Only
 * layouts the files can state whole are offered: one that needs a step by hand would be a half edit.
 */
export function layoutFixes(analysis: FileAnalysis, linked: LinkedFile[], top = 3): LayoutFix[] {
  const built = readingOf({ ...analysis, linked })?.built;
  if (!built) return [];
  const result = suggestLayouts(built.plan, { top });
  if (!result.ok) return [];
  const current = layoutOf(completePlan(built.plan).plan);
  const fixes: LayoutFix[] = [];
  for (const suggestion of result.suggestions) {
    const write = suggestionEdits(analysis, analysis.settings, linked, current, suggestion.layout, result.global, result.fileWorld ?? result.world);
    if (write.byHand.length > 0 || write.files.length === 0) continue;
    const figures = `${gib(suggestion.memoryBytes)}/GPU, ${seconds(suggestion.iterationSeconds)}/step`;
    fixes.push({ title: `Layout: ${suggestion.changes.join(', ')} (${figures})`, files: write.files });
  }
  return fixes;
}
