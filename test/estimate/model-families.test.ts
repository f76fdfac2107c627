import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_MODELS, findModel } from '../../server/src/core/catalog/find-model';
import { resolveModel } from '../../server/src/core/catalog/resolve-model';
import { countParameters } from '../../server/src/core/estimate/parameters';
import { completePlan } from '../../server/src/core/estimate/complete-plan';

test('fine-tunes resolve to their base, and the estimate says so', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['meta-llama/Meta-Llama-3-8B-Instruct', 'meta-llama/Meta-Llama-3-8B', /chat\/instruct\/base variant/],
    ['lmsys/vicuna-13b-v1.5', 'meta-llama/Llama-2-13b-hf', /Vicuna v1\.5 is fine-tuned from Llama 2/],
    ['lmsys/vicuna-7b-v1.3', 'huggyllama/llama-7b', /from Llama 1/],
    ['HuggingFaceH4/zephyr-7b-beta', 'mistralai/Mistral-7B-v0.1', /Zephyr 7B is fine-tuned from Mistral-7B-v0\.1/],
    ['teknium/OpenHermes-2.5-Mistral-7B', 'mistralai/Mistral-7B-v0.1', /OpenHermes/],
    ['unsloth/Meta-Llama-3.1-8B-bnb-4bit', 'meta-llama/Llama-3.1-8B', /re-upload.*quantized/],
    ['TheBloke/Llama-2-7B-GPTQ', 'meta-llama/Llama-2-7b-hf', /quantized/],
    ['Qwen/Qwen3-4B-Instruct-2507', 'Qwen/Qwen3-4B', /dated release/],
    ['google/gemma-3-27b-it', 'google/gemma-3-27b-pt', /instruction-tuned/],
    ['deepseek-ai/DeepSeek-R1-Distill-Qwen-7B', 'Qwen/Qwen2.5-Math-7B', /DeepSeek-R1 README/],
    ['deepseek-ai/DeepSeek-R1', 'deepseek-ai/DeepSeek-V3', /DeepSeek-V3-Base/],
    ['Qwen/Qwen-7B-Chat', 'Qwen/Qwen-7B', /chat\/instruct\/base variant/],
    ['Qwen/Qwen1.5-110B-Chat', 'Qwen/Qwen1.5-110B', /chat\/instruct\/base variant/],
    ['Qwen/Qwen2-72B-Instruct', 'Qwen/Qwen2-72B', /chat\/instruct\/base variant/],
    ['01-ai/Yi-1.5-34B-Chat', '01-ai/Yi-1.5-34B', /chat\/instruct\/base variant/],
    ['bigcode/starcoder2-15b-instruct-v0.1', 'bigcode/starcoder2-15b', /fine-tuned from StarCoder2-15B/],
    ['baichuan-inc/Baichuan2-13B-Chat', 'baichuan-inc/Baichuan2-13B-Base', /chat\/instruct\/base variant/],
    ['/models/Llama-2-7b-hf', 'meta-llama/Llama-2-7b-hf', /local folder named Llama-2-7b-hf/],
    ['./ckpt/llama-7b', 'huggyllama/llama-7b', /local folder/],
  ];
  for (const [name, base, rule] of cases) {
    const resolved = resolveModel(name);
    assert.equal(resolved?.entry.id, base, name);
    const { assumptions } = completePlan({ model: { name, seqLength: 2048 } });
    const stated = assumptions.find((a) => a.startsWith(`model shape of ${name} taken from its base ${base} (rule: `));
    assert.ok(stated && rule.test(stated), `${name}: ${assumptions.join(' | ')}`);
  }
  // A catalog id is its own entry, with the plain wording.
  assert.deepEqual(resolveModel('meta-llama/Meta-Llama-3-8B')?.via, []);
  assert.ok(completePlan({ model: { name: 'meta-llama/Meta-Llama-3-8B' } }).assumptions.some((a) => a.startsWith('model shape of meta-llama/Meta-Llama-3-8B from the catalog')));
});

test('names that match nothing, or a generic checkpoint folder, do not resolve', () => {
  for (const name of ['my-org/my-model', '/data/run1/checkpoint-500', './output', 'vicuna-13b-v2.0']) assert.equal(resolveModel(name), undefined, name);
});

test('every family the catalog promises has its released sizes', () => {
  const families: Record<string, string[]> = {
    'Llama 1': ['huggyllama/llama-7b', 'huggyllama/llama-13b', 'huggyllama/llama-30b', 'huggyllama/llama-65b'],
    'Llama 2': ['meta-llama/Llama-2-7b-hf', 'meta-llama/Llama-2-13b-hf', 'meta-llama/Llama-2-70b-hf'],
    'Code Llama': ['codellama/CodeLlama-7b-hf', 'codellama/CodeLlama-13b-hf', 'codellama/CodeLlama-34b-hf', 'codellama/CodeLlama-70b-hf'],
    'Llama 3.x': ['meta-llama/Meta-Llama-3-8B', 'meta-llama/Meta-Llama-3-70B', 'meta-llama/Llama-3.1-405B', 'meta-llama/Llama-3.2-1B', 'meta-llama/Llama-3.2-3B', 'meta-llama/Llama-3.3-70B-Instruct'],
    'Llama 4': ['meta-llama/Llama-4-Scout-17B-16E', 'meta-llama/Llama-4-Maverick-17B-128E'],
    Mistral: ['mistralai/Mistral-7B-v0.1', 'mistralai/Mistral-7B-v0.3', 'mistralai/Mixtral-8x7B-v0.1', 'mistralai/Mixtral-8x22B-v0.1', 'mistralai/Mistral-Large-Instruct-2407'],
    Qwen: ['Qwen/Qwen-1_8B', 'Qwen/Qwen-7B', 'Qwen/Qwen-14B', 'Qwen/Qwen-72B', 'Qwen/Qwen1.5-0.5B', 'Qwen/Qwen1.5-110B', 'Qwen/Qwen2-72B', 'Qwen/Qwen1.5-MoE-A2.7B', 'Qwen/Qwen2-0.5B', 'Qwen/Qwen2-7B', 'Qwen/Qwen2.5-72B', 'Qwen/Qwen2.5-Coder-32B', 'Qwen/Qwen3-30B-A3B', 'Qwen/Qwen3-235B-A22B'],
    Gemma: ['google/gemma-2b', 'google/gemma-7b', 'google/gemma-2-27b', 'google/gemma-3-27b-pt'],
    Phi: ['microsoft/phi-2', 'microsoft/Phi-3-mini-4k-instruct', 'microsoft/Phi-3.5-mini-instruct', 'microsoft/phi-4', 'microsoft/Phi-4-mini-instruct'],
    DeepSeek: ['deepseek-ai/DeepSeek-V2', 'deepseek-ai/DeepSeek-V2-Lite', 'deepseek-ai/DeepSeek-V3', 'deepseek-ai/DeepSeek-R1-Distill-Llama-8B', 'deepseek-ai/DeepSeek-R1-Distill-Llama-70B'],
    StarCoder: ['bigcode/starcoder', 'bigcode/starcoderbase', 'bigcode/starcoder2-3b', 'bigcode/starcoder2-7b', 'bigcode/starcoder2-15b'],
    'Mistral NeMo / Small': ['mistralai/Mistral-Nemo-Base-2407', 'mistralai/Mistral-Nemo-Instruct-2407', 'mistralai/Mistral-Small-24B-Base-2501'],
    Yi: ['01-ai/Yi-1.5-6B', '01-ai/Yi-1.5-34B'],
    Falcon: ['tiiuae/falcon-7b', 'tiiuae/falcon-40b', 'tiiuae/falcon-180B'],
    MPT: ['mosaicml/mpt-7b', 'mosaicml/mpt-30b'],
    OLMo: ['allenai/OLMo-1B-hf', 'allenai/OLMo-7B-hf', 'allenai/OLMo-2-1124-7B', 'allenai/OLMo-2-1124-13B', 'allenai/OLMo-2-0325-32B'],
    InternLM: ['internlm/internlm2-7b', 'internlm/internlm2_5-7b'],
    ChatGLM: ['THUDM/chatglm3-6b', 'THUDM/chatglm2-6b', 'THUDM/glm-4-9b', 'THUDM/glm-4-9b-chat'],
    'Baichuan 2': ['baichuan-inc/Baichuan2-7B-Base', 'baichuan-inc/Baichuan2-13B-Base'],
    'DeepSeek-Coder': ['deepseek-ai/deepseek-coder-1.3b-base', 'deepseek-ai/deepseek-coder-1.3b-instruct'],
    MiniCPM: ['openbmb/MiniCPM-2B-sft-bf16'],
    'GPT-J / NeoX': ['EleutherAI/gpt-j-6b', 'EleutherAI/gpt-neox-20b'],
    BLOOM: ['560m', '1b1', '1b7', '3b', '7b1'].map((s) => `bigscience/bloom-${s}`).concat('bigscience/bloom'),
    Pythia: ['14m', '31m', '70m', '160m', '410m', '1b', '1.4b', '2.8b', '6.9b', '12b'].map((s) => `EleutherAI/pythia-${s}`),
    'Jamba, T5, BERT (published totals)': ['ai21labs/Jamba-v0.1', 'google-t5/t5-small', 'google-t5/t5-11b', 'google-bert/bert-base-uncased', 'bert-large-uncased'],
  };
  for (const [family, ids] of Object.entries(families)) {
    for (const id of ids) {
      const entry = findModel(id);
      assert.ok(entry && [entry.id, ...(entry.aliases ?? [])].includes(id), `${family}: ${id}`);
    }
  }
});

// Names that state something other than the total parameter count.
const NAMED_OTHERWISE: Record<string, string> = {
  'meta-llama/Llama-4-Scout-17B-16E': '17B is the active count (109B total)',
  'meta-llama/Llama-4-Maverick-17B-128E': '17B is the active count (400B total)',
  'google/gemma-2b': 'Gemma names leave out the 256k-token embedding (2.5B total)',
  'google/gemma-7b': 'Gemma names leave out the 256k-token embedding (8.5B total)',
  'google/codegemma-7b-it': 'Gemma names leave out the 256k-token embedding (8.5B total)',
  'google/gemma-2-2b': 'Gemma names leave out the 256k-token embedding (2.6B total)',
  'openbmb/MiniCPM-2B-sft-bf16': 'MiniCPM-2B names its 2.4B non-embedding parameters (2.7B total)',
};

test('the parameter count matches the size every id states (12%, or half the stated digit)', () => {
  const far: string[] = [];
  let checked = 0;
  for (const m of ALL_MODELS) {
    // "7b", "1.5B", "1_8B" (Qwen 1), "7b1" (BLOOM: 7.1B).
    const size = /[-_](\d+)(?:[._](\d+))?([bm])(\d+)?(?![a-z])/i.exec(m.id.split('/')[1] ?? m.id);
    if (!size || m.id in NAMED_OTHERWISE) continue;
    const unit = size[3].toLowerCase() === 'b' ? 1e9 : 1e6;
    const decimals = size[2] ?? size[4] ?? '';
    const named = Number(`${size[1]}.${decimals || '0'}`) * unit;
    const halfDigit = 0.5 * unit * 10 ** -decimals.length;
    const total = countParameters({ model: { ...m.architecture } }).total;
    checked++;
    if (Math.abs(total - named) > Math.max(0.12 * named, halfDigit)) far.push(`${m.id}: ${total}`);
  }
  assert.ok(checked > 100, `checked ${checked}`);
  assert.deepEqual(far, []);
  for (const id of Object.keys(NAMED_OTHERWISE)) assert.ok(findModel(id), id);
});

test('published totals, where an entry states one, are within 5% of the count (exact for BLOOM)', () => {
  const far: string[] = [];
  for (const m of ALL_MODELS) {
    const published = m.published?.total;
    if (published === undefined) continue;
    const total = countParameters({ model: { ...m.architecture } }).total;
    if (Math.abs(total / published - 1) > 0.05) far.push(`${m.id}: ${total} vs ${published}`);
  }
  // models.json: the Gemma 3 4B total includes the 417M vision tower of the multimodal checkpoint.
  assert.deepEqual(far, ['google/gemma-3-4b-pt: 3880263168 vs 4300000000']);
  assert.equal(countParameters({ model: { ...findModel('bigscience/bloom-560m')!.architecture } }).total, 559_214_592);
});

test('every entry names its source and its ids do not collide', () => {
  const seen = new Set<string>();
  for (const m of ALL_MODELS) {
    assert.ok(m.source.length > 20, m.id);
    for (const id of [m.id, ...(m.aliases ?? [])]) {
      assert.ok(!seen.has(id.toLowerCase()), `duplicate ${id}`);
      seen.add(id.toLowerCase());
    }
  }
});
