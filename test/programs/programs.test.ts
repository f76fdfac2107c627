import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, fixture } from '../helpers';
import { loadPythonParser } from '../../server/src/node/python-parser';
import { loadShellParser } from '../../server/src/node/shell-parser';
import { programOfScript } from '../../server/src/node/program-files';
import { readPythonModule } from '../../server/src/core/python/module';
import { resolveProgram } from '../../server/src/core/python/resolve';
import { analyze, type FileAnalysis } from '../../server/src/core/analyze';
import { findLinks } from '../../server/src/core/links';
import type { Diagnostic } from '../../server/src/core/diagnostic';

const root = (name: string) => fixture('programs', name);

/** A launch script analysed as the CLI does: its program found in the fixture folder, then analysed again with it. */
async function analyzeScript(folder: string, script: string): Promise<{ first: FileAnalysis; analysis: FileAnalysis }> {
  const shellParser = await loadShellParser();
  const pythonParser = await loadPythonParser();
  const path = fixture('programs', folder, script);
  const text = readFileSync(path, 'utf8');
  const first = analyze(text, { path, shellParser });
  const program = programOfScript(path, first, pythonParser, root(folder));
  return { first, analysis: program ? analyze(text, { path, shellParser, settings: { program } }) : first };
}

const at = (analysis: FileAnalysis, d: Diagnostic) => analysis.text.slice(d.range.start, d.range.end);
const errors = (analysis: FileAnalysis, rule: string) => analysis.diagnostics.filter((d) => d.rule === rule && d.severity === 'error');

function trainlint(args: string[]) {
  const run = spawnSync(process.execPath, [CLI(), ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('python reader: dataclass fields with Literal, metadata choices and aliases, init=False, enum values, imports and the parser', async () => {
  const parser = await loadPythonParser();
  assert.ok(parser, 'tree-sitter-python loads');
  const args = readPythonModule(readFileSync(fixture('programs', 'dataclass', 'myproj', 'arguments.py'), 'utf8'), parser);
  const model = args.classes.get('ModelArguments')!;
  assert.deepEqual(model.bases, ['BaseArguments']);
  assert.equal(model.dataclass, true);
  const field = (name: string) => model.fields.find((f) => f.name === name)!;
  assert.deepEqual(field('loss_type').choices, ['sigmoid', 'ipo', 'custom']);
  assert.deepEqual(field('template').choices, ['plain', 'chatml']);
  assert.deepEqual(field('template').aliases, ['--tpl']);
  assert.equal(field('lora_target_modules').baseType, 'str');
  assert.deepEqual(args.classes.get('PaddingSide')!.enumValues, ['left', 'right']);
  assert.deepEqual(args.imports.get('BaseArguments'), { module: 'base', level: 1, name: 'BaseArguments' });
  assert.deepEqual(args.classes.get('TrainArguments')!.bases, ['transformers.TrainingArguments']);
  const base = readPythonModule(readFileSync(fixture('programs', 'dataclass', 'myproj', 'base.py'), 'utf8'), parser);
  assert.equal(base.classes.get('BaseArguments')!.fields.find((f) => f.name === 'internal_counter')!.init, false);
  const train = readPythonModule(readFileSync(fixture('programs', 'dataclass', 'train.py'), 'utf8'), parser);
  assert.equal(train.parsers.length, 1);
  assert.deepEqual(train.parsers[0].classes, ['ModelArguments', 'TrainArguments']);
  assert.deepEqual([...train.parsers[0].methods].sort(), ['parse_args_into_dataclasses', 'parse_yaml_file']);
  // Never throws, and reads nothing without a parser.
  assert.equal(readPythonModule('class (:\n  x: = \x00', parser).parsers.length, 0);
  assert.ok(readPythonModule('x = 1', undefined).unreadable);
});

test('resolver: follows a package import and a relative import to the classes and their bases; a redefined field keeps the program\'s choices', async () => {
  const parser = await loadPythonParser();
  const dir = root('dataclass');
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  const program = resolveProgram({ programPath: `${dir}/train.py`, root: dir, parser, readFile: read })!;
  assert.equal(program.program, 'train.py');
  assert.equal(program.readsConfigFile, true);
  const set = program.configFile!;
  assert.equal(set.parser, 'HfArgumentParser over (ModelArguments, TrainArguments)');
  assert.equal(set.complete, true, set.incompleteBecause);
  assert.deepEqual(set.upstream, ['TrainingArguments']);
  assert.deepEqual(set.fields.loss_type.choices, ['sigmoid', 'ipo', 'custom']);
  assert.equal(set.fields.loss_type.redefines, true);
  assert.deepEqual(set.fields.loss_type.definedIn, { className: 'ModelArguments', file: 'myproj/arguments.py' });
  assert.deepEqual(set.fields.model_name_or_path.definedIn, { className: 'BaseArguments', file: 'myproj/base.py' });
  assert.deepEqual(set.fields.padding_side.choices, ['left', 'right']);
  assert.equal(set.fields.internal_counter, undefined, 'init=False is no argument');
  assert.ok(set.fields.use_custom_optimizer.flags.includes('--no_use_custom_optimizer'));
});

test('a YAML passed to the program is linked, and judged by its classes: own keys and redefined fields pass, an unknown key is an error naming the parser', async () => {
  const { analysis: script } = await analyzeScript('dataclass', 'scripts/run_yaml.sh');
  const link = findLinks(script).find((l) => l.kind === 'program-config');
  assert.ok(link, 'the script links config.yaml to train.py');
  assert.equal(link.target, 'config.yaml');
  const path = fixture('programs', 'dataclass', 'config.yaml');
  const yaml = analyze(readFileSync(path, 'utf8'), { path, settings: link.context });
  const unknown = errors(yaml, 'unknown-key');
  // dataset_text_field is SFTConfig's (TRL): a parser over TrainingArguments alone rejects it, as HfArgumentParser does.
  assert.deepEqual(unknown.map((d) => at(yaml, d)), ['dataset_text_field', 'internal_counter', 'lora_target_modulez']);
  assert.match(unknown[2].message, /HfArgumentParser over \(ModelArguments, TrainArguments\) in train\.py rejects it/);
  assert.match(unknown[2].message, /Did you mean "lora_target_modules"/);
  // loss_type: custom and lora_target_modules as a string are the program's fields, not TRL's.
  const flagged = yaml.diagnostics.filter((d) => d.rule === 'invalid-value' || d.rule === 'unknown-key').map((d) => at(yaml, d));
  assert.ok(!flagged.includes('custom') && !flagged.includes('q_proj,v_proj') && !flagged.includes('loss_type'), flagged.join(', '));
});

test('a launch script running a dataclass program: flags checked by its classes (choices, enum, aliases, --no_ complement), unknown flag is an error', async () => {
  const { analysis } = await analyzeScript('dataclass', 'scripts/run_flags.sh');
  assert.deepEqual(errors(analysis, 'unknown-key').map((d) => at(analysis, d)), ['unknown_flag']);
  assert.match(errors(analysis, 'unknown-key')[0].message, /in train\.py rejects it/);
  const invalid = errors(analysis, 'invalid-value').filter((d) => /train\.py/.test(d.message));
  assert.deepEqual(invalid.map((d) => at(analysis, d)), ['up']);
  assert.match(invalid[0].message, /must be one of "left", "right"/);
  assert.ok(!analysis.diagnostics.some((d) => ['custom', 'tpl', 'no_use_custom_optimizer'].includes(at(analysis, d))));
});

test('an argparse program: type= and choices= are checked, an abbreviation is accepted, an unknown flag is an error', async () => {
  const { first, analysis } = await analyzeScript('argparse', 'run.sh');
  assert.deepEqual(first.diagnostics.filter((d) => d.severity === 'error'), [], 'without the program nothing is certain');
  assert.deepEqual(errors(analysis, 'unknown-key').map((d) => at(analysis, d)), ['epochs']);
  assert.match(errors(analysis, 'unknown-key')[0].message, /argparse in train\.py rejects it; argparse exits with "unrecognized arguments"/);
  assert.deepEqual(errors(analysis, 'invalid-value').map((d) => at(analysis, d)), ['abc', 'medium']);
});

test('parse_known_args: unknown flags are never errors', async () => {
  const { analysis } = await analyzeScript('known', 'run.sh');
  assert.equal(analysis.settings.program?.commandLine?.acceptsUnknown, 'it calls parse_known_args');
  assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error'), []);
});

test('an option name computed at run time (an f-string in a loop): the program is incomplete, so no flag is an error', async () => {
  const { analysis } = await analyzeScript('computed', 'run.sh');
  assert.match(analysis.settings.program?.commandLine?.incompleteBecause ?? '', /computed/);
  assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error'), []);
});

test('a positional with nargs=REMAINDER (a spawner like xla_spawn.py) takes the flags after it: none is an error', async () => {
  const { analysis } = await analyzeScript('remainder', 'run.sh');
  assert.match(analysis.settings.program?.commandLine?.acceptsUnknown ?? '', /REMAINDER/);
  assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error'), []);
});

test('a class imported from outside the workspace: the program is incomplete, so an undefined key is no error', async () => {
  const { analysis: script } = await analyzeScript('incomplete', 'run.sh');
  const link = findLinks(script).find((l) => l.kind === 'program-config')!;
  assert.equal(link.context.program?.configFile?.complete, false);
  assert.match(link.context.program?.configFile?.incompleteBecause ?? '', /some_installed_package/);
  const path = fixture('programs', 'incomplete', 'config.yaml');
  const yaml = analyze(readFileSync(path, 'utf8'), { path, settings: link.context });
  assert.deepEqual(yaml.diagnostics.filter((d) => d.severity === 'error'), []);
});

test('trainlint check on a folder: the YAML a script hands to its program is analysed with that program', () => {
  const result = trainlint(['check', '--format', 'json', root('dataclass')]);
  const { files } = JSON.parse(result.stdout) as { files: Array<{ path: string; diagnostics: Array<{ rule: string; severity: string; message: string }> }> };
  const yaml = files.find((f) => f.path.endsWith('config.yaml'));
  assert.ok(yaml, result.stdout);
  const unknown = yaml.diagnostics.filter((d) => d.rule === 'unknown-key' && d.severity === 'error');
  assert.equal(unknown.length, 3, JSON.stringify(yaml.diagnostics));
  assert.ok(unknown.every((d) => /in train\.py rejects it/.test(d.message)));
});

test('the launch folder: relative paths resolve where the run starts (a cd, the folder holding the program, a parent up to the root)', () => {
  // A copy outside this checkout, so the repository root is the checked folder (no .git above it).
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-launch-folder-'));
  cpSync(root('launch-folder'), dir, { recursive: true });
  const result = trainlint(['check', '--format', 'json', dir]);
  const { files } = JSON.parse(result.stdout) as { files: Array<{ path: string; diagnostics: Array<{ rule: string; severity: string; message: string }> }> };
  const missing = (suffix: string) => {
    const file = files.find((f) => f.path.endsWith(suffix));
    assert.ok(file, `${suffix} checked: ${result.stdout.slice(0, 400)}`);
    return file.diagnostics.filter((d) => d.rule === 'linked-file-missing');
  };
  // InternVL: chat/shell/v2/finetune/full.sh runs internvl/train/chat_finetune.py from chat/, where its DeepSpeed config is.
  assert.deepEqual(missing('chat/shell/v2/finetune/full.sh'), []);
  // The program is found from the same folders and read: --conv_style is its own field, not an unknown TrainingArguments flag.
  const full = files.find((f) => f.path.endsWith('chat/shell/v2/finetune/full.sh'))!;
  assert.ok(!full.diagnostics.some((d) => d.rule === 'unknown-key' && /conv_style/.test(d.message)), JSON.stringify(full.diagnostics));
  assert.deepEqual(missing('scripts/run_cd.sh'), [], 'cd ../chat is followed');
  // --meta_path names the program's own field's value (a dataset list), not a file of arguments for its parser.
  assert.deepEqual(files.flatMap((f) => f.diagnostics.filter((d) => d.severity === 'error').map((d) => `${f.path}: ${d.message}`)), []);
  // Firefly: a JSON config's deepspeed path is relative to the repository root.
  assert.deepEqual(missing('train_args/sft/full.json'), []);
  // bigscience: a script moved away from its program (scripts/run_clm.py is only under jz/) runs from the one folder holding it.
  assert.deepEqual(missing('experiments/lm/gpt2_deepspeed.sh'), []);
  // A file in none of them is still reported, with the folders looked in.
  const reported = missing('chat/shell/v2/finetune/missing.sh');
  assert.equal(reported.length, 1);
  assert.match(reported[0].message, /zero_stage9_config\.json is in none of the folders a run may start from \(looked in chat, chat\/shell\/v2\/finetune, chat\/shell\/v2, chat\/shell, \.\)/);
});

test('a script that cds into a folder the repository does not hold (a submodule) runs that checkout\'s program: its values are not errors', () => {
  // DeepSpeed's tests/model/Megatron_GPT2/ds_gpt2_test.sh: eval "(cd ../../../DeepSpeedExamples/Megatron-LM && deepspeed pretrain_gpt2.py ... --warmup .01)",
  // an old Megatron whose --warmup is a fraction; today's takes --lr-warmup-fraction and rejects a float --warmup.
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-unseen-cd-'));
  mkdirSync(join(dir, '.git'));
  mkdirSync(join(dir, 'tests'));
  const run = (cd: string) => `#!/bin/bash\nrun_cmd="(cd ${cd} && deepspeed --num_gpus 8 pretrain_gpt2.py --num-layers 24 --hidden-size 1024 --num-attention-heads 16 --seq-length 1024 --max-position-embeddings 1024 --micro-batch-size 4 --global-batch-size 32 --train-iters 100 --lr 1.5e-4 --warmup .01)"\neval \${run_cmd}\n`;
  writeFileSync(join(dir, 'tests', 'unseen.sh'), run('../DeepSpeedExamples/Megatron-LM/'));
  mkdirSync(join(dir, 'megatron'));
  writeFileSync(join(dir, 'tests', 'seen.sh'), run('../megatron'));
  const { files } = JSON.parse(trainlint(['check', '--format', 'json', dir]).stdout) as { files: Array<{ path: string; diagnostics: Array<{ rule: string; severity: string; message: string }> }> };
  const warmup = (name: string) => files.find((f) => f.path.endsWith(name))!.diagnostics.filter((d) => d.rule === 'invalid-value' && /warmup/.test(d.message));
  assert.deepEqual(warmup('unseen.sh').map((d) => d.severity), ['info']);
  assert.match(warmup('unseen.sh')[0].message, /runs the program from \.\.\/DeepSpeedExamples\/Megatron-LM\/, a checkout TrainLint cannot see/);
  // A folder the repository holds: the program there is what the schema describes (no checkout of its own found).
  assert.deepEqual(warmup('seen.sh').map((d) => d.severity), ['error']);
});

test('deprecated-key: a removed TrainingArguments name is a warning only where the program is read and the pinned range reaches the removal', async () => {
  const shellParser = await loadShellParser();
  const pythonParser = await loadPythonParser();
  const path = fixture('programs', 'dataclass', 'scripts', 'run_old_names.sh');
  const text = readFileSync(path, 'utf8');
  const program = programOfScript(path, analyze(text, { path, shellParser }), pythonParser, root('dataclass'));
  assert.ok(program, 'the program is found');
  const deprecated = (versions?: Record<string, string>) =>
    analyze(text, { path, shellParser, settings: { program, versions } }).diagnostics.filter((d) => d.rule === 'deprecated-key').map((d) => `${d.severity} ${text.slice(d.range.start, d.range.end)}`);
  // transformers 4.51 removed evaluation_strategy; `>=4.45,<5` lets pip install it.
  assert.deepEqual(deprecated({ transformers: '>=4.45,<5' }), ['warning evaluation_strategy']);
  // A lowest release alone says what the authors tested from, not what runs (FastChat's >=4.31.0 beside --evaluation_strategy).
  assert.deepEqual(deprecated({ transformers: '>=4.45' }), ['info evaluation_strategy']);
  // Every release the pin allows takes it, or which one runs is not known: a note.
  assert.deepEqual(deprecated({ transformers: '4.44.2' }), ['info evaluation_strategy']);
  assert.deepEqual(deprecated(), ['info evaluation_strategy']);
});
