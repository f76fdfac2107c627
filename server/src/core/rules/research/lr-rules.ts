import { emaDecayFor, EMA_SOURCE, scalingAdvice } from '../../facts/lr-scaling';
import type { Rule, RuleContext } from '../rule';
import { batchOf, batchRatio, fixes, fixOf, fmt, placeOf, readingOf, setValue, type Reading } from './common';

/** The current and baseline readings of a file whose global batch changed, or undefined. */
function batchChange(ctx: RuleContext): { now: Reading; before: Reading; ratio: number; from: number; to: number } | undefined {
  const base = ctx.baseline?.analysis;
  if (!base || base.format !== ctx.format) return undefined;
  const now = readingOf(ctx);
  const before = readingOf(base);
  if (!now?.schedule || !before?.schedule) return undefined;
  const change = batchRatio(batchOf(now), batchOf(before));
  if (!change || Math.abs(change.ratio - 1) < 0.01) return undefined;
  return { now, before, ...change };
}

const close = (a: number, b: number, tolerance = 0.03) => Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));

/** Whether the learning rate moved with the batch by one of the rules in use: linear or square root. */
function movedByAcceptedRule(oldLr: number, newLr: number, ratio: number): boolean {
  return close(newLr, oldLr * ratio) || close(newLr, oldLr * Math.sqrt(ratio));
}

export const lrNotRescaled: Rule = {
  meta: {
    code: 'TL613',
    name: 'lr-not-rescaled',
    severity: 'warning',
    summary: 'The global batch changed against the baseline (git HEAD in the editor, `--baseline REV` in CI) and the learning rate did not move by any accepted rule.',
    why: 'The learning rate that trains well depends on the batch size; a pull request that grows or shrinks the batch and keeps the learning rate changes the training dynamics without saying so. Linear scaling (SGD, Goyal et al. 2017) and square-root scaling (Adam-family, Malladi et al. 2022) are the accepted rules.',
    finding: '"Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour" (Goyal et al. 2017): "When the minibatch size is multiplied by k, multiply the learning rate by k." "On the SDEs and Scaling Rules for Adaptive Gradient Algorithms" (Malladi et al. 2022): for Adam, scale the learning rate by the square root of k.',
    appliesWhen: 'Applies when a baseline of the same format exists, the global batch changed by more than 1%, and the learning rate is written in both versions. It does not apply when the learning rate moved linearly or by the square root (lr-not-scaled-for-optimizer then says whether that rule fits the optimizer), nor to Power/muP schedules or RL configs.',
    fix: 'Sets the learning rate by the rule that fits the optimizer (square root for Adam-family, linear for SGD and LARS). Keeping it can be deliberate, so the fix is not applied automatically.',
    references: [
      'Goyal et al., Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour (2017), Sec. 2',
      'Malladi et al., On the SDEs and Scaling Rules for Adaptive Gradient Algorithms (NeurIPS 2022)',
    ],
  },
  check(ctx) {
    const change = batchChange(ctx);
    if (!change) return;
    const s = change.now.schedule!;
    const b = change.before.schedule!;
    const oldLr = b.lr?.value;
    const newLr = s.lr?.value;
    if (s.rl || oldLr === undefined || newLr === undefined || movedByAcceptedRule(oldLr, newLr, change.ratio)) return;
    const advice = scalingAdvice(s.optimizer.name ?? s.optimizer.kind, change.from, change.to, oldLr, { schedule: s.powerSchedule ? 'power' : s.mup ? 'mup' : undefined });
    if ((advice.rule !== 'linear' && advice.rule !== 'square-root') || advice.lr === undefined) return;
    const lrNode = s.lr?.node;
    const lrName = s.lr?.name ?? 'the learning rate';
    const batchNode = change.now.built?.anchors['batch.global'] ?? change.now.built?.anchors['batch.gradAccum'] ?? change.now.built?.anchors['batch.micro'];
    const moved = close(newLr, oldLr) ? `${lrName} stayed ${fmt(newLr)}` : `${lrName} went from ${fmt(oldLr)} to ${fmt(newLr)}, by neither rule`;
    ctx.report({
      range: placeOf(ctx, lrNode, batchNode),
      message: `The global batch changed from ${change.from} to ${change.to} (x${fmt(change.ratio)}) against the baseline, and ${moved}. ${advice.summary} That gives ${fmt(advice.lr)}; keep the old value only on purpose.`,
      fixes: fixes(fixOf(`Set ${lrName} to ${fmt(advice.lr)} (${advice.rule} rule)`, setValue(ctx, lrNode, advice.lr))),
    });
  },
};

export const lrNotScaledForOptimizer: Rule = {
  meta: {
    code: 'TL601',
    name: 'lr-not-scaled-for-optimizer',
    severity: 'info',
    summary: 'The global batch changed against the baseline but the learning rate did not follow the rule for the optimizer (linear for SGD, square root for Adam-family), or PPO-style training changed its batch.',
    why: 'A batch change moves the optimal learning rate: keeping the old LR after growing the batch under-trains, and scaling an Adam LR linearly over-shoots. The rule compares the file with its baseline (the version at git HEAD in the editor, `--baseline REV` in CI), so without a baseline it stays silent. The exported `scalingAdvice(optimizer, oldGlobal, newGlobal, lr)` in server/src/core/facts/lr-scaling.ts gives the same advice to the "Change global batch size" refactoring and `trainlint rescale`.',
    finding: '"Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour" (Goyal et al. 2017): "we adopt a hyper-parameter-free linear scaling rule for adjusting learning rates as a function of minibatch size". "Learning Rates as a Function of Batch Size: A Random Matrix Theory Approach" (Granziol et al.) derives "stochastic gradient descent (linear scaling) and adaptive algorithms, such as Adam (square root scaling)"; "On the SDEs and Scaling Rules for Adaptive Gradient Algorithms" (Malladi et al. 2022) scales Adam as lr x sqrt(k), 1-beta x k, eps / sqrt(k). Caveat from "Surge Phenomenon in Optimal Learning Rate and Batch Size Scaling" (Li et al. 2024): for Adam-style optimizers "the optimal learning rate first rises and then falls as the batch size increases". "Batch size-invariance for policy optimization" (Hilton et al. 2022): PPO does not have this property "because of how they control the size of policy updates".',
    appliesWhen: 'Applies when a baseline is available, both versions have the same format, and the global batch (or per-rank batch at the same world size) changed by more than 1%. It does not apply to optimizers without an established rule (Muon, unknown names), to a Power scheduler or muP setup (Power Scheduler, Shen et al. 2024: "agnostic about the number of training tokens and batch size"), or when the LR already follows the rule within 3%. TRL PPO/GRPO configs (PPO or GRPO keys in the file), LLaMA-Factory `stage: ppo` and axolotl `rl: grpo` get a warning without a rescale. Key names and defaults: keys/hf-training-args.json (transformers 00349ae8: learning_rate, optim, adam_beta1/2, adam_epsilon), keys/megatron-args.json (Megatron-LM d98e8a64: --lr, --optimizer default adam, --adam-beta1/2, --adam-eps, --use-mup), keys/trl.json (trl f2cd5771: num_generations, steps_per_generation).',
    fix: 'Sets the learning rate to the rescaled value (square root for Adam-family, linear for SGD and LARS) and, for Adam with betas and eps written in the file, offers Malladi et al.\'s full rule (betas and eps too) while it stays in range. Keeping the current LR is also legitimate (Surge caveat); no fix is applied automatically.',
    references: [
      'Goyal et al., Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour (2017), Sec. 2',
      'Malladi et al., On the SDEs and Scaling Rules for Adaptive Gradient Algorithms (NeurIPS 2022)',
      'Granziol et al., Learning Rates as a Function of Batch Size: A Random Matrix Theory Approach to Neural Network Training (JMLR 2022)',
      'Li et al., Surge Phenomenon in Optimal Learning Rate and Batch Size Scaling (NeurIPS 2024)',
      'Hilton et al., Batch size-invariance for policy optimization (NeurIPS 2022)',
      'Shen et al., Power Scheduler: A Batch Size and Token Number Agnostic Learning Rate Scheduler (2024)',
    ],
  },
  check(ctx) {
    const change = batchChange(ctx);
    if (!change) return;
    const s = change.now.schedule!;
    const b = change.before.schedule!;
    const lrNode = s.lr?.node;
    const batchNode = change.now.built?.anchors['batch.global'] ?? change.now.built?.anchors['batch.gradAccum'] ?? change.now.built?.anchors['batch.micro'];
    const range = placeOf(ctx, lrNode, batchNode);
    const kappa = fmt(change.ratio);
    const batchText = `The global batch changed from ${change.from} to ${change.to} (x${kappa}) against the baseline`;
    if (s.rl) {
      const advice = scalingAdvice(s.optimizer.kind, change.from, change.to, undefined, { algorithm: s.rl });
      ctx.report({ range, severity: 'warning', message: `${batchText} in a ${s.rl.toUpperCase()} config. ${advice.summary} ${advice.caveats.join(' ')}` });
      return;
    }
    const oldLr = b.lr?.value;
    const newLr = s.lr?.value;
    if (oldLr === undefined || newLr === undefined) return;
    const advice = scalingAdvice(s.optimizer.name ?? s.optimizer.kind, change.from, change.to, oldLr, {
      beta1: b.optimizer.beta1?.value,
      beta2: b.optimizer.beta2?.value,
      eps: b.optimizer.eps?.value,
      schedule: s.powerSchedule ? 'power' : s.mup ? 'mup' : undefined,
    });
    if ((advice.rule !== 'linear' && advice.rule !== 'square-root') || advice.lr === undefined) return;
    if (close(newLr, advice.lr)) return;
    if (!movedByAcceptedRule(oldLr, newLr, change.ratio)) return; // lr-not-rescaled reports a learning rate that did not follow the batch at all.
    const lrName = s.lr?.name ?? 'the learning rate';
    const what = close(newLr, oldLr) ? `${lrName} stayed ${fmt(newLr)}` : close(newLr, oldLr * change.ratio) ? `${lrName} was scaled linearly to ${fmt(newLr)}` : close(newLr, oldLr * Math.sqrt(change.ratio)) ? `${lrName} was scaled by the square root to ${fmt(newLr)}` : `${lrName} went from ${fmt(oldLr)} to ${fmt(newLr)}`;
    const optimizer = s.optimizer.name && s.optimizer.name !== advice.kind ? `${s.optimizer.name} (${advice.kind})` : advice.kind;
    const message = `${batchText}; ${what}. For ${optimizer}: ${advice.summary} That gives ${fmt(advice.lr)}. ${advice.caveats.join(' ')}`;
    const setLr = fixOf(`Set ${lrName} to ${fmt(advice.lr)} (${advice.rule} rule)`, setValue(ctx, lrNode, advice.lr));
    let full;
    const a = advice.adam;
    if (a?.valid && advice.rule === 'square-root') {
      const edits = [setValue(ctx, lrNode, advice.lr)];
      const parts: string[] = [];
      if (a.beta1 !== undefined && s.optimizer.beta1?.node) { edits.push(setValue(ctx, s.optimizer.beta1.node, a.beta1)); parts.push(`beta1 ${a.beta1}`); }
      if (a.beta2 !== undefined && s.optimizer.beta2?.node) { edits.push(setValue(ctx, s.optimizer.beta2.node, a.beta2)); parts.push(`beta2 ${a.beta2}`); }
      if (a.eps !== undefined && s.optimizer.eps?.node) { edits.push(setValue(ctx, s.optimizer.eps.node, a.eps)); parts.push(`eps ${fmt(a.eps)}`); }
      if (parts.length > 0) full = fixOf(`Apply Malladi et al.'s square-root rule: ${lrName} ${fmt(advice.lr)}, ${parts.join(', ')}`, ...edits);
    }
    ctx.report({ range, message, fixes: fixes(setLr, full) });
  },
};

export const emaNotRescaled: Rule = {
  meta: {
    code: 'TL612',
    name: 'ema-not-rescaled',
    severity: 'warning',
    summary: 'The global batch changed against the baseline while the model EMA decay stayed the same.',
    why: 'A model EMA averages over a number of optimizer steps; with a larger batch there are fewer steps per sample, so the same decay averages over more data and the EMA lags. The rescale is rho -> rho^kappa for a batch scaled by kappa; `emaDecayFor(decay, oldGlobal, newGlobal)` in server/src/core/facts/lr-scaling.ts computes it for other front ends.',
    finding: '"How to Scale Your EMA" (Busbridge et al., NeurIPS 2023): "Prior works have treated the model EMA separately from optimization, leading to different training dynamics across batch sizes and lower model performance"; their EMA Scaling Rule sets the momentum to rho^kappa when the batch is scaled by kappa (with the learning rate scaled by the optimizer\'s rule).',
    appliesWhen: 'Applies when a baseline is available, the global batch changed and the config enables a model EMA whose decay equals the baseline\'s: NeMo `exp_manager.ema` (EMAParams: enable, decay default 0.999; NVIDIA/NeMo 00780235 nemo/utils/exp_manager.py). It does not apply without a baseline or when the decay already changed.',
    fix: 'Sets the EMA decay to rho^kappa when the decay is written in the file (not applied automatically).',
    references: ['Busbridge et al., How to Scale Your EMA (NeurIPS 2023)', 'NVIDIA/NeMo nemo/utils/exp_manager.py (EMAParams) @ 00780235d909547e33b4134b726de67d8e7bdb39'],
  },
  check(ctx) {
    const change = batchChange(ctx);
    if (!change) return;
    const ema = change.now.schedule?.ema;
    const before = change.before.schedule?.ema;
    if (!ema?.enabled || ema.decay.value === undefined || before?.decay.value === undefined) return;
    if (Math.abs(ema.decay.value - before.decay.value) > 1e-12) return;
    const target = emaDecayFor(ema.decay.value, change.from, change.to);
    ctx.report({
      range: placeOf(ctx, ema.decay.node, change.now.built?.anchors['batch.global']),
      message: `The global batch changed from ${change.from} to ${change.to} (x${fmt(change.ratio)}) against the baseline but ${ema.decay.name} stayed ${ema.decay.value}: the EMA now averages over ${fmt(change.ratio)}x as many samples. ${EMA_SOURCE} gives ${target}.`,
      fixes: fixes(fixOf(`Set ${ema.decay.name} to ${target} (EMA Scaling Rule)`, setValue(ctx, ema.decay.node, target))),
    });
  },
};
