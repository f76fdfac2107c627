import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextDocumentEdit, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { Analyses, Analyzed } from './analyses';
import { fixAll } from './fix-all';
import { SOURCE, toFixData, type DiagnosticData, type FixData } from './convert';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.${SOURCE}`;

function sameRange(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/**
 * The fixes of a diagnostic the client sends back. They travel in `data`; a client that drops `data`, or a
 * diagnostic from an older version, gets them recomputed from (uri, version, range, code), never from the message.
 */
function fixesOf(diagnostic: Diagnostic, analyzed: Analyzed, analyses: Analyses): FixData[] {
  const data = diagnostic.data as DiagnosticData | undefined;
  if (data && data.version === analyzed.version && Array.isArray(data.fixes)) return data.fixes;
  const doc = { uri: analyzed.uri, version: analyzed.version, converter: analyzed.converter, locate: (path: string) => analyses.locate(path) };
  const match = analyzed.analysis.diagnostics.find((d) => d.code === diagnostic.code && sameRange(analyzed.converter.range(d.range), diagnostic.range));
  return (match?.fixes ?? []).map((f) => toFixData(f, doc)).filter((f): f is FixData => f !== undefined);
}

/** Edits tied to the version they were computed for, so a client applies them to that text or not at all. */
function workspaceEdit(analyzed: Analyzed, edits: TextEdit[], other: FixData['other'], versioned: boolean): WorkspaceEdit {
  if (!versioned) {
    const changes: Record<string, TextEdit[]> = { [analyzed.uri]: edits };
    if (other) changes[other.uri] = other.edits;
    return { changes };
  }
  const documentChanges: TextDocumentEdit[] = [{ textDocument: { uri: analyzed.uri, version: analyzed.version }, edits }];
  if (other) documentChanges.push({ textDocument: { uri: other.uri, version: other.version }, edits: other.edits });
  return { documentChanges };
}

function wants(only: string[] | undefined, kind: string): boolean {
  return !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
}

export function codeActions(params: CodeActionParams, analyzed: Analyzed, analyses: Analyses, versioned: boolean): CodeAction[] {
  if (!analyzed.included) return [];
  const only = params.context.only;
  const actions: CodeAction[] = [];
  if (wants(only, CodeActionKind.QuickFix)) {
    for (const diagnostic of params.context.diagnostics) {
      if (diagnostic.source !== SOURCE) continue;
      const fixes = fixesOf(diagnostic, analyzed, analyses);
      const preferred = fixes.filter((f) => f.safe).length === 1 ? fixes.find((f) => f.safe) : undefined;
      for (const fix of fixes) {
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: fix === preferred,
          edit: workspaceEdit(analyzed, fix.edits, fix.other, versioned),
        });
      }
    }
  }
  // Fix-all is a source action: offered when asked for (on save, or the Source Action menu), never in the light bulb.
  if (only && wants(only, FIX_ALL_KIND)) {
    // Round after round, as `trainlint check --fix` does, in one edit against the version asked for.
    const { applied, edits } = fixAll(analyzed);
    if (edits.length > 0) {
      actions.push({
        title: `Fix all safe TrainLint problems (${applied})`,
        kind: FIX_ALL_KIND,
        edit: workspaceEdit(analyzed, edits.map((e) => analyzed.converter.edit(e)), undefined, versioned),
      });
    }
  }
  return actions;
}
