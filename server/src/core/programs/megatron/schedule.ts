import { type ConfigNode, type ConfigTree } from '../../syntax/config-tree';
import type { Settings } from '../../settings';
import { str } from '../../plan/anchors';
import { optimizerKind } from '../../facts/lr-scaling';
import { megatronDecayKind, setting, type ScheduleFacts } from '../../facts/schedule-facts';
import { megatronArgs } from './arguments';

export function megatronFacts(tree: ConfigTree, root: ConfigNode, settings: Settings): ScheduleFacts | undefined {
  const args = megatronArgs(tree, root, settings);
  if (!args) return undefined;
  const at = (dest: string, fallback?: number) => setting(args.name(dest), args.node(dest), fallback);
  const optimizerName = str(args.node('optimizer')) ?? 'adam';
  const warmIters = at('lr_warmup_iters', 0);
  const warmFraction = at('lr_warmup_fraction');
  const warmSamples = at('lr_warmup_samples', 0);
  const warmTokens = at('lr_warmup_tokens', 0);
  const given = [warmFraction, warmIters, warmSamples, warmTokens].filter((s) => s.node);
  const positive = [warmFraction, warmIters, warmSamples, warmTokens].find((s) => (s.value ?? 0) > 0);
  const style = str(args.node('lr_decay_style')) ?? 'linear';
  const iterations = at('train_iters');
  const samples = at('train_samples');
  const tokens = at('train_tokens');
  let horizon: ScheduleFacts['decay']['horizon'];
  // training.py get_optimizer_param_scheduler: lr_decay_iters defaults to train_iters, lr_decay_samples to train_samples.
  const decayIters = at('lr_decay_iters');
  const decaySamples = at('lr_decay_samples');
  const decayTokens = at('lr_decay_tokens');
  if (decayIters.node) horizon = { ...decayIters, unit: 'iterations' };
  else if (decaySamples.node) horizon = { ...decaySamples, unit: 'samples' };
  else if (decayTokens.node) horizon = { ...decayTokens, unit: 'tokens' };
  return {
    format: 'megatron',
    root,
    lr: at('lr'),
    optimizer: {
      kind: optimizerKind(optimizerName),
      name: optimizerName,
      setting: at('optimizer'),
      beta1: at('adam_beta1', 0.9),
      beta2: at('adam_beta2', 0.999),
      eps: at('adam_eps', 1e-8),
      momentum: at('sgd_momentum', 0.9),
    },
    warmup: {
      state: positive ? 'present' : 'none',
      setting: positive ?? given[0],
      steps: warmIters.value && warmIters.value > 0 ? warmIters.value : undefined,
      fraction: warmFraction.value,
    },
    decay: { kind: megatronDecayKind(style), style, styleSetting: at('lr_decay_style'), horizon, minLr: at('min_lr', 0) },
    length: { iterations: iterations.node ? iterations : undefined, samples: samples.node ? samples : undefined, tokens: tokens.node ? tokens : undefined },
    mup: args.on('use_mup'),
    powerSchedule: false,
    // megatron/training/checkpointing.py load_checkpoint: --load restores the model (and, unless --finetune or
    // --no-load-optim, the optimizer and the scheduler's step); --finetune starts a trained model at iteration 0.
    fromCheckpoint: ['finetune', 'reset_progress', 'load'].map((dest) => at(dest)).find((s) => s.node && s.node.value !== false),
  };
}

