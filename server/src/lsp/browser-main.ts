// Entry of dist/web-server.js: the language server in a web worker, for VS Code for the Web (vscode.dev, github.dev).
// There is no file system: each document is checked alone (no linked files, project file or version pins), with the
// core as it is everywhere else; diagnostics with their fixes, and hovers.
import { BrowserMessageReader, BrowserMessageWriter, createConnection, MarkupKind, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/browser';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type FileAnalysis } from '../core/index';
import { hoverAt } from '../core/hover/hover';
import { Converter, toLspDiagnostic } from './convert';

// The worker's global scope is the message port (typed here without the webworker library).
const port = globalThis as never;
const connection = createConnection(new BrowserMessageReader(port), new BrowserMessageWriter(port));
const documents = new TextDocuments(TextDocument);
const analyses = new Map<string, { version: number; analysis: FileAnalysis }>();

/** The last segment of a URI: what the core guesses the language and format from (`ds_config.json`). */
function nameOf(uri: string): string {
  return decodeURIComponent(uri.replace(/[?#].*$/, '').split('/').pop() ?? '');
}

function analysisOf(document: TextDocument): FileAnalysis {
  const cached = analyses.get(document.uri);
  if (cached?.version === document.version) return cached.analysis;
  const analysis = analyze(document.getText(), { path: nameOf(document.uri) });
  analyses.set(document.uri, { version: document.version, analysis });
  return analysis;
}

connection.onInitialize(() => ({ capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, hoverProvider: true } }));
documents.onDidChangeContent(({ document }) => {
  const analysis = analysisOf(document);
  const doc = { uri: document.uri, version: document.version, converter: new Converter(analysis), locate: () => undefined };
  void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: analysis.diagnostics.map((d) => toLspDiagnostic(d, doc)) });
});
documents.onDidClose(({ document }) => analyses.delete(document.uri));
connection.onHover(({ textDocument, position }) => {
  const document = documents.get(textDocument.uri);
  if (!document) return null;
  const analysis = analysisOf(document);
  const converter = new Converter(analysis);
  const content = hoverAt({ analysis, settings: analysis.settings, linked: [] }, converter.offset(position));
  return content ? { contents: { kind: MarkupKind.Markdown, value: content.markdown }, range: content.range && converter.range(content.range) } : null;
});
documents.listen(connection);
connection.listen();
