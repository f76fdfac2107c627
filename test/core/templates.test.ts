import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, type FileAnalysis } from '../../server/src/core/index';
import { FORMATS } from '../../server/src/core/programs/ids';
import { yamlLoaderOf } from '../../server/src/core/programs/index';
import { bashSyntaxError } from '../../server/src/core/shell/bash-check';
import type { ShellParser } from '../../server/src/core/shell/syntax';
import { loadShellParser } from '../../server/src/node/shell-parser';
import { spawnSync } from 'node:child_process';
import { CLI, fixture, readFixture } from '../helpers';

/**
 * Files that are templates or another program's config (issue 10): skipped with the evidence as the reason, or one
 * note; never an error about text that no program reads as written.
 */

let parser: ShellParser;
before(async () => {
  const loaded = await loadShellParser();
  assert.ok(loaded);
  parser = loaded;
});

/** Analyses a fixture under test/fixtures/templates, passing its path as the CLI would. */
function check(path: string): FileAnalysis {
  return analyze(readFixture('templates', ...path.split('/')), { path: `repo/${path}`, shellParser: parser });
}

const summary = (a: FileAnalysis) => a.diagnostics.map((d) => `${d.severity} ${d.rule}`);

// 1. Helm / Go-template and Jinja markup.
test('a Helm template is skipped: no parse errors, the reason names the template engine', () => {
  const a = check('helm/training.yaml');
  assert.deepEqual(summary(a), []);
  assert.equal(a.format, 'unknown');
  assert.match(a.detection.reason, /Go\/Helm template/);
  assert.ok(a.detection.skip);
});

test('a Jinja-templated ds_config is skipped, whatever DeepSpeed keys it names', () => {
  const a = check('other/jinja_ds_config.json');
  assert.deepEqual(summary(a), []);
  assert.match(a.detection.reason, /Jinja template/);
});

test('a chat template inside a quoted value is a value, not markup: the axolotl config is still checked', () => {
  const a = check('other/chat_template_axolotl.yaml');
  assert.equal(a.format, 'axolotl');
  assert.equal(a.detection.skip, undefined);
});

// 2. A broken file of unknown format: one finding at most.
test('a broken file of unknown format whose name looks like a config gets one warning, not one per parse error', () => {
  const a = check('other/sft_settings.yaml');
  assert.equal(a.format, 'unknown');
  assert.ok(a.tree.problems.filter((p) => p.kind === 'parse-error').length > 1);
  assert.deepEqual(summary(a), ['warning parse-error']);
  // JSON Lines named train_config.json (one object a line): a data file that datasets' json loader reads, not a config.
  assert.deepEqual(summary(check('other/train_config.json')), []);
});

// 3. `<PLACEHOLDER>`s in launch scripts: an error only where bash -n fails.
test('`VAR=<X> \\ ` that bash -n accepts gets one note, not a syntax error (tree-sitter-bash gap)', () => {
  const a = check('shell/placeholder_continued.sh');
  const parse = a.diagnostics.filter((d) => d.rule === 'parse-error');
  assert.deepEqual(parse.map((d) => d.severity), ['info']);
});

test('`VAR=<Specify path>` that bash -n rejects is a template to fill in: one info on the `>` bash stops at, not an error', () => {
  const a = check('shell/placeholder_eol.sh');
  const parse = a.diagnostics.filter((d) => d.rule === 'parse-error');
  assert.deepEqual(parse.map((d) => d.severity), ['info']);
  assert.equal(a.text.slice(parse[0].range.start, parse[0].range.end), '>');
  assert.match(parse[0].message, /template.*unexpected token `newline'/);
});

test('a bare redirection with no placeholder on the line stays a syntax error', () => {
  const error = bashSyntaxError('python train.py --lr 1e-4 >\n');
  assert.equal(error?.placeholder, false);
  assert.match(error?.message ?? '', /^Shell syntax error/);
});

test('bash-check: redirections with a target, heredocs, arithmetic and [[ ]] are no errors; a bare `>` is', () => {
  const ok = [
    'echo hi > out.log 2>&1\n',
    'cat <<EOF > f\n  x >\nEOF\n',
    'if (( a > 3 )); then echo $(( b < 2 )); fi\n',
    '[[ $a > $b ]] && echo y\n',
    'X=<PATH> \\ \n  (e.g., /x)\n',
    'diff <(ls a) <(ls b)\n',
    'echo "a > " \'b >\' # c >\n',
  ];
  for (const text of ok) assert.equal(bashSyntaxError(text), undefined, text);
  assert.ok(bashSyntaxError('CHECKPOINT=<Path to checkpoint (e.g /345m)>\n'));
  assert.ok(bashSyntaxError('python x.py \\\n  --out=<OUT>\n'));
});

// 4. Templates another tool completes.
test('a _TEMPLATE ds_config with placeholders keeps its format and gets one info, not one error per placeholder', () => {
  const a = check('ds_config_gpt_TEMPLATE.json');
  assert.equal(a.format, 'deepspeed');
  assert.deepEqual(summary(a), ['info parse-error']);
  assert.match(a.diagnostics[0].message, /CONFIG_BATCH_SIZE/);
  assert.match(a.detection.reason, /template by its name/);
});

test('Python literals in a ds_config are a mistake, not placeholders: still a parse error', () => {
  const a = check('other/ds_config_typo.json');
  assert.deepEqual(summary(a).filter((s) => s.endsWith('parse-error')), ['error parse-error']);
});

test('the DeepSpeed autotuner templates (autotuning/config_templates) get no batch-size finding: the autotuner fills the batch', () => {
  const a = check('autotuning/config_templates/template_zero1.json');
  assert.equal(a.format, 'deepspeed');
  assert.deepEqual(summary(a), []);
  assert.match(a.detection.reason, /autotuner/);
});

test('NeMo auto-configurator base configs and launcher conversion configs get no layout findings', () => {
  for (const path of ['auto_configurator/base_configs/gpt3.yaml', 'conf/conversion/gpt3/convert_gpt3.yaml']) {
    const a = check(path);
    assert.equal(a.format, 'nemo', path);
    assert.deepEqual(summary(a), [], path);
    assert.ok(a.detection.skip, path);
  }
});

// 5. Another program's config read as TrainingArguments from generic keys.
test('generic trainer keys alone (max_steps, seed, learning_rate, output_dir) are no TrainingArguments', () => {
  const a = check('detect/default_training_params.json');
  assert.equal(a.format, 'unknown');
  assert.deepEqual(summary(a), []);
});

test('a Hydra config with a `defaults:` list is another program\'s (no yaml-float-as-string on adam_eps: 1e-8)', () => {
  const a = check('detect/hydra_train_cfg.yaml');
  assert.equal(a.format, 'unknown');
  assert.match(a.detection.reason, /Hydra/);
  assert.deepEqual(summary(a), []);
});

test('a dump of command-line arguments (every number a string) is no nested TrainingArguments', () => {
  assert.equal(check('detect/invariant_reference.json').format, 'unknown');
});

test('an axolotl config nested in a request (.runpod/test_input.json) is not read as TrainingArguments', () => {
  assert.equal(check('detect/runpod_input.json').format, 'unknown');
});

test('an ms-swift config is swift\'s (its argparse converts `lr: 5e-5`): neither TrainingArguments nor Megatron', () => {
  const a = check('detect/swift_sft.yaml');
  assert.equal(a.format, 'unknown');
  assert.deepEqual(summary(a), []);
});

test('Megatron-LM names flat at the top level are not a Megatron-LM YAML: --yaml-cfg needs model_parallel and language_model sections', () => {
  const a = check('detect/nemo_model_flat.yaml');
  assert.equal(a.format, 'unknown');
  assert.deepEqual(summary(a), []);
});

test('real TrainingArguments YAML is still TrainingArguments', () => {
  assert.equal(check('detect/trainer_args.yaml').format, 'hf-trainer');
});

// 6. yaml-float-as-string only where PyYAML loads the file.
test('yaml-float-as-string follows the loader table: OmegaConf formats stay silent, PyYAML ones report', () => {
  const lf = check('detect/llamafactory_sft.yaml');
  assert.equal(lf.format, 'llamafactory');
  assert.deepEqual(summary(lf).filter((s) => s.endsWith('yaml-float-as-string')), []);
  const hf = check('detect/trainer_args.yaml');
  assert.deepEqual(summary(hf).filter((s) => s.endsWith('yaml-float-as-string')), ['warning yaml-float-as-string']);
  const mg = check('detect/megatron_cfg.yaml');
  assert.equal(mg.format, 'megatron');
  assert.deepEqual(summary(mg).filter((s) => s.endsWith('yaml-float-as-string')), ['error yaml-float-as-string']);
});

test('every format names its YAML loader with an upstream source, and only PyYAML ones report string floats', () => {
  for (const format of FORMATS) {
    const entry = yamlLoaderOf(format);
    if (format !== 'unknown') assert.ok(entry.source.includes('/'), format);
    if (entry.floatAsString) assert.equal(entry.loader, 'pyyaml', format);
  }
});

test('`trainlint plan` on a skipped file says why it is not read as written', () => {
  const run = spawnSync(process.execPath, [CLI(), 'plan', fixture('templates', 'autotuning', 'config_templates', 'template_zero1.json')], { encoding: 'utf8' });
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /not read as written: a DeepSpeed autotuner template/);
});

test('a config whose values are mostly ${VAR} for envsubst or a job handler is a template another tool fills', () => {
  const vars = ['BASE_MODEL', 'DATASET', 'LR', 'EPOCHS', 'OUTPUT_DIR', 'MICRO_BATCH'];
  const text = `base_model: \${${vars[0]}}\ndatasets:\n  - path: \${${vars[1]}}\n    type: alpaca\nlearning_rate: \${${vars[2]}}\nnum_epochs: \${${vars[3]}}\noutput_dir: \${${vars[4]}}\nmicro_batch_size: \${${vars[5]}}\nsample_packing: true\nflash_attention: true\n`;
  const a = analyze(text, { path: 'config.yaml', settings: {} });
  assert.equal(a.format, 'axolotl');
  assert.match(a.detection.skip ?? '', /6 of its 9 values are environment variables/);
  assert.deepEqual(a.diagnostics, []);
  // The same axolotl file with its values written is checked (flash_attention is deprecated).
  const written = text.replace(/\$\{[A-Z_]+\}/g, '1');
  assert.ok(analyze(written, { path: 'config.yaml', settings: {} }).diagnostics.some((d) => d.rule === 'deprecated-key'));
});
