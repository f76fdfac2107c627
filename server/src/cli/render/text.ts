import type { CheckedFile } from '../check-result';
import { summarize } from '../check-result';

/** `path:line:col: severity rule-name message`, 1-based, one finding a line, then a summary line. */
export function renderText(files: CheckedFile[]): string {
  const lines: string[] = [];
  for (const file of files) {
    for (const d of file.analysis.diagnostics) {
      const start = file.lines.positionAt(d.range.start);
      lines.push(`${file.path}:${start.line + 1}:${start.character + 1}: ${d.severity} ${d.rule} ${d.message}`);
    }
  }
  const s = summarize(files);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(`${plural(s.files, 'file')} checked: ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'info')}.`);
  return lines.join('\n') + '\n';
}
