import type { Connection, TextDocumentEdit, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { changeGlobalBatch } from '../core/rescale/global-batch';
import type { Analyses } from './analyses';
import type { ChangeGlobalBatchArgs, ChangeGlobalBatchResult } from './protocol';

/**
 * The server half of `trainlint.changeGlobalBatchSize`: computes the edits in the document and the DeepSpeed
 * config it links to, and asks the client to apply them as one versioned workspace edit.
 */
export async function runChangeGlobalBatch(connection: Connection, documents: TextDocuments<TextDocument>, analyses: Analyses, args: ChangeGlobalBatchArgs): Promise<ChangeGlobalBatchResult> {
  const document = documents.get(args.uri);
  if (!document) return { applied: false, message: 'the document is not open' };
  if (document.version !== args.version) return { applied: false, message: 'the document changed meanwhile: run the command again' };
  const analyzed = await analyses.get(document);
  const change = changeGlobalBatch(analyzed.analysis, analyzed.settings, analyzed.linked, args.globalBatch, args.learningRate);
  if (!change.ok) return { applied: false, message: change.message };
  const documentChanges: TextDocumentEdit[] = [];
  for (const file of change.files) {
    const where = file.path === undefined ? { uri: analyzed.uri, version: analyzed.version, converter: analyzed.converter } : analyses.locate(file.path);
    if (!where) return { applied: false, message: `cannot read ${file.path}` };
    documentChanges.push({ textDocument: { uri: where.uri, version: where.version }, edits: file.edits.map((e) => where.converter.edit(e)) });
  }
  const result = await connection.workspace.applyEdit({ label: 'Change the global batch size', edit: { documentChanges } });
  return result.applied ? { applied: true, message: change.message } : { applied: false, message: result.failureReason ?? 'the editor refused the edit' };
}
