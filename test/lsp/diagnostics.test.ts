import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic, DocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { FIXTURES, LspSession, vscodeLikeCapabilities, waitFor } from './lsp-session';

const DS = join(FIXTURES, 'single/ds_config.json');
const codes = (d: Diagnostic[]) => d.map((x) => x.code).sort();

describe('initialize', () => {
  it('advertises pull diagnostics only to clients that can pull, and fix-all as a code action kind', async () => {
    const push = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: false }) });
    const pull = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: true }) });
    try {
      assert.equal(push.initializeResult.capabilities.diagnosticProvider, undefined);
      assert.deepEqual(pull.initializeResult.capabilities.diagnosticProvider, { identifier: 'trainlint', interFileDependencies: true, workspaceDiagnostics: false });
      const kinds = (pull.initializeResult.capabilities.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds;
      assert.deepEqual(kinds, ['quickfix', 'source.fixAll.trainlint']);
      assert.equal(pull.initializeResult.serverInfo?.name, 'trainlint');
    } finally {
      await push.stop();
      await pull.stop();
    }
  });

  it('writes nothing but protocol messages to stdout and exits 0 after shutdown', async () => {
    const session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: false }) });
    const exit = new Promise<number | null>((done) => session.process.once('exit', (code) => done(code)));
    const uri = await session.open(DS);
    await session.pushedFor(uri);
    await session.stop();
    assert.equal(await exit, 0);
    assert.deepEqual(session.protocolErrors, []);
    assert.equal(session.stderr.join(''), '');
  });
});

describe('push diagnostics (a client without textDocument.diagnostic)', () => {
  let session: LspSession;
  before(async () => {
    session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: false }), configuration: () => ({ cluster: { nodes: 1, gpusPerNode: 8 } }) });
  });
  after(() => session.stop());

  it('publishes coded diagnostics with a docs link and the fixes in data, and updates them on change', async () => {
    const uri = await session.open(DS);
    const first = await session.pushedFor(uri);
    assert.deepEqual(codes(first), ['TL201']);
    const unknownKey = first[0];
    assert.equal(unknownKey.source, 'trainlint');
    assert.match(unknownKey.codeDescription!.href, /docs\/rules\/unknown-key\.md$/);
    assert.deepEqual(unknownKey.range, { start: { line: 4, character: 2 }, end: { line: 4, character: 18 } });
    const data = unknownKey.data as { version: number; fixes: Array<{ title: string; safe: boolean }> };
    assert.equal(data.version, 1);
    assert.deepEqual(data.fixes.map((f) => [f.title, f.safe]), [['Rename to "steps_per_print"', true]]);

    await session.change(uri, session.text(uri).replace('steps_per_prnt', 'steps_per_print'));
    assert.deepEqual(await session.pushedFor(uri), []);
  });

  it('drops stale results: after a burst of changes the last publication is for the last version', async () => {
    const uri = await session.open(join(FIXTURES, 'single/burst_ds_config.json'), '{\n  "train_micro_batch_size_per_gpu": 1\n}\n');
    await session.pushedFor(uri);
    const before = session.pushed.get(uri)!.count;
    for (let i = 2; i <= 20; i++) await session.change(uri, `{\n  "train_micro_batch_size_per_gpu": ${i},\n  "steps_per_prnt": 1\n}\n`);
    const last = await session.pushedFor(uri);
    assert.deepEqual(codes(last), ['TL201']);
    assert.equal(session.pushed.get(uri)!.version, 20);
    assert.ok(session.pushed.get(uri)!.count - before <= 19, 'no more publications than changes');
  });

  it('places ranges in UTF-16 columns of the editor text, through a byte order mark, CRLF and astral characters', async () => {
    const text = '\ufeff{\r\n  "wall_clock_breakdown": false, "comment_😀": "é😀😀",   "steps_per_prnt": 1,\r\n  "train_micro_batch_size_per_gpu": 2\r\n}\r\n';
    const uri = await session.open(join(FIXTURES, 'single/utf16_ds_config.json'), text);
    const diagnostics = await session.pushedFor(uri, (d) => d.some((x) => x.code === 'TL201' && /steps_per_prnt/.test(x.message)));
    const typo = diagnostics.find((d) => /steps_per_prnt/.test(d.message))!;
    const line = text.split('\n')[1];
    const start = line.indexOf('"steps_per_prnt"'); // JavaScript indices are UTF-16 code units, as LSP counts.
    assert.deepEqual(typo.range, { start: { line: 1, character: start }, end: { line: 1, character: start + '"steps_per_prnt"'.length } });
    const [fix] = (typo.data as { fixes: Array<{ edits: Array<{ range: unknown; newText: string }> }> }).fixes;
    assert.deepEqual(fix.edits, [{ range: typo.range, newText: '"steps_per_print"' }]);

    // On the first line the mark itself counts: the editor's text has it, the core's offsets do not.
    const oneLine = '\ufeff{ "steps_per_prnt": 1, "train_micro_batch_size_per_gpu": 2, "wall_clock_breakdown": false }';
    const bomUri = await session.open(join(FIXTURES, 'single/bom_ds_config.json'), oneLine);
    const [onFirst] = await session.pushedFor(bomUri, (d) => d.length > 0);
    const at = oneLine.indexOf('"steps_per_prnt"');
    assert.deepEqual(onFirst.range, { start: { line: 0, character: at }, end: { line: 0, character: at + '"steps_per_prnt"'.length } });
  });

  it('clears the diagnostics of a closed document', async () => {
    const uri = await session.open(join(FIXTURES, 'single/closing_ds_config.json'), '{ "train_micro_batch_size_per_gpu": 2, "steps_per_prnt": 1 }');
    await session.pushedFor(uri, (d) => d.length === 1);
    await session.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await waitFor('empty diagnostics after close', () => (session.pushed.get(uri)?.diagnostics.length === 0 ? true : undefined));
  });
});

describe('pull diagnostics (a client with textDocument.diagnostic)', () => {
  let session: LspSession;
  before(async () => {
    session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: true }), configuration: () => ({ cluster: { nodes: 1, gpusPerNode: 8 } }) });
  });
  after(() => session.stop());

  it('answers full reports, then unchanged for the same result id, and never pushes', async () => {
    const uri = await session.open(DS);
    const report = await session.request<DocumentDiagnosticReport & { resultId: string; items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
    assert.equal(report.kind, 'full');
    assert.deepEqual(codes(report.items), ['TL201']);
    const again = await session.request<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri }, previousResultId: report.resultId });
    assert.equal(again.kind, 'unchanged');

    await session.change(uri, session.text(uri).replace('"train_batch_size": 256', '"train_batch_size": 512'));
    const changed = await session.request<DocumentDiagnosticReport & { items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri }, previousResultId: report.resultId });
    assert.equal(changed.kind, 'full');
    assert.deepEqual(codes(changed.items), ['TL101', 'TL201']);
    assert.equal(session.pushed.size, 0, 'a pull client gets no publishDiagnostics');
  });
});
