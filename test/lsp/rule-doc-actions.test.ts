import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, Diagnostic, DocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { FIXTURES, LspSession, ROOT, vscodeLikeCapabilities } from './lsp-session';

const DS = join(FIXTURES, 'single/ds_config.json');
const MISMATCH = '{\n  "train_batch_size": 512,\n  "train_micro_batch_size_per_gpu": 4,\n  "gradient_accumulation_steps": 8\n}\n';

async function diagnosticsAndActions(session: LspSession): Promise<{ diagnostics: Diagnostic[]; actions: CodeAction[] }> {
  const uri = await session.open(DS, MISMATCH, 'json');
  const report = await session.request<DocumentDiagnosticReport & { items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
  const diagnostics = report.items.filter((d) => d.code === 'TL101');
  const actions = await session.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0].range, context: { diagnostics } });
  return { diagnostics, actions };
}

describe('"Show documentation for <rule>" code actions', () => {
  const start = (clientCommands?: string[]) =>
    LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: true }), configuration: () => ({ cluster: { nodes: 1, gpusPerNode: 8 } }), initializationOptions: clientCommands ? { clientCommands } : undefined });

  describe('for a client that declared trainlint.openRuleDoc', () => {
    let session: LspSession;
    before(async () => {
      session = await start(['trainlint.openRuleDoc']);
    });
    after(() => session.stop());

    it('opens the rule page the extension ships, by the rule name of the diagnostic', async () => {
      const { diagnostics, actions } = await diagnosticsAndActions(session);
      assert.equal(diagnostics.length, 1);
      const docs = actions.filter((a) => a.command?.command === 'trainlint.openRuleDoc');
      assert.deepEqual(docs.map((a) => [a.title, a.kind, a.command?.arguments]), [['Show documentation for batch-size-mismatch', 'quickfix', ['batch-size-mismatch']]]);
      assert.ok(existsSync(join(ROOT, 'docs/rules/batch-size-mismatch.md')));
      // The fixes come first; the documentation is never the preferred action.
      assert.ok(actions.indexOf(docs[0]) > 0 && !docs[0].isPreferred);
    });
  });

  describe('for a client that did not', () => {
    let session: LspSession;
    before(async () => {
      session = await start();
    });
    after(() => session.stop());

    it('offers no client command it cannot run', async () => {
      const { actions } = await diagnosticsAndActions(session);
      assert.ok(actions.length > 0);
      assert.ok(actions.every((a) => a.command?.command !== 'trainlint.openRuleDoc'));
    });
  });
});
