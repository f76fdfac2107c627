import {
  CompletionItemKind,
  CompletionItemTag,
  InlayHintKind,
  InsertTextFormat,
  MarkupKind,
  type CodeLens,
  type CompletionItem,
  type Hover,
  type InlayHint,
  type Position,
  type Range,
} from 'vscode-languageserver';
import { completionsAt } from '../core/completion/complete';
import { derivedHints } from '../core/hover/derived-hints';
import { fileSummary, formatName, sectionsMarkdown, type SummaryInput } from '../core/hover/file-summary';
import { hoverAt } from '../core/hover/hover';
import type { Analyzed } from './analyses';
import { SHOW_PLAN_COMMAND, type PlanPageResult, type SummaryResult } from './protocol';
import { planPageFile } from '../core/report/plan-file';
import { planPageHtml } from '../core/report/plan-page';
import { nameHintOf } from './paths';

/** Hover, completion, inlay hints and the code lens: each converts what a core builder returns. */

export function summaryInput(analyzed: Analyzed): SummaryInput {
  return {
    analysis: analyzed.analysis,
    settings: analyzed.settings,
    linked: analyzed.linked,
    worldSource: analyzed.worldSource,
  };
}

/** The hover; its summary links to the full plan when the client declared the command that shows it. */
export function hover(analyzed: Analyzed, position: Position, clientCommands: string[] = []): Hover | null {
  const planLink = clientCommands.includes(SHOW_PLAN_COMMAND) ? `command:${SHOW_PLAN_COMMAND}?${encodeURIComponent(JSON.stringify([analyzed.uri]))}` : undefined;
  const content = hoverAt(summaryInput(analyzed), analyzed.converter.offset(position), { planLink });
  if (!content) return null;
  return { contents: { kind: MarkupKind.Markdown, value: content.markdown }, range: content.range && analyzed.converter.range(content.range) };
}

export function completion(analyzed: Analyzed, position: Position): CompletionItem[] {
  return completionsAt(analyzed.analysis, analyzed.converter.offset(position)).map((c, i) => ({
    label: c.label,
    kind: c.kind === 'property' ? CompletionItemKind.Property : CompletionItemKind.Value,
    detail: c.detail,
    documentation: c.documentation ? { kind: MarkupKind.Markdown, value: c.documentation } : undefined,
    tags: c.deprecated ? [CompletionItemTag.Deprecated] : undefined,
    // Deprecated keys sort last; the rest keep the schema's order.
    sortText: `${c.deprecated ? 1 : 0}${String(i).padStart(5, '0')}`,
    textEdit: { range: analyzed.converter.range(c.range), newText: c.insertText },
    // Clients filter by the text from the range's start to the cursor: a quoted JSON key's range starts at its quote
    // (`"act`), which the bare label never matches, so the filter text carries the quote too.
    filterText: c.insertText.startsWith('"') ? c.insertText : undefined,
    insertTextFormat: InsertTextFormat.PlainText,
  }));
}

export function inlayHints(analyzed: Analyzed, range: Range): InlayHint[] {
  if (!analyzed.included) return [];
  const start = analyzed.converter.offset(range.start);
  const end = analyzed.converter.offset(range.end);
  return derivedHints(summaryInput(analyzed))
    .filter((h) => h.offset >= start && h.offset <= end)
    .map((h) => ({ position: analyzed.converter.position(h.offset), label: h.label, tooltip: h.tooltip, kind: InlayHintKind.Parameter, paddingLeft: true }));
}


export function codeLenses(analyzed: Analyzed): CodeLens[] {
  if (!analyzed.included || analyzed.analysis.format === 'unknown') return [];
  const summary = fileSummary(summaryInput(analyzed));
  const top = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return [{ range: top, command: { title: `TrainLint: ${summary.headline}`, command: SHOW_PLAN_COMMAND, arguments: [analyzed.uri] } }];
}

export function summary(analyzed: Analyzed): SummaryResult {
  const result = fileSummary(summaryInput(analyzed));
  const count = (severity: string) => (analyzed.included ? analyzed.analysis.diagnostics.filter((d) => d.severity === severity).length : 0);
  return {
    format: result.format,
    formatName: formatName(result.format),
    headline: result.headline,
    markdown: sectionsMarkdown(result.sections),
    errors: count('error'),
    warnings: count('warning'),
  };
}

/** The plan page of a document: the same summary and estimate as its code lens and hover. */
export function planPage(analyzed: Analyzed): PlanPageResult {
  const name = nameHintOf(analyzed.uri).split(/[\\/]/).pop() || analyzed.uri;
  const title = `Plan: ${name}`;
  return { title, html: planPageHtml(`TrainLint plan: ${name}`, [planPageFile(summaryInput(analyzed), name)]) };
}
