import { getChild, type ConfigNode, type ConfigTree } from '../syntax/config-tree';
import type { Format } from '../programs/ids';
import type { Settings } from '../settings';
import { flag, num, str } from '../plan/anchors';
import { programOf } from '../programs/index';
import { type OptimizerKind } from './lr-scaling';

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
export const written = (node: ConfigNode | undefined) => (node && node.kind === 'scalar' && node.value === null ? undefined : node);

export const setting = (name: string, given: ConfigNode | undefined, fallback?: number): Setting => {
  const node = written(given);
  return { name, node, value: num(node) ?? (node ? undefined : fallback), text: str(node) };
};

// Megatron-LM --lr-decay-style (megatron-args.json): constant, linear, cosine, inverse-square-root, WSD.
export function megatronDecayKind(style: string): DecayKind {
  const s = style.toLowerCase();
  if (s === 'constant') return 'constant';
  if (s === 'wsd') return 'wsd';
  if (s === 'inverse-square-root') return 'unbounded';
  if (s === 'linear' || s === 'cosine' || s === 'exponential') return 'decaying';
  return 'unknown';
}

export function emaOf(node: ConfigNode | undefined, prefix: string): ScheduleFacts['ema'] {
  if (!node || node.kind !== 'object') return undefined;
  const decay = getChild(node, 'decay');
  return { decay: setting(`${prefix}.decay`, decay, 0.999), enabled: flag(getChild(node, 'enable')) === true };
}

/** The schedule facts of one config root (programs/<id>/schedule.ts); undefined for formats without a training schedule (accelerate). */
export function scheduleFactsFor(format: Format, tree: ConfigTree, root: ConfigNode, settings: Settings): ScheduleFacts | undefined {
  if (root.kind !== 'object') return undefined;
  return programOf(format)?.schedule?.facts(tree, root, settings);
}
