import type { FileAnalysis } from '../core/index';
import { LineIndex } from '../core/index';

/** One checked file as the renderers see it: the path as the user gave it, and its analysis. */
export interface CheckedFile {
  path: string;
  analysis: FileAnalysis;
  lines: LineIndex;
}

export function checkedFile(path: string, analysis: FileAnalysis): CheckedFile {
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
