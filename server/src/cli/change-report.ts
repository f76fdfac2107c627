import { findingDiff, runFigures, type RunFigures } from '../core/report/change-summary';
import { readingOf } from '../core/plan/reading';
import type { Diagnostic, Settings } from '../core/index';
import type { ShellParser } from '../core/shell/syntax';
import { fileAtRevision } from '../node/git-baseline';
import type { CheckedFile } from './check-result';
import { analyzeTextInContext } from './file-context';
import { readText } from './files';

/** One checked file against the base revision: its findings added and removed, and its figures before and after. */
export interface FileComparison {
  file: CheckedFile;
  after?: RunFigures;
  /** Absent without --baseline; `new` when the file is not in the base revision. */
  before?: { figures?: RunFigures; added: Diagnostic[]; removed: Diagnostic[] } | 'new';
}

function figuresOf(path: string, text: string, flags: Settings, shellParser?: ShellParser): { figures?: RunFigures; diagnostics: Diagnostic[] } {
  const context = analyzeTextInContext(path, text, flags, shellParser);
  return { figures: runFigures(readingOf({ ...context.analysis, linked: context.linked })?.estimate()), diagnostics: context.analysis.diagnostics };
}

/**
 * Each file as the summary shows it: the estimate of the text checked and, with a base revision, of the file there, each
 * analysed with the files it links to now (a change to a linked file shows in the files that link to it).
 */
export function compareFiles(files: CheckedFile[], flags: Settings, shellParser: ShellParser | undefined, revision: string | undefined): FileComparison[] {
  return files.map((file) => {
    const after = file.analysis.format === 'unknown' ? undefined : figuresOf(file.path, readText(file.path), flags, shellParser).figures;
    if (!revision) return { file, after };
    const base = fileAtRevision(file.path, revision);
    if (!base) return { file, after, before: 'new' };
    const then = figuresOf(file.path, base.text, flags, shellParser);
    return { file, after, before: { figures: then.figures, ...findingDiff(file.analysis.diagnostics, then.diagnostics) } };
  });
}
