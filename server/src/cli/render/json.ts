import type { CheckedFile, SkippedFile } from '../check-result';
import { summarize } from '../check-result';
import { docsUrl } from '../../core/index';

/** The JSON contract (version 1): 0-based UTF-16 positions, as in LSP. Fields are only ever added. */
export function renderJson(files: CheckedFile[], skipped: SkippedFile[] = []): string {
  const out = {
    version: 1,
    files: files.map((file) => ({
      path: file.path,
      format: file.analysis.format,
      diagnostics: file.analysis.diagnostics.map((d) => ({
        code: d.code,
        rule: d.rule,
        severity: d.severity,
        message: d.message,
        range: file.lines.rangeToPositions(d.range),
        docs: docsUrl(d.rule),
        fixes: d.fixes.map((f) => ({
          title: f.title,
          safe: f.safe,
          edits: f.edits.map((e) => ({ range: file.lines.rangeToPositions(e.range), newText: e.newText })),
        })),
        related: d.related.map((r) => ({ message: r.message, path: r.path ?? file.path, range: r.path ? undefined : file.lines.rangeToPositions(r.range) })),
      })),
    })),
    summary: summarize(files),
    /** Launch scripts of supported trainers that were not checked, each with the reason. */
    skipped,
  };
  return JSON.stringify(out, null, 2) + '\n';
}
