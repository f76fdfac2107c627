import { DocumentDiagnosticReportKind, type Connection, type DiagnosticServerCancellationData, type DocumentDiagnosticReport, type Diagnostic, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analyses, Analyzed } from './analyses';
import { toLspDiagnostic } from './convert';
import { runSafe } from './run-safe';

// The push debounce never waits longer than this, however slow the last analysis was.
const MAX_PUSH_DELAY_MS = 200;

export function lspDiagnostics(analyzed: Analyzed, analyses: Analyses): Diagnostic[] {
  if (!analyzed.included) return [];
  const doc = { uri: analyzed.uri, version: analyzed.version, converter: analyzed.converter, locate: (path: string) => analyses.locate(path) };
  return analyzed.analysis.diagnostics.map((d) => toLspDiagnostic(d, doc));
}

/**
 * Delivers diagnostics one way only, as the client prefers: answered when it pulls (textDocument/diagnostic)
 * or pushed after each change when it cannot pull. Doing both shows every problem twice.
 */
export interface DiagnosticsChannel {
  /** A document was opened or changed. */
  changed(uri: string): void;
  closed(uri: string): void;
  /** Settings, a project file or a linked file changed: check these documents (all open ones when omitted) again. */
  recheck(uris?: string[]): void;
}

export function pullDiagnostics(connection: Connection, documents: TextDocuments<TextDocument>, analyses: Analyses, canRefresh: boolean): DiagnosticsChannel {
  connection.languages.diagnostics.on((params, token) =>
    runSafe<DocumentDiagnosticReport, DiagnosticServerCancellationData>(connection, token, 'diagnostics', { kind: DocumentDiagnosticReportKind.Full, items: [] }, async () => {
      const document = documents.get(params.textDocument.uri);
      if (!document) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
      const result = await analyses.get(document);
      if (params.previousResultId === result.resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: result.resultId };
      return { kind: DocumentDiagnosticReportKind.Full, resultId: result.resultId, items: lspDiagnostics(result, analyses) };
    }, { retriggerRequest: false }), // The client cancelled: it asks again when it wants the result.
  );
  return {
    changed: () => undefined, // The client pulls after each change by itself.
    closed: () => undefined,
    recheck: () => {
      if (canRefresh) void connection.languages.diagnostics.refresh();
    },
  };
}

/**
 * Push with a debounce and a stale-result guard: each change replaces the document's pending timer, and a
 * result is published only if its timer is still the pending one once the (asynchronous) analysis is done.
 * While the server keeps up (the change comes later after the last publication than that analysis took), it
 * publishes at once; changes that come faster than the document can be analysed wait that long, so they
 * coalesce instead of queueing.
 */
export function pushDiagnostics(connection: Connection, documents: TextDocuments<TextDocument>, analyses: Analyses): DiagnosticsChannel {
  const pending = new Map<string, NodeJS.Timeout>();
  const lastDuration = new Map<string, number>();
  const lastPublished = new Map<string, number>();

  const publish = async (uri: string, timer: NodeJS.Timeout) => {
    const document = documents.get(uri);
    if (!document || pending.get(uri) !== timer) return;
    const started = performance.now();
    try {
      const result = await analyses.get(document);
      if (pending.get(uri) !== timer) return; // A newer change is on its way: this result is stale.
      pending.delete(uri);
      lastDuration.set(uri, performance.now() - started);
      lastPublished.set(uri, performance.now());
      await connection.sendDiagnostics({ uri, version: result.version, diagnostics: lspDiagnostics(result, analyses) });
    } catch (error) {
      pending.delete(uri);
      connection.console.error(`diagnostics for ${uri} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
  };

  const schedule = (uri: string) => {
    clearTimeout(pending.get(uri));
    const cost = lastDuration.get(uri) ?? 0;
    const keepingUp = !pending.has(uri) && performance.now() - (lastPublished.get(uri) ?? 0) > cost;
    const timer = setTimeout(() => void publish(uri, timer), keepingUp ? 0 : Math.min(cost, MAX_PUSH_DELAY_MS));
    pending.set(uri, timer);
  };

  return {
    changed: schedule,
    closed: (uri) => {
      clearTimeout(pending.get(uri));
      pending.delete(uri);
      lastDuration.delete(uri);
      lastPublished.delete(uri);
      void connection.sendDiagnostics({ uri, diagnostics: [] });
    },
    recheck: (uris) => {
      for (const uri of uris ?? documents.keys()) if (documents.get(uri)) schedule(uri);
    },
  };
}
