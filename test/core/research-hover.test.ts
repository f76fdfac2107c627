import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/index';
import { hoverAt } from '../../server/src/core/hover/hover';

const text = 'model_name_or_path: meta-llama/Llama-3.1-8B\noutput_dir: out\nper_device_train_batch_size: 4\ngradient_accumulation_steps: 8\nmax_steps: 20000\nmax_length: 4096\nlearning_rate: 2.0e-5\noptim: adamw_torch\n';
const settings = { cluster: { worldSize: 8 } };
const analysis = analyze(text, { path: 'sft.yaml', settings });

test('hover on the learning rate names the scaling rule for the optimizer, with its caveat', () => {
  const hover = hoverAt({ analysis, settings, linked: [] }, text.indexOf('learning_rate') + 2)!;
  assert.match(hover.markdown, /Square-root scaling/);
  assert.match(hover.markdown, /first rises and then falls/);
});

test('hover on the training length gives tokens per parameter without calling any ratio optimal', () => {
  const hover = hoverAt({ analysis, settings, linked: [] }, text.indexOf('max_steps') + 2)!;
  // 20,000 steps x 4 x 8 x 8 sequences x 4,096 tokens = 21.0B tokens on the 8.03B parameters of Llama 3.1 8B.
  assert.match(hover.markdown, /21B tokens on 8.03B parameters: 2.61 tokens per parameter/);
  assert.match(hover.markdown, /No single ratio is optimal/);
});
