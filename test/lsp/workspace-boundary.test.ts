import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspSession, vscodeLikeCapabilities } from './lsp-session';

// A Trainer YAML whose DeepSpeed config lies beside the workspace folder, and a project file above it. Read, the config
// disagrees with the YAML (micro-batch 4 against 2) and the project file sets 3 GPUs per node.
const TRAIN = 'output_dir: out\nper_device_train_batch_size: 2\ngradient_accumulation_steps: 8\nlearning_rate: 1.0e-4\ndeepspeed: ../outside/ds_config.json\n';
const DS = '{\n  "train_micro_batch_size_per_gpu": 4,\n  "gradient_accumulation_steps": "auto",\n  "zero_optimization": { "stage": 2 }\n}\n';

const mismatch = (diagnostics: Diagnostic[]) => diagnostics.find((d) => /ds_config\.json/.test(d.message) && d.severity === 1);

describe('the language server reads nothing outside its workspace folders', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'trainlint-boundary-'));
    mkdirSync(join(root, 'ws'));
    mkdirSync(join(root, 'outside'));
    writeFileSync(join(root, 'ws/train.yaml'), TRAIN);
    writeFileSync(join(root, 'outside/ds_config.json'), DS);
    writeFileSync(join(root, '.trainlint.yaml'), 'cluster:\n  nodes: 1\n  gpusPerNode: 3\n');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  async function check(folders: string[]): Promise<{ diagnostics: Diagnostic[]; logs: string }> {
    const session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: false }), folders });
    try {
      const uri = await session.open(join(root, 'ws/train.yaml'));
      const diagnostics = await session.pushedFor(uri);
      const summary = await session.request<{ markdown: string }>('trainlint/summary', { uri });
      return { diagnostics, logs: `${session.logs.map((l) => l.message).join('\n')}\n${summary.markdown}` };
    } finally {
      await session.stop();
    }
  }

  it('a linked config and a project file outside it are not read, and the linked one is named as not read', async () => {
    const { diagnostics, logs } = await check([join(root, 'ws')]);
    assert.equal(mismatch(diagnostics), undefined, 'the outside config was read');
    const note = diagnostics.find((d) => /was not read \(outside the workspace folders/.test(d.message));
    assert.ok(note, `a note on the link: ${diagnostics.map((d) => d.message).join(' | ')}`);
    assert.equal(note.severity, 3);
    assert.match(logs, /linked files: ds_config\.json \(not read\)/);
    assert.match(logs, /data-parallel size \| \? — world size unknown/, 'the project file\'s 3 GPUs were taken');
  });

  it('the same files inside the workspace folder are read (the test would see them)', async () => {
    const { diagnostics, logs } = await check([root]);
    assert.ok(mismatch(diagnostics), `the mismatch with the config: ${diagnostics.map((d) => d.message).join(' | ')}`);
    assert.match(logs, /data-parallel size \| 3\b/, 'the project file\'s 3 GPUs');
  });
});
