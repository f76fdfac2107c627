import { getChild, getPath, type ConfigNode } from '../../syntax/config-tree';
import type { Format } from '../ids';
import { isSwitchOn } from '../../facts/values';

/** What a file that points to a DeepSpeed config says the HF Trainer will fill or check in it. */
export interface TrainerValues {
  /** The linking file, as the link resolved it (for messages). */
  path?: string;
  framework: string;
  /** TrainingArguments name -> value, explicit or the TrainingArguments default. */
  values: Record<string, number | boolean>;
  /** Names the linking file wrote itself (the others are defaults). */
  explicit: string[];
  worldSize?: number;
}

// TrainingArguments defaults (transformers training_args.py) for the fields fill_match compares.
const HF_DEFAULTS: Record<string, number | boolean> = {
  per_device_train_batch_size: 8,
  gradient_accumulation_steps: 1,
  max_grad_norm: 1.0,
  learning_rate: 5e-5,
  adam_beta1: 0.9,
  adam_beta2: 0.999,
  adam_epsilon: 1e-8,
  weight_decay: 0.0,
  fp16: false,
  bf16: false,
};
// axolotl's own names for the same TrainingArguments (axolotl builds TrainingArguments from them).
const AXOLOTL_NAMES: Record<string, string> = { micro_batch_size: 'per_device_train_batch_size', learning_rate: 'learning_rate', gradient_accumulation_steps: 'gradient_accumulation_steps', weight_decay: 'weight_decay', adam_beta1: 'adam_beta1', adam_beta2: 'adam_beta2', adam_epsilon: 'adam_epsilon', max_grad_norm: 'max_grad_norm' };

/** Reads the values from a TrainingArguments-like root (YAML, JSON or a launch script's /args). */
export function trainerValuesOf(format: Format, root: ConfigNode, worldSize?: number): TrainerValues | undefined {
  const values: Record<string, number | boolean> = {};
  const explicit: string[] = [];
  const names = format === 'axolotl' ? AXOLOTL_NAMES : Object.fromEntries(Object.keys(HF_DEFAULTS).map((k) => [k, k]));
  for (const [written, name] of Object.entries(names)) {
    const node = getChild(root, written);
    if (!node || node.kind !== 'scalar') continue;
    if (name === 'fp16' || name === 'bf16') values[name] = isSwitchOn(node);
    else if (typeof node.value === 'number') values[name] = node.value;
    else continue;
    explicit.push(name);
  }
  for (const name of ['fp16', 'bf16']) {
    const node = getChild(root, name);
    if (node?.kind === 'scalar' && (typeof node.value === 'boolean' || format !== 'axolotl')) {
      values[name] = isSwitchOn(node);
      if (!explicit.includes(name)) explicit.push(name);
    }
  }
  // Only the HF Trainer's own config files take the TrainingArguments defaults for what they leave out.
  if (format === 'hf-trainer' || format === 'llamafactory') for (const [name, value] of Object.entries(HF_DEFAULTS)) if (!(name in values)) values[name] = value;
  if (Object.keys(values).length === 0) return undefined;
  return { framework: format === 'axolotl' ? 'axolotl' : format === 'llamafactory' ? 'LLaMA-Factory' : 'TrainingArguments', values, explicit, worldSize };
}

export interface TrainerComparison {
  /** The DeepSpeed key (dotted) and its node. */
  key: string;
  node: ConfigNode;
  /** The TrainingArguments name(s) it must match. */
  argument: string;
  expected: number | boolean | number[];
}

/** The concrete DeepSpeed values that differ from what the Trainer will compare them to (fill_match with must_match). */
export function compareWithTrainer(ds: ConfigNode, trainer: TrainerValues): TrainerComparison[] {
  const v = trainer.values;
  const out: TrainerComparison[] = [];
  const num = (node: ConfigNode | undefined) => (node?.kind === 'scalar' && typeof node.value === 'number' ? node.value : undefined);
  const push = (path: string[], argument: string, expected: number | boolean | number[] | undefined, actual: (node: ConfigNode) => unknown) => {
    const node = getPath(ds, ...path);
    if (!node || expected === undefined) return;
    if (node.kind === 'scalar' && (node.value === 'auto' || node.value === null)) return;
    const got = actual(node);
    if (got === undefined) return;
    const same = Array.isArray(expected) ? Array.isArray(got) && got.length === expected.length && got.every((x, i) => Math.abs(Number(x) - expected[i]) <= 1e-12 * Math.max(1, Math.abs(expected[i]))) : typeof expected === 'number' ? typeof got === 'number' && Math.abs(got - expected) <= 1e-12 * Math.max(1, Math.abs(expected)) : got === expected;
    if (!same) out.push({ key: path.join('.'), node, argument, expected });
  };
  push(['train_micro_batch_size_per_gpu'], 'per_device_train_batch_size', v.per_device_train_batch_size as number | undefined, num);
  push(['gradient_accumulation_steps'], 'gradient_accumulation_steps', v.gradient_accumulation_steps as number | undefined, num);
  if (trainer.worldSize !== undefined && typeof v.per_device_train_batch_size === 'number' && typeof v.gradient_accumulation_steps === 'number') {
    push(['train_batch_size'], 'world size x per_device_train_batch_size x gradient_accumulation_steps', trainer.worldSize * v.per_device_train_batch_size * v.gradient_accumulation_steps, num);
  }
  push(['gradient_clipping'], 'max_grad_norm', v.max_grad_norm as number | undefined, num);
  push(['optimizer', 'params', 'lr'], 'learning_rate', v.learning_rate as number | undefined, num);
  push(['scheduler', 'params', 'warmup_max_lr'], 'learning_rate', v.learning_rate as number | undefined, num);
  if (typeof v.adam_beta1 === 'number' && typeof v.adam_beta2 === 'number') {
    push(['optimizer', 'params', 'betas'], '[adam_beta1, adam_beta2]', [v.adam_beta1, v.adam_beta2], (n) => (n.kind === 'array' ? n.children.map((c) => c.value) : undefined));
  }
  push(['optimizer', 'params', 'eps'], 'adam_epsilon', v.adam_epsilon as number | undefined, num);
  push(['optimizer', 'params', 'weight_decay'], 'weight_decay', v.weight_decay as number | undefined, num);
  const enabled = (n: ConfigNode) => (n.kind === 'scalar' && typeof n.value === 'boolean' ? n.value : undefined);
  push(['fp16', 'enabled'], 'fp16', v.fp16 as boolean | undefined, enabled);
  push(['bf16', 'enabled'], 'bf16', v.bf16 as boolean | undefined, enabled);
  return out;
}

export function argumentNode(root: ConfigNode, format: Format, argument: string): ConfigNode | undefined {
  if (format === 'axolotl') {
    const written = Object.entries(AXOLOTL_NAMES).find(([, name]) => name === argument)?.[0];
    return written ? getChild(root, written) : getChild(root, argument);
  }
  return getChild(root, argument);
}
