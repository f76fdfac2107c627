import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CodeAction, Diagnostic, Range } from 'vscode-languageserver-protocol';
import { LspSession, ROOT, vscodeLikeCapabilities } from './lsp-session';

// Real configs, read in place from the shared corpus beside the repository, never copied into it.
const CORPUS = join(ROOT, '../shared/corpus');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(json|ya?ml|sh|slurm)$/.test(name) ? [path] : [];
  });
}

function languageOf(path: string): string {
  if (path.endsWith('.json')) return 'json';
  return /\.ya?ml$/.test(path) ? 'yaml' : 'shellscript';
}

/** A range must lie inside the document: lines exist, characters within the line (UTF-16, as sent). */
function assertInside(text: string, range: Range, what: string): void {
  const lines = text.split('\n');
  for (const p of [range.start, range.end]) {
    assert.ok(p.line < lines.length, `${what}: line ${p.line} past the end`);
    assert.ok(p.character <= lines[p.line].length, `${what}: character ${p.character} past line ${p.line}`);
  }
}

describe('the shared corpus', () => {
  it('answers diagnostics, code actions, hovers and lenses for every file, with ranges inside the text', { skip: existsSync(CORPUS) ? false : 'skipped: no ../shared' }, async () => {
    const session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: true }), folders: [CORPUS] });
    try {
      let withDiagnostics = 0;
      for (const path of files(CORPUS)) {
        const text = readFileSync(path, 'utf8');
        const uri = await session.open(path, text, languageOf(path));
        const report = await session.request<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
        if (report.items.length > 0) withDiagnostics++;
        for (const d of report.items) {
          assertInside(text, d.range, `${path} ${String(d.code)}`);
          assert.match(String(d.code), /^TL\d{3}$/);
          const actions = await session.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
          for (const a of actions) for (const change of a.edit?.documentChanges ?? []) if ('edits' in change) for (const e of change.edits) assertInside(session.text(change.textDocument.uri), e.range, `${path} fix "${a.title}"`);
        }
        await session.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
        await session.request('textDocument/codeLens', { textDocument: { uri } });
        await session.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      }
      assert.ok(withDiagnostics > 0, 'the corpus has known-bad files');
      assert.deepEqual(session.protocolErrors, []);
    } finally {
      await session.stop();
    }
  });
});
