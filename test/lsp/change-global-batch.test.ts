import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
      const lr = Number((1e-4 * Math.sqrt(2)).toPrecision(4));
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
});
