import type { Diagnostic } from '../../core/index';
import type { RunFigures } from '../../core/report/change-summary';
import type { FileComparison } from '../change-report';
import { summarize } from '../check-result';

const ICON = { error: '❌', warning: '⚠️', info: 'ℹ️' } as const;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `a → b` where the figure changed, `a` where it did not, `—` where neither version has it. */
function moved(before: string | undefined, after: string | undefined): string {
  if (before === after) return after ?? '—';
  return `${before ?? '—'} → **${after ?? '—'}**`;
}

function figureCells(before: RunFigures | undefined, after: RunFigures | undefined): string[] {
  const memory = (f?: RunFigures) => f?.memory && `${f.memory}${f.fits === false ? ' (does not fit)' : ''}`;
  return [moved(memory(before), memory(after)), moved(before?.step, after?.step), moved(before?.gpuHours, after?.gpuHours), moved(before?.cost, after?.cost)];
}

function counts(diagnostics: Diagnostic[], sign = ''): string {
  const n = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) n[d.severity]++;
  return (['error', 'warning', 'info'] as const).filter((s) => n[s] > 0).map((s) => `${sign}${plural(n[s], s === 'info' ? 'note' : s)}`).join(', ');
}

function line(c: FileComparison, d: Diagnostic): string {
  const at = c.file.lines.positionAt(d.range.start);
  return `- ${ICON[d.severity]} **${d.severity}** \`${d.rule}\` (line ${at.line + 1}): ${d.message}`;
}

/**
 * A pull-request summary in GitHub-flavoured markdown: one table row per config with its findings and, compared with the
 * base revision, what the change does to memory per GPU, step time, GPU-hours and cost; then each file's findings
 * (added and removed with a baseline). Files with nothing to say are left out of the details, not of the count.
 */
export function renderMarkdown(comparisons: FileComparison[], revision?: string): string {
  const s = summarize(comparisons.map((c) => c.file));
  const out = ['## TrainLint', '', `${plural(s.files, 'file')} checked: ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'note')}${revision ? ` (compared with \`${revision}\`)` : ''}.`, ''];
  const shown = comparisons.filter((c) => {
    const before = c.before;
    const changed = before === 'new' || (before !== undefined && (before.added.length + before.removed.length > 0 || JSON.stringify(before.figures) !== JSON.stringify(c.after)));
    return c.file.analysis.diagnostics.length > 0 || changed;
  });
  if (shown.length === 0) return `${out.join('\n')}Nothing to report.\n`;
  out.push('| config | findings | memory per GPU | step time | GPU-hours | cost |', '|---|---|---|---|---|---|');
  for (const c of shown) {
    const before = c.before === 'new' ? undefined : c.before;
    const findings = before ? [counts(before.added, '+'), counts(before.removed, '−')].filter(Boolean).join(', ') || 'unchanged' : counts(c.file.analysis.diagnostics) || 'none';
    const name = `\`${cell(c.file.path)}\`${c.before === 'new' ? ' (new)' : ''}`;
    out.push(`| ${[name, findings, ...figureCells(before?.figures, c.after)].map(cell).join(' | ')} |`);
  }
  for (const c of shown) {
    const before = c.before === 'new' ? undefined : c.before;
    const sections: string[] = [];
    if (before) {
      // A blank line between the lists: a line right after a list item would continue it.
      if (before.added.length > 0) sections.push('Added:', '', ...before.added.map((d) => line(c, d)), '');
      if (before.removed.length > 0) sections.push('Removed:', '', ...before.removed.map((d) => `- ~~${d.severity} \`${d.rule}\`: ${d.message}~~`), '');
    } else sections.push(...c.file.analysis.diagnostics.map((d) => line(c, d)));
    if (sections.length > 0) out.push('', `### \`${c.file.path}\``, '', ...sections);
  }
  return `${out.join('\n').trimEnd()}\n`;
}
