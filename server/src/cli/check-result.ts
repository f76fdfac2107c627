import type { FileAnalysis } from '../core/index';
import { LineIndex } from '../core/index';

/**
 * What the renderers and the exit code read of a file's analysis: plain data, small enough to keep for every file of a
 * run and to pass from a worker thread (check.ts), where the whole analysis (the tree, the settings) is neither.
 */
export interface CheckedAnalysis {
  /** The analysed text, without a byte order mark; all offsets point into it. */
  text: string;
  format: FileAnalysis['format'];
  diagnostics: FileAnalysis['diagnostics'];
  tree: { language: FileAnalysis['tree']['language'] };
  /** Why a launch script of a supported trainer was not read as one (Detection.skippedLaunch). */
  skippedLaunch?: string;
}

export function checkedAnalysis(analysis: FileAnalysis | CheckedAnalysis): CheckedAnalysis {
  const skippedLaunch = 'detection' in analysis ? analysis.detection.skippedLaunch : analysis.skippedLaunch;
  return { text: analysis.text, format: analysis.format, diagnostics: analysis.diagnostics, tree: { language: analysis.tree.language }, ...(skippedLaunch ? { skippedLaunch } : {}) };
}

/** A launch script the run did not check, and why (`trainlint check --explain-skips`). */
export interface SkippedFile {
  path: string;
  reason: string;
}

/** One checked file as the renderers see it: the path as the user gave it, and its analysis. */
export interface CheckedFile {
  path: string;
  analysis: CheckedAnalysis;
  lines: LineIndex;
}

export function checkedFile(path: string, analysis: CheckedAnalysis): CheckedFile {
  return { path, analysis, lines: new LineIndex(analysis.text) };
}

export interface Summary {
  files: number;
  errors: number;
  warnings: number;
  infos: number;
}

export function summarize(files: CheckedFile[]): Summary {
  const summary: Summary = { files: files.length, errors: 0, warnings: 0, infos: 0 };
  for (const file of files) {
    for (const d of file.analysis.diagnostics) {
      if (d.severity === 'error') summary.errors++;
      else if (d.severity === 'warning') summary.warnings++;
      else summary.infos++;
    }
  }
  return summary;
}
