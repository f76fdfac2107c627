import type { CheckedFile } from '../check-result';

// Workflow-command escaping, as the GitHub Actions toolkit does it.
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

/** `::error file=...,line=...,col=...::message` annotations, one a finding. */
export function renderGithub(files: CheckedFile[]): string {
  const lines: string[] = [];
  for (const file of files) {
    for (const d of file.analysis.diagnostics) {
      const start = file.lines.positionAt(d.range.start);
      const end = file.lines.positionAt(d.range.end);
      const props = [
        `file=${escapeProperty(file.path)}`,
        `line=${start.line + 1}`,
        `col=${start.character + 1}`,
        `endLine=${end.line + 1}`,
        `endColumn=${end.character + 1}`,
        `title=${escapeProperty(`trainlint ${d.rule} (${d.code})`)}`,
      ].join(',');
      lines.push(`::${COMMAND[d.severity]} ${props}::${escapeData(d.message)}`);
    }
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}
