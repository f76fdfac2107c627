import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { FIXTURES, LspSession, uriOf, vscodeLikeCapabilities, waitFor } from './lsp-session';

const codes = (d: Diagnostic[]) => d.map((x) => x.code).sort();
const hasMismatch = (d: Diagnostic[]) => d.some((x) => x.code === 'TL101');

describe('settings and context', () => {
  it('re-checks open documents when trainlint.cluster changes (the world size decides the batch identity)', async () => {
    let nodes = 1;
    const session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: false }), configuration: () => ({ cluster: { nodes, gpusPerNode: 8 } }) });
    try {
      // 256 = 4 x 8 x 8: right for one node of eight GPUs, wrong for two.
      const uri = await session.open(join(FIXTURES, 'folders/a/ds_config.json'), readFileSync(join(FIXTURES, 'single/ds_config.json'), 'utf8'));
      assert.ok(!hasMismatch(await session.pushedFor(uri)));
      const published = session.pushed.get(uri)!.count;
      nodes = 2;
      await session.setConfiguration(() => ({ cluster: { nodes, gpusPerNode: 8 } }));
      const after = await waitFor('re-published diagnostics', () => (session.pushed.get(uri)!.count > published ? session.pushed.get(uri)!.diagnostics : undefined));
      const mismatch = after.find((d) => d.code === 'TL101');
      assert.ok(mismatch, `TL101 after the change: ${codes(after).join(', ')}`);
      assert.match(mismatch.message, /16/);
      assert.ok(session.requests.includes('client/registerCapability'), 'registers for configuration changes');
    } finally {
      await session.stop();
    }
  });

  it('takes initializationOptions when the client cannot answer workspace/configuration', async () => {
    const capabilities = vscodeLikeCapabilities({ pull: false });
    capabilities.workspace!.configuration = false;
    const session = await LspSession.start({ capabilities, initializationOptions: { settings: { cluster: { nodes: 4, gpusPerNode: 8 } } } });
    try {
      const uri = await session.open(join(FIXTURES, 'linked/ds_config.json'));
      const diagnostics = await session.pushedFor(uri);
      assert.match(diagnostics.find((d) => d.code === 'TL101')?.message ?? '', /32/);
      assert.ok(!session.requests.includes('workspace/configuration'));
    } finally {
      await session.stop();
    }
  });

  it('applies each workspace folder its own .trainlint.yaml', async () => {
    const a = join(FIXTURES, 'folders/a');
    const b = join(FIXTURES, 'folders/b');
    const session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: false }), folders: [a, b] });
    try {
      const inA = await session.open(join(a, 'ds_config.json'));
      const inB = await session.open(join(b, 'ds_config.json'));
      assert.ok(!hasMismatch(await session.pushedFor(inA)), 'folder a: one node of 8 GPUs fits 256 = 4 x 8 x 8');
      const inBDiagnostics = await session.pushedFor(inB);
      assert.ok(hasMismatch(inBDiagnostics), 'folder b: two nodes make 16 ranks');
      const configured = session.requests.filter((r) => r === 'workspace/configuration').length;
      assert.ok(configured >= 2, 'settings are asked per document');
    } finally {
      await session.stop();
    }
  });

  it('re-checks a linked DeepSpeed config when the accelerate config that names it changes', async () => {
    const session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: false }) });
    try {
      const accelerate = await session.open(join(FIXTURES, 'linked/accelerate.yaml'));
      const ds = await session.open(join(FIXTURES, 'linked/ds_config.json'));
      await session.pushedFor(accelerate);
      // num_processes 8 makes 256 = 4 x 8 x 8 hold.
      await waitFor('the DeepSpeed config checked with num_processes 8', () => {
        const got = session.pushed.get(ds);
        return got && !hasMismatch(got.diagnostics) ? true : undefined;
      });
      const published = session.pushed.get(ds)!.count;
      await session.change(accelerate, session.text(accelerate).replace('num_processes: 8', 'num_processes: 16'));
      const after = await waitFor('the DeepSpeed config re-checked', () => (session.pushed.get(ds)!.count > published ? session.pushed.get(ds)!.diagnostics : undefined));
      const mismatch = after.find((d) => d.code === 'TL101');
      assert.ok(mismatch, `TL101 once accelerate runs 16 processes: ${codes(after).join(', ')}`);
      assert.match(mismatch.message, /16/);

      // The other way: the accelerate config reads the DeepSpeed config, so editing that re-checks it.
      const acceleratePublished = session.pushed.get(accelerate)!.count;
      await session.change(ds, session.text(ds).replace('"train_batch_size": 256', '"train_batch_size": 512'));
      await waitFor('the accelerate config re-checked', () => (session.pushed.get(accelerate)!.count > acceleratePublished ? true : undefined));
    } finally {
      await session.stop();
    }
  });

  it('re-checks with pull: asks the client to refresh when a linked file changes', async () => {
    const session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: true }) });
    try {
      const accelerate = await session.open(join(FIXTURES, 'linked/accelerate.yaml'));
      const ds = await session.open(join(FIXTURES, 'linked/ds_config.json'));
      await session.request('textDocument/diagnostic', { textDocument: { uri: accelerate } });
      const before = await session.request<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri: ds } });
      assert.ok(!hasMismatch(before.items));
      const refreshes = session.requests.filter((r) => r === 'workspace/diagnostic/refresh').length;
      await session.change(accelerate, session.text(accelerate).replace('num_processes: 8', 'num_processes: 16'));
      await session.request('textDocument/diagnostic', { textDocument: { uri: accelerate } });
      await waitFor('a refresh request', () => (session.requests.filter((r) => r === 'workspace/diagnostic/refresh').length > refreshes ? true : undefined));
      const after = await session.request<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri: ds } });
      assert.ok(hasMismatch(after.items));
      assert.equal(uriOf(join(FIXTURES, 'linked/ds_config.json')), ds);
    } finally {
      await session.stop();
    }
  });
});
