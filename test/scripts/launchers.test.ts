import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, type FileAnalysis } from '../../server/src/core/index';
import { getChild, getPath, type ConfigNode } from '../../server/src/core/syntax/config-tree';
import { shellFactsOf } from '../../server/src/core/shell/shell-config';
import type { ShellParser } from '../../server/src/core/shell/syntax';
import { loadShellParser } from '../../server/src/node/shell-parser';
import { fixture, readFixture } from '../helpers';
import { runCheck } from '../../server/src/cli/check';

let parser: ShellParser;
before(async () => {
  const loaded = await loadShellParser();
  assert.ok(loaded);
  parser = loaded;
});

const check = (text: string, path = 'run.sh'): FileAnalysis => analyze(text, { path, shellParser: parser, settings: {} });
const arg = (a: FileAnalysis, flag: string): ConfigNode | undefined => getChild(getPath(a.tree.documents[0]?.root, 'args'), flag);
const errors = (a: FileAnalysis) => a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.rule}: ${d.message}`);

test('a job-submission wrapper (options, then `--` and the command) is not the training program: its --env/--gpus are not the program\'s flags', () => {
  const a = check(readFixture('launchers', 'wrapper-double-dash.sh'));
  const facts = shellFactsOf(a.tree)!;
  assert.equal(a.format, 'hf-trainer');
  assert.equal(facts.launch?.program?.map((p) => p.text).join(''), 'train.py');
  assert.deepEqual(facts.launch?.wrappers, ['submit.py', 'uv run']);
  assert.equal(arg(a, 'env'), undefined);
  assert.equal(arg(a, 'gpus'), undefined);
  assert.equal(arg(a, 'output_dir')?.value, '/out');
  assert.deepEqual(errors(a), []);
  assert.equal(a.diagnostics.filter((d) => d.rule === 'duplicate-key').length, 0);
});

test('a trailing "$@" ends the last flag\'s values and leaves the arguments open, never an array with an unknown element', () => {
  const a = check(readFixture('launchers', 'trailing-args.sh'));
  assert.equal(arg(a, 'label_smoothing_factor')?.kind, 'scalar');
  assert.equal(arg(a, 'label_smoothing_factor')?.value, 0.1);
  assert.equal(arg(a, 'report_to')?.value, 'none');
  assert.deepEqual(errors(a), []);
  assert.match(shellFactsOf(a.tree)?.argsOpen?.why ?? '', /\$@/);
});

test('an unquoted unknown $VAR is a flag\'s value right after the flag, and more words after a value', () => {
  const a = check('python train.py --output_dir $OUT --learning_rate 1e-5 --per_device_train_batch_size 1 --report_to none $EXTRA_ARGS\n');
  assert.equal(arg(a, 'output_dir')?.kind, 'scalar');
  assert.equal(arg(a, 'output_dir')?.value, undefined);
  assert.equal(arg(a, 'report_to')?.value, 'none');
  assert.deepEqual(errors(a), []);
  assert.match(shellFactsOf(a.tree)?.argsOpen?.why ?? '', /EXTRA_ARGS/);
  const b = check('python train.py --output_dir $OUT --learning_rate 1e-5 --per_device_train_batch_size 1\n');
  assert.equal(shellFactsOf(b.tree)?.argsOpen, undefined);
});

test('words after `--` are positional for argparse, never the program\'s flags', () => {
  const a = check('python train.py --output_dir out --learning_rate 1e-5 --per_device_train_batch_size 1 -- --bf16 yes\n');
  assert.equal(arg(a, 'bf16'), undefined);
});

test('ray job submit ... -- torchrun: the launcher after `--` decides the layout', () => {
  const a = check(readFixture('launchers', 'ray-submit.sh'));
  const facts = shellFactsOf(a.tree)!;
  assert.equal(facts.launch?.launcher, 'torchrun');
  assert.equal(facts.world.value, 8);
  assert.equal(arg(a, 'address'), undefined);
  assert.equal(arg(a, 'bf16')?.value, true);
});

test('sbatch --wrap "srun ... python train.py": the wrapped command, srun options included', () => {
  const a = check(readFixture('launchers', 'sbatch-wrap.sh'));
  const facts = shellFactsOf(a.tree)!;
  assert.equal(facts.launch?.program?.map((p) => p.text).join(''), 'train.py');
  assert.deepEqual(facts.launch?.wrappers, ['sbatch --wrap', 'srun']);
  assert.equal(arg(a, 'gpus_per_task'), undefined);
  assert.equal(arg(a, 'output_dir')?.value, 'out');
});

test('launcher options that take a value are not the program: deepspeed --autotuning run, srun --ntasks-per-gpu 1, accelerate --dynamo_use_fullgraph', () => {
  const ds = check('deepspeed --autotuning run --num_gpus 8 train.py --output_dir out --learning_rate 1e-5 --per_device_train_batch_size 1\n');
  assert.equal(shellFactsOf(ds.tree)?.launch?.program?.map((p) => p.text).join(''), 'train.py');
  const srun = check('srun --ntasks-per-gpu 1 --nodes 1 python train.py --output_dir out --learning_rate 1e-5 --per_device_train_batch_size 1\n');
  assert.equal(shellFactsOf(srun.tree)?.launch?.program?.map((p) => p.text).join(''), 'train.py');
  const acc = check('accelerate launch --dynamo_use_fullgraph train.py --output_dir out --learning_rate 1e-5 --per_device_train_batch_size 1\n');
  assert.equal(shellFactsOf(acc.tree)?.launch?.program?.map((p) => p.text).join(''), 'train.py');
});

test('accelerate config nulls: the launching command line fills them (silent); unknown launcher: a note; a command that leaves them unset: an error', () => {
  const dir = fixture('launchers', 'accelerate-null');
  const outcome = runCheck({ paths: [dir], flags: {}, fix: false, failOn: 'error', shellParser: parser });
  const config = outcome.files.find((f) => f.path.endsWith('acc.yaml'));
  assert.deepEqual(config?.analysis.diagnostics.filter((d) => d.rule === 'invalid-value').map((d) => d.message) ?? [], []);
  const text = readFixture('launchers', 'accelerate-null', 'acc.yaml');
  const alone = analyze(text, { path: 'acc.yaml', settings: {} }).diagnostics.filter((d) => d.rule === 'invalid-value');
  assert.deepEqual(alone.map((d) => d.severity), ['info', 'info']);
  assert.match(alone[0].message, /--num_machines/);
  const unset = analyze(text, { path: 'acc.yaml', settings: { launchFlags: ['mixed_precision'] } }).diagnostics.filter((d) => d.rule === 'invalid-value');
  assert.deepEqual(unset.map((d) => d.severity), ['error', 'error']);
});

test('a repository that ships its own Megatron arguments file (a fork) decides its scripts\' flags: upstream\'s choices and unknown flags are notes naming that file (a near-miss would be a warning)', () => {
  // Copied out of this checkout: the repository root is the nearest folder with .git, else the folder checked.
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-fork-'));
  cpSync(fixture('launchers', 'megatron-fork'), dir, { recursive: true });
  const outcome = runCheck({ paths: [dir], flags: {}, fix: false, failOn: 'error', shellParser: parser });
  const script = outcome.files.find((f) => f.path.endsWith('pretrain.sh'))!;
  const found = script.analysis.diagnostics.filter((d) => d.rule === 'invalid-value' || d.rule === 'unknown-key');
  assert.deepEqual(found.map((d) => [d.rule, d.severity]), [['invalid-value', 'info'], ['unknown-key', 'info']]);
  assert.ok(found.every((d) => d.message.includes('megatron/training/arguments.py')), JSON.stringify(found.map((d) => d.message)));
  const text = readFixture('launchers', 'megatron-fork', 'pretrain.sh');
  const upstream = check(text);
  assert.equal(upstream.diagnostics.find((d) => d.rule === 'invalid-value')?.severity, 'error', 'no arguments file of its own: upstream\'s schema decides');
  const same = analyze(text, { path: 'pretrain.sh', shellParser: parser, settings: { megatronArguments: { path: 'megatron/training/arguments.py', blob: '50327de464b7dfd1c30a189d83b0350d1496530a' } } });
  assert.equal(same.diagnostics.find((d) => d.rule === 'invalid-value')?.severity, 'error', 'the very file the schema was read from');
});

test('a launch script\'s program that TrainLint has not read parses its own dataclasses: a value outside TRL\'s or TrainingArguments\' choices is a note naming the program, a near-miss of one a warning', () => {
  const base = 'torchrun --nproc_per_node 8 open_instruct/dpo.py --output_dir out --learning_rate 1e-5 --per_device_train_batch_size 1';
  // open-instruct's own DPOLossType adds dpo_norm: no near-miss of a TRL choice, so the program's enum is the likelier reader.
  const trl = check(`${base} --loss_type dpo_norm\n`).diagnostics.filter((d) => d.rule === 'invalid-value');
  assert.deepEqual(trl.map((d) => d.severity), ['info']);
  assert.match(trl[0].message, /open_instruct\/dpo\.py/);
  const hf = check(`${base} --lr_scheduler_type linearr\n`).diagnostics.filter((d) => d.rule === 'invalid-value');
  // open-instruct's FlatArguments defines lr_scheduler_type itself: without the program's source nothing is certain.
  assert.deepEqual(hf.map((d) => d.severity), ['warning']);
  assert.match(hf[0].message, /open_instruct\/dpo\.py/);
});

test('recompute-conflict: --checkpoint-activations is an error where the repository\'s own arguments file keeps upstream\'s exit, a warning where that file is another', () => {
  const text = 'torchrun --nproc_per_node 8 pretrain_gpt.py --num-layers 24 --hidden-size 2048 --num-attention-heads 16 --seq-length 2048 --max-position-embeddings 2048 --micro-batch-size 1 --global-batch-size 64 --checkpoint-activations\n';
  const severity = (source: string) =>
    analyze(text, { path: 'train.sh', shellParser: parser, settings: { megatronArguments: { path: 'megatron/training/arguments.py', blob: 'f0', text: source } } }).diagnostics.find((d) => d.rule === 'recompute-conflict')?.severity;
  // As in sail-sg/zero-bubble-pipeline-parallelism's megatron/training/arguments.py:220-223.
  const kept = "    if args.checkpoint_activations:\n        print('--checkpoint-activations is no longer valid, use --recompute-activations, ...')\n        exit()\n";
  assert.equal(severity(kept), 'error');
  assert.equal(severity('def validate_args(args):\n    return args\n'), 'warning');
});
