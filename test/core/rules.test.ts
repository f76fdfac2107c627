import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, applyEdits, type Settings } from '../../server/src/core/index';
import { nthIndex, readFixture } from '../helpers';

/**
 * One fixture per rule and case. Each expected finding names the text its range must cover
 * exactly (the nth occurrence of `at` in the file), so ranges are checked to the character.
 */
interface Expected {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  at: string;
  occurrence?: number;
  /** Title of a fix the finding must offer, and whether it must be safe. */
  fix?: { title: string; safe: boolean; result?: string };
}

interface Case {
  file: string;
  settings?: Settings;
  expect: Expected[];
  /** Rules that must stay silent on this file (on top of: no finding beyond `expect`). */
  only?: boolean;
}

const CASES: Case[] = [
  // The brace is missing at the end of the file: the error sits there, as an empty range at the end.
  { file: 'parse-error/unclosed-object.json', expect: [{ rule: 'parse-error', severity: 'error', at: '' }] },
  { file: 'parse-error/unclosed-flow.yaml', expect: [{ rule: 'parse-error', severity: 'error', at: '' }], only: false },
  { file: 'duplicate-key/deepspeed.json', expect: [{ rule: 'duplicate-key', severity: 'error', at: '"train_batch_size"', occurrence: 2 }] },
  { file: 'duplicate-key/hf.yaml', expect: [{ rule: 'duplicate-key', severity: 'warning', at: 'learning_rate', occurrence: 2 }] },
  {
    file: 'comment-in-strict-json/trainer-consumed.json',
    expect: [{ rule: 'comment-in-strict-json', severity: 'error', at: '// ZeRO-2 for the 7B run', fix: { title: 'Remove the comment', safe: true } }],
  },
  {
    file: 'comment-in-strict-json/unknown-consumer.json',
    expect: [
      { rule: 'comment-in-strict-json', severity: 'warning', at: '/* plain DeepSpeed reads this */' },
      { rule: 'comment-in-strict-json', severity: 'warning', at: ',', occurrence: 2 },
    ],
  },
  { file: 'comment-in-strict-json/unknown-consumer.json', settings: { consumer: 'deepspeed' }, expect: [] },
  {
    file: 'yaml-float-as-string/hf.yaml',
    expect: [
      { rule: 'yaml-float-as-string', severity: 'warning', at: '2e-5', fix: { title: 'Write 2.0e-5', safe: true, result: 'learning_rate: 2.0e-5' } },
      { rule: 'yaml-float-as-string', severity: 'warning', at: '1e-8', fix: { title: 'Write 1.0e-8', safe: true } },
      { rule: 'yaml-float-as-string', severity: 'warning', at: '1e3', fix: { title: 'Write 1.0e+3', safe: true, result: 'max_steps: 1.0e+3' } },
    ],
  },
  { file: 'yaml-float-as-string/hf-clean.yaml', expect: [] },
  {
    file: 'batch-size-mismatch/three-given.json',
    settings: { cluster: { worldSize: 8 } },
    expect: [
      {
        rule: 'batch-size-mismatch',
        severity: 'error',
        at: '"train_batch_size"',
        fix: { title: 'Set gradient_accumulation_steps to 16 (keeps the global batch)', safe: false, result: '"gradient_accumulation_steps": 16' },
      },
    ],
  },
  { file: 'batch-size-mismatch/three-given.json', settings: { cluster: { nodes: 2, gpusPerNode: 8 } }, expect: [] },
  { file: 'batch-size-mismatch/three-given.json', expect: [] },
  // Ulysses: DeepSpeed divides the world size by sequence_parallel_size before its batch assertion (deepspeed/runtime/config.py).
  { file: 'batch-size-mismatch/ulysses-sp.json', settings: { cluster: { worldSize: 2 } }, expect: [] },
  {
    file: 'batch-size-indivisible/three-given.json',
    expect: [{ rule: 'batch-size-indivisible', severity: 'error', at: '"train_batch_size"', fix: { title: 'Set train_batch_size to 96 (changes the global batch: rescale the learning rate with it)', safe: false } }],
  },
  { file: 'batch-size-indivisible/global-and-micro.json', expect: [{ rule: 'batch-size-indivisible', severity: 'error', at: '"train_batch_size"' }] },
  { file: 'batch-size-missing/deepspeed.json', expect: [{ rule: 'batch-size-missing', severity: 'error', at: '"gradient_accumulation_steps"' }] },
  // Elastic training: DeepSpeed picks the batch sizes itself.
  { file: 'batch-size-missing/elastic-ok.json', expect: [] },
  {
    file: 'unknown-key/typos.json',
    expect: [
      // The misspelt micro-batch leaves DeepSpeed without any batch size: both findings are real.
      { rule: 'batch-size-missing', severity: 'error', at: '"train_micro_batch_size_per_gp"' },
      { rule: 'unknown-key', severity: 'warning', at: '"train_micro_batch_size_per_gp"', fix: { title: 'Rename to "train_micro_batch_size_per_gpu"', safe: true, result: '"train_micro_batch_size_per_gpu": 4' } },
      { rule: 'unknown-key', severity: 'error', at: '"overlap_com"', fix: { title: 'Rename to "overlap_comm"', safe: true } },
    ],
  },
  // The program that reads a TrainingArguments file is unknown here: its own dataclasses may define any key, so a near-miss is a warning.
  { file: 'unknown-key/hf.yaml', expect: [{ rule: 'unknown-key', severity: 'warning', at: 'learning_rat', fix: { title: 'Rename to "learning_rate"', safe: true, result: 'learning_rate: 2.0e-5' } }] },
  // Keys of the program's own dataclasses (open-instruct's FlatArguments): one info naming them; the near-miss stays a warning.
  {
    file: 'unknown-key/hf-program-keys.yaml',
    expect: [
      { rule: 'unknown-key', severity: 'info', at: 'tokenizer_name' },
      { rule: 'unknown-key', severity: 'warning', at: 'gradient_acumulation_steps', fix: { title: 'Rename to "gradient_accumulation_steps"', safe: true } },
    ],
  },
  // Seq2SeqTrainingArguments' own fields (transformers/training_args_seq2seq.py) are TrainingArguments fields too.
  { file: 'unknown-key/hf-seq2seq-ok.yaml', expect: [] },
  // fp16 is validated (pydantic) from DeepSpeed 0.17.1: an error only where that release runs.
  { file: 'invalid-value/deepspeed.json', expect: [{ rule: 'invalid-value', severity: 'warning', at: '"yes please"' }] },
  { file: 'invalid-value/deepspeed.json', settings: { versions: { deepspeed: '0.17.1' } }, expect: [{ rule: 'invalid-value', severity: 'error', at: '"yes please"' }] },
  { file: 'invalid-value/deepspeed.json', settings: { versions: { deepspeed: '0.14.4' } }, expect: [{ rule: 'invalid-value', severity: 'warning', at: '"yes please"' }] },
  // A program may redefine a TrainingArguments field's choices; with the program unknown, a value outside upstream's is a warning.
  { file: 'invalid-value/hf-enum.yaml', expect: [{ rule: 'invalid-value', severity: 'warning', at: 'cosin', fix: { title: 'Change to "cosine"', safe: true, result: 'lr_scheduler_type: cosine' } }] },
  // max_seq_length was SFTConfig's (removed in trl 0.20), evaluation_strategy went in transformers 4.51, warmup_ratio
  // after 5.10: the program's own dataclasses may define any of them, so with the program unknown, notes.
  {
    file: 'deprecated-key/hf-trl-field.yaml',
    expect: [
      { rule: 'deprecated-key', severity: 'info', at: 'max_seq_length' },
      { rule: 'deprecated-key', severity: 'info', at: 'evaluation_strategy' },
      { rule: 'deprecated-key', severity: 'info', at: 'warmup_ratio' },
    ],
  },
  // A file whose program is not read: its own dataclasses may take the old name, so a note, with the rename where the
  // pinned range has eval_strategy (programs.test.ts has the warning, for a program read in full).
  { file: 'deprecated-key/hf.yaml', settings: { versions: { transformers: '>=4.45' } }, expect: [{ rule: 'deprecated-key', severity: 'info', at: 'evaluation_strategy', fix: { title: 'Rename to "eval_strategy"', safe: false, result: 'eval_strategy: steps' } }] },
  { file: 'deprecated-key/hf.yaml', expect: [{ rule: 'deprecated-key', severity: 'info', at: 'evaluation_strategy' }] },
  // Read by the Trainer is only a guess from the "auto" values: another program may fill them (SGLang's ZeRO-Inference
  // fills stage3_* from the model), so a note; an error once a link says so.
  { file: 'auto-outside-trainer/unfilled-key.json', expect: [{ rule: 'auto-outside-trainer', severity: 'info', at: '"auto"', occurrence: 3 }] },
  { file: 'auto-outside-trainer/unfilled-key.json', settings: { consumer: 'hf-trainer' }, expect: [{ rule: 'auto-outside-trainer', severity: 'error', at: '"auto"', occurrence: 3 }] },
  { file: 'auto-outside-trainer/unfilled-key.json', settings: { consumer: 'deepspeed' }, expect: [
    { rule: 'auto-outside-trainer', severity: 'error', at: '"auto"', occurrence: 1 },
    { rule: 'auto-outside-trainer', severity: 'error', at: '"auto"', occurrence: 2 },
    { rule: 'auto-outside-trainer', severity: 'warning', at: '"auto"', occurrence: 3 },
  ] },
  { file: 'fp16-and-bf16/hf.yaml', expect: [{ rule: 'fp16-and-bf16', severity: 'error', at: 'true', fix: { title: 'Switch fp16 off', safe: false, result: 'fp16: false' } }] },
  {
    file: 'fp16-and-bf16/hf-truthy-string.yaml',
    expect: [
      { rule: 'fp16-and-bf16', severity: 'error', at: 'true' },
      // TrlParser's argparse rejects the string too ("Truthy value expected"), unless the program redefines bf16.
      { rule: 'invalid-value', severity: 'warning', at: '"torch.cuda.is_bf16_supported()"' },
    ],
  },
  // `${BF16}`: a job template's environment placeholder, filled in before the file is read: no certain value, no finding.
  { file: 'fp16-and-bf16/hf-env-template-ok.yaml', expect: [] },
  { file: 'fp16-and-bf16/deepspeed.json', expect: [{ rule: 'fp16-and-bf16', severity: 'error', at: 'true' }] },
  { file: 'fp16-and-bf16/deepspeed-auto-ok.json', expect: [] },
  { file: 'zero-with-pipeline/deepspeed.json', expect: [{ rule: 'zero-with-pipeline', severity: 'error', at: '3', fix: { title: 'Set the ZeRO stage to 1', safe: false, result: '"stage": 1' } }] },
  {
    file: 'offload-requires-zero/stage2.json',
    expect: [
      { rule: 'offload-requires-zero', severity: 'warning', at: '"cpu"', occurrence: 1, fix: { title: 'Set the ZeRO stage to 3', safe: false } },
      { rule: 'offload-requires-zero', severity: 'error', at: '0.5' },
    ],
  },
  { file: 'offload-requires-zero/stage0.json', expect: [{ rule: 'offload-requires-zero', severity: 'warning', at: '"nvme"', fix: { title: 'Set the ZeRO stage to 1', safe: false } }] },
  { file: 'invalid-zero-stage/deepspeed.json', expect: [{ rule: 'invalid-zero-stage', severity: 'error', at: '4', fix: { title: 'Set the ZeRO stage to 3', safe: false, result: '"stage": 3' } }] },
  { file: 'hf-deepspeed-mismatch/hard-coded-bf16.json', expect: [{ rule: 'hf-deepspeed-mismatch', severity: 'info', at: 'true' }] },
  { file: 'hf-deepspeed-mismatch/hard-coded-bf16.json', settings: { consumer: 'hf-trainer' }, expect: [{ rule: 'hf-deepspeed-mismatch', severity: 'warning', at: 'true', fix: { title: 'Set it to "auto"', safe: false, result: '"enabled": "auto"' } }] },
];

for (const c of CASES) {
  const label = `${c.file}${c.settings ? ' with ' + JSON.stringify(c.settings) : ''}`;
  test(label, () => {
    const text = readFixture('rules', c.file);
    const analysis = analyze(text, { path: c.file, settings: c.settings });
    const found = analysis.diagnostics.map((d) => ({ rule: d.rule, severity: d.severity, text: text.slice(d.range.start, d.range.end), start: d.range.start, d }));
    if (c.only !== false) {
      assert.equal(found.length, c.expect.length, `findings: ${JSON.stringify(found.map((f) => [f.rule, f.severity, f.text, f.d.message]), null, 1)}`);
    }
    for (const e of c.expect) {
      const match = found.find((f) => {
        if (f.rule !== e.rule) return false;
        if (e.at === '') return true; // Parse errors: the place depends on the parser's recovery; the rule is what matters.
        return f.start === nthIndex(text, e.at, e.occurrence ?? 1) && f.text === e.at;
      });
      assert.ok(match, `expected ${e.rule} on "${e.at}" in ${JSON.stringify(found.map((f) => [f.rule, f.text, f.start]))}`);
      assert.equal(match.severity, e.severity, `${e.rule} severity`);
      assert.ok(match.d.message.length > 20, 'messages say what, why and what to do');
      if (e.fix) {
        const fix = match.d.fixes.find((f) => f.title === e.fix!.title);
        assert.ok(fix, `fix "${e.fix.title}" among ${JSON.stringify(match.d.fixes.map((f) => f.title))}`);
        assert.equal(fix.safe, e.fix.safe);
        if (e.fix.result) assert.ok(applyEdits(text, fix.edits).text.includes(e.fix.result), `after the fix: ${applyEdits(text, fix.edits).text}`);
      }
    }
  });
}

test('file-too-large: an oversized file ends in one clear diagnostic, quickly', () => {
  const big = '{\n  "train_batch_size": 8,\n  "pad": "' + 'x'.repeat(6 * 1024 * 1024) + '"\n}\n';
  const started = process.hrtime.bigint();
  const analysis = analyze(big, { path: 'ds_config.json' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.deepEqual(analysis.diagnostics.map((d) => d.rule), ['file-too-large']);
  assert.ok(ms < 2000, `bounded time (${ms} ms)`);
});

test('rules can be switched off or re-graded by settings', () => {
  const text = readFixture('rules', 'fp16-and-bf16/hf.yaml');
  assert.deepEqual(analyze(text, { path: 'a.yaml', settings: { rules: { 'fp16-and-bf16': 'off' } } }).diagnostics, []);
  assert.equal(analyze(text, { path: 'a.yaml', settings: { rules: { 'fp16-and-bf16': 'warning' } } }).diagnostics[0].severity, 'warning');
});
