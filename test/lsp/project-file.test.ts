import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { FIXTURES, LspSession, positionOf, vscodeLikeCapabilities } from './lsp-session';

// Opened with its text only: the file on disk is not needed, and no other test reads this project's settings.
const PROJECT_FILE = join(FIXTURES, 'project-file/.trainlint.yaml');

const summary = (diagnostics: Diagnostic[]) => diagnostics.map((d) => [d.code, d.severity, d.range.start.line, d.range.start.character]);

describe('the project file .trainlint.yaml', () => {
  let session: LspSession;
  before(async () => {
    session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: false }) });
  });
  after(() => session.stop());

  it('shows unknown settings as warnings and unusable values as errors, on the key or value, with the core rules\' codes', async () => {
    const text = 'cluster: { nodes: 2, gpusPerNode: eight }\nrules:\n  unknown-key: loud\nclustr: { nodes: 1 }\ninclude: ["configs/**"]\n';
    const uri = await session.open(PROJECT_FILE, text);
    const diagnostics = await session.pushedFor(uri, (d) => d.length > 0);
    const eight = positionOf(text, 'eight');
    const loud = positionOf(text, 'loud');
    const clustr = positionOf(text, 'clustr');
    assert.deepEqual(summary(diagnostics), [
      ['TL202', 1, eight.line, eight.character],
      ['TL202', 1, loud.line, loud.character],
      ['TL201', 2, clustr.line, clustr.character],
    ]);
    const unknown = diagnostics.find((d) => d.code === 'TL201')!;
    assert.equal(unknown.source, 'trainlint');
    assert.match(unknown.message, /Unknown project setting "clustr"/);
    assert.deepEqual(unknown.range.end, { line: clustr.line, character: clustr.character + 'clustr'.length });
    assert.match(unknown.codeDescription!.href, /unknown-key\.md$/);
    assert.match(diagnostics[0].codeDescription!.href, /invalid-value\.md$/);
  });

  it('refreshes as the file changes: a YAML syntax error, then nothing once it is right', async () => {
    const uri = await session.open(join(FIXTURES, 'project-file/edited/.trainlint.yaml'), 'cluster: { nodes: 1 }\n');
    assert.deepEqual(await session.pushedFor(uri), []);
    await session.change(uri, 'cluster: { nodes: 1\nmodel: x\n');
    const broken = await session.pushedFor(uri, (d) => d.length > 0);
    assert.ok(broken.length >= 1);
    assert.ok(broken.every((d) => d.code === 'TL001' && d.severity === 1), JSON.stringify(summary(broken)));
    await session.change(uri, 'cluster: { nodes: 1, gpusPerNode: 8 }\nmodel: x\n');
    assert.deepEqual(await session.pushedFor(uri), []);
  });

  it('answers a pull with the same diagnostics', async () => {
    const pull = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: true }) });
    try {
      const uri = await pull.open(PROJECT_FILE, 'seqLength: -3\ncolour: blue\n');
      const report = await pull.request<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
      assert.deepEqual(report.items.map((d) => [d.code, d.severity]), [['TL202', 1], ['TL201', 2]]);
    } finally {
      await pull.stop();
    }
  });
});
