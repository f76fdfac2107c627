import { getChild, type ConfigNode } from '../../syntax/config-tree';
import type { TrainingPlan } from '../../estimate/plan';
import type { AdapterReading } from '../../plan/adapter-reading';
import { flag, num, precisionOf, str, type Anchors } from '../../plan/anchors';
import { applyFsdpOptions } from '../../plan/fsdp-options';
import { accumulationOf, batchFactsFor } from '../../facts/batch-facts';
import { optimizerFamily } from '../../plan/optimizer-names';
import type { PartialPlan } from '../../plan/anchors';
import { applyTrlModels } from './trl-models';
import { applyVisionTower } from './vision-tower';

/** The key each Trainer-style format uses for each plan input (HF TrainingArguments/TRL, axolotl, LLaMA-Factory). */
const KEYS: Record<'hf-trainer' | 'axolotl' | 'llamafactory', Record<string, string[]>> = {
  'hf-trainer': {
    model: ['model_name_or_path'],
    // model_max_length: FastChat's and Alpaca's training scripts add it to TrainingArguments; max_seq_len: PEFT's SFT
    // example before it took TRL's max_length (docs/source/accelerate/fsdp.md).
    seq: ['max_length', 'max_seq_length', 'model_max_length', 'max_seq_len'],
    micro: ['per_device_train_batch_size'],
    accum: ['gradient_accumulation_steps'],
    lr: ['learning_rate'],
    optim: ['optim'],
    checkpointing: ['gradient_checkpointing'],
    steps: ['max_steps'],
    epochs: ['num_train_epochs'],
    attention: ['attn_implementation'],
    // PEFT's SFT example (examples/sft/train.py ModelArguments) switches FlashAttention-2 on with its own flag.
    flash: ['use_flash_attn'],
  },
  axolotl: {
    model: ['base_model'],
    seq: ['sequence_len'],
    micro: ['micro_batch_size'],
    accum: ['gradient_accumulation_steps'],
    lr: ['learning_rate'],
    optim: ['optimizer'],
    checkpointing: ['gradient_checkpointing'],
    steps: ['max_steps'],
    epochs: ['num_epochs'],
    flash: ['flash_attention'],
  },
  llamafactory: {
    model: ['model_name_or_path', 'model'],
    seq: ['cutoff_len'],
    micro: ['per_device_train_batch_size', 'micro_batch_size'],
    accum: ['gradient_accumulation_steps'],
    lr: ['learning_rate'],
    optim: ['optim'],
    steps: ['max_steps'],
    epochs: ['num_train_epochs'],
    flash: ['flash_attn'],
    tp: ['tensor_model_parallel_size'],
    pp: ['pipeline_model_parallel_size'],
    recompute: ['recompute_granularity'],
  },
};

/** Where a Trainer-style file gives the longest sequence as two parts: a prompt and what is generated or targeted. */
const SEQUENCE_PARTS = [
  // TRL's GRPO/RLOO/online DPO: the policy's forward pass sees the prompt and the completion (grpo_trainer.py concatenates them).
  { keys: ['max_prompt_length', 'max_completion_length'], why: "the policy's forward pass sees prompt and completion together" },
  // ChatGLM's and Chinese-LLaMA's seq2seq scripts pad to max_source_length + max_target_length (+1) (THUDM/ChatGLM2-6B ptuning/main.py).
  { keys: ['max_source_length', 'max_target_length'], why: 'the program pads source and target to their sum' },
];

function first(root: ConfigNode, names: string[] | undefined): ConfigNode | undefined {
  for (const name of names ?? []) {
    const node = getChild(root, name);
    if (node) return node;
  }
  return undefined;
}

/** Reads the program's LoRA and quantization options (each program names them its own way: its adapter.ts). */
export type AdapterReader = (root: ConfigNode) => AdapterReading | undefined;

/**
 * What a Trainer-style YAML (or nested TrainingArguments dict, or a launch script's flags) says about the run; the
 * program's `readAdapter` adds what its own argument classes say about adapters and quantization.
 */
export function planFromTrainerArgs(format: 'hf-trainer' | 'axolotl' | 'llamafactory', root: ConfigNode, readAdapter?: AdapterReader): PartialPlan {
  const keys = KEYS[format];
  const anchors: Anchors = {};
  const notes: string[] = [];
  const plan: TrainingPlan = { framework: 'plain' };
  const at = (name: string) => first(root, keys[name]);

  const model = at('model');
  const modelName = str(model);
  if (modelName) {
    plan.model = { name: modelName };
    anchors.model = model;
  }
  const seq = at('seq');
  if (num(seq)) {
    plan.model = { ...plan.model, seqLength: num(seq) };
    anchors.seqLength = seq;
  } else if (format === 'hf-trainer') {
    const parts = SEQUENCE_PARTS.find(({ keys }) => keys.every((k) => num(getChild(root, k)) !== undefined));
    if (parts) {
      const [first, second] = parts.keys.map((k) => num(getChild(root, k))!);
      plan.model = { ...plan.model, seqLength: first + second };
      anchors.seqLength = getChild(root, parts.keys[0]);
      notes.push(`sequence length ${first + second} = ${parts.keys.join(' + ')} (${parts.why})`);
    }
  }
  const micro = at('micro');
  const accum = at('accum');
  // TrainingArguments defaults: per_device_train_batch_size 8, gradient_accumulation_steps 1. axolotl derives a missing
  // accumulation as batch_size // micro_batch_size (normalize_config; its batch_size is per data-parallel rank).
  const axolotlBatch = format === 'axolotl' ? batchFactsFor(format, root, {}) : undefined;
  plan.batch = { micro: num(micro) ?? (format === 'hf-trainer' ? 8 : undefined), gradAccum: num(accum) ?? (axolotlBatch && accumulationOf(axolotlBatch)) ?? 1 };
  if (!micro && format === 'hf-trainer') notes.push('per_device_train_batch_size not set: the TrainingArguments default 8 is used');
  if (micro) anchors['batch.micro'] = micro;
  if (accum) anchors['batch.gradAccum'] = accum;

  const bf16 = getChild(root, 'bf16');
  const fp16 = getChild(root, 'fp16');
  const precision = precisionOf(fp16, bf16);
  plan.precision = precision.precision;
  if (precision.node) anchors.precision = precision.node;

  // TRL's ModelConfig / the scripts' model_init_kwargs: torch_dtype (dtype from transformers 4.56) bfloat16 loads bf16 weights.
  if (format === 'hf-trainer' && /^(?:torch\.)?(?:bfloat16|bf16)$/.test(str(getChild(root, 'torch_dtype') ?? getChild(root, 'dtype')) ?? '')) plan.loadDtype = 'bf16';
  const lr = at('lr');
  plan.optimizer = { type: optimizerFamily(str(at('optim'))), lr: num(lr) };
  if (lr) anchors['optimizer.lr'] = lr;

  const checkpointing = at('checkpointing');
  if (checkpointing) {
    plan.recompute = flag(checkpointing) ? 'full' : 'none';
    anchors.recompute = checkpointing;
  }
  const recompute = str(at('recompute'));
  if (recompute === 'full' || recompute === 'selective') plan.recompute = recompute;

  const steps = num(at('steps'));
  if (steps && steps > 0) plan.training = { iterations: steps };
  else {
    // max_steps > 0 overrides the epochs; otherwise TrainingArguments trains num_train_epochs (default 3.0), axolotl num_epochs (1.0).
    const epochs = num(at('epochs'));
    plan.training = { epochs: epochs ?? (format === 'axolotl' ? 1 : 3) };
    if (epochs === undefined) notes.push(`${keys.epochs![0]} not set: the default ${plan.training.epochs} epochs`);
  }

  // TrainingArguments.use_liger_kernel (transformers >= 4.45), LLaMA-Factory enable_liger_kernel, axolotl's Liger plugin
  // option and its cut_cross_entropy plugin: the loss never holds the full logits.
  if (format === 'axolotl' && flag(getChild(root, 'cut_cross_entropy')) === true) {
    plan.fusedLoss = 'cut-cross-entropy';
    notes.push('cut cross entropy: the loss is computed blockwise, never holding the logits (axolotl CutCrossEntropyPlugin)');
  } else if (flag(getChild(root, { 'hf-trainer': 'use_liger_kernel', axolotl: 'liger_fused_linear_cross_entropy', llamafactory: 'enable_liger_kernel' }[format])) === true) {
    plan.fusedLoss = 'liger';
    notes.push('Liger fused linear cross entropy: logits computed in chunks, never whole (Liger-Kernel fused_linear_cross_entropy.py)');
  }
  const attention = str(at('attention'));
  if (attention) plan.flashAttention = /flash|sdpa/.test(attention);
  if (flag(at('flash')) !== undefined) plan.flashAttention = flag(at('flash'));

  const adapter = readAdapter?.(root);
  if (adapter) {
    plan.adapter = adapter.adapter;
    notes.push(...adapter.notes);
  }
  // TRL's trainers read the same file format and hold reference, reward and value models besides the policy.
  if (format === 'hf-trainer') applyTrlModels(root, plan, notes);
  if (format === 'hf-trainer') applyVisionTower(root, plan, notes);

  // axolotl also turns FSDP on with an fsdp_config section alone; LLaMA-Factory's FSDP options are not read.
  if (format !== 'llamafactory') applyFsdpOptions(format === 'axolotl' ? 'fsdp-or-config' : 'fsdp', root, plan, notes);
  const tp = num(at('tp'));
  const pp = num(at('pp'));
  if (tp || pp) {
    plan.parallel = { tp, pp };
    plan.framework = 'megatron';
  }
  const unshardedNote = format === 'hf-trainer'
    ? 'no DeepSpeed or FSDP setting reaches this run: every GPU holds the whole model (DDP), unless the launch shards it (accelerate launch --config_file with DeepSpeed or FSDP)'
    : undefined;
  return { plan, anchors, notes, ...(unshardedNote ? { unshardedNote } : {}) };
}
