import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJson } from '../../server/src/core/syntax/from-json';
import { modelFromHfConfig } from '../../server/src/core/plan/hf-model-config';
import { completePlan } from '../../server/src/core/estimate/complete-plan';
import { countParameters } from '../../server/src/core/estimate/parameters';
import { NO_SHARED, sharedDir } from '../helpers';

function fromText(text: string) {
  return modelFromHfConfig(parseJson(text).documents[0]!.root!);
}

function parameters(text: string): number {
  const model = fromText(text);
  assert.ok(model, 'a transformer config');
  return countParameters(completePlan({ model: { ...model, seqLength: 2048 }, parallel: { worldSize: 1 }, batch: { micro: 1 } }).plan).total;
}

test('a local config.json gives the shape the catalog would: every catalog model counted from its config', (t) => {
  const shared = sharedDir();
  if (!shared) return t.skip(NO_SHARED);
  const catalog = JSON.parse(readFileSync(join(shared, 'reference', 'catalogs', 'models.json'), 'utf8')) as { models: Array<{ hf_id: string; config: object; params_derived?: { total?: number } }> };
  let compared = 0;
  for (const entry of catalog.models) {
    const expected = entry.params_derived?.total;
    if (!expected) continue;
    const counted = parameters(JSON.stringify(entry.config));
    // GPT-2's attention-mask buffers and BLOOM's embedding LayerNorm are the only differences (under 0.05%).
    assert.ok(Math.abs(counted - expected) / expected < 5e-4, `${entry.hf_id}: ${counted} vs ${expected}`);
    compared++;
  }
  assert.ok(compared >= 50, `${compared} models compared`);
});

test('config.json variants: GPT-2 names, Falcon multi-query, a multimodal text_config, MoE and tied embeddings', () => {
  const gpt2 = fromText('{"model_type": "gpt2", "n_layer": 12, "n_embd": 768, "n_head": 12, "n_inner": null, "vocab_size": 50257, "n_positions": 1024}');
  assert.deepEqual(
    { layers: gpt2?.layers, ffn: gpt2?.ffnHiddenSize, glu: gpt2?.glu, tied: gpt2?.tiedEmbeddings, positions: gpt2?.positionEmbedding, norm: gpt2?.norm },
    { layers: 12, ffn: 3072, glu: false, tied: true, positions: 'learned', norm: 'layernorm' },
  );
  assert.equal(fromText('{"model_type": "falcon", "num_hidden_layers": 32, "hidden_size": 4544, "num_attention_heads": 71, "multi_query": true, "vocab_size": 65024}')?.kvHeads, 1);
  const gemma3 = fromText('{"model_type": "gemma3", "text_config": {"model_type": "gemma3_text", "num_hidden_layers": 34, "hidden_size": 2560, "num_attention_heads": 8, "num_key_value_heads": 4, "head_dim": 256, "intermediate_size": 10240, "vocab_size": 262208}, "vision_config": {"hidden_size": 1152}}');
  assert.deepEqual({ layers: gemma3?.layers, headDim: gemma3?.headDim, qkNorm: gemma3?.qkNorm, norms: gemma3?.normsPerLayer }, { layers: 34, headDim: 256, qkNorm: 'per-head', norms: 4 });
  const moe = fromText('{"model_type": "qwen2_moe", "num_hidden_layers": 24, "hidden_size": 2048, "num_attention_heads": 16, "num_key_value_heads": 16, "intermediate_size": 5632, "moe_intermediate_size": 1408, "shared_expert_intermediate_size": 5632, "num_experts": 60, "num_experts_per_tok": 4, "vocab_size": 151936, "tie_word_embeddings": false}');
  assert.deepEqual({ experts: moe?.experts, topK: moe?.topK, moeFfn: moe?.moeFfnHiddenSize, shared: moe?.sharedExperts, bias: moe?.attentionBias, tied: moe?.tiedEmbeddings }, { experts: 60, topK: 4, moeFfn: 1408, shared: 1, bias: 'qkv', tied: false });
  assert.equal(fromText('{"model_type": "bert_tokenizer", "do_lower_case": true}'), undefined, 'not a transformer config');
  assert.equal(fromText('[1, 2]'), undefined);
});
