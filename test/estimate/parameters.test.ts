import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { GPT3_PAPER_MODELS, MODEL_ARCHITECTURES } from '../../server/src/core/catalog/model-architectures';
import { findModel } from '../../server/src/core/catalog/find-model';
import { countParameters } from '../../server/src/core/estimate/parameters';
import type { TrainingPlan } from '../../server/src/core/estimate/plan';

function countFor(id: string, extra: Partial<TrainingPlan> = {}) {
  const entry = findModel(id);
  assert.ok(entry, `${id} in catalog`);
  return countParameters({ model: { ...entry.architecture }, ...extra });
}

test('the closed form reproduces every exact count the catalog README lists', () => {
  const exact = MODEL_ARCHITECTURES.filter((m) => m.exactParams);
  assert.ok(exact.length >= 13, `expected the README's exact list, got ${exact.length}`);
  for (const m of exact) assert.equal(countFor(m.id).total, m.exactParams!.total, m.id);
});

test('GPT-2 small counts 124,439,808 without the attention-mask buffers', () => {
  assert.equal(countFor('openai-community/gpt2').total, 124_439_808);
});

test('every catalog model agrees with the catalog derivation (total and MoE active)', () => {
  for (const m of [...MODEL_ARCHITECTURES, ...GPT3_PAPER_MODELS]) {
    if (!m.derivedParams) continue;
    const counts = countFor(m.id);
    assert.equal(counts.total, m.derivedParams.total, `${m.id} total`);
    if (m.derivedParams.active !== undefined) assert.equal(counts.active, m.derivedParams.active, `${m.id} active`);
  }
});

test('published vendor totals within 5% where a number is stated', () => {
  const far: string[] = [];
  for (const m of [...MODEL_ARCHITECTURES, ...GPT3_PAPER_MODELS]) {
    const published = m.published?.total;
    if (published === undefined) continue;
    const total = countFor(m.id).total;
    if (Math.abs(total / published - 1) > 0.05) far.push(`${m.id}: ${total} vs ${published}`);
  }
  // Explained in models.json: Gemma 3 published totals include the 417M vision tower of the multimodal checkpoint.
  assert.deepEqual(far.filter((f) => !/gemma-3-4b/.test(f)), []);
});

test('pipeline stages: embedding on the first stage, head and final norm on the last, tied copy on the last', () => {
  const untied = countFor('meta-llama/Llama-3.1-8B', { parallel: { pp: 4, tp: 2 } });
  assert.equal(untied.perStage.length, 4);
  assert.equal(untied.perStage.reduce((s, x) => s + x.total, 0), untied.total);
  assert.equal(untied.perStage[0].embeddingParams, 128256 * 4096);
  assert.equal(untied.perStage[3].headParams, 128256 * 4096 + 4096);
  assert.equal(untied.perGpu.firstStage, untied.perStage[0].total / 2);
  const tied = countFor('meta-llama/Llama-3.2-1B', { parallel: { pp: 2 } });
  assert.equal(tied.perStage[1].embeddingParams, 128256 * 2048);
  assert.equal(tied.perStage.reduce((s, x) => s + x.total, 0), tied.total + 128256 * 2048);
});

test('LoRA trainable parameters: r x (d_in + d_out) per adapted matrix', () => {
  const counts = countFor('meta-llama/Llama-2-7b-hf', { adapter: { type: 'lora', rank: 8, targetModules: ['q_proj', 'v_proj'] } });
  // PEFT prints 4,194,304 trainable parameters for r=8 q,v on Llama-2-7B: 32 layers x 2 x 8 x (4096 + 4096).
  assert.equal(counts.trainable, 4_194_304);
  const all = countFor('meta-llama/Llama-2-7b-hf', { adapter: { type: 'lora', rank: 16, targetModules: ['all-linear'] } });
  assert.equal(all.trainable, 32 * 16 * (4 * 8192 + 3 * (4096 + 11008)));
});

test('a layer count of 1e308 read from a file is counted, not looped over', () => {
  // In a child process with a time limit: a synchronous loop cannot be interrupted by the test runner's own timeout.
  const script = `const { countParameters } = require(${JSON.stringify(require.resolve('../../server/src/core/estimate/parameters'))});
    const c = countParameters({ model: { layers: 1e308, hiddenSize: 2048, heads: 32, vocabSize: 32000 }, parallel: { pp: 1 } });
    console.log(c.perStage.length, c.total);`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(run.signal, null, 'returned within 10 s');
  assert.equal(run.stdout.trim(), '1 Infinity');
});

test('a pipeline of more stages than layers is a conflict, not a million stages laid out', () => {
  const llama7b = { layers: 32, hiddenSize: 4096, heads: 32, vocabSize: 32000 };
  const counts = countParameters({ model: llama7b, parallel: { pp: 1e6 } });
  assert.equal(counts.available, false);
  assert.deepEqual(counts.perStage, []);
  assert.deepEqual(counts.missing, ['a pipeline of at most as many stages as layers (pp 1000000, 32 layers)']);
  assert.equal(countParameters({ model: llama7b, parallel: { pp: 32 } }).perStage.length, 32);
});
