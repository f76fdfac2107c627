import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, LineIndex } from '../../server/src/core/index';
import { parseJson } from '../../server/src/core/syntax/from-json';
import { parseYaml } from '../../server/src/core/syntax/from-yaml';
import { toPlain } from '../../server/src/core/syntax/config-tree';
import { readFixture, sharedDir, NO_SHARED } from '../helpers';

test('JSON tree: pointers, key ranges and value ranges', () => {
  const text = '{\n  "zero_optimization": { "stage": 2 },\n  "a/b": [1, "x"]\n}';
  const tree = parseJson(text);
  const index = tree.documents[0].index;
  const stage = index.get('/zero_optimization/stage')!;
  assert.equal(text.slice(stage.keyRange!.start, stage.keyRange!.end), '"stage"');
  assert.equal(text.slice(stage.range.start, stage.range.end), '2');
  assert.equal(stage.value, 2);
  const item = index.get('/a~1b/1')!;
  assert.equal(item.value, 'x');
  assert.equal(text.slice(item.range.start, item.range.end), '"x"');
  assert.deepEqual(toPlain(tree.documents[0].root), { zero_optimization: { stage: 2 }, 'a/b': [1, 'x'] });
});

test('JSON: comments, trailing commas and duplicate keys are problems, not failures', () => {
  const tree = parseJson('{ // c\n "a": 1, "a": 2, }');
  assert.deepEqual(tree.problems.map((p) => p.kind).sort(), ['comment', 'duplicate-key', 'trailing-comma']);
  assert.equal(toPlain(tree.documents[0].root) && (toPlain(tree.documents[0].root) as { a: number }).a, 2, 'the last duplicate wins, as json.load does');
});

test('YAML is typed the way PyYAML types it (YAML 1.1)', () => {
  const tree = parseYaml('a: 1e-4\nb: 1.0e-4\nc: 1.0e+4\nd: yes\ne: off\nf: 0x1F\ng: ~\nh: "1e-4"\ni: 010\nj: 1_000\n');
  assert.deepEqual(toPlain(tree.documents[0].root), { a: '1e-4', b: 0.0001, c: 10000, d: true, e: false, f: 31, g: null, h: '1e-4', i: 8, j: 1000 });
  const omega = parseYaml('a: 1e-4\nb: 3e5\n', 'omegaconf');
  assert.deepEqual(toPlain(omega.documents[0].root), { a: 0.0001, b: 300000 });
});

test('YAML: anchors, merge keys and several documents', () => {
  const text = readFixture('edge', 'anchors-multidoc.yaml');
  const tree = parseYaml(text);
  assert.equal(tree.documents.length, 2);
  assert.deepEqual(toPlain(tree.documents[0].index.get('/run')), { output_dir: 'out', num_train_epochs: 1, per_device_train_batch_size: 4, learning_rate: '2e-5' });
  const merged = tree.documents[0].index.get('/run/learning_rate')!;
  assert.equal(merged.viaAlias, true, 'a merged value says its text stands elsewhere');
  assert.equal(tree.documents[1].index.get('/output_dir')!.value, 'second');
  assert.equal(tree.problems.length, 0);
});

// How long it takes is bench/scaling's to print; here, that it ends (the runner's timeout) with one diagnostic.
test('YAML: an alias bomb ends in one diagnostic', () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 12; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
  const tree = parseYaml(levels.join('\n') + '\n');
  assert.deepEqual(tree.problems.map((p) => p.kind), ['alias-limit']);
});

test('ranges with CRLF line endings and a byte order mark', () => {
  const raw = readFixture('edge', 'crlf-bom.json');
  assert.equal(raw.charCodeAt(0), 0xfeff);
  const analysis = analyze(raw, { path: 'crlf-bom.json' });
  const lines = new LineIndex(analysis.text);
  const [d] = analysis.diagnostics;
  assert.equal(d.rule, 'batch-size-indivisible');
  assert.deepEqual(lines.rangeToPositions(d.range), { start: { line: 1, character: 2 }, end: { line: 1, character: 20 } });
  assert.equal(analysis.hadBom, true);
});

test('ranges count UTF-16 code units after non-ASCII text and emoji', () => {
  const text = readFixture('edge', 'non-ascii.yaml');
  const analysis = analyze(text, { path: 'non-ascii.yaml' });
  const lines = new LineIndex(analysis.text);
  const byRule = new Map(analysis.diagnostics.map((d) => [d.rule, lines.rangeToPositions(d.range)]));
  // "taux_d’apprentissage😀" is 21 code points but 22 UTF-16 units (the emoji takes two), plus 2 quotes.
  assert.deepEqual(byRule.get('unknown-key'), { start: { line: 4, character: 0 }, end: { line: 4, character: 24 } });
  assert.deepEqual(byRule.get('yaml-float-as-string'), { start: { line: 5, character: 15 }, end: { line: 5, character: 19 } });
});

test('unrelated JSON and YAML stay silent', () => {
  assert.deepEqual(analyze('{ "name": "app", "lr": 0.1, "fp16": true }', { path: 'package-like.json' }).diagnostics, []);
  assert.equal(analyze('{ "name": "app", "lr": 0.1 }', { path: 'x.json' }).format, 'unknown');
  assert.deepEqual(analyze('services:\n  web:\n    image: nginx\n', { path: 'compose.yaml' }).diagnostics, []);
});

test('the modeline forces the format', () => {
  const text = '# trainlint: format=deepspeed\nfoo: 1\n';
  assert.equal(analyze(text, { path: 'x.yaml' }).format, 'deepspeed');
});

function corpusFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return corpusFiles(path);
    return name.endsWith('.json') && name.includes('manifest') ? [] : [path];
  });
}

test('every prefix of every corpus file (cut at each line) analyses without an exception', (t) => {
  const shared = sharedDir();
  if (!shared) return t.skip(NO_SHARED);
  let prefixes = 0;
  for (const path of corpusFiles(join(shared, 'corpus'))) {
    const text = readFileSync(path, 'utf8');
    let cut = text.indexOf('\n');
    while (cut !== -1) {
      analyze(text.slice(0, cut + 1), { path });
      prefixes++;
      cut = text.indexOf('\n', cut + 1);
    }
    analyze(text, { path });
  }
  assert.ok(prefixes > 1000, `${prefixes} prefixes analysed`);
});

test('JSON template placeholders: the parser marks each unquoted word; the file gets one note as a template, nothing made up from the recovered value', () => {
  const text = '{\n  "train_batch_size": 32,\n  "train_micro_batch_size_per_gpu": BATCH_SIZE,\n  "fp16": {\n    "enabled": FP16_ENABLE\n  },\n  "gradient_clipping": 1.0\n}\n';
  const tree = parseJson(text);
  assert.deepEqual(tree.problems.map((p) => [p.kind, text.slice(p.range.start, p.range.end)]), [['parse-error', 'BATCH_SIZE'], ['parse-error', 'FP16_ENABLE']]);
  assert.match(tree.problems[0].message, /BATCH_SIZE is not a JSON value \(unquoted text: a template placeholder/);
  const analysis = analyze(text, { path: 'ds_config_TEMPLATE.json' });
  assert.equal(analysis.format, 'deepspeed');
  // A template (detect/templates.ts): one info on its first placeholder, no invalid-value for the stand-in nulls.
  assert.deepEqual(analysis.diagnostics.map((d) => [d.rule, d.severity, text.slice(d.range.start, d.range.end)]), [['parse-error', 'info', 'BATCH_SIZE']]);
  // Shell-style ${name}: the parser reads an object there; one problem on the whole placeholder, nothing about the object.
  const shell = '{\n  "train_micro_batch_size_per_gpu": 1,\n  "gradient_accumulation_steps": 1,\n  "zero_optimization": { "stage": ${zero_stage} },\n  "tensor_parallel": { "autotp_size": ${tp} }\n}\n';
  assert.deepEqual(parseJson(shell).problems.map((p) => [p.kind, shell.slice(p.range.start, p.range.end)]), [['parse-error', '${zero_stage}'], ['parse-error', '${tp}']]);
  const shellAnalysis = analyze(shell, { path: 'ds_config_temp.json' });
  assert.deepEqual(shellAnalysis.diagnostics.map((d) => [d.rule, d.severity, shell.slice(d.range.start, d.range.end)]), [['parse-error', 'info', '${zero_stage}']]);
});

test('a vocabulary file holds every config word but is no config (gpt2-vocab.json)', () => {
  const words = ['stage', 'template', 'dataset', 'finetuning_type', 'model_name_or_path', 'output_dir', 'train_batch_size', 'learning_rate'];
  const vocab: Record<string, number> = {};
  for (let i = 0; i < 3000; i++) vocab[i < words.length ? words[i] : `tok${i}`] = i;
  const analysis = analyze(JSON.stringify(vocab), { path: 'gpt2-vocab.json' });
  assert.equal(analysis.format, 'unknown');
  assert.deepEqual(analysis.diagnostics, []);
});

test('other programs\' configs that share TrainingArguments and Megatron names stay silent (torchtune, verl)', () => {
  const torchtune = 'output_dir: /tmp/torchtune/llama3_1_8B/lora\nmodel:\n  _component_: torchtune.models.llama3_1.lora_llama3_1_8b\n  lora_rank: 8\ntokenizer:\n  _component_: torchtune.models.llama3.llama3_tokenizer\nseed: null\nshuffle: true\nbatch_size: 2\nepochs: 1\ngradient_accumulation_steps: 8\nresume_from_checkpoint: false\noptimizer:\n  _component_: torch.optim.AdamW\n  lr: 3e-4\n';
  const verlEngine = '_target_: verl.workers.config.McoreEngineConfig\nparam_offload: False\ntensor_model_parallel_size: 1\npipeline_model_parallel_size: 1\ncontext_parallel_size: 1\nsequence_parallel: True\nuse_distributed_optimizer: True\n';
  const verlTrainer = 'data:\n  train_batch_size: 256\n  micro_batch_size_per_gpu: 4\nmodel:\n  partial_pretrain: Qwen/Qwen2.5-0.5B-Instruct\n  strategy: fsdp2\ntrainer:\n  default_local_dir: /tmp\n  project_name: gsm8k-sft\n  total_epochs: 4\n  nnodes: 1\n  n_gpus_per_node: 8\n';
  for (const [path, text] of [['8B_lora.yaml', torchtune], ['megatron.yaml', verlEngine], ['sft_trainer.yaml', verlTrainer]]) {
    const analysis = analyze(text, { path });
    assert.equal(analysis.format, 'unknown', path);
    assert.deepEqual(analysis.diagnostics, [], path);
  }
});

test('YAML: a lone CR, NEL, U+2028 and U+2029 break lines as PyYAML reads them, with offsets kept', () => {
  // yaml.safe_load('a: 1\rb: 2\x85c: 3\u2028d: 4') == {'a': 1, 'b': 2, 'c': 3, 'd': 4} (PyYAML 6.0.2).
  const text = 'a: 1\rb: 2\u0085c: 3\u2028d: 4';
  const tree = parseYaml(text);
  assert.deepEqual(tree.problems, []);
  const keys = tree.documents[0].root!.children.map((c) => [c.key, c.value, text.slice(c.keyRange!.start, c.keyRange!.end)]);
  assert.deepEqual(keys, [['a', 1, 'a'], ['b', 2, 'b'], ['c', 3, 'c'], ['d', 4, 'd']]);
});

test('JSON: a text of many thousand syntax errors reports the first hundred', () => {
  // Fuzz seed 7005 case 18,342: 1.5 MB of NUL characters, one error each, took 6 s to report.
  const tree = parseJson(`{"train_batch_size": 8, ${'\u0000 '.repeat(5000)}}`);
  const errors = tree.problems.filter((p) => p.kind === 'parse-error');
  assert.equal(errors.length, 100);
  assert.equal(errors[0].range.start, 24);
});
