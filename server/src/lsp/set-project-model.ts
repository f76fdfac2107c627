import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { catalogModelEntries } from '../core/index';
import type { Analyses } from './analyses';
import { projectFileEdit } from './code-actions';
import type { CatalogModelItem, SetProjectModelArgs, SetProjectModelResult } from './protocol';

/** The catalog the "Choose the architecture..." picker lists: every id with its family and size. */
export function catalogModels(): CatalogModelItem[] {
  return catalogModelEntries().map((m) => ({ id: m.id, detail: m.detail }));
}

/** The server half of "Choose the architecture...": writes `model: ID` into the project file governing the document. */
export async function runSetProjectModel(connection: Connection, documents: TextDocuments<TextDocument>, analyses: Analyses, versioned: boolean, args: SetProjectModelArgs): Promise<SetProjectModelResult> {
  const document = documents.get(args.uri);
  if (!document) return { applied: false, message: 'the document is not open' };
  if (!catalogModels().some((m) => m.id === args.model)) return { applied: false, message: `${args.model} is not a catalog id` };
  const analyzed = await analyses.get(document);
  const edit = projectFileEdit(analyzed, analyses, { key: 'model', value: args.model }, versioned);
  if (!edit) return { applied: false, message: 'the project file cannot take the setting (it is not a YAML mapping)' };
  const result = await connection.workspace.applyEdit({ label: `Use architecture of ${args.model}`, edit });
  return result.applied ? { applied: true, message: `model: ${args.model} written to the project file` } : { applied: false, message: result.failureReason ?? 'the editor refused the edit' };
}
