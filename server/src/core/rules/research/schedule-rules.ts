import type { Fix } from '../../diagnostic';
import type { ScheduleFacts, Setting } from '../../facts/schedule-facts';
import type { Rule, RuleContext } from '../rule';
import { programOf } from '../../programs/index';
import { batchOf, batchRatio, fixes, fixOf, fmt, placeOf, readingOf, setValue, tokens, type BatchReading, type Reading } from './common';

// A global batch this large (in samples, or tokens per step) is "large" for the warmup rule: Goyal et al. needed gradual
// warmup when scaling ResNet-50 from 256 to 8K images; 1024 samples or 2^20 tokens per step is our threshold (heuristic).
const LARGE_BATCH_SAMPLES = 1024;
const LARGE_BATCH_TOKENS = 2 ** 20;
// Starting point offered for a missing warmup: 1% of the run (a heuristic; its length should be judged against the run).
const SUGGESTED_WARMUP_FRACTION = 0.01;

/** Optimizer steps of the run, when the file decides them. */
function totalSteps(facts: ScheduleFacts, batch: BatchReading): number | undefined {
  if (facts.length.iterations?.value !== undefined) return facts.length.iterations.value;
  if (facts.length.samples?.value !== undefined && batch.global) return Math.floor(facts.length.samples.value / batch.global);
  if (facts.length.tokens?.value !== undefined && batch.global && batch.seq) return Math.floor(facts.length.tokens.value / (batch.global * batch.seq));
  return undefined;
}

/** The fix that adds a warmup of about 1% of the run, in the spelling each format reads. */
function warmupFix(ctx: RuleContext, facts: ScheduleFacts, steps: number | undefined): Fix | undefined {
  const stepsWanted = steps !== undefined ? Math.max(1, Math.ceil(steps * SUGGESTED_WARMUP_FRACTION)) : undefined;
  const existing = facts.warmup.setting?.node;
  const name = facts.warmup.setting?.name;
  if (existing && name) {
    // A warmup key written as 0: give it a value in its own unit.
    const fraction = /fraction|ratio|^warmup$/.test(name);
    const samples = /samples/.test(name);
    if (samples) return undefined;
    // transformers v5 reads warmup_steps below 1 as a fraction of the run (hf-training-args.json).
    const hfFraction = programOf(facts.format)?.schedule?.warmupStepsFraction === true && name === 'warmup_steps' && stepsWanted === undefined;
    const value = fraction || hfFraction ? SUGGESTED_WARMUP_FRACTION : stepsWanted;
    if (value === undefined) return undefined;
    return fixOf(`Set ${name} to ${value} (${hfFraction ? '1% of the run: a fraction in transformers v5' : 'about 1% of the run'})`, setValue(ctx, existing, value));
  }
  return programOf(facts.format)?.schedule?.addWarmup?.(ctx, facts, stepsWanted, SUGGESTED_WARMUP_FRACTION);
}

export const warmupMissing: Rule = {
  meta: {
    code: 'TL602',
    name: 'warmup-missing',
    severity: 'warning',
    summary: 'No learning-rate warmup with a large global batch, or after the learning rate was raised for a larger batch.',
    why: 'At the start of training the loss surface is sharp and the gradient estimates are poor; a large batch with its full learning rate from step 0 can diverge or land in a worse basin, which the linear and square-root scaling rules assume away. A short warmup is the standard remedy.',
    finding: '"Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour" (Goyal et al. 2017) pairs the linear scaling rule with a gradual warmup: "we adopt a hyper-parameter-free linear scaling rule ... and develop a new warmup scheme that overcomes optimization challenges early in training"; "Large Batch Training of Convolutional Networks" (You et al. 2017) calls "linear learning rate scaling with warm-up" the current recipe; "Resolving Discrepancies in Compute-Optimal Scaling of Language Models" (Porian et al. 2024) names "warmup duration" among the factors that skew scaling results.',
    appliesWhen: `Applies when the file states no warmup (Megatron --lr-warmup-iters/--lr-warmup-samples default 0 and no --lr-warmup-fraction, keys/megatron-args.json @ d98e8a64; TrainingArguments warmup_steps default 0, keys/hf-training-args.json @ 00349ae8; NeMo model.optim.sched without warmup_steps/warmup_ratio or without a sched block, keys/nemo.json @ 8cfedd72; GPT-NeoX warmup 0, default 0.01, keys/neox.json @ ea7aefd8; axolotl and LLaMA-Factory an explicit 0) and the global batch is at least ${LARGE_BATCH_SAMPLES} samples or ${LARGE_BATCH_TOKENS} tokens per step, or a baseline shows the batch and the learning rate both raised. It does not apply to LARS-style optimizers, where warmup can trap training in sharp minima ("Revisiting LARS for Large Batch Training Generalization of Neural Networks": "LARS algorithms with warm-up tend to be trapped in sharp minimizers early on"), to a DeepSpeed config without a scheduler block (the training script may pass its own scheduler), to a Megatron run that loads a checkpoint (--load, --finetune, --reset-progress: it continues or fine-tunes trained weights, megatron/training/checkpointing.py load_checkpoint), or to axolotl configs that leave warmup unset (axolotl then warms up for min(3% of the steps, 100): src/axolotl/core/builders/base.py _configure_warmup_and_logging, axolotl-ai-cloud/axolotl @ ceda25b6). A large batch alone gives an info, since the file does not say whether the run starts from scratch; a batch and learning rate raised against the baseline give a warning.`,
    fix: 'Adds a warmup of about 1% of the run where the key can be written: warmup_steps (HF, LLaMA-Factory: an integer when max_steps is known, else a fraction, which transformers v5 reads as a share of the run), warmup_ratio (axolotl), model.optim.sched.warmup_steps (NeMo), lr_warmup_fraction (Megatron YAML), warmup (GPT-NeoX), or gives a warmup key written as 0 a value. 1% is a starting point, not a recommendation from the papers. Never applied automatically.',
    example: { language: 'yaml', text: 'model_name_or_path: meta-llama/Llama-3.1-8B\nper_device_train_batch_size: 16\ngradient_accumulation_steps: 16\nlearning_rate: 3.0e-4\nlr_scheduler_type: cosine\nwarmup_steps: 0\n' },
    references: [
      'Goyal et al., Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour (2017), Sec. 2.2',
      'You et al., Large Batch Training of Convolutional Networks (2017)',
      'Porian et al., Resolving Discrepancies in Compute-Optimal Scaling of Language Models (2024)',
      'Revisiting LARS for Large Batch Training Generalization of Neural Networks (TVLARS)',
    ],
  },
  check(ctx) {
    const reading = readingOf(ctx);
    const facts = reading?.schedule;
    if (!facts || facts.warmup.state !== 'none' || facts.optimizer.kind === 'lars') return;
    // A run that loads a checkpoint (Megatron --load, --finetune, --reset-progress) continues or fine-tunes trained
    // weights: the early, sharp phase a from-scratch warmup protects is behind it.
    if (facts.fromCheckpoint) return;
    const batch = batchOf(reading);
    // Without a world size the HF global batch is at least micro x accumulation.
    const global = batch.global ?? batch.perRank;
    const tokensPerStep = global !== undefined && batch.seq ? global * batch.seq : undefined;
    const large = (global !== undefined && global >= LARGE_BATCH_SAMPLES) || (tokensPerStep !== undefined && tokensPerStep >= LARGE_BATCH_TOKENS);
    let raised: { ratio: number; lrFrom: number; lrTo: number } | undefined;
    const base = ctx.baseline?.analysis;
    if (base && base.format === ctx.format) {
      const before = readingOf(base);
      const change = batchRatio(batch, batchOf(before));
      const lrFrom = before?.schedule?.lr?.value;
      const lrTo = facts.lr?.value;
      if (change && change.ratio > 1.01 && lrFrom !== undefined && lrTo !== undefined && lrTo > lrFrom * 1.01) raised = { ratio: change.ratio, lrFrom, lrTo };
    }
    if (!large && !raised) return;
    const size = global !== undefined ? `${batch.global === undefined ? 'at least ' : ''}${global} sequences${tokensPerStep ? ` (${tokens(tokensPerStep)} tokens)` : ''} per step` : 'a large batch';
    const why = raised
      ? `The learning rate was raised from ${fmt(raised.lrFrom)} to ${fmt(raised.lrTo)} for a batch ${fmt(raised.ratio)}x larger than the baseline's, with no warmup`
      : `The global batch is ${size} and the learning rate${facts.lr?.value !== undefined ? ` ${fmt(facts.lr.value)}` : ''} applies from the first step: no warmup`;
    const where = facts.warmup.setting?.node ? ` (${facts.warmup.setting.name} = ${facts.warmup.setting.value ?? facts.warmup.setting.text})` : '';
    const steps = totalSteps(facts, batch);
    ctx.report({
      range: placeOf(ctx, facts.warmup.setting?.node, facts.lr?.node, reading?.built?.anchors['batch.global'], reading?.built?.anchors['batch.micro']),
      // A large batch alone is a hint: the file does not say whether this is a from-scratch run, a fine-tune of trained
      // weights or a throughput test (bench/wild: 0 of 6 such warnings were worth acting on). A raise against the baseline is the user's change.
      severity: raised ? 'warning' : 'info',
      message: `${why}${where}. Large-batch recipes pair the scaled learning rate with a gradual warmup (Goyal et al. 2017); without it early steps can diverge. Add a warmup (about 1% of the run is a common starting point${steps ? `: ${Math.max(1, Math.ceil(steps * SUGGESTED_WARMUP_FRACTION))} of ${steps} steps` : ''}).`,
      fixes: fixes(warmupFix(ctx, facts, steps)),
    });
  },
};

/** The LR at the last step of a linear or cosine decay that stops at `progress` (0..1) of the way (Megatron OptimizerParamScheduler). */
function lrAt(style: string, progress: number, max: number, min: number): number {
  const p = Math.min(1, Math.max(0, progress));
  // megatron/core/optimizer_param_scheduler.py get_lr: linear coeff = 1 - p; cosine coeff = 0.5 (cos(pi p) + 1).
  const coeff = /cos/i.test(style) ? 0.5 * (Math.cos(Math.PI * p) + 1) : 1 - p;
  return min + coeff * (max - min);
}

function unitOf(setting: Setting | undefined): string {
  return /samples/.test(setting?.name ?? '') ? 'samples' : /tokens/.test(setting?.name ?? '') ? 'tokens' : 'iterations';
}

/** A run shorter than this share of its decay horizon is a test or a benchmark by shape. */
const SHORT_RUN_FRACTION = 0.05;

// Optimizer steps up to which a run is a smoke test or a throughput benchmark by its length (NeMo-Framework-Launcher's
// 100-step templates, Megatron-DeepSpeed's functional tests, GPT-NeoX's autotuning configs, judged in bench/wild).
const SMOKE_STEPS = 200;

/** Whether the training length, in steps, is that of a smoke test. */
function smokeLength(length: Setting | undefined, horizon: { unit: string } | undefined): boolean {
  return length?.value !== undefined && (horizon?.unit ?? unitOf(length)) === 'iterations' && length.value <= SMOKE_STEPS;
}

export const lrDecayHorizonMismatch: Rule = {
  meta: {
    code: 'TL604',
    name: 'lr-decay-horizon-mismatch',
    severity: 'warning',
    summary: 'The learning-rate decay horizon differs from the training horizon, or the schedule never reaches its minimum learning rate.',
    why: 'A decay that ends after the run (decay iterations > training iterations) leaves the final weights at a high learning rate, which costs loss that a fully decayed run would have; a warmup as long as the decay means the LR never decays at all. A decay that ends well before the run spends the rest at the minimum LR: sometimes deliberate (GPT-3 decayed over 260B of its 300B tokens), reported as info.',
    finding: '"No Train No Gain: Revisiting Efficient Training Algorithms For Transformer-based Language Models" (Kaddour et al. 2023): the reported gains of several efficient-training methods "vanish compared to a baseline with a fully-decayed learning rate". "MiniCPM" (Hu et al. 2024) introduces "a Warmup-Stable-Decay (WSD) learning rate scheduler (LRS), conducive to continuous training and domain adaptation", a schedule meant to stop before its decay. "Resolving Discrepancies in Compute-Optimal Scaling of Language Models" (Porian et al. 2024) finds "careful learning rate decay is not essential for the validity of their scaling law", hence a warning, not an error.',
    appliesWhen: 'Applies to decaying schedules: Megatron-LM --lr-decay-iters/--lr-decay-samples against --train-iters/--train-samples (lr_decay_iters defaults to train_iters; keys/megatron-args.json and training.py @ d98e8a64), GPT-NeoX lr_decay_iters against train_iters (keys/neox.json @ ea7aefd8), NeMo model.optim.sched.max_steps only without a trainer.max_steps (ModelPT.setup_optimization overwrites it with trainer.max_steps when that is >= 0, nemo/core/classes/modelPT.py @ 8cfedd72), and a NeMo warmup as long as trainer.max_steps, DeepSpeed WarmupDecayLR/WarmupCosineLR warmup_num_steps against total_num_steps (keys/deepspeed.json @ edaa7221), and an HF/TRL/axolotl/LLaMA-Factory warmup at least as long as max_steps. WSD (Megatron --lr-decay-style WSD, HF warmup_stable_decay), constant, inverse-square-root and cyclic schedules are recognized and not flagged; NeMo constant_steps (a hold at the floor by design) is not a mismatch. Under the HF Trainer, a concrete DeepSpeed total_num_steps that differs from the Trainer\'s is a start-up error, reported by hf-deepspeed-mismatch.',
    fix: 'Sets the decay horizon to the training horizon (Megatron --lr-decay-iters/--lr-decay-samples, GPT-NeoX lr_decay_iters) where it is written. If the run is meant to be continued, a WSD schedule is the alternative. Never applied automatically.',
    example: { language: 'yaml', text: '# trainlint: format=megatron\nmicro_batch_size: 1\nglobal_batch_size: 256\nlr: 3.0e-4\nmin_lr: 3.0e-5\nlr_decay_style: cosine\nlr_warmup_iters: 2000\ntrain_iters: 100000\nlr_decay_iters: 150000\n' },
    references: [
      'Kaddour et al., No Train No Gain: Revisiting Efficient Training Algorithms For Transformer-based Language Models (NeurIPS 2023)',
      'Hu et al., MiniCPM: Unveiling the Potential of Small Language Models with Scalable Training Strategies (2024)',
      'Porian et al., Resolving Discrepancies in Compute-Optimal Scaling of Language Models (2024)',
      'NVIDIA/Megatron-LM megatron/core/optimizer_param_scheduler.py (get_lr) @ d98e8a64ddf34856e74b24714e3bedb2f5a39553',
    ],
  },
  check(ctx) {
    const reading = readingOf(ctx);
    const facts = reading?.schedule;
    if (!facts || facts.decay.kind !== 'decaying') return;
    const horizon = facts.decay.horizon;
    const min = facts.decay.minLr?.value ?? 0;
    const max = facts.lr?.value;
    // Training length in the horizon's unit.
    const reader = programOf(facts.format)?.schedule;
    let length: Setting | undefined;
    if (reader?.length === 'iterations') length = facts.length.iterations;
    else if (reader?.length === 'horizon') length = horizon?.unit === 'samples' ? facts.length.samples : horizon?.unit === 'tokens' ? facts.length.tokens : facts.length.iterations;
    // Warmup in the same unit as the decay (Megatron's warmup fraction is a fraction of the decay horizon).
    const decayEnd = horizon?.value ?? length?.value;
    let warm: number | undefined;
    if (decayEnd !== undefined) {
      if (facts.warmup.fraction !== undefined && facts.warmup.fraction > 0) warm = facts.warmup.fraction * decayEnd;
      else if (reader?.warmupInSteps) warm = facts.warmup.steps;
      else if (facts.warmup.setting?.value !== undefined && facts.warmup.setting.node && unitOf(facts.warmup.setting) === (horizon ? horizon.unit : unitOf(length))) warm = facts.warmup.setting.value;
    }
    const smoke = smokeLength(length, horizon);
    // A warmup as long as the decay: the LR never decays.
    if (decayEnd !== undefined && warm !== undefined && warm >= decayEnd && facts.warmup.setting) {
      const place = facts.warmup.setting.node ?? horizon?.node ?? length?.node;
      ctx.report({
        range: placeOf(ctx, place),
        ...(smoke && (length?.value ?? Infinity) <= warm ? { severity: 'info' as const } : {}),
        message: `The warmup (${facts.warmup.setting.name} = ${fmt(facts.warmup.setting.value ?? warm)}, ${fmt(warm)} ${horizon?.unit ?? 'steps'}) is as long as the decay horizon (${fmt(decayEnd)}): the learning rate never decays${min ? ` to ${fmt(min)}` : ''}. A run whose LR is never decayed loses to a fully decayed baseline (Kaddour et al. 2023).`,
      });
      return;
    }
    if (!horizon?.node || horizon.value === undefined || length?.value === undefined) return;
    const d = horizon.value;
    const t = length.value;
    if (d === t) return;
    const w = warm ?? 0;
    const fix = fixOf(`Set ${horizon.name} to ${t} (decay over the whole run)`, setValue(ctx, horizon.node, t));
    if (d > t && t <= w) {
      // Megatron and GPT-NeoX warm up linearly to the peak (optimizer_param_scheduler.py get_lr).
      ctx.report({
        range: placeOf(ctx, horizon.node),
        ...(smoke ? { severity: 'info' as const } : {}),
        message: `${length.name} ${t} ends inside the warmup (${fmt(w)} ${horizon.unit}${facts.warmup.fraction ? `, ${fmt(facts.warmup.fraction)} of ${horizon.name} ${d}` : ''})${max !== undefined ? `, at a learning rate of ${fmt((max * t) / Math.max(1, w))} on its way to ${fmt(max)}` : ''}: the decay never starts.${smoke ? ' That is the shape of a smoke test or a throughput benchmark; for a real run, decay over the training horizon.' : ' Decay over the training horizon.'}`,
        fixes: fixes(fix),
      });
      return;
    }
    if (d > t) {
      const progress = (t - w) / Math.max(1, d - w);
      // Under 5% of the decay: a functional test or benchmark by shape (Megatron-DeepSpeed's resume tests run 100 of 320,000).
      const short = smoke || t < SHORT_RUN_FRACTION * d;
      const final = max !== undefined ? lrAt(facts.decay.style, progress, max, min) : undefined;
      ctx.report({
        range: placeOf(ctx, horizon.node),
        ...(short ? { severity: 'info' as const } : {}),
        message: `${horizon.name} ${d} is beyond ${length.name} ${t}: the run stops ${Math.round(100 * Math.max(0, progress))}% of the way through its ${facts.decay.style} decay${final !== undefined ? `, at a learning rate of ${fmt(final)} instead of the minimum ${fmt(min)}` : ''}. ${
          short
            ? 'A run this short against its schedule is the shape of a smoke test or a benchmark; if it is a real run, decay'
            : 'Gains measured against a run that is not fully decayed tend to vanish against one that is (Kaddour et al. 2023). Decay'
        } over the training horizon, or use a WSD schedule if the run will be continued.`,
        fixes: fixes(fix),
      });
      return;
    }
    const tail = (t - d) / t;
    if (tail < 0.1) return;
    ctx.report({
      range: placeOf(ctx, horizon.node),
      severity: 'info',
      message: `${horizon.name} ${d} ends before ${length.name} ${t}: the last ${t - d} ${horizon.unit} (${Math.round(100 * tail)}% of the run) train at the minimum learning rate ${fmt(min)}. That can be deliberate (GPT-3 decayed over 260B of 300B tokens); otherwise the decay horizon should match the run.`,
      fixes: fixes(fix),
    });
  },
};

/**
 * Epoch-based runs (HF Trainer, axolotl, LLaMA-Factory without max_steps): the step count depends on the dataset, but
 * at the same number of epochs it scales as 1 / global batch, so a baseline shows the cut.
 */
function epochCheck(ctx: RuleContext, reading: Reading | undefined): void {
  const facts = reading?.schedule;
  const base = ctx.baseline?.analysis;
  if (!facts || facts.length.iterations || facts.length.samples || !base || base.format !== ctx.format) return;
  // Epochs are the Trainer's unit of training length (TrainingArguments num_train_epochs, axolotl, LLaMA-Factory).
  if (!programOf(facts.format)?.runsHfTrainer) return;
  const before = readingOf(base);
  const then = before?.schedule;
  // An unwritten epoch count is the framework default on both sides.
  const epochs = facts.length.epochs?.value ?? 'default';
  if (!then || then.length.iterations || (then.length.epochs?.value ?? 'default') !== epochs) return;
  const change = batchRatio(batchOf(reading), batchOf(before));
  if (!change || change.ratio < 2) return;
  ctx.report({
    range: placeOf(ctx, reading?.built?.anchors['batch.global'], reading?.built?.anchors['batch.gradAccum'], reading?.built?.anchors['batch.micro']),
    message: `The global batch grew x${fmt(change.ratio)} against the baseline at the same number of epochs (${epochs}): the run now takes 1/${fmt(change.ratio)} of the optimizer steps it took. Few updates, not the batch size itself, explain the large-batch generalization gap (Hoffer et al. 2017). Keep the number of updates (more epochs or a smaller batch) or retune for the shorter run.`,
  });
}

// Fewer optimizer steps than this in a pre-training run is "few" (a heuristic floor; the literature gives no number).
export const MIN_OPTIMIZER_STEPS = 1000;

function stepsOf(reading: Reading | undefined, facts: ScheduleFacts | undefined, trainingTokens?: number): { steps: number; tokens?: number; tokensPerStep?: number; source: string } | undefined {
  if (!facts) return undefined;
  const batch = batchOf(reading);
  const perStep = batch.global !== undefined && batch.seq ? batch.global * batch.seq : undefined;
  if (facts.length.iterations?.value !== undefined) {
    const steps = facts.length.iterations.value;
    return { steps, tokens: perStep ? steps * perStep : undefined, tokensPerStep: perStep, source: facts.length.iterations.name };
  }
  if (facts.length.samples?.value !== undefined && batch.global) {
    return { steps: Math.floor(facts.length.samples.value / batch.global), tokens: perStep ? facts.length.samples.value * batch.seq! : undefined, tokensPerStep: perStep, source: `${facts.length.samples.name} / global batch ${batch.global}` };
  }
  if (trainingTokens !== undefined && perStep) return { steps: Math.floor(trainingTokens / perStep), tokens: trainingTokens, tokensPerStep: perStep, source: `${tokens(trainingTokens)} training tokens (settings) / ${tokens(perStep)} tokens per step` };
  return undefined;
}

export const fewOptimizerSteps: Rule = {
  meta: {
    code: 'TL603',
    name: 'few-optimizer-steps',
    severity: 'warning',
    summary: `Training tokens / tokens per step leaves fewer than ${MIN_OPTIMIZER_STEPS} optimizer steps in a pre-training run, or a batch increase cut the number of steps at least in half against the baseline.`,
    why: 'At a fixed token budget a larger global batch means fewer optimizer updates; past the critical batch, each update buys less progress, and the model ends further from its initialization-independent optimum. The hover shows steps = training tokens / (global batch x sequence length).',
    finding: '"Train longer, generalize better: closing the generalization gap in large batch training of neural networks" (Hoffer et al. 2017): "the \'generalization gap\' stems from the relatively small number of updates rather than the batch size, and can be completely eliminated by adapting the training regime used".',
    appliesWhen: `Without a baseline it applies to pre-training formats where the file fixes the length (Megatron-LM --train-iters or --train-samples, NeMo trainer.max_steps, GPT-NeoX train_iters) and to any config given a token budget in settings (trainingTokens), below ${MIN_OPTIMIZER_STEPS} steps, a heuristic floor. With a baseline it applies whenever the global batch grew and the number of steps fell by half or more, including epoch-based fine-tuning runs (HF, TRL, axolotl, LLaMA-Factory without max_steps), where at the same number of epochs the step count scales as 1 / global batch. It does not apply to fine-tuning configs without a baseline (HF, TRL, axolotl, LLaMA-Factory), whose short runs are normal. Without a baseline or a token budget in settings it is an info (a short run may be a benchmark or a test); a change that halved the steps, or a budget that leaves too few, is a warning.`,
    fix: 'Offers more steps at the same number of tokens: the iteration count raised and the global batch lowered in proportion (rounded to a multiple of micro-batch x data-parallel size), where both are written in the file. The batch change calls for an LR rescale (see lr-not-scaled-for-optimizer). Never applied automatically.',
    example: { language: 'yaml', text: '# trainlint: format=megatron\nmicro_batch_size: 4\nglobal_batch_size: 4096\nseq_length: 2048\ntrain_iters: 500\nlr: 3.0e-4\nlr_warmup_iters: 10\n' },
    references: ['Hoffer et al., Train longer, generalize better: closing the generalization gap in large batch training of neural networks (NeurIPS 2017)', 'McCandlish et al., An Empirical Model of Large-Batch Training (2018)'],
  },
  check(ctx) {
    const reading = readingOf(ctx);
    const facts = reading?.schedule;
    const now = stepsOf(reading, facts, ctx.settings.trainingTokens);
    if (facts && !now) return epochCheck(ctx, reading);
    if (!facts || !now) return;
    const batch = batchOf(reading);
    let target: number | undefined;
    let message: string | undefined;
    const base = ctx.baseline?.analysis;
    if (base && base.format === ctx.format) {
      const before = readingOf(base);
      const then = stepsOf(before, before?.schedule, base.settings.trainingTokens);
      const change = batchRatio(batch, batchOf(before));
      if (then && change && change.ratio > 1.01 && now.steps <= then.steps / 2) {
        target = then.steps;
        message = `The global batch grew x${fmt(change.ratio)} against the baseline and the run now takes ${now.steps} optimizer steps instead of ${then.steps}${now.tokens && then.tokens ? ` (${tokens(now.tokens)} tokens vs ${tokens(then.tokens)})` : ''}.`;
      }
    }
    const pretraining = programOf(facts.format)?.pretraining === true || ctx.settings.trainingTokens !== undefined;
    // Without a baseline the step count is a hint: a short run in a pre-training format is as often a benchmark, a test
    // or a fine-tune as a mistake (bench/wild: 0 of 6 such warnings were), so it is an info; a change that halved the steps is a warning.
    let severity: 'warning' | 'info' = 'warning';
    if (!message && pretraining && now.steps < MIN_OPTIMIZER_STEPS) {
      // A token budget given in the settings states the run's purpose: then the step count is the user's plan.
      if (ctx.settings.trainingTokens === undefined) severity = 'info';
      target = MIN_OPTIMIZER_STEPS;
      message = `The run takes ${now.steps} optimizer steps (${now.source}${now.tokensPerStep ? `; ${tokens(now.tokensPerStep)} tokens per step` : ''}), fewer than ${MIN_OPTIMIZER_STEPS}.`;
    }
    if (!message || target === undefined) return;
    const globalNode = reading?.built?.anchors['batch.global'];
    const iterNode = facts.length.iterations?.node;
    let fix: Fix | undefined;
    if (batch.global !== undefined && globalNode && (iterNode || facts.length.samples?.node || ctx.settings.trainingTokens !== undefined)) {
      const unit = (batch.micro ?? 1) * (batch.dp ?? 1);
      const wanted = Math.max(unit, Math.floor((batch.global * now.steps) / target / unit) * unit);
      if (wanted < batch.global) {
        const newSteps = Math.round((now.steps * batch.global) / wanted);
        const accumNode = reading?.built?.anchors['batch.gradAccum'];
        // Formats that state accumulation next to the global batch (DeepSpeed, GPT-NeoX) need it changed too; leave those to the user.
        if (!accumNode) {
          fix = iterNode
            ? fixOf(`Set ${facts.length.iterations!.name} to ${newSteps} and the global batch to ${wanted} (same tokens; rescale the LR)`, setValue(ctx, iterNode, newSteps), setValue(ctx, globalNode, wanted))
            : fixOf(`Set the global batch to ${wanted} (${newSteps} steps for the same tokens; rescale the LR)`, setValue(ctx, globalNode, wanted));
        }
      }
    }
    ctx.report({
      range: placeOf(ctx, iterNode, globalNode, facts.length.samples?.node),
      severity,
      message: `${message} Few updates, not the batch size itself, explain the large-batch generalization gap (Hoffer et al. 2017); past the critical batch each step also buys less progress (McCandlish et al. 2018). Train for more steps at the same tokens (a smaller global batch) or for more tokens.`,
      fixes: fixes(fix),
    });
  },
};
