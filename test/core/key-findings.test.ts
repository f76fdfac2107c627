import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/index';
import { readFixture } from '../helpers';

/** The diagnostics of a file that must be read as `format` (a test on an undetected file would pass vacuously). */
function diagnostics(text: string, path: string, format = path.endsWith('.json') ? 'deepspeed' : undefined) {
  const analysis = analyze(text, { path });
  if (format) assert.equal(analysis.format, format, text);
  return analysis.diagnostics;
}

test('comment keys are left alone where unknown keys are ignored, and never renamed', () => {
  const ds = '{\n  "_comment": "supported models: see the tutorial",\n  "train_micro_batch_size_per_gpu": 1,\n  "gradient_accumulation_steps": 4,\n  "zero_optimization": { "stage": 2 }\n}\n';
  assert.deepEqual(diagnostics(ds, 'ds.json').map((d) => d.rule), [], 'DeepSpeed ignores unknown top-level keys');
  // Inside a pydantic section DeepSpeed rejects it: reported, but no "did you mean".
  const inSection = '{\n  "train_micro_batch_size_per_gpu": 1,\n  "gradient_accumulation_steps": 4,\n  "zero_optimization": { "stage": 2, "_comment": "tuned" }\n}\n';
  const reported = diagnostics(inSection, 'ds.json').filter((d) => d.rule === 'unknown-key');
  assert.equal(reported.length, 1);
  assert.deepEqual(reported[0].fixes, []);
});

test('a typo rename is safe only when the value has the kind the right key takes', () => {
  // zero_optimisation -> zero_optimization takes an object: a string there would stop DeepSpeed, so it is not safe.
  const wrongKind = diagnostics('{\n  "train_micro_batch_size_per_gpu": 1,\n  "gradient_accumulation_steps": 4,\n  "bf16": { "enabled": true },\n  "zero_optimisation": "stage 3"\n}\n', 'ds.json').find((d) => d.rule === 'unknown-key');
  assert.deepEqual(wrongKind?.fixes.map((f) => [f.title, f.safe]), [['Rename to "zero_optimization"', false]]);
  const rightKind = diagnostics('{\n  "train_micro_batch_size_per_gpu": 1,\n  "gradient_accumulation_steps": 4,\n  "bf16": { "enabled": true },\n  "zero_optimisation": { "stage": 3 }\n}\n', 'ds.json').find((d) => d.rule === 'unknown-key');
  assert.deepEqual(rightKind?.fixes.map((f) => [f.title, f.safe]), [['Rename to "zero_optimization"', true]]);
});

test('deprecated keys: the rename is offered only where the value carries over, and never as a safe fix', () => {
  const hf = diagnostics('output_dir: out\nper_device_train_batch_size: 8\nevaluation_strategy: steps\n', 'train.yaml', 'hf-trainer').find((d) => d.rule === 'deprecated-key');
  assert.deepEqual(hf?.fixes.map((f) => [f.title, f.safe]), [['Rename to "eval_strategy"', false]]);
  // rampup_batch_size (start, increment, samples) is not a step_batch_size_schedule: no rename offered.
  const megatron = '# trainlint: format=megatron\nglobal_batch_size: 1024\nmicro_batch_size: 1\nrampup_batch_size: [32, 32, 65324160]\n';
  const rampup = diagnostics(megatron, 'gpt.yaml', 'megatron').find((d) => d.rule === 'deprecated-key');
  assert.ok(rampup, 'rampup_batch_size is reported as deprecated');
  assert.deepEqual(rampup.fixes, []);
});

test('axolotl: keys the loaded plugins add are one note; without plugins each is a note of its own (no near-miss: axolotl drops it)', () => {
  const yaml = (plugins: string) => `base_model: meta-llama/Llama-3.1-8B\nsequence_len: 4096\nmicro_batch_size: 1\ngradient_accumulation_steps: 4\n${plugins}liger_rope: true\nliger_rms_norm: true\nlearning_rate: 0.00002\ndatasets:\n  - path: tatsu-lab/alpaca\n    type: alpaca\n`;
  const withPlugin = diagnostics(yaml('plugins:\n  - axolotl.integrations.liger.LigerPlugin\n'), 'fft.yaml', 'axolotl').filter((d) => d.rule === 'unknown-key');
  assert.deepEqual(withPlugin.map((d) => d.severity), ['info']);
  assert.match(withPlugin[0].message, /^2 keys are not in axolotl's own config \(liger_rope, liger_rms_norm\): the plugins this file loads \(axolotl\.integrations\.liger\.LigerPlugin\)/);
  const without = diagnostics(yaml(''), 'fft.yaml', 'axolotl').filter((d) => d.rule === 'unknown-key');
  assert.deepEqual(without.map((d) => [d.severity, /axolotl ignores it silently/.test(d.message)]), [['info', true], ['info', true]]);
});

test('axolotl: a key left empty (null) is neither an unknown-key nor a deprecated-key warning; with a value it still is', () => {
  const text = readFixture('rules', 'unknown-key', 'axolotl-empty-values.yml');
  const found = diagnostics(text, 'config-3b.yml', 'axolotl').filter((d) => d.rule === 'unknown-key' || d.rule === 'deprecated-key');
  assert.deepEqual(found.map((d) => [d.rule, text.slice(d.range.start, d.range.end)]), [['unknown-key', 'gptq_model_v2']]);
  const set = diagnostics(text.replace('max_packed_sequence_len:\n', 'max_packed_sequence_len: 2048\n'), 'config-3b.yml', 'axolotl');
  assert.ok(set.some((d) => d.rule === 'deprecated-key' && /max_packed_sequence_len/.test(d.message)), 'a set deprecated key is still reported');
});

test('accelerate: mixed_precision beside deepspeed_config_file is an error that says why, "no" included (launch sends it in ACCELERATE_CONFIG_DS_FIELDS)', () => {
  const config = (precision: string) => `compute_environment: LOCAL_MACHINE\ndeepspeed_config:\n  deepspeed_config_file: ds_config.json\n  zero3_init_flag: true\ndistributed_type: DEEPSPEED\nmachine_rank: 0\n${precision}num_machines: 1\nnum_processes: 4\nuse_cpu: false\n`;
  for (const value of ['fp16', 'no']) {
    const found = diagnostics(config(`mixed_precision: ${value}\n`), 'accelerate_config.yaml', 'accelerate').filter((d) => d.rule === 'invalid-value');
    assert.deepEqual(found.map((d) => d.severity), ['error'], value);
    assert.match(found[0].message, /ACCELERATE_CONFIG_DS_FIELDS.*When using `deepspeed_config_file`/);
  }
  assert.deepEqual(diagnostics(config(''), 'accelerate_config.yaml', 'accelerate').filter((d) => d.rule === 'invalid-value'), []);
});
