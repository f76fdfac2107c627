import { DocumentDiagnosticReportKind, type Connection, type DiagnosticServerCancellationData, type DocumentDiagnosticReport, type Diagnostic, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analyses, Analyzed } from './analyses';
import { toLspDiagnostic } from './convert';
import { runSafe } from './run-safe';

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
 * Push with coalescing and a stale-result guard. A change starts an analysis at once when none is running for the
 * document; a change that arrives while one runs marks the document dirty, and one more analysis follows when the
 * running one ends, so fast typing coalesces instead of queueing and no wait is added when the server keeps up.
 * A result is published only if no newer change arrived while it was computed.
 */
export function pushDiagnostics(connection: Connection, documents: TextDocuments<TextDocument>, analyses: Analyses): DiagnosticsChannel {
  const running = new Set<string>();
  const dirty = new Set<string>();
  const generation = new Map<string, number>();

  const publish = async (uri: string) => {
    const document = documents.get(uri);
    if (!document) return;
    if (running.has(uri)) {
      dirty.add(uri); // Two changes scheduled before either started: the running analysis is followed by one more.
      return;
    }
    running.add(uri);
    dirty.delete(uri);
    const started = generation.get(uri) ?? 0;
    try {
      const result = await analyses.get(document);
      if ((generation.get(uri) ?? 0) === started && documents.get(uri)) {
        await connection.sendDiagnostics({ uri, version: result.version, diagnostics: lspDiagnostics(result, analyses) });
      }
    } catch (error) {
      connection.console.error(`diagnostics for ${uri} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    } finally {
      running.delete(uri);
      if (dirty.has(uri)) setImmediate(() => void publish(uri));
    }
  };

  const schedule = (uri: string) => {
    generation.set(uri, (generation.get(uri) ?? 0) + 1);
    if (running.has(uri)) dirty.add(uri);
    else setImmediate(() => void publish(uri));
  };

  return {
    changed: schedule,
    closed: (uri) => {
      generation.set(uri, (generation.get(uri) ?? 0) + 1);
      dirty.delete(uri);
      void connection.sendDiagnostics({ uri, diagnostics: [] });
    },
    recheck: (uris) => {
      for (const uri of uris ?? documents.keys()) if (documents.get(uri)) schedule(uri);
    },
  };
}
