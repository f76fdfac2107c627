import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/analyze';
import { buildPlan } from '../../server/src/core/plan/build-plan';
import { estimate } from '../../server/src/core/estimate/estimate';
import { findingsFor } from '../../server/src/core/estimate/findings';
import { loadShellParser } from '../../server/src/node/shell-parser';
import type { Settings } from '../../server/src/core/settings';

// Inputs a config gives only indirectly: a sequence length as two parts, a vocabulary through its tokenizer, or none.

async function built(text: string, path: string, settings: Settings = {}) {
  const analysis = analyze(text, { path, settings, shellParser: await loadShellParser() });
  const plan = buildPlan(analysis, settings);
  assert.ok(plan, `a plan from ${path} (${analysis.format})`);
  return plan;
}

test('a GRPO config: the sequence is max_prompt_length + max_completion_length, said as such', async () => {
  const plan = await built('model_name_or_path: Qwen/Qwen2.5-1.5B-Instruct\nnum_generations: 16\nmax_prompt_length: 512\nmax_completion_length: 1024\nper_device_train_batch_size: 16\noutput_dir: out\n', 'grpo.yaml');
  assert.equal(plan.plan.model?.seqLength, 1536);
  assert.ok(plan.notes.some((n) => /sequence length 1536 = max_prompt_length \+ max_completion_length/.test(n)), plan.notes.join('\n'));
});

test('a seq2seq fine-tuning script (ChatGLM ptuning): max_source_length + max_target_length', async () => {
  const script = '#!/bin/bash\ntorchrun --nproc_per_node 8 main.py --do_train --model_name_or_path THUDM/chatglm2-6b --max_source_length 64 --max_target_length 128 --per_device_train_batch_size 1 --gradient_accumulation_steps 16 --output_dir out\n';
  const plan = await built(script, 'train.sh');
  assert.equal(plan.plan.model?.seqLength, 192);
});

test('max_length wins over the parts (DPO gives max_length and max_prompt_length)', async () => {
  const plan = await built('model_name_or_path: meta-llama/Llama-2-7b-hf\nmax_length: 1024\nmax_prompt_length: 512\nmax_completion_length: 256\nbeta: 0.1\nper_device_train_batch_size: 2\nlearning_rate: 5.0e-7\noutput_dir: out\n', 'dpo.yaml');
  assert.equal(plan.plan.model?.seqLength, 1024);
});

const megatron = (extra: string) => `#!/bin/bash
torchrun --nproc_per_node 8 pretrain_gpt.py --num-layers 24 --hidden-size 2048 --num-attention-heads 16 --seq-length 2048 \\
  --max-position-embeddings 2048 --micro-batch-size 4 --global-batch-size 256 --lr 2e-4 --train-iters 1000 --bf16 ${extra}
`;

test('Megatron: the vocabulary from the vocab file named (GPT-2 BPE, BERT WordPiece) when no tokenizer type is given', async () => {
  assert.equal((await built(megatron('--vocab-file data/gpt2-vocab.json --merge-file data/gpt2-merges.txt'), 'a.sh')).plan.model?.vocabSize, 50257);
  assert.equal((await built(megatron('--vocab-file bert-large-uncased-vocab.txt'), 'b.sh')).plan.model?.vocabSize, 30522);
  assert.equal((await built(megatron('--vocab-file vocab/bert-base-cased-vocab.txt'), 'c.sh')).plan.model?.vocabSize, 28996);
});

test('GPT-NeoX: no tokenizer_type means its default GPT2BPETokenizer (50,257 tokens)', async () => {
  const neox = '{\n  "pipe_parallel_size": 1,\n  "model_parallel_size": 1,\n  "num_layers": 24,\n  "hidden_size": 2048,\n  "num_attention_heads": 16,\n  "seq_length": 2048,\n  "max_position_embeddings": 2048,\n  "train_micro_batch_size_per_gpu": 4\n}\n';
  const plan = await built(neox, 'configs/1-3B.yml');
  assert.equal(plan.plan.model?.vocabSize, 50257);
  assert.ok(plan.notes.some((n) => /GPT-2 BPE/.test(n)), plan.notes.join('\n'));
});

test('a vocabulary nothing gives is guessed (32,000), said, and an out-of-memory on it is a warning, not an error', async () => {
  const plan = await built(megatron('--tokenizer-type SentencePieceTokenizer --tokenizer-model /data/tok.model --num-layers 96 --hidden-size 12288 --num-attention-heads 96'), 'big.sh');
  const result = estimate({ ...plan.plan, parallel: { ...plan.plan.parallel, worldSize: 8 }, hardware: { gpu: 'a100-80gb' } });
  assert.equal(result.plan.model?.vocabSize, 32000);
  assert.deepEqual(result.guessed, ['model.vocabSize']);
  assert.ok(result.assumptions.some((a) => /vocabulary size not given \(the tokenizer decides\): assumed 32,000 tokens/.test(a)), result.assumptions.join('\n'));
  assert.ok(result.memory.available && !result.memory.fits);
  const oom = findingsFor(result).find((f) => f.rule === 'out-of-memory');
  assert.equal(oom?.severity, 'warning');
  assert.match(oom!.message, /rests on a guess: model\.vocabSize/);
  // The same run with its vocabulary given: an error.
  const given = estimate({ ...result.plan, model: { ...result.plan.model, vocabSize: 32000 } });
  assert.equal(findingsFor(given).find((f) => f.rule === 'out-of-memory')?.severity, 'error');
});

test('a model the catalog knows only by its total (Jamba, a Mamba hybrid): the memory block says so instead of "inputs the file does not give"', () => {
  const result = estimate({ model: { name: 'ai21labs/Jamba-v0.1', seqLength: 4096 }, batch: { micro: 1, gradAccum: 1 }, parallel: { worldSize: 8 }, hardware: { gpu: 'h100-sxm' } });
  assert.equal(result.memory.available, false);
  assert.ok(result.memory.missing.some((m) => /only a total parameter count is known for this architecture/.test(m)), result.memory.missing.join('\n'));
});
