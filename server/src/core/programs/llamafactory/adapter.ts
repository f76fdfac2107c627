import { getChild, type ConfigNode } from '../../syntax/config-tree';
import { flag, num, str } from '../../plan/anchors';
import { loraAdapter, savedModulesOf, targetModulesOf, type AdapterReading } from '../../plan/adapter-reading';

/**
 * LLaMA-Factory's LoRA (hparams/finetuning_args.py: finetuning_type default "lora", lora_rank default 8, lora_target
 * default "all", use_dora) over a base quantized by quantization_bit (model/model_utils/quantization.py: bitsandbytes
 * 4-bit with bnb_4bit_use_double_quant=double_quantization, default True, and bnb_4bit_quant_storage=compute dtype
 * "crucial for fsdp+qlora"; 8-bit LLM.int8).
 */
export function llamafactoryAdapter(root: ConfigNode): AdapterReading | undefined {
  const notes: string[] = [];
  const finetuning = str(getChild(root, 'finetuning_type'));
  if (finetuning !== undefined && finetuning !== 'lora') return undefined;
  if (finetuning === undefined) notes.push('finetuning_type not set: LLaMA-Factory default lora');
  const quantBits = num(getChild(root, 'quantization_bit'));
  // bitsandbytes is the default quantization_method; its 4 and 8 bits are what the estimator counts.
  const bits = quantBits === 4 || quantBits === 8 ? quantBits : 16;
  const rank = num(getChild(root, 'lora_rank'));
  if (rank === undefined) notes.push('lora_rank not set: LLaMA-Factory default 8');
  const targets = targetModulesOf(getChild(root, 'lora_target'));
  if (!targets) notes.push('lora_target not set: LLaMA-Factory default all (every linear layer)');
  return {
    adapter: loraAdapter(bits, {
      rank: rank ?? 8,
      targetModules: targets ?? ['all-linear'],
      dropout: num(getChild(root, 'lora_dropout')),
      // additional_target: "modules apart from LoRA layers to be set as trainable" (PEFT modules_to_save).
      savedModules: savedModulesOf(getChild(root, 'additional_target')),
      dora: flag(getChild(root, 'use_dora')) || undefined,
      doubleQuant: bits === 4 ? (flag(getChild(root, 'double_quantization')) ?? true) : undefined,
      // The compute dtype: a float dtype either way, which is what lets FSDP shard the packed weights.
      quantStorage: bits === 4 ? (flag(getChild(root, 'fp16')) ? 'fp16' : 'bf16') : undefined,
    }),
    notes,
  };
}
