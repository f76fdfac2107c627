import type { CheckedFile, SkippedFile } from '../check-result';
import { summarize } from '../check-result';

/**
 * `path:line:col: severity rule-name message`, 1-based, one finding a line, then a summary line that counts the launch
 * scripts skipped; `explainSkips` lists each of them first (`path: skipped: reason`).
 */
export function renderText(files: CheckedFile[], skipped: SkippedFile[] = [], explainSkips = false): string {
  const lines: string[] = [];
  for (const file of files) {
    for (const d of file.analysis.diagnostics) {
      const start = file.lines.positionAt(d.range.start);
      lines.push(`${file.path}:${start.line + 1}:${start.character + 1}: ${d.severity} ${d.rule} ${d.message}`);
    }
  }
  if (explainSkips) for (const skip of skipped) lines.push(`${skip.path}: skipped: ${skip.reason}`);
  const s = summarize(files);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const skips = skipped.length === 0 ? '' : `; ${plural(skipped.length, 'launch script')} skipped${explainSkips ? '' : ' (run with --explain-skips)'}`;
  lines.push(`${plural(s.files, 'file')} checked: ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'info')}${skips}.`);
  return lines.join('\n') + '\n';
}
