import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/index';
import type { ShellParser } from '../../server/src/core/shell/syntax';
import type { Settings } from '../../server/src/core/settings';
import { loadShellParser } from '../../server/src/node/shell-parser';

/**
 * Warnings that public repositories showed to be noise (bench/wild), each with the smallest authored file that shows
 * it: what the program does with the text decides whether it is a warning, a note or nothing.
 */

let shellParser: ShellParser | undefined;
before(async () => {
  shellParser = await loadShellParser();
});

const findings = (text: string, path: string, rule: string, settings: Settings = {}) =>
  analyze(text, { path, settings, shellParser }).diagnostics.filter((d) => d.rule === rule).map((d) => `${d.severity} ${text.slice(d.range.start, d.range.end)}`);

test('duplicate-key: the same value twice loses nothing (a note); a different value is a warning', () => {
  const same = 'output_dir: out\nper_device_train_batch_size: 4\ngradient_checkpointing: true\nlearning_rate: 2.0e-5\ngradient_checkpointing: true\n';
  assert.deepEqual(findings(same, 'dpo.yaml', 'duplicate-key'), ['info gradient_checkpointing']);
  const different = same.replace(/true\n$/, 'false\n');
  assert.deepEqual(findings(different, 'dpo.yaml', 'duplicate-key'), ['warning gradient_checkpointing']);
});

test('duplicate-key: a flag given True and then true sets the same boolean (string_to_bool is case-insensitive)', () => {
  const script = 'python train.py --output_dir out --per_device_train_batch_size 4 --bf16 True --learning_rate 2e-5 --bf16 true\n';
  assert.deepEqual(findings(script, 'run.sh', 'duplicate-key'), []);
  assert.deepEqual(findings(script.replace('--bf16 true', '--bf16 False'), 'run.sh', 'duplicate-key'), ['warning bf16']);
});

test('packing-without-masking: a program switch that picks FlashAttention (--use_flash_attn True) counts as the attention kernel', () => {
  const script = 'python train.py --output_dir out --per_device_train_batch_size 4 --packing True --learning_rate 2e-5 --use_flash_attn True\n';
  assert.deepEqual(findings(script, 'run_peft.sh', 'packing-without-masking'), []);
  assert.deepEqual(findings(script.replace(' --use_flash_attn True', ''), 'run_peft.sh', 'packing-without-masking'), ['warning packing']);
});

test('yaml-float-as-string: axolotl validates with pydantic, which makes "1e-3" a float for a float field; a dict[str, Any] value stays a string', () => {
  const base = 'base_model: NousResearch/Llama-3.2-1B\ndatasets:\n  - path: tatsu-lab/alpaca\n    type: alpaca\nmicro_batch_size: 2\nsample_packing: false\n';
  assert.deepEqual(findings(`${base}weight_decay: 1e-2\n`, 'sft.yml', 'yaml-float-as-string'), []);
  assert.deepEqual(findings(`${base}lr_scheduler_kwargs:\n  eta_min: 7e-7\n`, 'sft.yml', 'yaml-float-as-string'), ['warning 7e-7']);
});

test("unknown-key: a Megatron program other than a pretrain_*.py entry point decides its flags, even a near-miss of the core's (one note)", () => {
  const script = 'deepspeed tools/generate_samples_gpt.py --tensor-model-parallel-size 1 --num-layers 24 --hidden-size 1024 --num-attention-heads 16 --micro-batch-size 2 --seq-length 1024 --max-position-embeddings 1024 --top_p 0.9 --genfile out.json\n';
  assert.deepEqual(findings(script, 'generate_text.sh', 'unknown-key'), ['info top_p']);
});

test('format: Megatron-LM names flat at the top level are not a Megatron-LM YAML (its --yaml-cfg needs model_parallel and language_model)', () => {
  const text = 'checkpoint_folder: null\ncheckpoint_name: latest\ntensor_model_parallel_size: 1\npipeline_model_parallel_size: 1\n';
  const a = analyze(text, { path: 'checkpoint_search.yaml', settings: {} });
  assert.equal(a.format, 'unknown');
  assert.deepEqual(a.diagnostics, []);
});

const MEGATRON = (layers: number, extra = '') =>
  `torchrun --nproc_per_node 8 pretrain_gpt.py --tensor-model-parallel-size 1 --pipeline-model-parallel-size 4 --num-layers ${layers} --hidden-size 1024 --num-attention-heads 16 --micro-batch-size 1 --global-batch-size 16 --seq-length 1024 --max-position-embeddings 1024 --train-iters 5000 --lr 1e-4 --lr-warmup-iters 50${extra}\n`;

test('pipeline-bubble: not reported where the layout stops the run first (30 layers on 4 stages), nor for an --eval-only run', () => {
  assert.deepEqual(findings(MEGATRON(32), 'train.sh', 'pipeline-bubble').map((f) => f.split(' ')[0]), ['warning']);
  assert.deepEqual(findings(MEGATRON(30), 'train.sh', 'pipeline-bubble'), []);
  assert.deepEqual(findings(MEGATRON(32, ' --eval-only True'), 'train.sh', 'pipeline-bubble'), []);
});

test('unknown-key: flags of a program run from a checkout the script cds to but TrainLint cannot see are that checkout\'s (one note)', () => {
  const flags = findings(MEGATRON(32, ' --mup'), 'train.sh', 'unknown-key');
  assert.deepEqual(flags, ['warning mup']);
  assert.deepEqual(findings(`cd $WORK/code/Megatron-LM\n${MEGATRON(32, ' --mup')}`, 'train.sh', 'unknown-key'), ['info mup']);
});

test('lr-decay-horizon-mismatch: a NeMo config without trainer.max_steps gives no run length (Lightning\'s -1 lets max_epochs end it)', () => {
  const nemo = (trainer: string) => `trainer:\n  devices: 8\n${trainer}model:\n  optim:\n    name: adamw\n    lr: 2.0e-4\n    sched:\n      name: CosineAnnealing\n      max_steps: 10000\n      min_lr: 1.0e-5\n`;
  assert.deepEqual(findings(nemo('  max_epochs: -1\n'), 'vits.yaml', 'lr-decay-horizon-mismatch'), []);
  // With trainer.max_steps, ModelPT.setup_optimization overwrites sched.max_steps with it (NeMo modelPT.py:713-714).
  assert.deepEqual(findings(nemo('  max_steps: 100000\n'), 'vits.yaml', 'lr-decay-horizon-mismatch'), []);
});

test('deprecated-key: in a file whose program may define its own fields, a removed TrainingArguments name is a note (ms-swift handles warmup_ratio itself)', () => {
  const file = 'output_dir: out\nper_device_train_batch_size: 4\nevaluation_strategy: steps\n';
  const unpinned = analyze(file, { path: 'train.yaml', settings: {} }).diagnostics.filter((d) => d.rule === 'deprecated-key');
  assert.deepEqual(unpinned.map((d) => d.severity), ['info']);
  assert.match(unpinned[0].message, /which version runs is not known .*Releases before the removal take the old name\./);
  // Even where the pinned range reaches the removal, the rename is offered and the finding stays a note.
  const pinned = analyze(file, { path: 'train.yaml', settings: { versions: { transformers: '>=4.45' } } }).diagnostics.filter((d) => d.rule === 'deprecated-key');
  assert.deepEqual(pinned.map((d) => [d.severity, d.fixes.map((f) => f.title)]), [['info', ['Rename to "eval_strategy"']]]);
});

test('duplicate-key: a flag given twice in an evaluation run is a note (the checkpoint gives the model\'s arguments)', () => {
  const script = (program: string) => `python ${program} --num-layers 24 --hidden-size 1024 --num-attention-heads 16 --seq-length -1 --max-position-embeddings 2048 --micro-batch-size 4 --tensor-model-parallel-size 1 --pipeline-model-parallel-size 1 --seq-length 2048\n`;
  assert.deepEqual(findings(script('tasks/eval_harness/evaluate.py'), 'eval.sh', 'duplicate-key'), ['info seq-length']);
  assert.deepEqual(findings(script('pretrain_gpt.py'), 'train.sh', 'duplicate-key'), ['warning seq-length']);
});

test('unknown-key: several keys a DeepSpeed section ignores are one finding on the section (the legacy MoQ block)', () => {
  const moq = '{\n  "train_batch_size": 32,\n  "quantize_training": {\n    "enabled": true,\n    "quantize_bits": { "start_bits": 12, "target_bits": 8 },\n    "quantize_groups": 8,\n    "quantize_verbose": true\n  }\n}\n';
  const found = analyze(moq, { path: 'ds_config.json', settings: {}, shellParser }).diagnostics.filter((d) => d.rule === 'unknown-key');
  assert.deepEqual(found.map((d) => `${d.severity} ${moq.slice(d.range.start, d.range.end)}`), ['warning "quantize_training"']);
  assert.match(found[0].message, /4 keys in quantize_training are not read by DeepSpeed \(enabled, quantize_bits, quantize_groups, quantize_verbose\)/);
  assert.equal(found[0].related?.length, 4);
  // One ignored key with no near-miss is a note on itself: a leftover as often as a lost setting.
  const one = '{\n  "train_batch_size": 32,\n  "quantize_training": { "quantize_groups": 8 }\n}\n';
  assert.deepEqual(findings(one, 'ds_config.json', 'unknown-key'), ['info "quantize_groups"']);
  // A near-miss of a key DeepSpeed reads is a warning: the intended setting is lost.
  const typo = '{\n  "train_batch_size": 32,\n  "gradient_acumulation_steps": 2\n}\n';
  assert.deepEqual(findings(typo, 'ds_config.json', 'unknown-key'), ['warning "gradient_acumulation_steps"']);
});

test('unknown-key: Megatron flags that nvidia-modelopt adds to pretrain_gpt.py are one note, not "unrecognized arguments"', () => {
  const script = 'torchrun --nproc_per_node 8 pretrain_gpt.py --num-layers 12 --hidden-size 768 --num-attention-heads 12 --seq-length 1024 --max-position-embeddings 1024 --micro-batch-size 1 --global-batch-size 8 --enable-gpt-oss --export-force-local-attention\n';
  assert.deepEqual(findings(script, 'train.sh', 'unknown-key'), ['info enable-gpt-oss']);
  const note = analyze(script, { path: 'train.sh', settings: {}, shellParser }).diagnostics.find((d) => d.rule === 'unknown-key');
  assert.match(note?.message ?? '', /2 flags come from nvidia-modelopt's post-training arguments .*\(--enable-gpt-oss, --export-force-local-attention\)/);
});

test('unknown-key: keys a section rejects one by one (NeMo trainer: Lightning raises TypeError) are not grouped as "ignored"', () => {
  const nemo = 'trainer:\n  devices: 8\n  num_nodes: 1\n  max_steps: 1000\n  replace_sampler_ddp: false\n  resume_from_checkpoint: null\n  amp_backend: native\nmodel:\n  micro_batch_size: 1\n  global_batch_size: 8\n  tensor_model_parallel_size: 1\n  pipeline_model_parallel_size: 1\n  encoder_seq_length: 2048\n  num_layers: 2\n  hidden_size: 256\n  num_attention_heads: 4\nexp_manager:\n  explicit_log_dir: null\n';
  const found = analyze(nemo, { path: 'megatron_gpt_config.yaml', settings: {}, shellParser }).diagnostics.filter((d) => d.rule === 'unknown-key');
  assert.ok(found.length >= 2, JSON.stringify(found.map((d) => d.message)));
  assert.ok(found.every((d) => !/ignores them silently/.test(d.message) && /TypeError/.test(d.message)), JSON.stringify(found.map((d) => d.message)));
});
