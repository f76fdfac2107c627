import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { analyze, type FileAnalysis } from '../../server/src/core/index';
import { getChild, getPath, type ConfigNode } from '../../server/src/core/syntax/config-tree';
import { shellFactsOf } from '../../server/src/core/shell/shell-config';
import type { ShellParser } from '../../server/src/core/shell/syntax';
import { hoverAt } from '../../server/src/core/hover/hover';
import { loadShellParser } from '../../server/src/node/shell-parser';
import { CLI, fixture, nthIndex, readFixture } from '../helpers';

let parser: ShellParser;
before(async () => {
  const loaded = await loadShellParser();
  assert.ok(loaded);
  parser = loaded;
});

const check = (text: string): FileAnalysis => analyze(text, { path: 'run.sh', shellParser: parser, settings: {} });
const arg = (a: FileAnalysis, flag: string): ConfigNode | undefined => getChild(getPath(a.tree.documents[0]?.root, 'args'), flag);
const rules = (a: FileAnalysis, severity: string) => a.diagnostics.filter((d) => d.severity === severity).map((d) => d.rule);
const textAt = (a: FileAnalysis, node: ConfigNode | undefined) => (node ? a.text.slice(node.range.start, node.range.end) : undefined);

test('eval $run_cmd: the joined words are read again as a command; values land inside the string, a $VAR in it at its assignment', () => {
  const text = readFixture('launchers', 'strings', 'eval.sh');
  const a = check(text);
  assert.equal(a.format, 'megatron');
  assert.equal(shellFactsOf(a.tree)?.launch?.launcher, 'torchrun');
  assert.deepEqual(rules(a, 'error'), ['batch-size-indivisible']);
  const global = arg(a, 'global-batch-size')!;
  assert.equal(global.value, 512);
  assert.equal(global.range.start, nthIndex(text, '512', 1), 'the 512 written in run_cmd');
  const lr = arg(a, 'lr')!;
  assert.equal(lr.value, 1e-4);
  assert.equal(lr.range.start, nthIndex(text, '1e-4', 1), '--lr=$LR: the value is where LR=1e-4 is written');
  assert.equal(a.diagnostics[0].fixes[0]?.edits[0] && text.slice(a.diagnostics[0].fixes[0].edits[0].range.start, a.diagnostics[0].fixes[0].edits[0].range.end), '512');
});

test('eval "${run_cmd}": quotes inside the string are removed by the second reading, their offsets kept', () => {
  const text = readFixture('launchers', 'strings', 'eval-quoted.sh');
  const a = check(text);
  assert.equal(a.format, 'megatron');
  const global = arg(a, 'global-batch-size')!;
  assert.equal(global.value, 256);
  assert.equal(textAt(a, global), '256');
  assert.equal(global.range.start, nthIndex(text, "'256'", 1) + 1);
  assert.deepEqual(rules(a, 'error'), ['batch-size-indivisible']);
});

test("srun bash -c '$LAUNCHER ... $CMD': the inner shell expands the exported variables; launcher and flags are read where assigned", () => {
  const text = readFixture('launchers', 'strings', 'srun-bash-c.sh');
  const a = check(text);
  const facts = shellFactsOf(a.tree)!;
  assert.equal(a.format, 'megatron');
  assert.equal(facts.launch?.launcher, 'torch.distributed.run');
  assert.deepEqual(facts.launch?.wrappers, ['srun', 'bash -c']);
  assert.equal(facts.world.value, 16);
  assert.equal(facts.nprocPerNode.range?.start, nthIndex(text, 'GPUS_PER_NODE=8', 1) + 'GPUS_PER_NODE='.length);
  assert.equal(arg(a, 'node_rank'), undefined, '--node_rank is the launcher\'s');
  const global = arg(a, 'global-batch-size')!;
  assert.equal(textAt(a, global), '512');
  assert.equal(global.range.start, nthIndex(text, '512', 1));
  assert.deepEqual(rules(a, 'error'), ['batch-size-indivisible']);
});

test('bash -c "...": the outer shell expands every variable first, exported or not; an escaped \\$VAR is the inner shell\'s', () => {
  const text = readFixture('launchers', 'strings', 'bash-c-double.sh');
  const a = check(text);
  assert.equal(a.format, 'megatron');
  assert.equal(shellFactsOf(a.tree)?.world.value, 8);
  const micro = arg(a, 'micro-batch-size')!;
  assert.equal(micro.value, 6);
  assert.equal(micro.range.start, nthIndex(text, 'MICRO=6', 1) + 'MICRO='.length);
  assert.deepEqual(rules(a, 'error'), ['batch-size-indivisible']);
});

test('a command in variables ($LAUNCHER $CMD) and flags in an array ("${ARGS[@]}") are split into words where used', () => {
  for (const name of ['command-var.sh', 'args-array.sh']) {
    const text = readFixture('launchers', 'strings', name);
    const a = check(text);
    assert.equal(a.format, 'megatron', name);
    assert.equal(shellFactsOf(a.tree)?.world.value, 8, name);
    assert.equal(arg(a, 'global-batch-size')?.range.start, nthIndex(text, '512', 1), name);
    assert.deepEqual(rules(a, 'error'), ['batch-size-indivisible'], name);
  }
});

test("a variable not exported is unknown inside single-quoted bash -c: no launch is made of it, the script is a skipped launch", () => {
  const a = check(readFixture('launchers', 'strings', 'unexported.sh'));
  assert.equal(a.format, 'unknown');
  assert.equal(shellFactsOf(a.tree)?.launch, undefined);
  assert.deepEqual(a.diagnostics, []);
  assert.match(a.detection.skippedLaunch ?? '', /LAUNCHER is not exported/);
  // Exported, the same script is read.
  const exported = check(readFixture('launchers', 'strings', 'unexported.sh').replace('LAUNCHER="torchrun', 'export LAUNCHER="torchrun'));
  assert.equal(exported.format, 'megatron');
});

test('eval and bash -c nest only so deep; deeper text is left as written', () => {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = 'torchrun --nproc_per_node 8 pretrain_gpt.py --num-layers 30 --hidden-size 4096 --num-attention-heads 32 --micro-batch-size 3 --global-batch-size 512';
  const nested = (depth: number) => Array.from({ length: depth }).reduce<string>((inner) => `eval ${quote(inner)}`, command);
  assert.equal(check(`${nested(4)}\n`).format, 'megatron');
  assert.equal(check(`${nested(6)}\n`).format, 'unknown');
});

test('which scripts are skipped launches, and why: an unknown command word naming a program is; a script running no trainer is not', () => {
  assert.match(check(readFixture('launchers', 'strings', 'unknown-command.sh')).detection.skippedLaunch ?? '', /\$UNKNOWN_VAR from the environment/);
  assert.equal(check(readFixture('launchers', 'strings', 'not-a-launch.sh')).detection.skippedLaunch, undefined);
  assert.equal(check('torchrun --nproc_per_node 2 train.py config.yaml\n').detection.skippedLaunch, undefined, 'its arguments are in the YAML, checked on its own');
  assert.match(check('torchrun --nproc_per_node 2 train.py --my_flag 1\n').detection.skippedLaunch ?? '', /torchrun runs train.py, whose one flag is no supported trainer's/);
  assert.match(check('torchrun --nproc_per_node 8 $PROGRAM --lr 1\n').detection.skippedLaunch ?? '', /program torchrun starts is not known statically: \$PROGRAM/);
  assert.match(check('source env.sh\ndeepspeed pretrain_gpt.py $GPT_ARGS\n').detection.skippedLaunch ?? '', /flags come from words TrainLint cannot read statically \(\$GPT_ARGS/);
});

test('the hover on the first line of a skipped launch script says why; elsewhere, and on other unknown scripts, nothing', () => {
  const a = check(readFixture('launchers', 'strings', 'unknown-command.sh'));
  const hover = hoverAt({ analysis: a, settings: {}, linked: [] }, 0);
  assert.match(hover?.markdown ?? '', /launch script skipped/);
  assert.match(hover?.markdown ?? '', /UNKNOWN_VAR/);
  assert.equal(hoverAt({ analysis: a, settings: {}, linked: [] }, a.text.length - 2), undefined);
  assert.equal(hoverAt({ analysis: check(readFixture('launchers', 'strings', 'not-a-launch.sh')), settings: {}, linked: [] }, 0), undefined);
});

test('trainlint check counts the skipped launch scripts; --explain-skips lists each with its reason; JSON has them as skipped', () => {
  const dir = fixture('launchers', 'strings');
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI(), 'check', dir, ...args], { encoding: 'utf8' });
  const plain = run().stdout.trimEnd().split('\n');
  assert.equal(plain[plain.length - 1], '6 files checked: 6 errors, 0 warnings, 2 infos; 2 launch scripts skipped (run with --explain-skips).');
  assert.ok(!plain.some((l) => l.includes(': skipped: ')));
  const explained = run('--explain-skips').stdout.trimEnd().split('\n');
  assert.deepEqual(
    explained.filter((l) => l.includes(': skipped: ')).map((l) => l.slice(dir.length + 1).split(':')[0]),
    ['unexported.sh', 'unknown-command.sh'],
  );
  assert.equal(explained[explained.length - 1], '6 files checked: 6 errors, 0 warnings, 2 infos; 2 launch scripts skipped.');
  const json = JSON.parse(run('--format', 'json').stdout) as { skipped: Array<{ path: string; reason: string }> };
  assert.deepEqual(json.skipped.map((s) => s.path.slice(dir.length + 1)), ['unexported.sh', 'unknown-command.sh']);
  assert.match(json.skipped[1].reason, /UNKNOWN_VAR/);
});

test('a $VAR after a line continuation inside a double-quoted string keeps the blank before it (tree-sitter starts the expansion at the blanks)', () => {
  const a = check('STEPS=20\nFLAG=""\nif [ "$X" = 1 ]; then FLAG="--gradient_checkpointing"; fi\nCMD="python train.py --output_dir out --learning_rate 1e-5 --warmup_steps $STEPS \\\n    $FLAG \\\n    --per_device_train_batch_size 2"\n$CMD\n');
  assert.equal(arg(a, 'warmup_steps')?.value, 20);
  assert.equal(arg(a, 'per_device_train_batch_size')?.value, 2);
});

test('run from a checkout TrainLint cannot see (cd $WORK/megatron-lm), a value or flag that release decides is a note, not an error', () => {
  const script = (cd: string) => `${cd}export CMD="pretrain_gpt.py --num-layers 24 --hidden-size 1024 --num-attention-heads 16 --micro-batch-size 4 --global-batch-size 64 --checkpoint-activations --position-embedding-type alibi"\nsrun bash -c 'torchrun --nproc_per_node 8 $CMD'\n`;
  const here = check(script(''));
  assert.deepEqual(rules(here, 'error').sort(), ['invalid-value', 'recompute-conflict']);
  const away = check(script('cd $WORK/code/megatron-lm\n'));
  assert.deepEqual(rules(check(script('cd /gpfswork/code/Megatron-DeepSpeed\n')), 'error'), [], 'an absolute folder is the cluster\'s, not the repository\'s');
  assert.deepEqual(rules(away, 'error'), []);
  assert.ok(away.diagnostics.some((d) => d.rule === 'recompute-conflict' && d.severity === 'info' && d.message.includes('$WORK/code/megatron-lm')));
  assert.ok(away.diagnostics.some((d) => d.rule === 'invalid-value' && d.severity === 'info' && d.message.includes('a checkout TrainLint cannot see')));
});
