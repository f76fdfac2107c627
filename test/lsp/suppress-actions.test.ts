import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, Diagnostic, DocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { LspSession, ROOT, vscodeLikeCapabilities } from './lsp-session';
import { bashAccepts } from '../helpers';

const SUPPRESS = join(ROOT, 'test/fixtures/suppress');

async function pull(session: LspSession, uri: string): Promise<Diagnostic[]> {
  const report = await session.request<DocumentDiagnosticReport & { items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
  return report.items;
}

function actionsFor(session: LspSession, uri: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
  return session.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
}

describe('"Disable <rule>" code actions', () => {
  let session: LspSession;
  before(async () => {
    session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: true }), configuration: () => ({ cluster: { nodes: 1, gpusPerNode: 8 } }) });
  });
  after(() => session.stop());

  it('a one-line launch command: the line action adds a trailing comment, bash -n still passes, and the finding is gone', async () => {
    const text = '#!/bin/bash\nGPUS=8\ntorchrun --nproc_per_node $GPUS pretrain_gpt.py --num-layers 12 --hidden-size 768 --num-attention-heads 12 --seq-length 1024 --max-position-embeddings 1024 --micro-batch-size 4 --global-batch-size 32 --lr 3.0e-4 --train-iters 1000 --hidden-dropuot 0.1\n';
    const uri = await session.open(join(SUPPRESS, 'one-line.sh'), text, 'shellscript');
    const flag = (await pull(session, uri)).find((d) => d.code === 'TL201')!;
    const actions = await actionsFor(session, uri, flag);
    const titles = actions.map((a) => a.title);
    assert.deepEqual(titles.slice(-2), ['Disable unknown-key for this line', 'Disable unknown-key for this file']);
    await session.apply(actions.find((a) => a.title === 'Disable unknown-key for this line')!.edit!);
    assert.equal(session.text(uri), text.replace('--hidden-dropuot 0.1\n', '--hidden-dropuot 0.1  # trainlint: disable=unknown-key\n'));
    assert.ok(bashAccepts(session.text(uri)));
    assert.deepEqual((await pull(session, uri)).map((d) => d.code), []);
  });

  it('a continued command: only the file action, placed after the #! line; bash -n still passes', async () => {
    const uri = await session.open(join(SUPPRESS, 'multi-line.sh'), undefined, 'shellscript');
    const text = session.text(uri);
    const flag = (await pull(session, uri)).find((d) => d.code === 'TL201')!;
    const actions = (await actionsFor(session, uri, flag)).filter((a) => a.title.startsWith('Disable '));
    assert.deepEqual(actions.map((a) => a.title), ['Disable unknown-key for this file']);
    await session.apply(actions[0].edit!);
    assert.equal(session.text(uri), text.replace('#!/bin/bash\n', '#!/bin/bash\n# trainlint: disable-file=unknown-key\n'));
    assert.ok(bashAccepts(session.text(uri)));
    assert.deepEqual((await pull(session, uri)).map((d) => d.code), []);
  });

  it('YAML: the line action adds a trailing comment; once nothing needs it, the unused-suppression quick fix removes the comment', async () => {
    const text = 'output_dir: out\nper_device_train_batch_size: 4\nnum_train_epochs: 3\nlogging_stpes: 10\n';
    const uri = await session.open(join(SUPPRESS, 'editor.yaml'), text);
    const typo = (await pull(session, uri)).find((d) => d.code === 'TL201')!;
    const line = (await actionsFor(session, uri, typo)).find((a) => a.title === 'Disable unknown-key for this line')!;
    await session.apply(line.edit!);
    assert.equal(session.text(uri), 'output_dir: out\nper_device_train_batch_size: 4\nnum_train_epochs: 3\nlogging_stpes: 10  # trainlint: disable=unknown-key\n');
    assert.deepEqual((await pull(session, uri)).map((d) => d.code), []);
    // The key fixed by hand, the comment is unused: its quick fix takes it out again.
    await session.change(uri, session.text(uri).replace('logging_stpes', 'logging_steps'));
    const unused = (await pull(session, uri)).find((d) => d.code === 'TL006')!;
    const actions = await actionsFor(session, uri, unused);
    assert.deepEqual(actions.map((a) => a.title), ['Remove the unused suppression comment']);
    await session.apply(actions[0].edit!);
    assert.equal(session.text(uri), text.replace('logging_stpes', 'logging_steps'));
  });

  it('JSON has no comments: "Disable for this file" writes an anchored override into .trainlint.yaml, which silences that file only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainlint-suppress-json-'));
    mkdirSync(join(dir, 'configs'));
    const project = 'cluster:\n  gpusPerNode: 8\noverrides:\n  - files: ["legacy/**"]\n    rules: {deprecated-key: off}\n';
    writeFileSync(join(dir, '.trainlint.yaml'), project);
    const json = '{\n  "train_micro_batch_size_per_gpu": 4,\n  "optimzer": { "type": "AdamW" }\n}\n';
    for (const name of ['configs/ds_config.json', 'ds_config.json']) writeFileSync(join(dir, name), json);
    const local = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: true }), folders: [dir] });
    try {
      const uri = await local.open(join(dir, 'configs/ds_config.json'), json, 'json');
      const other = await local.open(join(dir, 'ds_config.json'), json, 'json');
      const typo = (await pull(local, uri)).find((d) => d.code === 'TL201')!;
      const actions = (await actionsFor(local, uri, typo)).filter((a) => a.title.startsWith('Disable '));
      assert.deepEqual(actions.map((a) => a.title), ['Disable unknown-key for this file in .trainlint.yaml']);
      await local.apply(actions[0].edit!);
      const written = readFileSync(join(dir, '.trainlint.yaml'), 'utf8');
      assert.equal(local.text(pathToFileURL(join(dir, '.trainlint.yaml')).href), `${project}  - files: ["/configs/ds_config.json"]\n    rules: {unknown-key: off}\n`);
      assert.equal(written, project, 'the edit is the client\'s to save');
      assert.deepEqual((await pull(local, uri)).map((d) => d.code), []);
      assert.deepEqual((await pull(local, other)).map((d) => d.code), ['TL201'], 'the same name elsewhere is not silenced');
    } finally {
      await local.stop();
    }
  });
});
