import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeLens, CompletionItem, Hover, InlayHint, MarkupContent } from 'vscode-languageserver-protocol';
import { FIXTURES, LspSession, positionOf, ROOT, vscodeLikeCapabilities } from './lsp-session';

const DS = join(FIXTURES, 'single/ds_config.json');
const SFT = join(FIXTURES, 'single/sft.yaml');
const dsSchema = JSON.parse(readFileSync(join(ROOT, 'schemas/deepspeed.schema.json'), 'utf8'));
const hfSchema = JSON.parse(readFileSync(join(ROOT, 'schemas/hf-training-args.schema.json'), 'utf8'));

describe('hover, completion, inlay hints, code lens', () => {
  let session: LspSession;
  let ds: string;
  let sft: string;
  before(async () => {
    session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: true }), configuration: () => ({ cluster: { nodes: 1, gpusPerNode: 8 } }) });
    ds = await session.open(DS);
    sft = await session.open(SFT);
  });
  after(() => session.stop());

  const hoverAt = async (uri: string, needle: string, delta = 1) =>
    session.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(session.text(uri), needle, delta) });
  const markdown = (hover: Hover | null) => (hover?.contents as MarkupContent | undefined)?.value ?? '';

  it('shows the batch identity on a batch key, each factor with its source', async () => {
    const text = markdown(await hoverAt(ds, '"gradient_accumulation_steps"'));
    assert.match(text, /256 = 4 × 8 × 8 ✓/);
    assert.match(text, /\| data-parallel size \| 8 \| world size 8 \(trainlint\.cluster in the editor settings\) \|/);
    assert.match(text, /\| accumulation steps \| 8 \| `gradient_accumulation_steps` \|/);
    // Then the key's documentation, from the DeepSpeed schema.
    assert.ok(text.includes(dsSchema.properties.gradient_accumulation_steps.description));
  });

  it('derives what the file leaves out, as DeepSpeed does', async () => {
    const uri = await session.open(join(FIXTURES, 'single/derived_ds_config.json'), '{\n  "train_batch_size": 256,\n  "train_micro_batch_size_per_gpu": 4\n}\n');
    const text = markdown(await hoverAt(uri, '"train_batch_size"'));
    assert.match(text, /\| accumulation steps \| 8 \| derived as DeepSpeed does: 256 \/ \(4 x 8\) \|/);
    const hints = await session.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } } });
    assert.deepEqual(hints.map((h) => [h.label, h.position]), [['global 256 = 4 micro × 8 accum × 8 DP', positionOf(session.text(uri), ',')]]);
  });

  it('shows a mismatch as one in the inlay hint, never as a false equation', async () => {
    const uri = await session.open(join(FIXTURES, 'single/mismatch_ds_config.json'), '{\n  "train_batch_size": 512,\n  "train_micro_batch_size_per_gpu": 4,\n  "gradient_accumulation_steps": 8\n}\n');
    const hints = await session.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 6, character: 0 } } });
    assert.deepEqual(hints.map((h) => h.label), ['global 512 ≠ 4 micro × 8 accum × 8 DP = 256']);
  });

  it('summarizes the file on its first line in a few lines, with no link to a command the client lacks', async () => {
    const text = markdown(await session.request<Hover>('textDocument/hover', { textDocument: { uri: ds }, position: { line: 0, character: 0 } }));
    assert.match(text, /^\*\*TrainLint: DeepSpeed config\*\* · 1 warning {2}\nBatch: `256 = 4 × 8 × 8 ✓`/);
    assert.ok(text.split('\n').length <= 6, text);
    assert.doesNotMatch(text, /command:/);
  });

  it('links the summary to the full plan for a client that declared trainlint.showPlan', async () => {
    const declared = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: true }), initializationOptions: { clientCommands: ['trainlint.showPlan'] } });
    try {
      const uri = await declared.open(DS);
      const hover = await declared.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
      assert.ok(markdown(hover).endsWith(`[Show the full plan](command:trainlint.showPlan?${encodeURIComponent(JSON.stringify([uri]))})`), markdown(hover));
    } finally {
      await declared.stop();
    }
  });

  it('documents YAML keys and values from the schema, deprecation included', async () => {
    const text = markdown(await hoverAt(sft, 'lr_scheduler_type'));
    assert.ok(text.includes(hfSchema.properties.lr_scheduler_type.description));
    assert.match(text, /Allowed: `"linear"`/);
    const uri = await session.open(join(FIXTURES, 'single/deprecated.yaml'), 'output_dir: out\nper_device_train_batch_size: 8\nnum_train_epochs: 1\nevaluation_strategy: steps\n');
    assert.match(markdown(await hoverAt(uri, 'evaluation_strategy')), /Deprecated\.\*\* Use `eval_strategy`/);
  });

  it('completes keys the object may still take, and the values a key allows', async () => {
    const uri = await session.open(join(FIXTURES, 'single/complete.yaml'), 'output_dir: out\nper_device_train_batch_size: 8\nlr_sch\n');
    const keys = await session.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 6 } });
    const labels = keys.map((k) => k.label);
    assert.ok(labels.includes('lr_scheduler_type'));
    assert.ok(!labels.includes('output_dir'), 'keys already present are not offered again');
    const item = keys.find((k) => k.label === 'lr_scheduler_type')!;
    assert.deepEqual(item.textEdit, { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 6 } }, newText: 'lr_scheduler_type: ' });
    assert.ok((item.documentation as MarkupContent).value.includes(hfSchema.properties.lr_scheduler_type.description));
    const deprecated = keys.find((k) => k.label === 'evaluation_strategy');
    assert.deepEqual(deprecated?.tags, [1]);

    await session.change(uri, 'output_dir: out\nper_device_train_batch_size: 8\nlr_scheduler_type: co\n');
    const values = await session.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 21 } });
    assert.deepEqual(values.map((v) => v.label), hfSchema.properties.lr_scheduler_type.enum);
  });

  it('completes JSON keys inside nested objects', async () => {
    const uri = await session.open(join(FIXTURES, 'single/complete_ds_config.json'), '{\n  "train_micro_batch_size_per_gpu": 4,\n  "zero_optimization": { "st" }\n}\n');
    const keys = await session.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 27 } });
    const stage = keys.find((k) => k.label === 'stage');
    assert.ok(stage, 'zero_optimization.stage offered');
    assert.equal(stage.textEdit && 'range' in stage.textEdit ? stage.textEdit.newText : '', '"stage"');
    assert.deepEqual(Object.keys(dsSchema.properties.zero_optimization.properties).sort(), keys.map((k) => k.label).sort());
  });

  it('completes a JSON key typed after its opening quote: the filter text carries the quote, as the client filters', async () => {
    const uri = await session.open(join(FIXTURES, 'single/quoted_ds_config.json'), '{\n  "train_batch_size": 8,\n  "act\n}\n');
    const keys = await session.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 6 } });
    const item = keys.find((k) => k.label === 'activation_checkpointing');
    assert.ok(item, 'activation_checkpointing offered');
    // VS Code keeps an item whose filter text starts with what lies between the range's start and the cursor.
    const typed = '"act';
    assert.ok(item.textEdit && 'range' in item.textEdit && item.textEdit.range.start.character === 2, 'the range starts at the quote');
    assert.ok((item.filterText ?? item.label).startsWith(typed), `${item.filterText ?? item.label} does not start with ${typed}`);
    assert.equal(item.textEdit && 'newText' in item.textEdit ? item.textEdit.newText : '', '"activation_checkpointing"');
  });

  it('puts a one-line summary in a code lens at the top, which opens the estimate', async () => {
    const lenses = await session.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: ds } });
    assert.equal(lenses.length, 1);
    assert.deepEqual(lenses[0].range.start, { line: 0, character: 0 });
    assert.match(lenses[0].command!.title, /^TrainLint: DeepSpeed config · batch 256 = 4 × 8 × 8 ✓ · .*1 warning$/);
    assert.deepEqual(lenses[0].command!.arguments, [ds]);
    const summary = await session.request<{ format: string; headline: string; markdown: string; errors: number; warnings: number }>('trainlint/summary', { uri: ds });
    assert.equal(summary.format, 'deepspeed');
    assert.deepEqual([summary.errors, summary.warnings], [0, 1]);
    assert.equal(`TrainLint: ${summary.headline}`, lenses[0].command!.title);
  });

  it('stays quiet on JSON that is not a training config', async () => {
    const uri = await session.open(join(FIXTURES, 'single/package.json'), '{\n  "name": "x",\n  "version": "1.0.0"\n}\n');
    assert.equal(await hoverAt(uri, '"name"'), null);
    assert.deepEqual(await session.request('textDocument/codeLens', { textDocument: { uri } }), []);
    assert.deepEqual(await session.request('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 3 } }), []);
  });
});
