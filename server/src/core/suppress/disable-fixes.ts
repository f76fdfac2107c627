import type { Diagnostic, Fix } from '../diagnostic';
import type { FileAnalysis } from '../analyze';
import { shellFactsOf } from '../shell/shell-config';
import { LineIndex } from '../text/line-index';
import type { OffsetRange } from '../text/range';
import { readDirectives, type Directive } from './directives';
import { SUPPRESSION_RULES } from './suppress';

/**
 * "Disable <rule> for this line" and "for this file": the edits that add (or extend) a suppression comment for one
 * finding, for the editor's code actions. Never for JSON (it has no comments), nor for the suppression rules themselves.
 * The line comment is offered only where a comment can end that line without changing what runs (`lineTakesComment`).
 */
export function disableFixes(analysis: FileAnalysis, diagnostic: Diagnostic): Fix[] {
  const { text, tree } = analysis;
  if (tree.language === 'json' || SUPPRESSION_RULES.has(diagnostic.rule)) return [];
  const rule = diagnostic.rule;
  const lines = new LineIndex(text);
  const directives = readDirectives(text);
  const line = lines.positionAt(diagnostic.range.start).line;
  const fixes: Fix[] = [];
  const onLine = directives.find((d) => d.kind === 'line' && d.line === line && !d.ownLine);
  const lineEnd = lines.offsetAt({ line, character: lines.lineText(line).length });
  if (onLine) fixes.push({ title: `Disable ${rule} for this line`, safe: false, edits: [extend(onLine, rule)] });
  else if (lineTakesComment(analysis, lines, line, lineEnd)) {
    const gap = /[ \t]$/.test(lines.lineText(line)) ? '' : '  ';
    fixes.push({ title: `Disable ${rule} for this line`, safe: false, edits: [{ range: { start: lineEnd, end: lineEnd }, newText: `${gap}# trainlint: disable=${rule}` }] });
  }
  fixes.push({ title: `Disable ${rule} for this file`, safe: false, edits: [fileEdit(text, directives, rule)] });
  return fixes;
}

/** `, rule` after the last name of an existing comment. */
function extend(directive: Directive, rule: string) {
  const end = directive.names[directive.names.length - 1].range.end;
  return { range: { start: end, end }, newText: `,${rule}` };
}

/** Extends the file's first `disable-file` comment, or adds one as the first line (after a `#!` line). */
function fileEdit(text: string, directives: Directive[], rule: string) {
  const existing = directives.find((d) => d.kind === 'file');
  if (existing) return extend(existing, rule);
  const newline = text.indexOf('\n');
  const at = text.startsWith('#!') ? (newline === -1 ? text.length : newline + 1) : 0;
  const lead = at === text.length && at > 0 && !text.endsWith('\n') ? '\n' : '';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { range: { start: at, end: at }, newText: `${lead}# trainlint: disable-file=${rule}${eol}` };
}

/**
 * Whether a comment can end this line and change nothing else. Not on a blank or comment line (an `#SBATCH` line is
 * read by Slurm), not where the line ends inside a multi-line YAML scalar, shell string or heredoc, and not on a line
 * of a shell command continued with `\`: a comment there ends the command, and the lines after it would run alone.
 */
function lineTakesComment(analysis: FileAnalysis, lines: LineIndex, line: number, lineEnd: number): boolean {
  const lineText = lines.lineText(line);
  if (/^\s*(#|$)/.test(lineText)) return false;
  const across = (r: OffsetRange) => r.start < lineEnd && r.end > lineEnd;
  if (analysis.tree.language === 'yaml') return !analysis.tree.documents.some((doc) => [...doc.index.values()].some((node) => node.kind === 'scalar' && across(node.range)));
  const facts = shellFactsOf(analysis.tree);
  if (!facts) return false;
  const continues = (text: string) => text.endsWith('\\');
  if (continues(lineText) || (line > 0 && continues(lines.lineText(line - 1)))) return false;
  return !facts.multilineLiterals.some(across);
}
