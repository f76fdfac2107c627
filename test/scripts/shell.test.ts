import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, type FileAnalysis, type Settings } from '../../server/src/core/index';
import { getChild, getPath, type ConfigNode } from '../../server/src/core/syntax/config-tree';
import { shellFactsOf } from '../../server/src/core/shell/shell-config';
import { batchIdentities } from '../../server/src/core/hover/batch-identity';
import type { ShellParser } from '../../server/src/core/shell/syntax';
import { loadShellParser } from '../../server/src/node/shell-parser';
import { NO_SHARED, readFixture, sharedDir } from '../helpers';

let parser: ShellParser;
before(async () => {
  const loaded = await loadShellParser();
  assert.ok(loaded, 'tree-sitter-bash must load from node_modules without the network');
  parser = loaded;
});

function check(text: string, settings: Settings = {}, path = 'run.sh'): FileAnalysis {
  return analyze(text, { path, shellParser: parser, settings });
}

function arg(analysis: FileAnalysis, flag: string): ConfigNode | undefined {
  return getChild(getPath(analysis.tree.documents[0]?.root, 'args'), flag);
}

/** The text a node's value range covers. */
function at(analysis: FileAnalysis, node: ConfigNode | undefined): string {
  assert.ok(node, 'node exists');
  return analysis.text.slice(node.range.start, node.range.end);
}

function offsetOf(text: string, needle: string, from = 0): number {
  const i = text.indexOf(needle, from);
  assert.ok(i >= 0, `${needle} in the text`);
  return i;
}

test('variables defined three ways resolve, and each value points at its assignment', () => {
  const text = [
    '#!/bin/bash',
    'TP=4',
    'PP=${PP_SIZE:-2}',
    'GPT_ARGS="--num-layers 96 \\',
    '  --tensor-model-parallel-size $TP"',
    'PAR=(',
    '  --pipeline-model-parallel-size $PP   # stages',
    '  --hidden-size 4096',
    ')',
    'GBS=$(( 8 * 64 ))',
    'torchrun --nproc_per_node 8 pretrain_gpt.py $GPT_ARGS "${PAR[@]}" --global-batch-size $GBS --micro-batch-size 1 --num-attention-heads 32',
    '',
  ].join('\n');
  const a = check(text);
  assert.equal(a.format, 'megatron');
  assert.equal(a.tree.language, 'shell');
  assert.equal(arg(a, 'num-layers')?.value, 96);
  const tp = arg(a, 'tensor-model-parallel-size');
  assert.equal(tp?.value, 4);
  assert.deepEqual(tp?.range, { start: offsetOf(text, 'TP=4') + 3, end: offsetOf(text, 'TP=4') + 4 });
  const pp = arg(a, 'pipeline-model-parallel-size');
  assert.equal(pp?.value, 2);
  assert.equal(at(a, pp), '2');
  assert.equal(pp!.range.start, offsetOf(text, ':-2') + 2);
  const key = pp!.keyRange!;
  assert.equal(text.slice(key.start, key.end), 'pipeline-model-parallel-size');
  const gbs = arg(a, 'global-batch-size');
  assert.equal(gbs?.value, 512);
  assert.equal(at(a, gbs), '$(( 8 * 64 ))');
  assert.equal(arg(a, 'hidden-size')?.value, 4096);
});

test('a flag given twice: the last one wins, as in argparse, and the duplicate is reported', () => {
  const text = 'torchrun --nproc_per_node 8 pretrain_gpt.py --num-layers 24 --micro-batch-size 1 --global-batch-size 64 --micro-batch-size 2\n';
  const a = check(text);
  const micro = arg(a, 'micro-batch-size');
  assert.equal(micro?.value, 2);
  assert.equal(micro!.range.start, text.lastIndexOf('2'));
  const dup = a.diagnostics.find((d) => d.rule === 'duplicate-key');
  assert.ok(dup, 'duplicate-key reported');
  assert.equal(text.slice(dup.range.start, dup.range.end), 'micro-batch-size');
  assert.equal(dup.range.start, text.lastIndexOf('micro-batch-size'));
});

test('a switch given twice, or a flag repeated with the same value, is no duplicate; a different value is', () => {
  const text = readFixture('rules', 'duplicate-key', 'repeated-switch.sh');
  const dups = check(text).diagnostics.filter((d) => d.rule === 'duplicate-key');
  assert.deepEqual(dups.map((d) => [text.slice(d.range.start, d.range.end), d.range.start]), [['seq-length', text.lastIndexOf('seq-length')]]);
});

test('a value from the environment stays unknown: no world size, no guessed diagnostics', () => {
  const text = [
    'NNODES=$SLURM_NNODES',
    'TP=8',
    'torchrun --nnodes $NNODES --nproc_per_node 8 pretrain_gpt.py --tensor-model-parallel-size $TP --pipeline-model-parallel-size 16 --num-layers 96 --micro-batch-size 1 --global-batch-size $GBS',
    '',
  ].join('\n');
  const a = check(text);
  const facts = shellFactsOf(a.tree)!;
  assert.equal(facts.world.value, undefined);
  assert.match(facts.world.source, /SLURM_NNODES/);
  assert.equal(arg(a, 'global-batch-size')?.value, undefined);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
  // The project file or a flag may supply what the environment would: then the rules run.
  const withFlag = check(text, { cluster: { worldSize: 8 } });
  assert.ok(withFlag.diagnostics.some((d) => d.rule === 'world-size-not-divisible'));
});

test('a default ${VAR:-default} is used, but a stated --gpus wins over it', () => {
  const text = 'NNODES=${SLURM_NNODES:-1}\ntorchrun --nnodes $NNODES --nproc_per_node 8 pretrain_gpt.py --tensor-model-parallel-size 8 --pipeline-model-parallel-size 4 --num-layers 32\n';
  assert.ok(check(text).diagnostics.some((d) => d.rule === 'world-size-not-divisible'), 'default world 8 does not hold 32');
  assert.ok(!check(text, { cluster: { worldSize: 64 } }).diagnostics.some((d) => d.rule === 'world-size-not-divisible'));
});

test('a value set before a loop over the script\'s arguments holds when the script runs without them', () => {
  const text = [
    'MODEL="Qwen/Qwen-7B"',
    'NNODES=2',
    'while [[ "$1" != "" ]]; do',
    '  case $1 in',
    '    -m ) shift; MODEL=$1 ;;',
    '    -n ) shift; NNODES=$1 ;;',
    '  esac',
    '  shift',
    'done',
    'for i in 1 2; do OTHER=$i; done',
    'torchrun --nnodes $NNODES --nproc_per_node 8 finetune.py --model_name_or_path $MODEL --output_dir $OTHER',
    '',
  ].join('\n');
  const a = check(text);
  const model = arg(a, 'model_name_or_path');
  assert.equal(model?.value, 'Qwen/Qwen-7B');
  assert.equal(at(a, model), 'Qwen/Qwen-7B', 'the value points at the assignment before the loop');
  const facts = shellFactsOf(a.tree)!;
  assert.equal(facts.world.value, 16);
  assert.equal(facts.world.envDefault, 'NNODES', 'the world size says the arguments may change it');
  // A loop that is not over the arguments still leaves what it assigns unknown.
  assert.equal(arg(a, 'output_dir')?.value, undefined);
  // An empty slot the arguments must fill (ACCELERATOR="", checked before the launch) is no default: no path built on it.
  const slot = check('ACCELERATOR=""\nwhile [[ $# -gt 0 ]]; do case $1 in --accelerator) ACCELERATOR="$2"; shift 2 ;; esac; done\naccelerate launch --config_file recipes/$ACCELERATOR.yaml train.py --output_dir out\n');
  assert.ok(!slot.diagnostics.some((d) => d.rule === 'linked-file-missing'), JSON.stringify(slot.diagnostics.map((d) => d.message)));
});

test('a case statement on a value the script sets runs the matching item only; on an unknown value every item is uncertain', () => {
  const script = (scale: string) => [
    `SCALE=${scale}`,
    'case "${SCALE}" in',
    '  "small"|tiny) TP=1 ;;',
    '  big*) TP=4 ;;',
    '  *) TP=8 ;;',
    'esac',
    'torchrun --nproc_per_node 8 pretrain_gpt.py --tensor-model-parallel-size $TP --num-layers 24',
    '',
  ].join('\n');
  assert.equal(arg(check(script('tiny')), 'tensor-model-parallel-size')?.value, 1);
  assert.equal(arg(check(script('bigger')), 'tensor-model-parallel-size')?.value, 4, 'a glob pattern');
  assert.equal(arg(check(script('huge')), 'tensor-model-parallel-size')?.value, 8, 'the catch-all');
  assert.equal(arg(check(script('$1')), 'tensor-model-parallel-size')?.value, undefined);
});

test('world-size-not-divisible lands on the PP=... assignment, with the launch as related locations', () => {
  const text = ['GPUS_PER_NODE=8', 'NUM_NODES=1', 'PP=16', 'torchrun --nproc_per_node $GPUS_PER_NODE --nnodes $NUM_NODES pretrain_gpt.py \\', '  --tensor-model-parallel-size 8 --pipeline-model-parallel-size $PP --num-layers 96', ''].join('\n');
  const a = check(text, { cluster: { worldSize: 256 } });
  const d = a.diagnostics.find((x) => x.rule === 'world-size-not-divisible');
  assert.ok(d, 'reported although --gpus says 256: the script launches 8');
  assert.equal(d.code, 'TL401');
  assert.equal(d.severity, 'error');
  assert.deepEqual(d.range, { start: offsetOf(text, 'PP=16') + 3, end: offsetOf(text, 'PP=16') + 5 });
  assert.match(d.message, /world size \(8\) is not divisible by total_model_size \(total_model_size=128\)/);
  assert.ok(d.related.some((r) => text.slice(r.range.start, r.range.end) === '8' && r.range.start === offsetOf(text, 'GPUS_PER_NODE=8') + 14));
  assert.ok(d.fixes.some((f) => f.edits[0].newText === '1'), 'offers the largest pipeline size that fits');
});

test('a .slurm header: #SBATCH --nodes feeds $SLURM_NNODES, and the world size is nodes x processes per node', () => {
  const text = [
    '#!/bin/bash',
    '#SBATCH --job-name=gpt',
    '#SBATCH --nodes=4                 # four nodes',
    '#SBATCH --ntasks-per-node=1',
    '#SBATCH --gres=gpu:8',
    '',
    'srun --jobid $SLURM_JOB_ID bash -c "python -u -m torch.distributed.run --nproc_per_node 8 --nnodes $SLURM_NNODES --node_rank \\$SLURM_PROCID pretrain_gpt.py --tensor-model-parallel-size 8 --pipeline-model-parallel-size 8 --num-layers 64 --num-attention-heads 64"',
    '',
  ].join('\n');
  const a = check(text, {}, 'train.slurm');
  const facts = shellFactsOf(a.tree)!;
  assert.equal(facts.launch?.launcher, 'torch.distributed.run');
  assert.deepEqual(facts.launch?.wrappers, ['srun', 'bash -c']);
  assert.equal(facts.nnodes.value, 4);
  assert.equal(text.slice(facts.nnodes.range!.start, facts.nnodes.range!.end), '4');
  assert.equal(facts.nnodes.range!.start, offsetOf(text, '--nodes=4') + 8);
  assert.equal(facts.world.value, 32);
  assert.deepEqual(facts.sbatch.find((o) => o.name === 'gres')?.value, 'gpu:8');
  const d = a.diagnostics.find((x) => x.rule === 'world-size-not-divisible');
  assert.ok(d);
  assert.match(d.message, /32 GPUs/);
  assert.ok(d.related.some((r) => r.range.start === offsetOf(text, '--nodes=4') + 8));
});

test('a heredoc DeepSpeed config is checked as DeepSpeed, with ranges inside the script', () => {
  const text = [
    'MICRO=4',
    'GBS=100',
    'ZERO_STAGE=2',
    'config_json=./ds_config.json',
    'cat <<EOT > $config_json',
    '{',
    '  "train_micro_batch_size_per_gpu": $MICRO,',
    '  "train_batch_size": $GBS,',
    '  "zero_optimization": { "stage": $ZERO_STAGE }',
    '}',
    'EOT',
    'deepspeed --num_gpus 8 pretrain_gpt.py --deepspeed --deepspeed_config $config_json --no-pipeline-parallel \\',
    '  --num-layers 24 --micro-batch-size $MICRO --global-batch-size 96 --num-attention-heads 16',
    '',
  ].join('\n');
  const a = check(text);
  const facts = shellFactsOf(a.tree)!;
  assert.equal(facts.megatronDeepSpeed, true);
  assert.equal(facts.embedded.length, 1);
  const d = a.diagnostics.find((x) => x.rule === 'batch-size-mismatch' && /DeepSpeed config this script writes/.test(x.message));
  assert.ok(d, 'the heredoc batch (100 is not 4 x 8 ranks x whole steps) is reported');
  assert.equal(text.slice(d.range.start, d.range.end), '"train_batch_size"', 'the key, inside the heredoc');
  // The fix that rewrites the global batch edits the variable assignment the heredoc expands.
  const edit = d.fixes.flatMap((f) => f.edits).find((e) => e.range.start === offsetOf(text, 'GBS=100') + 4);
  assert.ok(edit, 'an edit on GBS=100');
  assert.equal(text.slice(edit.range.start, edit.range.end), '100');
  assert.ok(!a.diagnostics.some((x) => x.rule === 'zero-with-pipeline'), '--no-pipeline-parallel: DeepSpeedEngine, ZeRO-2 is fine');
});

test('Megatron-DeepSpeed without --no-pipeline-parallel: ZeRO-2 in the heredoc is zero-with-pipeline, on ZERO_STAGE=2', () => {
  const text = [
    'ZERO_STAGE=2',
    'cat <<EOT > ds.json',
    '{ "train_micro_batch_size_per_gpu": 1, "zero_optimization": { "stage": $ZERO_STAGE } }',
    'EOT',
    'deepspeed --num_gpus 8 pretrain_gpt.py --deepspeed --deepspeed_config ds.json --num-layers 24 --micro-batch-size 1 --global-batch-size 64 --num-attention-heads 16',
    '',
  ].join('\n');
  const a = check(text);
  const d = a.diagnostics.find((x) => x.rule === 'zero-with-pipeline');
  assert.ok(d);
  assert.equal(d.range.start, offsetOf(text, 'ZERO_STAGE=2') + 11);
  assert.match(d.message, /ZeRO-2 and ZeRO-3 are incompatible with pipeline parallelism/);
  const fixed = check(text.replace('--deepspeed --deepspeed_config', '--deepspeed --no-pipeline-parallel --deepspeed_config'));
  assert.ok(!fixed.diagnostics.some((x) => x.rule === 'zero-with-pipeline'));
});

test('if branches the script decides are followed; undecided ones make their assignments unknown', () => {
  const text = [
    'USE_BIG=1',
    'if [ "$USE_BIG" -eq 1 ]; then',
    '  LAYERS=48',
    'else',
    '  LAYERS=12',
    'fi',
    'if [ -n "$WANDB_API_KEY" ]; then',
    '  HEADS=7',
    'fi',
    'torchrun --nproc_per_node 8 pretrain_gpt.py --num-layers $LAYERS --num-attention-heads $HEADS --tensor-model-parallel-size 2',
    '',
  ].join('\n');
  const a = check(text);
  assert.equal(arg(a, 'num-layers')?.value, 48);
  assert.equal(arg(a, 'num-attention-heads')?.value, undefined);
  assert.ok(!a.diagnostics.some((d) => d.rule === 'heads-not-divisible-by-tp'));
});

test('HF TrainingArguments in a torchrun command: the launcher gives the world size, typos get did-you-mean', () => {
  const text = 'torchrun --nproc_per_node=4 train.py --output_dir out --per_device_train_batch_sze 4 --gradient_accumulation_steps 2 --num_train_epochs 1 --bf16 True --model_max_length 2048\n';
  const a = check(text);
  assert.equal(a.format, 'hf-trainer');
  assert.equal(shellFactsOf(a.tree)?.world.value, 4);
  assert.equal(arg(a, 'bf16')?.value, true);
  const typo = a.diagnostics.find((d) => d.rule === 'unknown-key');
  assert.ok(typo, 'near-miss of per_device_train_batch_size');
  assert.equal(typo.severity, 'warning');
  assert.ok(typo.fixes.some((f) => f.edits[0].newText === 'per_device_train_batch_size'));
  const own = a.diagnostics.filter((d) => /model_max_length/.test(d.message));
  assert.deepEqual(own.map((d) => d.severity), ['info'], "the script's own dataclass flags are one note, neither warning nor error");
});

test('a store_true switch is removed by the fp16-and-bf16 fix, not rewritten to false', () => {
  const text = 'torchrun --nproc_per_node 8 pretrain_gpt.py --num-layers 8 --fp16 --bf16\n';
  const a = check(text);
  const d = a.diagnostics.find((x) => x.rule === 'fp16-and-bf16');
  assert.ok(d);
  assert.deepEqual(d.fixes[0].edits[0], { range: { start: text.indexOf('--fp16'), end: text.indexOf('--fp16') + 6 }, newText: '' });
});

test('scripts without a training command, and without a parser, stay unknown and quiet', () => {
  assert.equal(check('echo hello\nls -la\n').format, 'unknown');
  const a = analyze('torchrun pretrain_gpt.py --num-layers 2\n', { path: 'x.sh' });
  assert.equal(a.format, 'unknown');
  assert.deepEqual(a.diagnostics, []);
});

test('hostile and half-typed scripts never throw', () => {
  const samples = ['A=(', 'cat <<EOT > f\n{"a": $', 'X=$((1/0))\ntorchrun $X', '"${', 'if [ ; then', 'B=$(( 2 ** 99999 ))', 'for ((;;)); do torchrun a.py --x; done', 'A=${A:-${A:-${A:-1}}}', '\u0000\u{1F600}=1', 'x=`'.repeat(200)];
  for (const s of samples) assert.doesNotThrow(() => check(s));
});

function shellFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...shellFiles(p));
    else if (/\.(sh|bash|slurm)$/.test(name)) out.push(p);
  }
  return out;
}

test('every prefix (cut at each line) of every corpus launch script parses without throwing', (t) => {
  const shared = sharedDir();
  if (!shared) return t.skip(NO_SHARED);
  for (const file of shellFiles(join(shared, 'corpus'))) {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    for (let i = 0; i <= lines.length; i++) {
      const prefix = lines.slice(0, i).join('\n');
      assert.doesNotThrow(() => check(prefix, { cluster: { worldSize: 8 } }, file), `${file} cut at line ${i}`);
    }
  }
});

test('one shell word stays one argument where the grammar cuts it (./$OUT/$TASK/ after a known variable)', () => {
  const hf = (tail: string) => `OUT=output\n${tail}torchrun --nproc_per_node 8 train.py --model_name_or_path gpt2 --per_device_train_batch_size 2 --learning_rate 1e-5 --output_dir ./$OUT/$TASK/ckpt --fp16\n`;
  const known = check(hf('TASK=qnli\n'));
  assert.equal(arg(known, 'output_dir')?.value, './output/qnli/ckpt');
  assert.equal(arg(known, 'fp16')?.value, true, 'the next flag is still its own argument');
  const unknown = check(hf(''));
  assert.equal(arg(unknown, 'output_dir')?.kind, 'scalar', 'one value, not an array of two');
  assert.deepEqual(unknown.diagnostics.filter((d) => d.severity === 'error'), []);
});

test('a program with deepspeed.add_config_arguments (a bare --deepspeed switch) is not read as the HF Trainer', () => {
  const chat = check('deepspeed main.py --model_name_or_path facebook/opt-1.3b --per_device_train_batch_size 8 --gradient_accumulation_steps 1 --learning_rate 9.65e-6 --zero_stage 2 --deepspeed --output_dir out\n');
  assert.equal(chat.format, 'unknown');
  assert.deepEqual(chat.diagnostics, []);
  const trainer = check('deepspeed train.py --model_name_or_path gpt2 --per_device_train_batch_size 8 --learning_rate 1e-5 --deepspeed ds.json --output_dir out\n');
  assert.equal(trainer.format, 'hf-trainer');
});

test('Megatron-DeepSpeed with --deepspeed pipelines through DeepSpeed\'s engine: the bubble offers no interleaved or zero-bubble schedule', () => {
  const script = [
    'GPUS=8',
    'deepspeed --num_gpus $GPUS pretrain_gpt.py --tensor-model-parallel-size 2 --pipeline-model-parallel-size 2 --num-layers 24 --hidden-size 1024 \\',
    '  --num-attention-heads 16 --seq-length 1024 --max-position-embeddings 1024 --micro-batch-size 4 --global-batch-size 32 \\',
    '  --train-iters 100 --lr 1e-4 --bf16 --deepspeed --deepspeed_config ds.json --zero-stage 1',
    '',
  ].join('\n');
  const bubbleMessage = (text: string) => check(text).diagnostics.find((d) => d.rule === 'pipeline-bubble')?.message ?? '';
  const withEngine = bubbleMessage(script);
  assert.match(withEngine, /Pipeline bubble: 20\.0% of each step is idle/);
  assert.doesNotMatch(withEngine, /interleaved|ZB-H1/);
  const megatronOwn = bubbleMessage(script.replace('--zero-stage 1', '--zero-stage 1 --no-pipeline-parallel'));
  assert.match(megatronOwn, /interleaved schedule with 2 model chunks per stage/);
});

test('the batch identity (hover, inlay, code lens, rescale) takes the world size the script launches, as diagnostics and the estimate do', () => {
  const text = 'torchrun --nproc_per_node 8 --nnodes 2 pretrain_gpt.py --tensor-model-parallel-size 4 --pipeline-model-parallel-size 2 --num-layers 32 --micro-batch-size 2 --global-batch-size 512\n';
  const settings = { cluster: { worldSize: 8 } };
  const identity = batchIdentities(check(text, settings), settings)[0];
  assert.equal(identity.dataParallel.value, 2, '16 GPUs / (TP 4 x PP 2), not 8 / 8');
  assert.match(identity.dataParallel.source, /world size 16 \(the launch command in this file\)/);
  assert.equal(identity.accum.value, 128);
});
