import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, type Settings } from '../../server/src/core/index';
import { readFixture } from '../helpers';

function yaml(text: string, settings: Settings = {}, path = 'config.yaml') {
  return analyze(text, { path, settings });
}

const MEGATRON_YAML = [
  'language_model:',
  '  num_layers: 24',
  '  hidden_size: 1024',
  '  num_attention_heads: 16',
  'model_parallel:',
  '  tensor_model_parallel_size: 2',
  '  pipeline_model_parallel_size: 2',
  '  sequence_parallel: True',
  'micro_batch_size: 2',
  'global_batch_size: 128',
  'seq_length: 2048',
  'max_position_embeddings: 2048',
  'train_samples: 1000000',
  'use_legacy_models: False',
  '',
].join('\n');

test('Megatron --yaml-cfg: a good file is quiet', () => {
  const a = yaml(MEGATRON_YAML, { cluster: { worldSize: 8 } });
  assert.equal(a.format, 'megatron');
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
});

test('Megatron --yaml-cfg: step_batch_size_schedule with global_batch_size is batch-schedule-conflict (TL412)', () => {
  const text = MEGATRON_YAML.replace('train_samples: 1000000', 'train_samples: 1000000\nstep_batch_size_schedule: "0:32 90B:64"');
  const d = yaml(text).diagnostics.find((x) => x.rule === 'batch-schedule-conflict');
  assert.ok(d);
  assert.equal(d.code, 'TL412');
  assert.equal(text.slice(d.range.start, d.range.end), 'global_batch_size');
  assert.match(d.message, /Cannot specify both --step-batch-size-schedule and --global-batch-size/);
});

test('Megatron --yaml-cfg: heads not divisible by TP, layers not divisible by PP, seq beyond positions', () => {
  const text = MEGATRON_YAML.replace('num_layers: 24', 'num_layers: 25').replace('num_attention_heads: 16', 'num_attention_heads: 15').replace('seq_length: 2048', 'seq_length: 4096');
  const rules = yaml(text, { cluster: { worldSize: 8 } }).diagnostics.map((d) => d.rule);
  for (const rule of ['layers-not-divisible-by-pp', 'heads-not-divisible-by-tp', 'seq-exceeds-max-positions']) assert.ok(rules.includes(rule), rule);
});

test('Megatron --yaml-cfg: world size from settings, and the batch identity with DP = world / (TP x PP)', () => {
  const bad = yaml(MEGATRON_YAML, { cluster: { worldSize: 6 } }).diagnostics.map((d) => d.rule);
  assert.ok(bad.includes('world-size-not-divisible'));
  const mismatch = yaml(MEGATRON_YAML.replace('global_batch_size: 128', 'global_batch_size: 130'), { cluster: { worldSize: 8 } }).diagnostics.map((d) => d.rule);
  assert.ok(mismatch.includes('batch-size-mismatch'), '130 is not a multiple of micro 2 x DP 2');
});

test('Megatron --yaml-cfg: iteration- and sample-based options mixed (TL411)', () => {
  const text = MEGATRON_YAML.replace('train_samples: 1000000', 'train_iters: 1000\nlr_decay_samples: 5000');
  assert.ok(yaml(text).diagnostics.some((d) => d.rule === 'iterations-and-samples'));
});

const NEMO = [
  'trainer:',
  '  devices: 8',
  '  num_nodes: 2',
  '  precision: bf16',
  'model:',
  '  micro_batch_size: 1',
  '  global_batch_size: 64',
  '  tensor_model_parallel_size: 4',
  '  pipeline_model_parallel_size: 2',
  '  virtual_pipeline_model_parallel_size: null',
  '  encoder_seq_length: 4096',
  '  max_position_embeddings: ${.encoder_seq_length}',
  '  num_layers: 32',
  '  hidden_size: 4096',
  '  num_attention_heads: 32',
  '',
].join('\n');

test('NeMo: trainer.devices x trainer.num_nodes is the world size, even against --gpus', () => {
  const a = yaml(NEMO, { cluster: { worldSize: 8 } });
  assert.equal(a.format, 'nemo');
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
});

test('NeMo: the world size does not hold TP x PP, and a Hydra interpolation is followed', () => {
  const bad = NEMO.replace('devices: 8', 'devices: 3');
  assert.ok(yaml(bad).diagnostics.some((d) => d.rule === 'world-size-not-divisible'));
  const longer = NEMO.replace('max_position_embeddings: ${.encoder_seq_length}', 'max_position_embeddings: ${model.max_len}\n  max_len: 2048');
  const d = yaml(longer).diagnostics.find((x) => x.rule === 'seq-exceeds-max-positions');
  assert.ok(d, 'max_position_embeddings resolves through ${model.max_len} to 2048');
  assert.equal(longer.slice(d.range.start, d.range.end), '2048');
});

test('NeMo: global batch not divisible by micro x DP (DP = 16 / (4 x 2) = 2)', () => {
  const a = yaml(NEMO.replace('global_batch_size: 64', 'global_batch_size: 63'));
  assert.ok(a.diagnostics.some((d) => d.rule === 'batch-size-mismatch'));
});

test('GPT-NeoX: dashed and underscored keys are the same field (NeoXArgs.from_ymls), in detection and in the schema', () => {
  const text = '{\n  "pipe-parallel-size": 2,\n  "model-parallel-size": 1,\n  "num-layers": 24,\n  "hidden-size": 2048,\n  "num-attention-heads": 16,\n  "seq-length": 2048,\n  "train_micro_batch_size_per_gpu": 4,\n  "weight-decay": 0.01,\n  "hidden-dropout": 0.0\n}\n';
  const a = analyze(text, { path: '1-3B.yml', settings: {} });
  assert.equal(a.format, 'neox');
  assert.deepEqual(a.diagnostics.filter((d) => d.rule === 'unknown-key'), []);
  const typo = analyze(text.replace('"weight-decay"', '"weight-decy"'), { path: '1-3B.yml', settings: {} }).diagnostics.filter((d) => d.rule === 'unknown-key');
  assert.deepEqual(typo.map((d) => d.fixes[0]?.title), ['Rename to "weight_decay"'], 'one clear suggestion, not one per spelling');
});

test('NeMo is judged by what its own code path checks, not by Megatron-LM\'s validate_args', () => {
  const text = readFixture('nemo', 'megatron-only-checks.yaml');
  const a = yaml(text);
  assert.equal(a.format, 'nemo');
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.rule}: ${d.message}`), []);
  // TransformerConfig, which NeMo builds from the same keys, raises on selective recomputation with a layer count.
  const layers = yaml(text.replace('activations_checkpoint_num_layers: null', 'activations_checkpoint_num_layers: 1'));
  assert.deepEqual(layers.diagnostics.filter((d) => d.rule === 'recompute-conflict').map((d) => d.severity), ['error']);
  // megatron.core builds num_layers // pp per stage without a check: fewer layers, a warning; NeMo's legacy transformer asserts.
  const mcore = yaml(text.replace('pipeline_model_parallel_size: 1', 'pipeline_model_parallel_size: 5').replace('devices: 8', 'devices: 5'));
  assert.deepEqual(mcore.diagnostics.filter((d) => d.rule === 'layers-not-divisible-by-pp').map((d) => d.severity), ['warning']);
  const legacy = yaml(text.replace('mcore_gpt: true', 'mcore_gpt: false').replace('pipeline_model_parallel_size: 1', 'pipeline_model_parallel_size: 5').replace('devices: 8', 'devices: 5'));
  assert.deepEqual(legacy.diagnostics.filter((d) => d.rule === 'layers-not-divisible-by-pp').map((d) => d.severity), ['error']);
  // parallel_state.initialize_model_parallel, which NeMo calls, raises on a world size that does not hold TP x PP.
  const world = yaml(text.replace('tensor_model_parallel_size: 1', 'tensor_model_parallel_size: 3'));
  assert.match(world.diagnostics.find((d) => d.rule === 'world-size-not-divisible')?.message ?? '', /initialize_model_parallel/);
});
