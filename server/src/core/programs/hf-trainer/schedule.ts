import { getChild, type ConfigNode } from '../../syntax/config-tree';
import { str } from '../../plan/anchors';
import type { Fix } from '../../diagnostic';
import type { RuleContext } from '../../rules/rule';
import { addKeys, fixOf } from '../../rules/research/common';
import { optimizerKind } from '../../facts/lr-scaling';
import { setting, type DecayKind, type ScheduleFacts } from '../../facts/schedule-facts';

// transformers SchedulerType (hf-training-args.json lr_scheduler_type enum).
function hfDecayKind(style: string): DecayKind {
  const s = style.toLowerCase();
  if (s === 'constant' || s === 'constant_with_warmup') return 'constant';
  if (s === 'warmup_stable_decay' || s === 'wsd') return 'wsd';
  if (s === 'cosine_with_restarts') return 'cyclic';
  if (s === 'inverse_sqrt') return 'unbounded';
  if (s === 'reduce_lr_on_plateau') return 'adaptive';
  if (['linear', 'cosine', 'polynomial', 'cosine_with_min_lr', 'cosine_warmup_with_min_lr', 'rex'].includes(s)) return 'decaying';
  return 'unknown';
}


// TRL trainer configs: keys only GRPO (grpo_config.py) or PPO configs have.
const GRPO_KEYS = ['num_generations', 'steps_per_generation', 'generation_batch_size', 'num_iterations', 'epsilon_high', 'use_vllm', 'vllm_mode'];
const PPO_KEYS = ['num_ppo_epochs', 'cliprange', 'cliprange_value', 'vf_coef', 'kl_coef', 'whiten_rewards', 'response_length'];

export function trainerFacts(format: 'hf-trainer' | 'axolotl' | 'llamafactory', root: ConfigNode): ScheduleFacts {
  const get = (key: string) => getChild(root, key);
  const at = (key: string, fallback?: number) => setting(key, get(key), fallback);
  const optimKey = format === 'axolotl' ? 'optimizer' : 'optim';
  // hf-training-args.json: optim default adamw_torch_fused; axolotl.json: optimizer default adamw_torch_fused.
  const optimizerName = str(get(optimKey)) ?? 'adamw_torch_fused';
  const warmSteps = at('warmup_steps');
  const warmRatio = at('warmup_ratio');
  // transformers v5: warmup_steps is steps when >= 1, a fraction of the run when in [0, 1).
  const stepsValue = warmSteps.value !== undefined && warmSteps.value >= 1 ? warmSteps.value : undefined;
  const fraction = warmRatio.value ?? (warmSteps.value !== undefined && warmSteps.value < 1 ? warmSteps.value : undefined);
  const positive = [warmSteps, warmRatio].find((s) => (s.value ?? 0) > 0);
  const written = warmSteps.node ?? warmRatio.node;
  let state: ScheduleFacts['warmup']['state'] = positive ? 'present' : 'none';
  // axolotl.json: warmup_steps and warmup_ratio default to None; axolotl then warms up for min(3% of the steps, 100)
  // (src/axolotl/core/builders/base.py, axolotl @ ceda25b6). Only an explicit 0 is "none".
  if (!positive && format === 'axolotl' && !written) state = 'unknown';
  const schedKey = format === 'axolotl' ? 'lr_scheduler' : 'lr_scheduler_type';
  const style = str(get(schedKey)) ?? (format === 'axolotl' ? 'cosine' : 'linear');
  let kind = hfDecayKind(style);
  if (style === 'constant_with_warmup' || style === 'constant') kind = 'constant';
  const maxSteps = at('max_steps');
  const epochs = at(format === 'axolotl' ? 'num_epochs' : 'num_train_epochs');
  let rl: ScheduleFacts['rl'];
  if (format === 'hf-trainer') {
    if (PPO_KEYS.some((k) => get(k))) rl = 'ppo';
    else if (GRPO_KEYS.some((k) => get(k))) rl = 'grpo';
  } else if (format === 'llamafactory' && str(get('stage')) === 'ppo') rl = 'ppo';
  else if (format === 'axolotl' && /grpo|ppo/.test(str(get('rl')) ?? '')) rl = /ppo/.test(str(get('rl')) ?? '') ? 'ppo' : 'grpo';
  return {
    format,
    root,
    lr: at('learning_rate'),
    optimizer: { kind: optimizerKind(optimizerName), name: optimizerName, setting: at(optimKey), beta1: at('adam_beta1', 0.9), beta2: at('adam_beta2', 0.999), eps: at('adam_epsilon', 1e-8) },
    warmup: { state, setting: positive ?? (written ? (warmSteps.node ? warmSteps : warmRatio) : undefined), steps: stepsValue, fraction, insertInto: root },
    decay: { kind, style, styleSetting: at(schedKey) },
    length: { iterations: (maxSteps.value ?? -1) > 0 ? maxSteps : undefined, epochs: epochs.node ? epochs : undefined },
    mup: false,
    powerSchedule: /^power/i.test(style),
    rl,
  };
}

// deepspeed.json scheduler.type: LRRangeTest, OneCycle, WarmupLR, WarmupDecayLR, WarmupCosineLR.

/** transformers v5: warmup_steps in [0, 1) is a fraction of the run (hf-training-args.json); warmup_ratio is deprecated. */
export function addWarmupSteps(ctx: RuleContext, facts: ScheduleFacts, steps: number | undefined, fraction: number): Fix | undefined {
  return steps !== undefined
    ? fixOf(`Add warmup_steps: ${steps} (about 1% of max_steps)`, addKeys(ctx, facts.root, [['warmup_steps', steps]]))
    : fixOf(`Add warmup_steps: ${fraction} (1% of the run; a fraction in transformers v5)`, addKeys(ctx, facts.root, [['warmup_steps', fraction]]));
}
