import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CodeAction, Diagnostic, DocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { LspSession, vscodeLikeCapabilities } from './lsp-session';

// An 8B model at 8,192 tokens with micro-batch 8 and no sharding on 8 H100s: far over 80 GiB.
const SCRIPT = [
  '#!/bin/bash',
  'TP=1',
  'PP=1',
  'torchrun --nproc_per_node 8 --nnodes 1 pretrain_gpt.py \\',
  '  --tensor-model-parallel-size $TP --pipeline-model-parallel-size $PP \\',
  '  --num-layers 32 --hidden-size 4096 --ffn-hidden-size 14336 --num-attention-heads 32 --group-query-attention --num-query-groups 8 \\',
  '  --seq-length 8192 --max-position-embeddings 8192 --swiglu --vocab-size 128256 \\',
  '  --micro-batch-size 8 --global-batch-size 256 --train-iters 1000 --lr 3.0e-4 --bf16',
  '',
].join('\n');

describe('out-of-memory: the quick fixes are the layout search\'s best layouts', () => {
  it('offers layouts with their predicted memory and step time; the first, applied, fits and leaves valid bash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainlint-layout-'));
    const path = join(dir, 'pretrain.sh');
    writeFileSync(path, SCRIPT);
    const session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: true }), folders: [dir], configuration: () => ({ cluster: { gpu: 'h100-sxm' } }) });
    try {
      const uri = await session.open(path, SCRIPT, 'shellscript');
      const pull = async () => (await session.request<DocumentDiagnosticReport & { items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } })).items;
      const oom = (await pull()).find((d) => String(d.message).startsWith('Estimated peak memory'));
      assert.ok(oom, 'an out-of-memory finding');
      const actions = await session.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: oom.range, context: { diagnostics: [oom] } });
      const layouts = actions.filter((a) => a.title.startsWith('Layout: '));
      assert.ok(layouts.length >= 1, `layout actions: ${actions.map((a) => a.title).join(' | ')}`);
      for (const action of layouts) assert.match(action.title, /\(\d+(\.\d)? GiB\/GPU, [\d.]+ m?s\/step\)$/);
      await session.apply(layouts[0].edit!);
      assert.notEqual(session.text(uri), SCRIPT);
      assert.ok(!(await pull()).some((d) => String(d.message).startsWith('Estimated peak memory') || d.severity === 1), 'no error after the layout');
      writeFileSync(path, session.text(uri));
      assert.equal(spawnSync('bash', ['-n', path]).status, 0);
    } finally {
      await session.stop();
    }
  });
});
