import { createHash } from 'node:crypto';
import type { CheckedFile } from '../check-result';

// GitLab Code Quality severities (docs.gitlab.com/ci/testing/code_quality: info, minor, major, critical, blocker).
const SEVERITY = { error: 'major', warning: 'minor', info: 'info' } as const;

/**
 * GitLab's Code Quality report (a JSON array of issues): description, check name, a fingerprint stable across runs
 * (path, rule and message: not the line, which moves with edits above it), severity and the 1-based line.
 */
export function renderGitlab(files: CheckedFile[]): string {
  const issues = files.flatMap((file) => file.analysis.diagnostics.map((d) => ({
    description: d.message,
    check_name: d.rule,
    fingerprint: createHash('sha256').update(`${file.path}\u0000${d.rule}\u0000${d.message}`).digest('hex').slice(0, 32),
    severity: SEVERITY[d.severity],
    location: { path: file.path, lines: { begin: file.lines.positionAt(d.range.start).line + 1 } },
  })));
  return `${JSON.stringify(issues, null, 2)}\n`;
}
