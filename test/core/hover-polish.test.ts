import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, type FileAnalysis, type Settings } from '../../server/src/core/index';
import { hoverAt } from '../../server/src/core/hover/hover';
import { fileSummary } from '../../server/src/core/hover/file-summary';
import { memoryLine, stepLine } from '../../server/src/core/hover/estimate-lines';
import type { ShellParser } from '../../server/src/core/shell/syntax';
import { loadShellParser } from '../../server/src/node/shell-parser';
import { readFixture } from '../helpers';

const settings = { cluster: { gpu: 'h100-sxm' } };
const script = readFixture('hover', 'megatron_flags.sh');
let analysis: FileAnalysis;

before(async () => {
  const parser: ShellParser | undefined = await loadShellParser();
  assert.ok(parser);
  analysis = analyze(script, { path: 'megatron_flags.sh', settings, shellParser: parser });
  assert.equal(analysis.format, 'megatron');
});

const hover = (needle: string, delta = 3) => hoverAt({ analysis, settings, linked: [] }, script.indexOf(needle) + delta)?.markdown ?? '';

test('a Megatron flag in a launch script shows its documentation and the value a variable gives it', () => {
  const text = hover('--tensor-model-parallel-size');
  assert.match(text, /Value: `4`, set on line 5: `TP=4`/);
  assert.match(text, /\*\*`tensor-model-parallel-size`\*\*/);
  assert.match(text, /Megatron-LM argument --tensor-model-parallel-size/);
  // A value written beside its flag is only repeated, with no line to look at.
  assert.match(hover('--lr 3e-4'), /^Value: `3e-4`\n/);
});

test('a Megatron batch flag shows the batch identity the YAML and JSON hovers show', () => {
  const text = hover('--global-batch-size');
  assert.match(text, /Value: `256`, set on line 7: `GBS=256`/);
  assert.match(text, /`256 = 1 × 128 × 2 ✓` — holds/);
  assert.match(text, /\| data-parallel size \| 2 \| world size 16 \(the launch command in this file\) \/ TP 4 x PP 2 \|/);
  // Megatron-LM derives the accumulation steps itself (num_microbatches), and the source says so, not DeepSpeed.
  assert.match(text, /\| accumulation steps \| 128 \| derived as Megatron-LM does \(num_microbatches\): 256 \/ \(1 x 2\) \|/);
});

test('the file summary on line 1 is a few lines, with the estimate, the assumed price and no tables', () => {
  const text = hover('#!/bin/bash', 0);
  const lines = text.split('\n');
  assert.ok(lines.length <= 6, `${lines.length} lines:\n${text}`);
  assert.doesNotMatch(text, /\|---/);
  assert.match(lines[0], /^\*\*TrainLint: Megatron-LM arguments\*\*/);
  assert.match(text, /Memory per GPU: [\d.]+ GiB of 80\.0 GiB/);
  assert.match(text, /Step time: [\d.]+ s, MFU \d+%/);
  assert.match(text, /GPU-hours, \$[\d,]+ at an assumed example price of \$[\d.]+\/GPU-hour/);
  const linked = hoverAt({ analysis, settings, linked: [] }, 0, { planLink: 'command:trainlint.showPlan' })!.markdown;
  assert.match(linked, /\[Show the full plan\]\(command:trainlint\.showPlan\)$/);
});

test('keys that drive the estimate carry the estimate line they move, from the code lens estimate', () => {
  const estimate = fileSummary({ analysis, settings, linked: [] }).estimate!;
  const micro = hover('--micro-batch-size');
  assert.ok(micro.includes(`**Estimate**: ${memoryLine(estimate)}, of which activations`), micro);
  assert.ok(hover('--tensor-model-parallel-size').includes(`**Estimate**: ${memoryLine(estimate)} · ${stepLine(estimate)}`));
  assert.match(hover('--recompute-granularity'), /\*\*Estimate\*\*: Memory per GPU/);
  assert.match(hover('--pipeline-model-parallel-size'), /\*\*Estimate\*\*: .*Pipeline bubble: [\d.]+% of the step idle/);
  // A key the estimate does not read has no estimate line.
  assert.doesNotMatch(hover('--lr 3e-4'), /\*\*Estimate\*\*/);
});

test('a ZeRO stage in a DeepSpeed config names the optimizer states it holds per GPU', () => {
  const ds = '{\n  "train_micro_batch_size_per_gpu": 4,\n  "gradient_accumulation_steps": 8,\n  "bf16": {"enabled": true},\n  "zero_optimization": {"stage": 2}\n}\n';
  const at = (dsSettings: Settings) => hoverAt({ analysis: analyze(ds, { path: 'ds_config.json', settings: dsSettings }), settings: dsSettings, linked: [] }, ds.indexOf('"stage"') + 2)?.markdown ?? '';
  const given: Settings = { cluster: { gpu: 'h100-sxm', worldSize: 8 }, model: 'meta-llama/Llama-3.1-8B' };
  // A DeepSpeed config does not state the sequence length: the line says what the estimate needs.
  assert.match(at(given), /\*\*Estimate\*\*: not available: needs the sequence length/);
  // So does the summary on line 1, in the words the user acts on, not the estimator's field names.
  const summary = hoverAt({ analysis: analyze(ds, { path: 'ds_config.json', settings: given }), settings: given, linked: [] }, 0)?.markdown ?? '';
  assert.match(summary, /\nEstimate: not available: needs the sequence length/);
  assert.doesNotMatch(summary, /model\.seqLength/);
  assert.match(at({ ...given, seqLength: 4096 }), /\*\*Estimate\*\*: Memory per GPU: [\d.]+ GiB of 80\.0 GiB \(\d+%\), of which optimizer states [\d.]+ GiB/);
});
