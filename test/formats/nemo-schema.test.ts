import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/core/index';
import { NO_SHARED, readFixture, sharedDir } from '../helpers';

// schemas/nemo.schema.json, generated from ../shared/reference/keys/nemo.json (NVIDIA/NeMo megatron_gpt_config.yaml).

test('NeMo: a misspelt model/trainer/exp_manager key is unknown-key (warning) with "did you mean"', () => {
  const text = readFixture('nemo', 'nemo-typo.yaml');
  const a = analyze(text, { path: 'nemo-typo.yaml', settings: {} });
  assert.equal(a.format, 'nemo');
  const unknown = a.diagnostics.filter((d) => d.rule === 'unknown-key');
  const at = (key: string) => unknown.find((d) => text.slice(d.range.start, d.range.end) === key);
  for (const [key, meant] of [['micro_batch_sze', 'micro_batch_size'], ['max_step', 'max_steps'], ['resume_if_exist', 'resume_if_exists']]) {
    const d = at(key);
    assert.ok(d, key);
    assert.equal(d.severity, 'warning');
    assert.match(d.message, new RegExp(`Did you mean "${meant}"`));
    // trainer.* goes to Lightning's Trainer(**cfg.trainer), which raises TypeError on a keyword it lacks (2.x);
    // exp_manager.* is merged into the ExpManagerConfig dataclass, which raises ConfigKeyError; model.* keys nothing reads are ignored.
    assert.match(d.message, key === 'max_step' ? /raises TypeError/ : key === 'resume_if_exist' ? /raises ConfigKeyError/ : /NeMo ignores it silently/);
    assert.ok(d.fixes?.some((f) => f.safe && f.title === `Rename to "${meant}"`), key);
  }
  // model.optim takes the optimizer's keyword arguments: not closed.
  assert.equal(at('foo_bar'), undefined);
  assert.equal(unknown.length, 3);
  // ${...} interpolations and exponent floats are no type errors.
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
});

test("NeMo: NeMo-Aligner's algorithm sections under trainer (trainer.sft, trainer.rm) are known; a key Lightning 2.x lacks is a warning naming the TypeError", () => {
  const text = 'trainer:\n  devices: 8\n  num_nodes: 1\n  resume_from_checkpoint: null\n  rm:\n    max_epochs: 1\nmodel:\n  micro_batch_size: 1\n  global_batch_size: 8\n';
  const a = analyze(text, { path: 'training_rm.yaml', settings: {} });
  assert.equal(a.format, 'nemo');
  const unknown = a.diagnostics.filter((d) => d.rule === 'unknown-key');
  assert.deepEqual(unknown.map((d) => [text.slice(d.range.start, d.range.end), d.severity]), [['resume_from_checkpoint', 'warning']]);
  assert.match(unknown[0].message, /Lightning's Trainer\(\*\*cfg\.trainer\) has no such argument in 2\.x and raises TypeError/);
});

test("NeMo: keys that the model class reads from cfg.model (SFT's answer_only_loss, PEFT's peft) are one info note; a near-miss stays a warning", () => {
  const text = 'trainer:\n  devices: 8\n  num_nodes: 1\nmodel:\n  encoder_seq_length: 2048\n  micro_batch_size: 1\n  global_batch_size: 8\n  answer_only_loss: true\n  peft:\n    peft_scheme: lora\n  mm_cfg:\n    vision_encoder: clip\n  tensor_model_paralel_size: 1\n';
  const a = analyze(text, { path: 'sft.yaml', settings: {} });
  assert.equal(a.format, 'nemo');
  const unknown = a.diagnostics.filter((d) => d.rule === 'unknown-key');
  assert.deepEqual(unknown.map((d) => [d.severity, text.slice(d.range.start, d.range.end)]), [['info', 'answer_only_loss'], ['warning', 'tensor_model_paralel_size']]);
  assert.match(unknown[0].message, /answer_only_loss, peft, mm_cfg/);
});

test('NeMo: keys of the Megatron Core config, copied from model.* by build_transformer_config, are known', () => {
  const text = 'trainer:\n  devices: 8\n  num_nodes: 1\nmodel:\n  encoder_seq_length: 2048\n  micro_batch_size: 1\n  global_batch_size: 8\n  deterministic_mode: false\n  cross_entropy_loss_fusion: true\n  fp8_wgrad: true\n  context_parallel_size: 1\n';
  const a = analyze(text, { path: 'c.yaml', settings: {} });
  assert.equal(a.format, 'nemo');
  assert.deepEqual(a.diagnostics.filter((d) => d.rule === 'unknown-key').map((d) => d.message), []);
});

test('NeMo: the corpus files are clean of errors and unknown keys', { skip: sharedDir() ? false : NO_SHARED }, () => {
  const dir = join(sharedDir()!, 'corpus', 'nemo');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 4);
  for (const file of files) {
    const a = analyze(readFileSync(join(dir, file), 'utf8'), { path: file, settings: { cluster: { worldSize: 8 } } });
    assert.equal(a.format, 'nemo', file);
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error' || d.rule === 'unknown-key' || d.rule === 'invalid-value').map((d) => `${file}: ${d.rule} ${d.message}`), []);
  }
});

test('NeMo: values the facts type are checked, but ${...} interpolations and ??? are not type errors', () => {
  const base = 'trainer:\n  devices: 8\n  num_nodes: 1\n  precision: PREC\nmodel:\n  encoder_seq_length: 2048\n  micro_batch_size: MBS\n  global_batch_size: 64\n  tensor_model_parallel_size: ${oc.env:TP,1}\n  activations_checkpoint_granularity: GRAN\n';
  const run = (prec: string, mbs: string, gran: string) => analyze(base.replace('PREC', prec).replace('MBS', mbs).replace('GRAN', gran), { path: 'c.yaml', settings: {} });
  const invalid = (a: ReturnType<typeof analyze>) => a.diagnostics.filter((d) => d.rule === 'invalid-value').map((d) => d.message);
  assert.deepEqual(invalid(run('bf16-mixed', '${multiply:1,2}', 'selective')), []);
  assert.deepEqual(invalid(run('16', '???', 'null')), []);
  const bad = invalid(run('bf16-true', '2', 'ful'));
  assert.equal(bad.length, 2, JSON.stringify(bad));
  assert.ok(bad.some((m) => /^trainer\.precision must be one of/.test(m)));
  assert.ok(bad.some((m) => /^model\.activations_checkpoint_granularity must be one of/.test(m)));
});

test('NeMo: a model other than MegatronGPTModel (an ASR config) keeps its model section open; trainer.* is still checked', () => {
  const text = 'trainer:\n  devices: 1\n  max_epoch: 10\nmodel:\n  sample_rate: 16000\n  preprocessor:\n    _target_: nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor\n  encoder:\n    feat_in: 80\n';
  const a = analyze(text, { path: 'asr.yaml', settings: {} });
  assert.equal(a.format, 'nemo');
  const unknown = a.diagnostics.filter((d) => d.rule === 'unknown-key');
  assert.deepEqual(unknown.map((d) => text.slice(d.range.start, d.range.end)), ['max_epoch']);
});

test('NeMo: a model other than MegatronGPTModel takes every precision Lightning takes; inference configs are no training config', () => {
  const speech = analyze('trainer:\n  devices: 8\n  precision: bf16-true\nmodel:\n  pretrained_llm: Qwen/Qwen2.5-7B\n', { path: 'salm.yaml', settings: {} });
  assert.equal(speech.format, 'nemo');
  assert.deepEqual(speech.diagnostics.filter((d) => d.rule === 'invalid-value'), []);
  assert.equal(analyze('trainer:\n  devices: 8\n  precision: bf16-truee\nmodel:\n  pretrained_llm: x\n', { path: 'salm.yaml', settings: {} }).diagnostics.filter((d) => d.rule === 'invalid-value').length, 1);
  const inference = analyze('trainer:\n  devices: 1\n  precision: 16\ntensor_model_parallel_size: -1\npipeline_model_parallel_size: -1\ngpt_model_file: null\ninference:\n  greedy: false\n', { path: 'megatron_gpt_inference.yaml', settings: {} });
  assert.equal(inference.format, 'unknown');
  assert.deepEqual(inference.diagnostics, []);
});
