import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { FIXTURES, LspSession, vscodeLikeCapabilities } from './lsp-session';

const SETTINGS = { cluster: { nodes: 1, gpusPerNode: 8, gpu: 'h100-sxm' } };

describe('the plan page (trainlint/planPage) behind the code lens', () => {
  let session: LspSession;
  before(async () => {
    session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: true }), configuration: () => SETTINGS });
  });
  after(() => session.stop());

  it('is the page of the document asked for, with the code lens\'s numbers, and follows its edits', async () => {
    const ds = await session.open(join(FIXTURES, 'single/plan_a.yaml'), 'model_name_or_path: meta-llama/Llama-3.1-8B\nmax_seq_length: 4096\nper_device_train_batch_size: 4\ngradient_accumulation_steps: 2\nbf16: true\n');
    const sft = await session.open(join(FIXTURES, 'single/plan_b.json'), '{\n  "train_micro_batch_size_per_gpu": 1,\n  "gradient_accumulation_steps": 16\n}\n');
    const lenses = await session.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: ds } });
    assert.equal(lenses[0].command!.command, 'trainlint.showPlan');
    const page = await session.request<{ title: string; html: string }>('trainlint/planPage', { uri: ds });
    assert.equal(page.title, 'Plan: plan_a.yaml');
    // The page's headline is the code lens's line, and its memory bar the figure in it.
    const headline = /<p class="headline">([^<]*)<\/p>/.exec(page.html)?.[1].replace(/&amp;/g, '&');
    assert.equal(`TrainLint: ${headline}`, lenses[0].command!.title);
    const gib = /([\d.]+ GiB)\/GPU/.exec(lenses[0].command!.title)?.[1];
    assert.ok(gib && page.html.includes(`data-rank="0">${gib}</text>`), `the bar is labelled ${gib}`);
    // Another document's page is its own (0.1 showed the previous file's estimate).
    const other = await session.request<{ title: string; html: string }>('trainlint/planPage', { uri: sft });
    assert.equal(other.title, 'Plan: plan_b.json');
    assert.match(other.html, /DeepSpeed config/);
    assert.doesNotMatch(other.html, /plan_a\.yaml/);
    // An edit changes the page: a micro-batch of 1 needs less memory.
    await session.change(ds, session.text(ds).replace('per_device_train_batch_size: 4', 'per_device_train_batch_size: 1'));
    const edited = await session.request<{ html: string }>('trainlint/planPage', { uri: ds });
    const bytes = (html: string) => Number(/data-total="(\d+)"/.exec(html)?.[1]);
    assert.ok(bytes(edited.html) < bytes(page.html), `${bytes(edited.html)} < ${bytes(page.html)}`);
  });
});
