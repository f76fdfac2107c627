import { programOf } from '../../programs/index';
import { criticalBatch, tokenOverheadVersusCritical } from '../../facts/training-length';
import type { Rule } from '../rule';
import { batchOf, fmt, placeOf, readingOf, tokens } from './common';

// Tokens per step this many times above the larger of the two estimates is "well above" the critical batch.
const OVER_CRITICAL = 4;

export const beyondCriticalBatch: Rule = {
  meta: {
    code: 'TL605',
    name: 'beyond-critical-batch',
    severity: 'info',
    summary: `Tokens per optimizer step more than ${OVER_CRITICAL}x a critical-batch estimate that grows with the run's compute and token budget.`,
    why: 'Past the critical batch, doubling the batch no longer halves the number of steps: the extra GPUs buy diminishing progress and the run needs more tokens for the same loss. McCandlish et al.\'s model puts the token cost at about (1 + B/B_crit)/2 times that at B_crit. Two published fits give the estimate, and the message shows both with their caveats.',
    finding: '"How Does Critical Batch Size Scale in Pre-training?" (2024): the critical batch size "marks the threshold beyond which greater data parallelism leads to diminishing returns" and "scales primarily with data size rather than model size"; "Time Transfer: On Optimal Learning Rate and Batch Size In The Infinite Data Limit" measures it "to evolve as B_crit propto T". The numbers come from DeepSeek LLM (2024): B_opt = 0.2920 C^0.3271 tokens, and Kaplan et al. (2020): B_crit = 2.0e6 tokens x C_min^0.24 (PF-days). Counter-evidence, carried in the message: "the optimal batch size at a fixed compute budget is typically small" (Learning Curves for SGD on Structured Features) and "We find no evidence that larger batch sizes degrade out-of-sample performance" (Measuring the Effects of Data Parallelism on Neural Network Training).',
    appliesWhen: 'Applies to pre-training configs whose length and model shape are known: Megatron-LM (--train-iters or --train-samples, layer and width flags), NeMo (trainer.max_steps and the model block), GPT-NeoX (train_iters), or any config given a model and a token budget (trainingTokens) in settings. It does not apply to fine-tuning from a checkpoint, where these pre-training fits were not measured, or to runs whose batch is set by something else than optimization efficiency (reproducing a published recipe, a fixed hardware allocation).',
    fix: 'No automatic fix: the batch is a trade between wall-clock time and tokens. Options are a smaller global batch with more steps, or a batch ramp-up (Megatron --rampup-batch-size).',
    example: { language: 'yaml', text: '# trainlint: format=megatron\nnum_layers: 12\nhidden_size: 768\nnum_attention_heads: 12\nseq_length: 2048\nmax_position_embeddings: 2048\nmicro_batch_size: 8\nglobal_batch_size: 8192\ntrain_iters: 2000\nlr: 6.0e-4\nlr_warmup_iters: 100\n', settings: { cluster: { worldSize: 64 }, model: 'openai-community/gpt2' } },
    references: [
      'DeepSeek-AI, DeepSeek LLM: Scaling Open-Source Language Models with Longtermism (2024), Sec. 3.1',
      'Kaplan et al., Scaling Laws for Neural Language Models (2020), Sec. 5',
      'McCandlish et al., An Empirical Model of Large-Batch Training (2018)',
      'How Does Critical Batch Size Scale in Pre-training? (2024)',
      'Time Transfer: On Optimal Learning Rate and Batch Size In The Infinite Data Limit (2024)',
    ],
  },
  check(ctx) {
    const pretraining = programOf(ctx.format)?.pretraining === true || ctx.settings.trainingTokens !== undefined;
    if (!pretraining) return;
    const reading = readingOf(ctx);
    const plan = reading?.completed?.plan;
    const batch = batchOf(reading);
    const budget = plan?.training?.tokens;
    if (!plan || batch.global === undefined || !batch.seq || budget === undefined || !(budget > 0)) return;
    const perStep = batch.global * batch.seq;
    const e = reading!.estimate();
    const counts = e?.parameters;
    if (!counts?.available || counts.total <= 0) return;
    // For MoE, compute follows the active parameters; the fits were made on dense models.
    const nonEmbedding = counts.active < counts.total ? Math.max(1, counts.active - counts.embedding - counts.lmHead) : counts.nonEmbedding;
    const cb = criticalBatch({ tokens: budget, nonEmbeddingParameters: nonEmbedding, layers: plan.model?.layers, hiddenSize: plan.model?.hiddenSize, seqLength: batch.seq });
    if (perStep <= OVER_CRITICAL * cb.upper) return;
    const overhead = tokenOverheadVersusCritical(perStep, cb.kaplanCriticalTokens);
    const anchors = reading!.built?.anchors;
    ctx.report({
      range: placeOf(ctx, anchors?.['batch.global'], anchors?.['batch.micro'], anchors?.seqLength),
      message: `Each optimizer step takes ${tokens(perStep)} tokens (${batch.global} x ${batch.seq}). For ${tokens(nonEmbedding)} non-embedding parameters trained on ${tokens(budget)} tokens (C = ${fmt(cb.compute)} FLOPs), DeepSeek LLM's fit gives an optimal batch of about ${tokens(cb.deepseekOptimalTokens)} tokens and Kaplan et al.'s critical batch is about ${tokens(cb.kaplanCriticalTokens)}: this run is ${(perStep / cb.upper).toFixed(1)}x above the larger. By McCandlish et al.'s model it needs roughly ${overhead.toFixed(1)}x the tokens it would at the critical batch for the same loss. The fits are uncertain by a factor of two or more (other data, schedule and optimizer; a ramp-up or a retuned LR changes the picture), and at fixed compute smaller batches are often better (Learning Curves for SGD on Structured Features), while with retuned hyperparameters large batches need not hurt quality, only efficiency (Measuring the Effects of Data Parallelism on Neural Network Training).`,
    });
  },
};
