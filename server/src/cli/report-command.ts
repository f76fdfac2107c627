import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { planPageFile } from '../core/report/plan-file';
import { planPageHtml } from '../core/report/plan-page';
import type { Settings } from '../core/index';
import type { ShellParser } from '../core/shell/syntax';
import { UsageError } from './args';
import { analyzeInContext } from './file-context';
import { expandPaths } from './files';

/** `trainlint report PATH... --html OUT`: the plan page of each training config in one self-contained HTML file. */
export function runReport(paths: string[], out: string, flags: Settings, shellParser?: ShellParser): string {
  const named = new Set(paths);
  const pages = expandPaths(paths).flatMap((file) => {
    const context = analyzeInContext(file, flags, shellParser);
    // A folder contributes its training configs; a file named on the command line is shown whatever it is.
    if (context.analysis.format === 'unknown' && !named.has(file)) return [];
    return [planPageFile({ analysis: context.analysis, settings: context.analysis.settings, linked: context.linked }, relative(process.cwd(), file) || file)];
  });
  if (pages.length === 0) throw new UsageError(`no training config in ${paths.join(', ')}`);
  const title = pages.length === 1 ? `TrainLint plan: ${pages[0].name}` : `TrainLint plan: ${pages.length} files`;
  try {
    writeFileSync(out, planPageHtml(title, pages));
  } catch (error) {
    throw new UsageError(`cannot write ${out}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return `wrote ${out}: ${pages.map((p) => `${p.name} (${p.estimate ? p.headline : 'no estimate'})`).join('; ')}`;
}
