import { getChild, getPath, type ConfigNode, type ConfigTree } from '../syntax/config-tree';
import type { Format } from '../programs/ids';
import type { Settings } from '../settings';
import { flag, num, str } from '../plan/anchors';
import { megatronArgs } from '../programs/megatron/arguments';
import { optimizerKind, type OptimizerKind } from './lr-scaling';

/**
 * The optimizer, learning-rate schedule and training length of one config, whatever its format, with the node each
 * value is written at (absent when it is the framework default). Defaults and key names come from
 * shared/reference/keys/: megatron-args.json (NVIDIA/Megatron-LM d98e8a64), megatron-deepspeed.json, nemo.json
 * (NVIDIA/NeMo 8cfedd72), neox.json (EleutherAI/gpt-neox ea7aefd8), hf-training-args.json (huggingface/transformers
 * 00349ae8), trl.json (huggingface/trl f2cd5771), axolotl.json (axolotl-ai-cloud/axolotl 067b021c), llamafactory.json
 * (hiyouga/LLaMA-Factory ff6d4d12), deepspeed.json (deepspeedai/DeepSpeed edaa7221).
 */

/** One value and where it is written; `node` is absent for a framework default. */
export interface Setting {
  name: string;
  node?: ConfigNode;
  value?: number;
  text?: string;
}

export type DecayKind = 'decaying' | 'constant' | 'wsd' | 'cyclic' | 'unbounded' | 'adaptive' | 'unknown';

export interface ScheduleFacts {
  format: Format;
  root: ConfigNode;
  lr?: Setting;
  optimizer: { kind: OptimizerKind; name?: string; setting?: Setting; beta1?: Setting; beta2?: Setting; eps?: Setting; momentum?: Setting };
  warmup: {
    /** 'unknown' when the framework or a caller decides (an unset axolotl warmup, a DeepSpeed config without a scheduler). */
    state: 'none' | 'present' | 'unknown';
    /** The key that sets it (even when it is 0), for messages and fixes. */
    setting?: Setting;
    /** Warmup in optimizer steps, or as a fraction of the run, when known. */
    steps?: number;
    fraction?: number;
    /** Where a warmup key would go when none is written: the key to replace, or the object to add one to. */
    insertInto?: ConfigNode;
  };
  decay: {
    kind: DecayKind;
    style: string;
    styleSetting?: Setting;
    /** The step (or sample) at which the LR reaches its floor, when it differs from the training length by configuration. */
    horizon?: Setting & { unit: 'iterations' | 'samples' | 'tokens' };
    /** Steps held at the floor on purpose at the end (NeMo constant_steps). */
    holdAtEnd?: number;
    minLr?: Setting;
  };
  length: { iterations?: Setting; samples?: Setting; tokens?: Setting; epochs?: Setting };
  /** muP (Megatron --use-mup, GPT-NeoX use_mup) and a Power scheduler, which claim batch-size independent hyperparameters. */
  mup: boolean;
  powerSchedule: boolean;
  /** Policy optimization (TRL PPO/GRPO, LLaMA-Factory stage ppo, axolotl rl: grpo). */
  rl?: 'ppo' | 'grpo';
  ema?: { decay: Setting; enabled: boolean };
  /**
   * The run starts from a checkpoint (Megatron --load, --finetune, --reset-progress): it continues a run whose warmup
   * already happened, or fine-tunes a trained model; from-scratch advice (warmup) does not apply.
   */
  fromCheckpoint?: Setting;
}

/** A key written as null (`train_iters: null` in a --yaml-cfg file) is as good as absent. */
const written = (node: ConfigNode | undefined) => (node && node.kind === 'scalar' && node.value === null ? undefined : node);

const setting = (name: string, given: ConfigNode | undefined, fallback?: number): Setting => {
  const node = written(given);
  return { name, node, value: num(node) ?? (node ? undefined : fallback), text: str(node) };
};

// Megatron-LM --lr-decay-style (megatron-args.json): constant, linear, cosine, inverse-square-root, WSD.
function megatronDecayKind(style: string): DecayKind {
  const s = style.toLowerCase();
  if (s === 'constant') return 'constant';
  if (s === 'wsd') return 'wsd';
  if (s === 'inverse-square-root') return 'unbounded';
  if (s === 'linear' || s === 'cosine' || s === 'exponential') return 'decaying';
  return 'unknown';
}

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

function megatronFacts(tree: ConfigTree, root: ConfigNode, settings: Settings): ScheduleFacts | undefined {
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

function nemoFacts(root: ConfigNode): ScheduleFacts | undefined {
  const model = getChild(root, 'model');
  if (!model) return undefined;
  const optim = getChild(model, 'optim');
  const sched = getChild(optim, 'sched');
  const at = (node: ConfigNode | undefined, name: string, fallback?: number) => setting(name, node, fallback);
  const name = str(getChild(optim, 'name')) ?? 'fused_adam';
  const betas = getChild(optim, 'betas');
  const betaAt = (i: number) => (betas?.kind === 'array' ? at(betas.children[i], `model.optim.betas[${i}]`) : undefined);
  const schedName = str(getChild(sched, 'name')) ?? (sched ? 'CosineAnnealing' : 'none');
  const warmSteps = at(getChild(sched, 'warmup_steps'), 'model.optim.sched.warmup_steps');
  const warmRatio = at(getChild(sched, 'warmup_ratio'), 'model.optim.sched.warmup_ratio');
  const positive = [warmSteps, warmRatio].find((s) => (s.value ?? 0) > 0);
  const s = schedName.toLowerCase();
  // nemo/core/optim/lr_scheduler.py: WarmupPolicy / WarmupHoldPolicy hold the LR after warmup; Noam and inverse-sqrt never reach a floor.
  const kind: DecayKind = !sched ? 'constant' : /^warmup(hold)?policy$/.test(s) ? 'constant' : /noam|inversesquareroot/.test(s) ? 'unbounded' : /annealing|decay/.test(s) ? 'decaying' : 'unknown';
  const schedMax = getChild(sched, 'max_steps');
  const trainerMax = getPath(root, 'trainer', 'max_steps');
  const iterations = at(trainerMax, 'trainer.max_steps', 100000);
  return {
    format: 'nemo',
    root,
    lr: at(getChild(optim, 'lr'), 'model.optim.lr'),
    optimizer: { kind: optimizerKind(name), name, setting: at(getChild(optim, 'name'), 'model.optim.name'), beta1: betaAt(0), beta2: betaAt(1), eps: at(getChild(optim, 'eps'), 'model.optim.eps') },
    warmup: {
      state: positive ? 'present' : 'none',
      setting: positive ?? (warmSteps.node ? warmSteps : warmRatio.node ? warmRatio : undefined),
      steps: warmSteps.value,
      fraction: warmRatio.value,
      insertInto: sched,
    },
    decay: {
      kind,
      style: schedName,
      styleSetting: at(getChild(sched, 'name'), 'model.optim.sched.name'),
      // nemo.json: sched.max_steps is filled from trainer.max_steps when absent.
      horizon: schedMax ? { ...at(schedMax, 'model.optim.sched.max_steps'), unit: 'iterations' } : undefined,
      holdAtEnd: num(getChild(sched, 'constant_steps')),
      minLr: at(getChild(sched, 'min_lr'), 'model.optim.sched.min_lr'),
    },
    length: { iterations: (iterations.value ?? 0) > 0 ? iterations : undefined },
    mup: false,
    powerSchedule: false,
    ema: emaOf(getPath(root, 'exp_manager', 'ema'), 'exp_manager.ema'),
  };
}

/** NeMo exp_manager.ema (EMAParams: enable, decay default 0.999; NVIDIA/NeMo 00780235 nemo/utils/exp_manager.py). */
function emaOf(node: ConfigNode | undefined, prefix: string): ScheduleFacts['ema'] {
  if (!node || node.kind !== 'object') return undefined;
  const decay = getChild(node, 'decay');
  return { decay: setting(`${prefix}.decay`, decay, 0.999), enabled: flag(getChild(node, 'enable')) === true };
}

function neoxFacts(root: ConfigNode): ScheduleFacts {
  const get = (key: string) => getChild(root, key) ?? getChild(root, key.replace(/_/g, '-'));
  const at = (key: string, fallback?: number) => setting(key, get(key), fallback);
  const optimizer = get('optimizer');
  const params = getChild(optimizer, 'params');
  const name = str(getChild(optimizer, 'type')) ?? 'adam';
  const betas = getChild(params, 'betas');
  const betaAt = (i: number) => (betas?.kind === 'array' ? setting(`optimizer.params.betas[${i}]`, betas.children[i]) : undefined);
  // neox.json: warmup is a fraction (default 0.01) of the decay iterations; lr_decay_iters defaults to train_iters.
  const warmup = at('warmup', 0.01);
  const style = str(get('lr_decay_style')) ?? 'linear';
  const decayIters = at('lr_decay_iters');
  return {
    format: 'neox',
    root,
    lr: setting('optimizer.params.lr', getChild(params, 'lr')),
    optimizer: { kind: optimizerKind(name), name, setting: setting('optimizer.type', getChild(optimizer, 'type')), beta1: betaAt(0), beta2: betaAt(1), eps: setting('optimizer.params.eps', getChild(params, 'eps')) },
    warmup: { state: (warmup.value ?? 0) > 0 ? 'present' : 'none', setting: warmup, fraction: warmup.value },
    decay: { kind: megatronDecayKind(style), style, styleSetting: at('lr_decay_style'), horizon: decayIters.node ? { ...decayIters, unit: 'iterations' } : undefined, minLr: at('min_lr', 0) },
    length: { iterations: get('train_iters') ? at('train_iters') : undefined },
    mup: flag(get('use_mup')) === true,
    powerSchedule: false,
  };
}

// TRL trainer configs: keys only GRPO (grpo_config.py) or PPO configs have.
const GRPO_KEYS = ['num_generations', 'steps_per_generation', 'generation_batch_size', 'num_iterations', 'epsilon_high', 'use_vllm', 'vllm_mode'];
const PPO_KEYS = ['num_ppo_epochs', 'cliprange', 'cliprange_value', 'vf_coef', 'kl_coef', 'whiten_rewards', 'response_length'];

function trainerFacts(format: 'hf-trainer' | 'axolotl' | 'llamafactory', root: ConfigNode): ScheduleFacts {
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
function deepspeedFacts(root: ConfigNode): ScheduleFacts {
  const optimizer = getChild(root, 'optimizer');
  const params = getChild(optimizer, 'params');
  const scheduler = getChild(root, 'scheduler');
  const sparams = getChild(scheduler, 'params');
  const name = str(getChild(optimizer, 'type'));
  const type = str(getChild(scheduler, 'type')) ?? '';
  const betas = getChild(params, 'betas');
  const betaAt = (i: number) => (betas?.kind === 'array' ? setting(`optimizer.params.betas[${i}]`, betas.children[i]) : undefined);
  const warm = /^warmup/i.test(type);
  // deepspeed.json: warmup_num_steps defaults to 1000 for WarmupLR, WarmupDecayLR and WarmupCosineLR.
  const warmSteps = setting('scheduler.params.warmup_num_steps', getChild(sparams, 'warmup_num_steps'), warm ? 1000 : undefined);
  const total = getChild(sparams, 'total_num_steps');
  const kind: DecayKind = /^warmuplr$/i.test(type) ? 'constant' : /^warmup(decay|cosine)lr$/i.test(type) ? 'decaying' : /onecycle/i.test(type) ? 'cyclic' : scheduler ? 'unknown' : 'constant';
  return {
    format: 'deepspeed',
    root,
    lr: setting('optimizer.params.lr', getChild(params, 'lr')),
    optimizer: { kind: optimizerKind(name), name, setting: setting('optimizer.type', getChild(optimizer, 'type')), beta1: betaAt(0), beta2: betaAt(1), eps: setting('optimizer.params.eps', getChild(params, 'eps')), momentum: setting('optimizer.params.momentum', getChild(params, 'momentum')) },
    // Without a scheduler block the training code may pass its own scheduler (deepspeed.initialize(lr_scheduler=...)).
    warmup: { state: warm && (warmSteps.value ?? 0) > 0 ? 'present' : 'unknown', setting: warm ? warmSteps : undefined, steps: warm ? warmSteps.value : undefined },
    decay: {
      kind,
      style: type || 'none',
      styleSetting: setting('scheduler.type', getChild(scheduler, 'type')),
      horizon: total && kind === 'decaying' ? { ...setting('scheduler.params.total_num_steps', total), unit: 'iterations' } : undefined,
    },
    length: {},
    mup: false,
    powerSchedule: false,
  };
}

/** The schedule facts of one config root; undefined for formats without a training schedule (accelerate). */
export function scheduleFactsFor(format: Format, tree: ConfigTree, root: ConfigNode, settings: Settings): ScheduleFacts | undefined {
  if (root.kind !== 'object') return undefined;
  switch (format) {
    case 'megatron':
      return megatronFacts(tree, root, settings);
    case 'nemo':
      return nemoFacts(root);
    case 'neox':
      return neoxFacts(root);
    case 'hf-trainer':
    case 'axolotl':
    case 'llamafactory':
      return trainerFacts(format, root);
    case 'deepspeed':
      return deepspeedFacts(root);
    default:
      return undefined;
  }
}
