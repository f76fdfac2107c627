import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { SCAN_LIMITS, WorkspaceLinks } from '../../server/src/lsp/workspace-links';
import { LspSession, uriOf, vscodeLikeCapabilities, waitFor } from './lsp-session';

// 256 = 4 x 8 x 8: right for eight processes, wrong for sixteen. The comment is an error only for a json.load reader.
const DS = '{\n  // ZeRO-2\n  "train_batch_size": 256,\n  "train_micro_batch_size_per_gpu": 4,\n  "gradient_accumulation_steps": 8\n}\n';
const accelerate = (processes: number, target = 'ds_config.json') =>
  `compute_environment: LOCAL_MACHINE\ndistributed_type: DEEPSPEED\ndeepspeed_config:\n  deepspeed_config_file: ${target}\nnum_machines: 1\nnum_processes: ${processes}\n`;

const codes = (d: Diagnostic[]) => d.map((x) => x.code).sort().join(', ');

describe('linking files that are not open', () => {
  let folder: string;
  let session: LspSession;
  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'trainlint-workspace-links-'));
    writeFileSync(join(folder, 'ds_config.json'), DS);
    mkdirSync(join(folder, 'configs'));
    writeFileSync(join(folder, 'configs/accelerate.yaml'), accelerate(16, '../ds_config.json'));
    // Linking files under node_modules are not read.
    writeFileSync(join(folder, 'ds_vendored.json'), DS);
    mkdirSync(join(folder, 'node_modules/pkg'), { recursive: true });
    writeFileSync(join(folder, 'node_modules/pkg/accelerate.yaml'), accelerate(16, '../../ds_vendored.json'));
    // A TrainingArguments YAML in another folder points to its DeepSpeed config: the Trainer fills and compares it.
    mkdirSync(join(folder, 'train'));
    writeFileSync(join(folder, 'train/sft.yaml'), 'output_dir: out\nper_device_train_batch_size: 2\ngradient_accumulation_steps: 8\nlearning_rate: 1.0e-4\ndeepspeed: ../ds_hf.json\n');
    writeFileSync(join(folder, 'ds_hf.json'), '{\n  "train_micro_batch_size_per_gpu": 4,\n  "gradient_accumulation_steps": "auto",\n  "zero_optimization": { "stage": 2 }\n}\n');
    session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: false }), folders: [folder] });
  });
  after(async () => {
    await session.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('analyses a DeepSpeed config opened alone in the context of the closed accelerate config that points to it', async () => {
    const uri = await session.open(join(folder, 'ds_config.json'));
    const diagnostics = await session.pushedFor(uri);
    const mismatch = diagnostics.find((d) => d.code === 'TL101');
    assert.ok(mismatch, `TL101 with accelerate's 16 processes: ${codes(diagnostics)}`);
    assert.match(mismatch.message, /16/);
    // Who reads it: accelerate reads it with json.load, so the comment is an error, not DeepSpeed's (hjson) warning.
    assert.equal(diagnostics.find((d) => d.code === 'TL003')?.severity, 1);
    const summary = await session.request<{ markdown: string }>('trainlint/summary', { uri });
    assert.match(summary.markdown, /num_processes in accelerate\.yaml/);
  });

  it('checks the DeepSpeed config again when the linking file changes on disk (didChangeWatchedFiles)', async () => {
    const uri = uriOf(join(folder, 'ds_config.json'));
    const published = session.pushed.get(uri)!.count;
    writeFileSync(join(folder, 'configs/accelerate.yaml'), accelerate(8, '../ds_config.json'));
    await session.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(join(folder, 'configs/accelerate.yaml')), type: 2 }] });
    const after = await waitFor('re-published diagnostics', () => {
      const got = session.pushed.get(uri)!;
      return got.count > published ? got.diagnostics : undefined;
    });
    assert.ok(!after.some((d) => d.code === 'TL101'), `eight processes fit 256 = 4 x 8 x 8: ${codes(after)}`);

    // The linking file is deleted: the config goes back to no context (DeepSpeed's own reading of the comment).
    const count = session.pushed.get(uri)!.count;
    rmSync(join(folder, 'configs/accelerate.yaml'));
    await session.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(join(folder, 'configs/accelerate.yaml')), type: 3 }] });
    const alone = await waitFor('diagnostics without the link', () => {
      const got = session.pushed.get(uri)!;
      return got.count > count ? got.diagnostics : undefined;
    });
    assert.equal(alone.find((d) => d.code === 'TL003')?.severity, 2, codes(alone));
  });

  it('compares a DeepSpeed config opened alone with the closed TrainingArguments YAML that points to it, and names that file', async () => {
    const uri = await session.open(join(folder, 'ds_hf.json'));
    const diagnostics = await session.pushedFor(uri);
    const mismatch = diagnostics.find((d) => /train_micro_batch_size_per_gpu = 4 here/.test(d.message));
    assert.ok(mismatch, codes(diagnostics));
    assert.equal(mismatch.severity, 1);
    assert.match(mismatch.message, /in train\/sft\.yaml gives per_device_train_batch_size = 2/);
  });

  it('skips node_modules when it scans the folder', async () => {
    const uri = await session.open(join(folder, 'ds_vendored.json'));
    const diagnostics = await session.pushedFor(uri);
    assert.ok(!diagnostics.some((d) => d.code === 'TL101'), codes(diagnostics));
    assert.equal(diagnostics.find((d) => d.code === 'TL003')?.severity, 2);
  });
});

describe('the workspace scan', () => {
  it('reads only small .json/.yaml/.yml/.sh files outside node_modules, .git, dist and out, up to its entry limit', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'trainlint-scan-'));
    try {
      const link = (target: string) => `deepspeed: ${target}\n`;
      for (const dir of ['.git', 'dist', 'out', 'node_modules', 'ok']) mkdirSync(join(folder, dir));
      for (const dir of ['.git', 'dist', 'out', 'node_modules']) writeFileSync(join(folder, dir, 'train.yaml'), link(`../${dir}.json`));
      writeFileSync(join(folder, 'ok/train.yaml'), link('../ok.json'));
      writeFileSync(join(folder, 'ok/train.txt'), link('../txt.json'));
      writeFileSync(join(folder, 'ok/big.yaml'), link('../big.json') + '#'.repeat(SCAN_LIMITS.maxFileBytes));
      const read: string[] = [];
      const scanner = new WorkspaceLinks({
        folderOf: () => folder,
        isOpen: () => false,
        linksOf: async (path, text) => {
          read.push(path);
          const target = /deepspeed: (\S+)/.exec(text)![1];
          return [{ target, range: { start: 0, end: 0 }, kind: 'deepspeed-config', context: { consumer: 'hf-trainer' } }];
        },
      });
      await scanner.ready(join(folder, 'ok.json'));
      assert.deepEqual(read, [join(folder, 'ok/train.yaml')]);
      assert.equal(scanner.contextFor(join(folder, 'ok.json'))?.linker, join(folder, 'ok/train.yaml'));
      for (const other of ['.git', 'dist', 'out', 'node_modules', 'txt', 'big']) assert.equal(scanner.contextFor(join(folder, `${other}.json`)), undefined, other);

      const limit = SCAN_LIMITS.maxEntries;
      SCAN_LIMITS.maxEntries = 2;
      try {
        read.length = 0;
        scanner.invalidate();
        await scanner.ready(join(folder, 'ok.json'));
        assert.deepEqual(read, [], 'the five folders at the top count first');
      } finally {
        SCAN_LIMITS.maxEntries = limit;
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
