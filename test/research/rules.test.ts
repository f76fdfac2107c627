import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, applyEdits, type Settings } from '../../server/src/core/index';
import type { ShellParser } from '../../server/src/core/shell/syntax';
import { loadShellParser } from '../../server/src/node/shell-parser';
import { nthIndex, readFixture } from '../helpers';

/**
 * One fixture per research rule, case and format that fires the rule, and a near-identical one that must not. Only the
 * research rules (TL6xx) are compared: every one they raise must be expected, with its range covering exactly the text
 * `at` (its nth occurrence), its severity, and the fixes named.
 */
interface Expected {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  at: string;
  occurrence?: number;
  /** A phrase the message must contain. */
  says?: string;
  fix?: { title: string; result?: string | string[] };
  /** The finding offers no fix. */
  noFix?: boolean;
}

interface Case {
  file: string;
  /** The same file at the baseline revision. */
  baseline?: string;
  settings?: Settings;
  expect: Expected[];
}

const WORLD8: Settings = { cluster: { worldSize: 8 } };
const ZERO3_CLUSTER: Settings = { cluster: { nodes: 16, gpusPerNode: 8, gpu: 'a100-80gb' }, model: 'meta-llama/Llama-3.1-70B', seqLength: 2048 };

const CASES: Case[] = [
  // lr-not-scaled-for-optimizer (TL601): needs a baseline.
  {
    file: 'lr-not-scaled/adamw-unchanged.yaml',
    baseline: 'lr-not-scaled/adamw.base.yaml',
    // The learning rate did not move at all: the issue-4 warning, with the square-root fix for AdamW.
    expect: [{
      rule: 'lr-not-rescaled', severity: 'warning', at: 'learning_rate', says: 'learning_rate stayed 2e-5',
      fix: { title: 'Set learning_rate to 4e-5 (square-root rule)', result: 'learning_rate: 4.0e-5' },
    }],
  },
  {
    file: 'lr-not-scaled/adamw-linear.yaml',
    baseline: 'lr-not-scaled/adamw.base.yaml',
    expect: [{ rule: 'lr-not-scaled-for-optimizer', severity: 'info', at: 'learning_rate', says: 'scaled linearly to 8e-5', fix: { title: 'Set learning_rate to 4e-5 (square-root rule)' } }],
  },
  { file: 'lr-not-scaled/adamw-sqrt.yaml', baseline: 'lr-not-scaled/adamw.base.yaml', expect: [] },
  // Without a baseline there is no batch change to judge.
  { file: 'lr-not-scaled/adamw-unchanged.yaml', expect: [] },
  {
    file: 'lr-not-scaled/sgd-unchanged.yaml',
    baseline: 'lr-not-scaled/sgd.base.yaml',
    expect: [{ rule: 'lr-not-rescaled', severity: 'warning', at: 'lr', says: 'Linear scaling for SGD', fix: { title: 'Set lr to 0.4 (linear rule)', result: 'lr: 0.4' } }],
  },
  { file: 'lr-not-scaled/sgd-linear.yaml', baseline: 'lr-not-scaled/sgd.base.yaml', expect: [] },
  // muP: the rescale is not suggested.
  { file: 'lr-not-scaled/mup-unchanged.yaml', baseline: 'lr-not-scaled/mup.base.yaml', expect: [] },
  // GRPO: a warning, no rescale.
  {
    file: 'lr-not-scaled/grpo-bigger.yaml',
    baseline: 'lr-not-scaled/grpo.base.yaml',
    expect: [{ rule: 'lr-not-scaled-for-optimizer', severity: 'warning', at: 'learning_rate', says: 'not batch-size invariant', noFix: true }],
  },
  { file: 'lr-not-scaled/grpo.base.yaml', baseline: 'lr-not-scaled/grpo.base.yaml', expect: [] },

  // warmup-missing (TL602)
  {
    file: 'warmup-missing/hf-zero.yaml',
    settings: WORLD8,
    expect: [{ rule: 'warmup-missing', severity: 'info', at: 'warmup_steps', says: '2048 sequences', fix: { title: 'Set warmup_steps to 0.01 (1% of the run: a fraction in transformers v5)', result: 'warmup_steps: 0.01' } }],
  },
  { file: 'warmup-missing/hf-warm.yaml', settings: WORLD8, expect: [] },
  {
    file: 'warmup-missing/hf-absent-steps.yaml',
    settings: WORLD8,
    expect: [{ rule: 'warmup-missing', severity: 'info', at: 'learning_rate', says: '50 of 5000 steps', fix: { title: 'Add warmup_steps: 50 (about 1% of max_steps)', result: 'max_steps: 5000\nwarmup_steps: 50' } }],
  },
  {
    file: 'warmup-missing/hf-absent.yaml',
    settings: WORLD8,
    expect: [{ rule: 'warmup-missing', severity: 'info', at: 'learning_rate', fix: { title: 'Add warmup_steps: 0.01 (1% of the run; a fraction in transformers v5)', result: 'num_train_epochs: 1\nwarmup_steps: 0.01' } }],
  },
  { file: 'warmup-missing/hf-small.yaml', settings: WORLD8, expect: [] },
  {
    file: 'warmup-missing/hf-raised.yaml',
    baseline: 'warmup-missing/hf-raised.base.yaml',
    settings: WORLD8,
    expect: [{ rule: 'warmup-missing', severity: 'warning', at: 'learning_rate', says: 'raised from 1e-5 to 1.4e-5', fix: { title: 'Add warmup_steps: 20 (about 1% of max_steps)', result: 'max_steps: 2000\nwarmup_steps: 20' } }],
  },
  { file: 'warmup-missing/hf-raised.yaml', settings: WORLD8, expect: [] },
  {
    file: 'warmup-missing/nemo-nowarm.yaml',
    expect: [{ rule: 'warmup-missing', severity: 'info', at: 'lr', says: '2048 sequences (8.389M tokens)', fix: { title: 'Add warmup_steps: 1000 to model.optim.sched', result: '      min_lr: 3.0e-5\n      warmup_steps: 1000' } }],
  },
  { file: 'warmup-missing/nemo-warm.yaml', expect: [] },
  {
    file: 'warmup-missing/neox-zero.yml',
    expect: [{ rule: 'warmup-missing', severity: 'info', at: '"warmup"', fix: { title: 'Set warmup to 0.01 (about 1% of the run)', result: '"warmup": 0.01' } }],
  },
  // LARS: warmup can hurt; not flagged.
  { file: 'warmup-missing/neox-lars.yml', expect: [] },

  // few-optimizer-steps (TL603)
  {
    file: 'few-steps/megatron-iters.yaml',
    expect: [{ rule: 'few-optimizer-steps', severity: 'info', at: 'train_iters', says: '500 optimizer steps', fix: { title: 'Set train_iters to 1000 and the global batch to 2048 (same tokens; rescale the LR)', result: ['train_iters: 1000', 'global_batch_size: 2048'] } }],
  },
  { file: 'few-steps/megatron-iters-ok.yaml', expect: [] },
  {
    file: 'few-steps/megatron-samples.yaml',
    baseline: 'few-steps/megatron-samples.base.yaml',
    expect: [
      { rule: 'few-optimizer-steps', severity: 'warning', at: 'global_batch_size', says: '1250 optimizer steps instead of 10000', fix: { title: 'Set the global batch to 256 (10000 steps for the same tokens; rescale the LR)', result: 'global_batch_size: 256' } },
      // The same batch change without an LR change: the square-root rule for Adam (Megatron's default optimizer).
      { rule: 'lr-not-rescaled', severity: 'warning', at: 'lr', says: 'That gives 8.49e-4', fix: { title: 'Set lr to 8.49e-4 (square-root rule)' } },
    ],
  },
  { file: 'few-steps/megatron-samples.yaml', expect: [] },
  // Epoch-based fine-tuning: at the same epochs a 4x batch means a quarter of the updates (the LR followed the square-root rule).
  {
    file: 'few-steps/hf-epochs.yaml',
    baseline: 'few-steps/hf-epochs.base.yaml',
    expect: [{ rule: 'few-optimizer-steps', severity: 'warning', at: 'gradient_accumulation_steps', says: '1/4 of the optimizer steps', noFix: true }],
  },
  { file: 'few-steps/hf-epochs-more.yaml', baseline: 'few-steps/hf-epochs.base.yaml', expect: [] },
  // Fine-tuning runs are short by design: silent without a baseline.
  { file: 'few-steps/hf-short.yaml', settings: WORLD8, expect: [] },
  {
    file: 'few-steps/deepspeed.json',
    settings: { cluster: { worldSize: 64 }, seqLength: 4096, trainingTokens: 2e9 },
    expect: [{ rule: 'few-optimizer-steps', severity: 'warning', at: '"train_batch_size"', says: '476 optimizer steps', fix: { title: 'Set the global batch to 256 (1904 steps for the same tokens; rescale the LR)', result: '"train_batch_size": 256' } }],
  },
  { file: 'few-steps/deepspeed.json', settings: { cluster: { worldSize: 64 }, seqLength: 4096, trainingTokens: 2e10 }, expect: [] },

  // lr-decay-horizon-mismatch (TL604)
  {
    file: 'decay-horizon/megatron-beyond.yaml',
    expect: [{ rule: 'lr-decay-horizon-mismatch', severity: 'warning', at: 'lr_decay_iters', says: 'learning rate of 9.92e-5 instead of the minimum 3e-5', fix: { title: 'Set lr_decay_iters to 100000 (decay over the whole run)', result: 'lr_decay_iters: 100000' } }],
  },
  { file: 'decay-horizon/megatron-match.yaml', expect: [] },
  {
    file: 'decay-horizon/megatron-early.yaml',
    expect: [{ rule: 'lr-decay-horizon-mismatch', severity: 'info', at: 'lr_decay_iters', says: '40000 iterations (40% of the run)' }],
  },
  // WSD is meant to stop before its decay.
  { file: 'decay-horizon/megatron-wsd.yaml', expect: [] },
  {
    // ModelPT.setup_optimization replaces sched.max_steps by trainer.max_steps (NeMo modelPT.py:713-714): the decay
    // follows the run whatever the file says.
    file: 'decay-horizon/nemo-beyond.yaml',
    expect: [],
  },
  { file: 'decay-horizon/nemo-default.yaml', expect: [] },
  {
    file: 'decay-horizon/deepspeed-warm-long.json',
    expect: [{ rule: 'lr-decay-horizon-mismatch', severity: 'warning', at: '"warmup_num_steps"', says: 'never decays' }],
  },
  { file: 'decay-horizon/deepspeed-ok.json', expect: [] },
  { file: 'decay-horizon/hf-warm-long.yaml', expect: [{ rule: 'lr-decay-horizon-mismatch', severity: 'warning', at: 'warmup_steps', says: 'never decays' }] },
  { file: 'decay-horizon/hf-ok.yaml', expect: [] },

  // beyond-critical-batch (TL605)
  {
    file: 'critical-batch/megatron-huge.yaml',
    settings: { cluster: { worldSize: 64 }, model: 'openai-community/gpt2' },
    expect: [{ rule: 'beyond-critical-batch', severity: 'info', at: 'global_batch_size', says: 'DeepSeek LLM', noFix: true }],
  },
  { file: 'critical-batch/megatron-fine.yaml', settings: { cluster: { worldSize: 64 }, model: 'openai-community/gpt2' }, expect: [] },

  // pipeline-micro-batch (TL606)
  {
    file: 'pipeline-micro/megatron-mbs4.yaml',
    settings: { cluster: { worldSize: 64, gpu: 'a100-80gb' }, model: 'meta-llama/Llama-2-13b-hf' },
    expect: [{ rule: 'pipeline-micro-batch', severity: 'info', at: 'micro_batch_size', says: 'bubble 8.6% -> 2.3%', fix: { title: 'Set the micro-batch to 1 (128 micro-batches per step, same global batch)', result: 'micro_batch_size: 1' } }],
  },
  { file: 'pipeline-micro/megatron-mbs1.yaml', settings: { cluster: { worldSize: 64, gpu: 'a100-80gb' }, model: 'meta-llama/Llama-2-13b-hf' }, expect: [] },
  {
    file: 'pipeline-micro/neox-ckpt.yml',
    settings: { cluster: { worldSize: 64 } },
    expect: [{ rule: 'pipeline-micro-batch', severity: 'info', at: '"train_micro_batch_size_per_gpu"', fix: { title: 'Set the micro-batch to 1 and accumulation to 32 (same global batch)', result: ['"train_micro_batch_size_per_gpu": 1', '"gradient_accumulation_steps": 32'] } }],
  },
  { file: 'pipeline-micro/neox-nockpt.yml', settings: { cluster: { worldSize: 64 } }, expect: [] },

  // zero3-communication-bound (TL607)
  {
    file: 'zero3/multi-node.json',
    settings: ZERO3_CLUSTER,
    expect: [{
      rule: 'zero3-communication-bound', severity: 'warning', at: '"stage"', says: 'ZeRO-3 over 16 nodes',
      fix: { title: 'Enable ZeRO++ (quantized weights, hierarchical partition of 8, quantized gradients)', result: '"overlap_comm": true,\n    "zero_quantized_weights": true,\n    "zero_hpz_partition_size": 8,\n    "zero_quantized_gradients": true\n' },
    }],
  },
  { file: 'zero3/zeropp-on.json', settings: ZERO3_CLUSTER, expect: [] },
  { file: 'zero3/multi-node.json', settings: { ...ZERO3_CLUSTER, cluster: { nodes: 1, gpusPerNode: 8, gpu: 'a100-80gb' } }, expect: [] },

  // moe-load-balance-per-micro-batch (TL608)
  {
    file: 'moe/megatron-aux.yaml',
    expect: [{ rule: 'moe-load-balance-per-micro-batch', severity: 'info', at: 'moe_router_load_balancing_type', says: '1 sequence per micro-batch', fix: { title: 'Use global_aux_loss (balance over the global batch)', result: 'moe_router_load_balancing_type: global_aux_loss' } }],
  },
  { file: 'moe/megatron-global.yaml', expect: [] },
  // The aux-loss coefficient defaults to 0.0 (off).
  { file: 'moe/megatron-nocoeff.yaml', expect: [] },
  { file: 'moe/megatron-bigmicro.yaml', expect: [] },

  // packing-without-masking (TL609)
  {
    file: 'packing/trl-sdpa.yaml',
    expect: [{ rule: 'packing-without-masking', severity: 'warning', at: 'packing', says: 'not set (transformers picks sdpa)', fix: { title: 'Add attn_implementation: flash_attention_2', result: 'learning_rate: 2.0e-5\nattn_implementation: flash_attention_2' } }],
  },
  {
    file: 'packing/trl-eager.yaml',
    expect: [{ rule: 'packing-without-masking', severity: 'warning', at: 'packing', occurrence: 1, fix: { title: 'Set attn_implementation to flash_attention_2', result: 'attn_implementation: flash_attention_2' } }],
  },
  { file: 'packing/trl-flash.yaml', expect: [] },
  {
    file: 'packing/trl-wrapped.yaml',
    expect: [{ rule: 'packing-without-masking', severity: 'warning', at: 'packing_strategy', fix: { title: 'Use packing_strategy bfd (per-example position_ids)', result: 'packing_strategy: bfd' } }],
  },
  { file: 'packing/trl-off.yaml', expect: [] },
  {
    file: 'packing/axolotl-nobackend.yaml',
    expect: [{ rule: 'packing-without-masking', severity: 'warning', at: 'sample_packing', fix: { title: 'Add attn_implementation: flash_attention_2', result: 'warmup_ratio: 0.03\nattn_implementation: flash_attention_2' } }],
  },
  { file: 'packing/axolotl-flash.yaml', expect: [] },
  {
    file: 'packing/llamafactory-sft.yaml',
    expect: [{ rule: 'packing-without-masking', severity: 'warning', at: 'packing', fix: { title: 'Add neat_packing: true (packing without cross-attention)', result: 'warmup_ratio: 0.1\nneat_packing: true' } }],
  },
  { file: 'packing/llamafactory-neat.yaml', expect: [] },
  { file: 'packing/llamafactory-pt.yaml', expect: [] },

  // elastic-batch-not-preserved (TL610): DeepSpeed's elasticity block (the launch-script cases are below).
  {
    file: 'elastic/deepspeed-v01.json',
    expect: [{ rule: 'elastic-batch-not-preserved', severity: 'warning', at: '"elasticity"', says: 'kept only at 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 15' }],
  },
  { file: 'elastic/deepspeed-norange.json', expect: [] },

  // fp32-training (TL611)
  {
    file: 'fp32/hf-bf16-false.yaml',
    settings: { cluster: { worldSize: 8, gpu: 'h100-sxm' } },
    expect: [{ rule: 'fp32-training', severity: 'info', at: 'bf16', says: 'in bf16 mixed precision', fix: { title: 'Train in bf16 mixed precision (bf16 on)', result: 'bf16: true' } }],
  },
  { file: 'fp32/hf-bf16-true.yaml', settings: { cluster: { worldSize: 8, gpu: 'h100-sxm' } }, expect: [] },
  // No bf16 tensor cores on a V100, and no GPU known: silent.
  { file: 'fp32/hf-bf16-false.yaml', settings: { cluster: { worldSize: 8, gpu: 'v100-32gb' } }, expect: [] },
  { file: 'fp32/hf-bf16-false.yaml', settings: WORLD8, expect: [] },
  {
    file: 'fp32/nemo-32.yaml',
    settings: { cluster: { gpu: 'a100-80gb' } },
    expect: [{ rule: 'fp32-training', severity: 'info', at: 'precision', fix: { title: 'Train in bf16 mixed precision (trainer.precision bf16-mixed)', result: 'precision: bf16-mixed' } }],
  },
  {
    file: 'fp32/deepspeed-off.json',
    settings: { cluster: { worldSize: 8, gpu: 'a100-80gb' } },
    expect: [{ rule: 'fp32-training', severity: 'info', at: '"enabled"', occurrence: 2, says: '312 TFLOP/s against 19.5', fix: { title: 'Train in bf16 mixed precision (bf16 on)', result: '"bf16": { "enabled": true }' } }],
  },
  {
    file: 'fp32/megatron-nobf16.yaml',
    settings: { cluster: { worldSize: 8, gpu: 'a100-80gb' } },
    expect: [{ rule: 'fp32-training', severity: 'info', at: 'micro_batch_size', says: 'Megatron-LM defaults to fp32', noFix: true }],
  },

  // ema-not-rescaled (TL612)
  {
    file: 'ema/nemo-same.yaml',
    baseline: 'ema/nemo.base.yaml',
    expect: [{ rule: 'ema-not-rescaled', severity: 'warning', at: 'decay', fix: { title: 'Set exp_manager.ema.decay to 0.996006 (EMA Scaling Rule)', result: 'decay: 0.996006' } }],
  },
  { file: 'ema/nemo-rescaled.yaml', baseline: 'ema/nemo.base.yaml', expect: [] },
  { file: 'ema/nemo-same.yaml', expect: [] },
];

/** Launch scripts need the shell parser. */
const SHELL_CASES: Case[] = [
  {
    file: 'warmup-missing/megatron-nowarm.sh',
    expect: [{ rule: 'warmup-missing', severity: 'info', at: 'lr-warmup-iters', says: '1024 sequences', fix: { title: 'Set --lr-warmup-iters to 1000 (about 1% of the run)', result: '--lr-warmup-iters 1000' } }],
  },
  // A run that loads a checkpoint (--load, --finetune) continues or fine-tunes trained weights: no from-scratch warmup advice.
  { file: 'warmup-missing/megatron-load-finetune.sh', expect: [] },
  { file: 'warmup-missing/megatron-load.sh', expect: [] },
  {
    file: 'decay-horizon/megatron-beyond.sh',
    expect: [{ rule: 'lr-decay-horizon-mismatch', severity: 'warning', at: 'lr-decay-iters', fix: { title: 'Set --lr-decay-iters to 100000 (decay over the whole run)', result: 'DECAY_ITERS=100000' } }],
  },
  // A 100-iteration run against a 320,000-iteration decay is a functional test by shape: a note.
  {
    file: 'decay-horizon/megatron-smoke.sh',
    expect: [
      { rule: 'few-optimizer-steps', severity: 'info', at: 'train-iters', says: '100 optimizer steps' },
      { rule: 'lr-decay-horizon-mismatch', severity: 'info', at: 'lr-decay-iters', says: 'smoke test' },
    ],
  },
  // A real length that ends inside a warmup given as a fraction of the decay: the LR never reaches its peak.
  { file: 'decay-horizon/megatron-inside-warmup.sh', expect: [{ rule: 'lr-decay-horizon-mismatch', severity: 'warning', at: 'lr-decay-iters', says: 'ends inside the warmup (3200 iterations' }] },
  {
    file: 'moe/megatron-mixtral.sh',
    expect: [{ rule: 'moe-load-balance-per-micro-batch', severity: 'info', at: 'moe-router-load-balancing-type', fix: { title: 'Use global_aux_loss (balance over the global batch)', result: '--moe-router-load-balancing-type global_aux_loss' } }],
  },
  {
    file: 'elastic/megatron-range.sh',
    expect: [{ rule: 'elastic-batch-not-preserved', severity: 'warning', at: '1:4', says: 'only 8, 16, 32 work', noFix: true }],
  },
  { file: 'elastic/megatron-range-ok.sh', expect: [] },
  {
    file: 'elastic/hf-range.sh',
    expect: [{ rule: 'elastic-batch-not-preserved', severity: 'warning', at: '1:2', says: '8 GPUs: 128, 16 GPUs: 256', noFix: true }],
  },
  { file: 'elastic/hf-fixed.sh', expect: [] },
];

let shellParser: ShellParser | undefined;
before(async () => {
  shellParser = await loadShellParser();
});

function run(c: Case, parser?: ShellParser): void {
  const text = readFixture('research', c.file);
  const baseline = c.baseline ? { text: readFixture('research', c.baseline), path: c.baseline } : undefined;
  const analysis = analyze(text, { path: c.file, settings: c.settings, shellParser: parser, baseline });
  const found = analysis.diagnostics.filter((d) => d.code.startsWith('TL6')).map((d) => ({ d, text: text.slice(d.range.start, d.range.end) }));
  const distinct = new Set(c.expect.map((e) => `${e.rule}@${e.at}#${e.occurrence ?? 1}`)).size;
  assert.equal(found.length, distinct, `research findings: ${JSON.stringify(found.map((f) => [f.d.rule, f.d.severity, f.text, f.d.message]), null, 1)}`);
  for (const e of c.expect) {
    const match = found.find((f) => f.d.rule === e.rule && f.d.range.start === nthIndex(text, e.at, e.occurrence ?? 1) && f.text === e.at);
    assert.ok(match, `expected ${e.rule} on "${e.at}" in ${JSON.stringify(found.map((f) => [f.d.rule, f.text, f.d.range.start]))}`);
    assert.equal(match.d.severity, e.severity, `${e.rule} severity`);
    if (e.says) assert.ok(match.d.message.includes(e.says), `message says "${e.says}": ${match.d.message}`);
    if (e.noFix) assert.deepEqual(match.d.fixes, [], 'no fix');
    if (e.fix) {
      const fix = match.d.fixes.find((f) => f.title === e.fix!.title);
      assert.ok(fix, `fix "${e.fix.title}" among ${JSON.stringify(match.d.fixes.map((f) => f.title))}`);
      assert.equal(fix.safe, false, 'research fixes change the run and are never applied in bulk');
      const after = applyEdits(text, fix.edits).text;
      for (const result of [e.fix.result ?? []].flat()) assert.ok(after.includes(result), `after the fix, "${result}" in:\n${after}`);
      // The fixed file still parses as the same format.
      assert.equal(analyze(after, { path: c.file, settings: c.settings, shellParser: parser }).format, analysis.format);
    }
  }
}

for (const c of CASES) {
  const label = `${c.file}${c.baseline ? ` against ${c.baseline}` : ''}${c.settings ? ` with ${JSON.stringify(c.settings)}` : ''}: ${c.expect.length > 0 ? c.expect.map((e) => e.rule).join(', ') : 'silent'}`;
  test(label, () => run(c));
}

for (const c of SHELL_CASES) {
  test(`${c.file} (launch script): ${c.expect.length > 0 ? c.expect.map((e) => e.rule).join(', ') : 'silent'}`, (t) => {
    if (!shellParser) return t.skip('tree-sitter-bash did not load');
    run(c, shellParser);
  });
}

test('every research rule can be switched off or re-graded by settings', () => {
  const text = readFixture('research', 'moe/megatron-aux.yaml');
  const rules = (settings: Settings) => analyze(text, { path: 'a.yaml', settings }).diagnostics.filter((d) => d.code.startsWith('TL6'));
  assert.equal(rules({}).length, 1);
  assert.deepEqual(rules({ rules: { 'moe-load-balance-per-micro-batch': 'off' } }), []);
  assert.deepEqual(rules({ rules: { TL608: 'off' } }), []);
  assert.equal(rules({ rules: { 'moe-load-balance-per-micro-batch': 'error' } })[0].severity, 'error');
});
