import type { CheckedFile } from '../check-result';

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * JUnit XML for CIs that read test reports (GitLab, Jenkins, Azure): one suite per file, one failing case per error or
 * warning (as ESLint's junit formatter does), and one passing case for a file without them. Notes are not failures.
 */
export function renderJunit(files: CheckedFile[]): string {
  const suites = files.map((file) => {
    const failing = file.analysis.diagnostics.filter((d) => d.severity !== 'info');
    const cases = failing.length === 0
      ? [`    <testcase classname="${xml(file.path)}" name="${xml(file.path)}"/>`]
      : failing.map((d) => {
        const at = file.lines.positionAt(d.range.start);
        const where = `${file.path}:${at.line + 1}:${at.character + 1}`;
        return `    <testcase classname="${xml(file.path)}" name="${xml(`${d.rule} (${d.code}) at line ${at.line + 1}`)}">\n      <failure type="${d.severity}" message="${xml(d.message)}">${xml(`${where}: ${d.severity} ${d.rule} ${d.message}`)}</failure>\n    </testcase>`;
      });
    return `  <testsuite name="${xml(file.path)}" tests="${cases.length}" failures="${failing.length}" errors="0">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const failures = files.reduce((n, f) => n + f.analysis.diagnostics.filter((d) => d.severity !== 'info').length, 0);
  const tests = files.reduce((n, f) => n + Math.max(1, f.analysis.diagnostics.filter((d) => d.severity !== 'info').length), 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="trainlint" tests="${tests}" failures="${failures}">\n${suites.join('\n')}\n</testsuites>\n`;
}
