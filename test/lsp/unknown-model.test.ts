import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, CreateFile, Diagnostic, DocumentDiagnosticReport, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { FIXTURES, LspSession, uriOf, vscodeLikeCapabilities } from './lsp-session';

async function pull(session: LspSession, uri: string): Promise<Diagnostic[]> {
  const report = await session.request<DocumentDiagnosticReport & { items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
  return report.items;
}

describe('an unknown model', () => {
  let session: LspSession;
  // The action creates .trainlint.yaml in the workspace folder: a scratch copy keeps the fixtures as they are.
  const folder = mkdtempSync(join(tmpdir(), 'trainlint-unknown-model-'));
  const file = join(folder, 'sft.yaml');
  copyFileSync(join(FIXTURES, 'unknown-model/sft.yaml'), file);
  before(async () => {
    session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: true }), folders: [folder] });
  });
  after(async () => {
    await session.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('gets one info and actions that write the chosen architecture into a new .trainlint.yaml', async () => {
    const uri = await session.open(file);
    const infos = (await pull(session, uri)).filter((d) => d.code === 'TL504');
    assert.equal(infos.length, 1);
    assert.equal(infos[0].severity, 3);
    assert.match(infos[0].message, /Model "my-org\/llama2-7b-sft-v3" is not in the model catalog/);
    assert.equal(infos[0].range.start.line, 1, 'on model_name_or_path');

    const actions = await session.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: infos[0].range, context: { diagnostics: infos } });
    assert.equal(actions[0].title, 'Use architecture of meta-llama/Llama-2-7b-hf');
    // Then the suppression comments (test/lsp/suppress-actions.test.ts).
    const models = actions.filter((a) => !a.title.startsWith('Disable '));
    assert.ok(models.length >= 2 && models.every((a) => a.title.startsWith('Use architecture of ')));
    assert.deepEqual(actions.slice(models.length).map((a) => a.title), ['Disable unknown-model for this line', 'Disable unknown-model for this file']);
    const [create, write] = actions[0].edit!.documentChanges! as [CreateFile, TextDocumentEdit];
    const projectUri = uriOf(join(folder, '.trainlint.yaml'));
    assert.deepEqual(create, { kind: 'create', uri: projectUri, options: { ignoreIfExists: true } });
    assert.equal(write.textDocument.uri, projectUri);

    await session.apply(actions[0].edit!);
    assert.equal(session.text(projectUri), 'model: meta-llama/Llama-2-7b-hf\n');
    // Saved, the project file gives the model: the info goes and the estimate has its shape.
    writeFileSync(join(folder, '.trainlint.yaml'), session.text(projectUri));
    await session.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: projectUri, type: 2 }] });
    assert.deepEqual((await pull(session, uri)).filter((d) => d.code === 'TL504'), []);
  });

  it('edits the model a project file already names instead of adding a second one', async () => {
    const projectPath = join(folder, '.trainlint.yaml');
    const text = 'cluster: { nodes: 1, gpusPerNode: 8 }\nmodel: my-org/unknown-13b\n';
    // The first test left the project file open in the editor: its text there is what counts, and what gets edited.
    writeFileSync(projectPath, text);
    await session.change(uriOf(projectPath), text);
    await session.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(projectPath), type: 2 }] });
    const uri = uriOf(file);
    const infos = (await pull(session, uri)).filter((d) => d.code === 'TL504');
    assert.equal(infos.length, 1);
    assert.match(infos[0].message, /my-org\/unknown-13b/);
    const actions = await session.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: infos[0].range, context: { diagnostics: infos } });
    const edit = actions[0].edit!.documentChanges![0] as TextDocumentEdit;
    assert.equal(edit.edits.length, 1);
    assert.equal(edit.edits[0].range.start.line, 1);
    assert.match(edit.edits[0].newText, /^[\w./-]+$/);
    assert.equal(edit.textDocument.version, session.version(uriOf(projectPath)));
    await session.apply(actions[0].edit!);
    assert.equal(session.text(uriOf(projectPath)).split('\n').filter((l) => l.startsWith('model:')).length, 1);
    assert.match(session.text(uriOf(projectPath)), /^cluster: \{ nodes: 1, gpusPerNode: 8 \}\nmodel: \S+\n$/);
  });

  it('offers "Choose the architecture..." to a client that declares the picker; the server writes the id picked from its catalog', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'trainlint-choose-model-'));
    const sft = join(scratch, 'sft.yaml');
    copyFileSync(join(FIXTURES, 'unknown-model/sft.yaml'), sft);
    const picker = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: true }), folders: [scratch], initializationOptions: { clientCommands: ['trainlint.chooseArchitecture'] } });
    try {
      const uri = await picker.open(sft);
      const infos = (await pull(picker, uri)).filter((d) => d.code === 'TL504');
      const actions = await picker.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: infos[0].range, context: { diagnostics: infos } });
      const choose = actions.find((a) => a.title === 'Choose the architecture...');
      assert.deepEqual(choose?.command, { title: 'Choose the architecture...', command: 'trainlint.chooseArchitecture', arguments: [{ uri }] });
      const catalog = await picker.request<Array<{ id: string; detail: string }>>('trainlint/catalogModels', {});
      assert.ok(catalog.length >= 180, `${catalog.length} ids`);
      assert.deepEqual(catalog.find((m) => m.id === 'mistralai/Mistral-7B-v0.1'), { id: 'mistralai/Mistral-7B-v0.1', detail: 'mistral, 7.3B parameters' });
      const refused = await picker.request<{ applied: boolean; message: string }>('workspace/executeCommand', { command: 'trainlint.server.setProjectModel', arguments: [{ uri, model: 'not/a-model' }] });
      assert.deepEqual(refused, { applied: false, message: 'not/a-model is not a catalog id' });
      const result = await picker.request<{ applied: boolean; message: string }>('workspace/executeCommand', { command: 'trainlint.server.setProjectModel', arguments: [{ uri, model: 'mistralai/Mistral-7B-v0.1' }] });
      assert.equal(result.applied, true, result.message);
      assert.equal(picker.text(uriOf(join(scratch, '.trainlint.yaml'))), 'model: mistralai/Mistral-7B-v0.1\n');
    } finally {
      await picker.stop();
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
