import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, findLinks, mergeSettings, type FileAnalysis, type LinkedFile } from '../../server/src/core/index';
import { runCheck } from '../../server/src/cli/check';

const DS = ['{', '  "train_micro_batch_size_per_gpu": 4,', '  "gradient_accumulation_steps": "auto",', '  "optimizer": { "type": "AdamW", "params": { "lr": "auto", "weight_decay": 0.1 } },', '  "zero_optimization": { "stage": 2 }', '}', ''].join('\n');
const HF = (micro: number) => ['output_dir: out', `per_device_train_batch_size: ${micro}`, 'num_train_epochs: 1', 'weight_decay: 0.1', 'learning_rate: 2.0e-5', 'deepspeed: ds.json', ''].join('\n');

/** What a front end does: analyse the pointing file, then the target in the link's context, then both again. */
function pair(hfText: string, dsText: string): { hf: FileAnalysis; ds: FileAnalysis } {
  const first = analyze(hfText, { path: 'train.yaml' });
  const [link] = findLinks(first);
  assert.ok(link, 'deepspeed: ds.json is a link');
  const context = { ...link.context, linkedFrom: link.context.linkedFrom && { ...link.context.linkedFrom, path: 'train.yaml' } };
  const ds = analyze(dsText, { path: 'ds.json', settings: mergeSettings(context) });
  const linked: LinkedFile[] = [{ link, path: 'ds.json', analysis: ds }];
  return { hf: analyze(hfText, { path: 'train.yaml', linked }), ds };
}

test('hf-deepspeed-mismatch is reported on both files, with a fix on each side', () => {
  const { hf, ds } = pair(HF(8), DS);
  const onDs = ds.diagnostics.find((d) => d.rule === 'hf-deepspeed-mismatch');
  assert.ok(onDs, 'on the DeepSpeed file');
  assert.equal(onDs.severity, 'error');
  assert.equal(ds.text.slice(onDs.range.start, onDs.range.end), '4');
  assert.match(onDs.message, /per_device_train_batch_size = 8/);
  assert.ok(onDs.fixes.some((f) => f.edits[0].newText === '"auto"'));
  const onHf = hf.diagnostics.find((d) => d.rule === 'hf-deepspeed-mismatch');
  assert.ok(onHf, 'on the TrainingArguments file');
  assert.equal(hf.text.slice(onHf.range.start, onHf.range.end), 'per_device_train_batch_size');
  assert.ok(onHf.fixes.some((f) => f.otherFile?.path === 'ds.json' && f.otherFile.edits[0].newText === '"auto"'), 'auto on the other side');
  assert.ok(onHf.fixes.some((f) => f.edits[0]?.newText === '4'), 'or take the DeepSpeed value here');
  assert.equal(onHf.related[0].path, 'ds.json');
});

test('editing the TrainingArguments file changes the diagnostics on the DeepSpeed file', () => {
  assert.ok(pair(HF(8), DS).ds.diagnostics.some((d) => d.rule === 'hf-deepspeed-mismatch'));
  const agreed = pair(HF(4), DS);
  assert.ok(!agreed.ds.diagnostics.some((d) => d.rule === 'hf-deepspeed-mismatch'));
  assert.ok(!agreed.hf.diagnostics.some((d) => d.rule === 'hf-deepspeed-mismatch'));
  // and editing the DeepSpeed file changes the other side
  const auto = pair(HF(8), DS.replace('"train_micro_batch_size_per_gpu": 4', '"train_micro_batch_size_per_gpu": "auto"'));
  assert.ok(!auto.hf.diagnostics.some((d) => d.rule === 'hf-deepspeed-mismatch'));
});

test('TrainingArguments defaults count: weight decay 0.1 in DeepSpeed vs the default 0.0 is a mismatch', () => {
  const { ds } = pair(HF(4).replace('weight_decay: 0.1\n', ''), DS);
  const d = ds.diagnostics.find((x) => x.rule === 'hf-deepspeed-mismatch');
  assert.ok(d);
  assert.match(d.message, /weight_decay = 0 \(its default\)/);
});

test('the CLI follows links relative to the pointing file; a missing file is a diagnostic on the path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-links-'));
  writeFileSync(join(dir, 'train.yaml'), HF(8));
  writeFileSync(join(dir, 'ds.json'), DS);
  writeFileSync(join(dir, 'other.yaml'), HF(4).replace('ds.json', 'missing/ds.json'));
  const outcome = runCheck({ paths: [dir], flags: {}, fix: false, failOn: 'error' });
  const byName = new Map(outcome.files.map((f) => [f.path.slice(dir.length + 1), f.analysis]));
  assert.ok(byName.get('ds.json')!.diagnostics.some((d) => d.rule === 'hf-deepspeed-mismatch'));
  assert.ok(byName.get('train.yaml')!.diagnostics.some((d) => d.rule === 'hf-deepspeed-mismatch'));
  const missing = byName.get('other.yaml')!.diagnostics.find((d) => d.rule === 'linked-file-missing');
  assert.ok(missing);
  assert.equal(missing.code, 'TL702');
  assert.equal(byName.get('other.yaml')!.text.slice(missing.range.start, missing.range.end), 'missing/ds.json');
});

test('accelerate: deepspeed_config_file with inline DeepSpeed keys is the error accelerate raises, on the inline keys', () => {
  const text = ['compute_environment: LOCAL_MACHINE', 'distributed_type: DEEPSPEED', 'deepspeed_config:', '  deepspeed_config_file: ds.json', '  zero_stage: 3', '  gradient_accumulation_steps: 4', 'num_processes: 8', 'mixed_precision: bf16', ''].join('\n');
  const found = analyze(text, { path: 'accelerate.yaml' }).diagnostics.filter((d) => d.rule === 'accelerate-deepspeed-inline-keys');
  assert.deepEqual(found.map((d) => text.slice(d.range.start, d.range.end)), ['zero_stage', 'gradient_accumulation_steps']);
  assert.match(found[0].message, /will be ignored/);
});
