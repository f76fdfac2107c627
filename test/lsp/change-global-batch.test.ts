import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES, LspSession, uriOf, vscodeLikeCapabilities } from './lsp-session';

const TRAIN = join(FIXTURES, 'linked/train.yaml');
const DS = join(FIXTURES, 'linked/ds_zero2.json');

async function run(session: LspSession, uri: string, globalBatch: number, learningRate: string) {
  return session.request<{ applied: boolean; message: string }>('workspace/executeCommand', {
    command: 'trainlint.server.changeGlobalBatchSize',
    arguments: [{ uri, version: session.version(uri), globalBatch, learningRate }],
  });
}

describe('change the global batch size', () => {
  it('rescales batch fields, learning rate and step counts in the file and the DeepSpeed config it links to', async () => {
    const session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: true }), configuration: () => ({ cluster: { nodes: 1, gpusPerNode: 8 } }) });
    try {
      assert.deepEqual((session.initializeResult.capabilities.executeCommandProvider as { commands: string[] }).commands, ['trainlint.server.changeGlobalBatchSize', 'trainlint.server.setProjectModel']);
      const train = await session.open(TRAIN);
      const refused = await run(session, train, 100, 'auto');
      assert.deepEqual(refused, { applied: false, message: '100 is not a multiple of the data-parallel size 8' });

      const result = await run(session, train, 512, 'auto');
      assert.equal(result.applied, true, result.message);
      // 256 = 4 x 8 x 8 becomes 512 = 4 x 16 x 8; AdamW (the default optim) scales by sqrt(2); steps halve.
      const lr = '1.414e-4';
      assert.equal(
        session.text(train),
        readFileSync(TRAIN, 'utf8')
          .replace('gradient_accumulation_steps: 8', 'gradient_accumulation_steps: 16')
          .replace('learning_rate: 1.0e-4', `learning_rate: ${lr}`)
          .replace('warmup_steps: 100', 'warmup_steps: 50')
          .replace('max_steps: 1000', 'max_steps: 500'),
      );
      const ds = uriOf(DS);
      assert.equal(session.text(ds), readFileSync(DS, 'utf8').replace('"train_batch_size": 256', '"train_batch_size": 512').replace('"gradient_accumulation_steps": 8', '"gradient_accumulation_steps": 16'));
      assert.match(result.message, /global batch 256 → 512 = 4 × 16 × 8/);

      const stale = await session.request<{ applied: boolean }>('workspace/executeCommand', {
        command: 'trainlint.server.changeGlobalBatchSize',
        arguments: [{ uri: train, version: session.version(train) - 1, globalBatch: 1024, learningRate: 'keep' }],
      });
      assert.equal(stale.applied, false, 'a request for an older version is refused');
    } finally {
      await session.stop();
    }
  });

  it('on a Megatron launch script edits the variables and flags in place (no prose), and the script stays valid bash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainlint-lsp-rescale-'));
    const path = join(dir, 'pretrain.sh');
    const script = [
      '#!/bin/bash',
      'GPUS_PER_NODE=8',
      'GLOBAL_BATCH=512',
      'torchrun --nproc_per_node $GPUS_PER_NODE --nnodes 2 pretrain_gpt.py --tensor-model-parallel-size 4 --pipeline-model-parallel-size 2 \\',
      '  --num-layers 32 --hidden-size 4096 --num-attention-heads 32 --seq-length 4096 --max-position-embeddings 4096 \\',
      '  --micro-batch-size 2 --global-batch-size $GLOBAL_BATCH --train-iters 100000 --lr 3.0e-4 --min-lr 3.0e-5 --lr-warmup-iters 2000 --bf16',
      '',
    ].join('\n');
    writeFileSync(path, script);
    const session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: true }), folders: [dir] });
    try {
      const uri = await session.open(path, script, 'shellscript');
      const result = await run(session, uri, 1024, 'auto');
      assert.equal(result.applied, true, result.message);
      const after = session.text(uri);
      assert.equal(after, script.replace('GLOBAL_BATCH=512', 'GLOBAL_BATCH=1024').replace('--train-iters 100000', '--train-iters 50000')
        .replace('--lr 3.0e-4', '--lr 4.243e-4').replace('--min-lr 3.0e-5', '--min-lr 4.243e-5').replace('--lr-warmup-iters 2000', '--lr-warmup-iters 1000'));
      writeFileSync(path, after);
      assert.equal(spawnSync('bash', ['-n', path]).status, 0);
    } finally {
      await session.stop();
    }
  });
});
