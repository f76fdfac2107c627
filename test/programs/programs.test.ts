import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  assert.deepEqual(unknown.map((d) => at(yaml, d)), ['internal_counter', 'lora_target_modulez']);
  assert.match(unknown[1].message, /HfArgumentParser over \(ModelArguments, TrainArguments\) in train\.py rejects it/);
  assert.match(unknown[1].message, /Did you mean "lora_target_modules"/);
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
  assert.equal(unknown.length, 2, JSON.stringify(yaml.diagnostics));
  assert.ok(unknown.every((d) => /in train\.py rejects it/.test(d.message)));
});
