import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyze, findLinks, type LinkedFile } from '../../server/src/core/index';
import type { ShellParser } from '../../server/src/core/shell/syntax';
import { loadShellParser } from '../../server/src/node/shell-parser';
import { analyzeInContext } from '../../server/src/cli/file-context';
import { readFixture } from '../helpers';

let parser: ShellParser;
before(async () => {
  const loaded = await loadShellParser();
  assert.ok(loaded);
  parser = loaded;
});

const script = (text: string) => analyze(text, { path: 'run.sh', shellParser: parser, settings: {} });

test('launch commands link to the config files they pass: accelerate --config_file, llamafactory-cli train, axolotl train, python -m axolotl.cli.train', () => {
  const cases: [string, string, string, string][] = [
    ['accelerate launch --config_file conf/acc.yaml train.py --per_device_train_batch_size 4 --gradient_accumulation_steps 2 --output_dir out\n', 'conf/acc.yaml', 'accelerate-config', 'accelerate'],
    ['CFG=examples/llama3_lora_sft.yaml\nFORCE_TORCHRUN=1 llamafactory-cli train $CFG\n', 'examples/llama3_lora_sft.yaml', 'llamafactory-config', 'llamafactory'],
    ['axolotl train examples/lora.yml\n', 'examples/lora.yml', 'axolotl-config', 'axolotl'],
    ['python -m axolotl.cli.train examples/lora.yml\n', 'examples/lora.yml', 'axolotl-config', 'axolotl'],
    ['accelerate launch -m axolotl.cli.train examples/lora.yml\n', 'examples/lora.yml', 'axolotl-config', 'axolotl'],
  ];
  for (const [text, target, kind, format] of cases) {
    const a = script(text);
    const links = findLinks(a).filter((l) => l.kind !== 'deepspeed-config');
    assert.equal(links.length, 1, text);
    assert.equal(links[0].target, target);
    assert.equal(links[0].kind, kind);
    assert.equal(links[0].context.format, format);
    assert.equal(text.slice(links[0].range.start, links[0].range.end), target, 'ranged where the path is written');
  }
  // A path the environment fills is no link.
  assert.deepEqual(findLinks(script('llamafactory-cli train $1\n')), []);
});

test('llamafactory-cli: NNODES x NPROC_PER_NODE from the command\'s environment or the script give the YAML its world size', () => {
  const world = (text: string) => findLinks(script(text)).find((l) => l.kind === 'llamafactory-config')?.context.cluster?.worldSize;
  assert.equal(world('FORCE_TORCHRUN=1 NNODES=2 NPROC_PER_NODE=8 llamafactory-cli train sft.yaml\n'), 16);
  assert.equal(world('export NPROC_PER_NODE=4\nFORCE_TORCHRUN=1 llamafactory-cli train sft.yaml\n'), 4, 'NNODES defaults to 1');
  assert.equal(world('GPUS=8\nNPROC_PER_NODE=$GPUS NNODES=$SLURM_NNODES llamafactory-cli train sft.yaml\n'), undefined, 'nodes from the environment: unknown');
  assert.equal(world('FORCE_TORCHRUN=1 llamafactory-cli train sft.yaml\n'), undefined, 'every local GPU: unknown here');
});

test('a missing config file passed by a launch command is linked-file-missing on the path as written', () => {
  for (const text of ['axolotl train conf/missing.yml\n', 'llamafactory-cli train conf/missing.yaml\n', 'accelerate launch --config_file conf/missing.yaml train.py\n']) {
    const first = script(text);
    assert.notEqual(first.format, 'unknown', text);
    const linked: LinkedFile[] = findLinks(first).map((link) => ({ link, path: `/x/${link.target}` }));
    const a = analyze(text, { path: 'run.sh', shellParser: parser, settings: {}, linked });
    const d = a.diagnostics.filter((x) => x.rule === 'linked-file-missing');
    assert.equal(d.length, 1, text);
    assert.match(text.slice(d[0].range.start, d[0].range.end), /^conf\/missing\.ya?ml$/);
    assert.deepEqual(a.diagnostics.filter((x) => x.rule !== 'linked-file-missing').map((x) => x.rule), [], text);
  }
});

test('linked-file-missing: a relative path in a script that cds to a checkout only the environment names is one info, not a warning', () => {
  const text = readFixture('links/cd-out-of-reach/run.sh');
  const first = script(text);
  const linked: LinkedFile[] = findLinks(first).filter((link) => link.kind === 'deepspeed-config').map((link) => ({ link, path: `/x/${link.target}` }));
  assert.equal(linked.length, 1);
  const d = analyze(text, { path: 'run.sh', shellParser: parser, settings: {}, linked }).diagnostics.filter((x) => x.rule === 'linked-file-missing');
  assert.deepEqual(d.map((x) => [x.severity, x.message]), [['info', 'tests/deepspeed/ds_config_zero2.json is opened from the folder the script cds to ($WORK/code/transformers), which TrainLint cannot see: not checked.']]);
  // Without the cd, the same path is looked for in this repository and reported.
  const here = text.replace('cd $WORK/code/transformers\n', '');
  const warned = analyze(here, { path: 'run.sh', shellParser: parser, settings: {}, linked: findLinks(script(here)).filter((link) => link.kind === 'deepspeed-config').map((link) => ({ link, path: `/x/${link.target}` })) });
  assert.equal(warned.diagnostics.find((x) => x.rule === 'linked-file-missing')?.severity, 'warning');
});

test('accelerate --config_file: the accelerate config gives the world size and, through deepspeed_config_file, the DeepSpeed config the Trainer compares', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-links-'));
  mkdirSync(join(dir, 'conf'));
  writeFileSync(join(dir, 'conf', 'acc.yaml'), 'compute_environment: LOCAL_MACHINE\ndistributed_type: DEEPSPEED\ndeepspeed_config:\n  deepspeed_config_file: ds.json\nnum_processes: 4\nnum_machines: 1\n');
  writeFileSync(join(dir, 'conf', 'ds.json'), '{ "train_batch_size": 32, "train_micro_batch_size_per_gpu": "auto", "gradient_accumulation_steps": 3, "zero_optimization": { "stage": 2 } }\n');
  const text = '#!/bin/bash\naccelerate launch --config_file conf/acc.yaml train.py --per_device_train_batch_size 4 --gradient_accumulation_steps 2 --output_dir out --learning_rate 1e-5\n';
  writeFileSync(join(dir, 'run.sh'), text);
  const { analysis, linked } = analyzeInContext(join(dir, 'run.sh'), { cluster: { worldSize: 8 } }, parser);
  assert.deepEqual(linked.map((l) => [l.link.kind, l.link.target, l.analysis?.format]), [
    ['accelerate-config', 'conf/acc.yaml', 'accelerate'],
    ['deepspeed-config', 'conf/ds.json', 'deepspeed'],
  ]);
  assert.equal(analysis.settings.cluster?.worldSize, 4, 'num_processes of the accelerate config, not --gpus 8');
  const mismatches = analysis.diagnostics.filter((d) => d.rule === 'hf-deepspeed-mismatch').map((d) => d.message);
  assert.ok(mismatches.some((m) => /gradient_accumulation_steps = 2 here, but conf\/ds.json sets gradient_accumulation_steps = 3/.test(m)), JSON.stringify(mismatches));
  // 4 per device x 2 steps x 4 processes = 32: train_batch_size agrees in the accelerate world (it would not with --gpus 8).
  assert.ok(!mismatches.some((m) => /train_batch_size/.test(m)), JSON.stringify(mismatches));
});

test('Megatron-DeepSpeed scripts: a near-miss flag is a warning with its fix; many unknown flags are one note about a fork', () => {
  const launch = (flags: string) => `deepspeed pretrain_gpt.py --deepspeed --deepspeed_config ds.json --tensor-model-parallel-size 2 --num-layers 24 --hidden-size 1024 --num-attention-heads 16 --seq-length 2048 --micro-batch-size 1 --global-batch-size 64 ${flags}\n`;
  const typo = script(launch('--hiden-dropout 0.1')).diagnostics.filter((d) => d.rule === 'unknown-key');
  assert.deepEqual(typo.map((d) => [d.severity, d.fixes[0]?.title]), [['warning', 'Rename to "hidden-dropout"']]);
  const fork = script(launch('--embed-layernorm --pp-partition-method type:transformer --kill-switch-path /tmp/kill --pad-vocab-size-to 250880')).diagnostics.filter((d) => d.rule === 'unknown-key');
  assert.equal(fork.length, 1);
  assert.equal(fork[0].severity, 'info');
  assert.match(fork[0].message, /^4 flags are not Megatron-DeepSpeed's .*--embed-layernorm, --pp-partition-method, --kill-switch-path, --pad-vocab-size-to/);
  assert.equal(fork[0].related.length, 3, 'each flag is a related location');
  const two = script(launch('--embed-layernorm --kill-switch-path /tmp/kill')).diagnostics.filter((d) => d.rule === 'unknown-key');
  assert.deepEqual(two.map((d) => d.severity), ['warning', 'warning'], 'two unknown flags are still reported one by one');
});

test('Megatron programs with arguments of their own: one note naming the flags; pretrain_gpt.py: a lone unknown flag warns, a near-miss is an error', () => {
  const common = '--tensor-model-parallel-size 1 --num-layers 24 --hidden-size 1024 --num-attention-heads 16 --seq-length 2048 --micro-batch-size 1 --global-batch-size 64';
  const multimodal = script(`torchrun --nproc_per_node 8 examples/multimodal/train.py ${common} --vision-model-type clip --freeze-LM\n`).diagnostics.filter((d) => d.rule === 'unknown-key');
  assert.deepEqual(multimodal.map((d) => d.severity), ['info']);
  assert.match(multimodal[0].message, /^2 flags are not Megatron-LM's .*\(--vision-model-type, --freeze-LM\): examples\/multimodal\/train\.py \(its own arguments\) or a fork must define them/);
  const lone = script(`torchrun --nproc_per_node 8 pretrain_gpt.py ${common} --enable-moonshot\n`).diagnostics.filter((d) => d.rule === 'unknown-key');
  assert.deepEqual(lone.map((d) => [d.severity, /extra-arguments provider/.test(d.message)]), [['warning', true]]);
  // nvidia-modelopt's flags, which pretrain_gpt.py adds when the package imports: a note naming where they come from.
  const modelopt = script(`torchrun --nproc_per_node 8 pretrain_gpt.py ${common} --enable-gpt-oss\n`).diagnostics.filter((d) => d.rule === 'unknown-key');
  assert.deepEqual(modelopt.map((d) => [d.severity, /nvidia-modelopt/.test(d.message)]), [['info', true]]);
  const typo = script(`torchrun --nproc_per_node 8 pretrain_gpt.py ${common} --hiden-dropout 0.1\n`).diagnostics.filter((d) => d.rule === 'unknown-key');
  assert.deepEqual(typo.map((d) => [d.severity, d.fixes[0]?.title]), [['error', 'Rename to "hidden-dropout"']]);
});

test('a script whose last command continues onto the end of the file parses as bash reads it', () => {
  const analysis = script(`torchrun --nproc_per_node 8 pretrain_gpt.py --tensor-model-parallel-size 1 --num-layers 24 --hidden-size 1024 --num-attention-heads 16 \\\n    --seq-length 2048 --micro-batch-size 1 --global-batch-size 64 \\\n`);
  assert.equal(analysis.format, 'megatron');
  assert.deepEqual(analysis.diagnostics.filter((d) => d.rule === 'parse-error'), []);
});

test('a file the script writes (sed > file, a heredoc, echo > file) is present when the run reads it: no linked-file-missing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-written-'));
  // One script that writes three files; each case passes a different one to --deepspeed_config.
  const written = readFixture('launchers', 'written-files.sh');
  const missing = (config: string) => {
    const path = join(dir, 'pretrain.sh');
    writeFileSync(path, written.replace('--deepspeed_config ${config_json}', `--deepspeed_config ${config}`));
    return analyzeInContext(path, {}, parser).analysis.diagnostics.filter((d) => d.rule === 'linked-file-missing');
  };
  assert.deepEqual(missing('${config_json}'), [], 'sed ... TEMPLATE.json > ${config_json}');
  assert.deepEqual(missing('ds_eval.json'), [], 'cat <<EOT > ./ds_eval.json, passed as ds_eval.json');
  assert.deepEqual(missing('extra.json'), [], "echo '...' > extra.json");
  const reported = missing('never_written.json');
  assert.equal(reported.length, 1, 'a file the script never writes is still reported');
  assert.match(reported[0].message, /never_written\.json/);
});

// linked-file-missing is a warning only where the run probably fails: each case below is a pattern of bench/wild findings
// judged false, kept beside a control that is still reported.
const linkedMissing = (dir: string, name: string, text: string) => {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return analyzeInContext(path, {}, parser).analysis.diagnostics.filter((d) => d.rule === 'linked-file-missing');
};

test('linked-file-missing: an absolute path outside the workspace is one info that it was not checked; inside it, still a warning', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-outside-'));
  const text = readFixture('launchers', 'linked-files', 'outside.sh');
  const outside = linkedMissing(dir, 'run.sh', text.replace('--config_file CONFIG', '--config_file /trainlint-no-such-dir/examples/slurm/fsdp_config.yaml'));
  assert.deepEqual(outside.map((d) => d.severity), ['info']);
  assert.match(outside[0].message, /outside the workspace.*not checked/);
  const inside = linkedMissing(dir, 'run.sh', text.replace('--config_file CONFIG', `--config_file ${join(dir, 'configs', 'missing.yaml')}`));
  assert.deepEqual(inside.map((d) => d.severity), ['warning'], 'an absolute path into the workspace is checked');
});

test('linked-file-missing: placeholder paths (path/to/..., /path/to/..., <your ...>, your_config) are skipped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-placeholders-'));
  assert.deepEqual(linkedMissing(dir, 'run.sh', readFixture('launchers', 'linked-files', 'placeholders.sh')), []);
  assert.deepEqual(linkedMissing(dir, 'accelerate.yaml', readFixture('launchers', 'linked-files', 'placeholder.yaml')), []);
  const control = linkedMissing(dir, 'run2.sh', 'accelerate launch --config_file configs/to/accelerate_config.yaml train.py --output_dir out\n');
  assert.equal(control.length, 1, 'a real path is still reported');
});

test('linked-file-missing: a file an earlier command of the script writes (a generator\'s argument, a copy, a download, > or tee) counts as present', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-generated-'));
  const text = readFixture('launchers', 'linked-files', 'generated.sh');
  const missing = (config: string) => linkedMissing(dir, 'run.sh', text.replace('--config_file CONFIG', `--config_file ${config}`));
  for (const written of ['configs/config.yaml', 'configs/ds_generated.json', './configs/ds_copied.json', 'configs/downloaded.yaml', 'configs/ds_jq.json', 'configs/teed.yaml']) {
    assert.deepEqual(missing(written), [], written);
  }
  // echo and cat only read, a copy's source is read, and a file written after the launch is not there when it starts.
  for (const notWritten of ['configs/echoed.yaml', 'configs/read_only.yaml', 'configs/copied_from.yaml', 'configs/after.yaml']) {
    assert.equal(missing(notWritten).length, 1, notWritten);
  }
});

test('linked-file-missing: a path the user supplies (a run-named file a training run writes, a folder from the environment or an empty variable) is not reported', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-user-supplied-'));
  const text = readFixture('launchers', 'linked-files', 'user-supplied.sh');
  const missing = (config: string) => linkedMissing(dir, 'run.sh', text.replace('--deepspeed_config CONFIG', `--deepspeed_config ${config}`));
  assert.deepEqual(missing('$RUN_CONFIG'), [], 'ds_config_<run settings>.json: written by the training run');
  assert.deepEqual(missing('${CONFIG_DIR}/ds.json'), [], 'CONFIG_DIR= left empty for the user');
  assert.deepEqual(missing('${CONFIG_ROOT}/ds.json'), [], '${CONFIG_ROOT:-configs/cluster}: the environment may set the folder');
  assert.deepEqual(missing('${CONFIG_UNSET}/ds.json'), [], 'a folder from an unset variable');
  assert.equal(missing('configs/ds_missing.json').length, 1, 'a plain path is still reported');
  assert.equal(missing('${DS:-configs/ds_default.json}').length, 1, 'a default path the repository should ship is still reported');
});

test('linked-file-missing: a script in a template/ folder names files a tool copies beside it: skipped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-template-'));
  const text = readFixture('launchers', 'linked-files', 'template', 'run.sh');
  assert.deepEqual(linkedMissing(dir, join('cloud', 'template', 'run.sh'), text), []);
  assert.equal(linkedMissing(dir, join('cloud', 'scripts', 'run.sh'), text).length, 1, 'the same script elsewhere is reported');
});

test('linked-file-missing: a LLaMA-Factory config naming a file LLaMA-Factory ships (examples/deepspeed/ds_z3_config.json) is a note; another missing file is still a warning', () => {
  // As OpenBMB/MiniCPM ships configs for LLaMA-Factory, copied into its checkout and run from its root.
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-shipped-'));
  const config = (deepspeed: string) => `### model\nmodel_name_or_path: openbmb/MiniCPM-2B-sft-bf16\n\n### method\nstage: sft\ndo_train: true\nfinetuning_type: full\ndeepspeed: ${deepspeed}\n\n### dataset\ndataset: identity\ntemplate: cpm\ncutoff_len: 1024\n\n### train\nper_device_train_batch_size: 1\ngradient_accumulation_steps: 2\nlearning_rate: 1.0e-5\nnum_train_epochs: 1.0\nbf16: true\noutput_dir: saves/minicpm\n`;
  writeFileSync(join(dir, 'minicpm_sft.yaml'), config('examples/deepspeed/ds_z3_config.json'));
  writeFileSync(join(dir, 'minicpm_own.yaml'), config('examples/deepspeed/minicpm_z3.json'));
  const found = (name: string) => analyzeInContext(join(dir, name), {}, parser).analysis.diagnostics.filter((d) => d.rule === 'linked-file-missing').map((d) => [d.severity, /LLaMA-Factory ships it/.test(d.message)]);
  assert.deepEqual(found('minicpm_sft.yaml'), [['info', true]]);
  assert.deepEqual(found('minicpm_own.yaml'), [['warning', false]]);
});
