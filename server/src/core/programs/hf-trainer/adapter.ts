import { getChild, type ConfigNode } from '../../syntax/config-tree';
import { flag, num, str } from '../../plan/anchors';
import { loraAdapter, quantStorageOf, savedModulesOf, targetModulesOf, type AdapterReading } from '../../plan/adapter-reading';

/** A flag as HfArgumentParser takes it: `lora_r` or `lora-r`. */
function arg(root: ConfigNode, name: string): ConfigNode | undefined {
  return getChild(root, name) ?? getChild(root, name.replace(/_/g, '-'));
}

function firstArg(root: ConfigNode, names: string[]): ConfigNode | undefined {
  for (const name of names) {
    const node = arg(root, name);
    if (node) return node;
  }
  return undefined;
}

/**
 * The adapter a Trainer-based program's arguments describe. These are not TrainingArguments fields: each program
 * defines them in its own dataclasses, and the names differ by program:
 * - TRL ModelConfig (trl/trainer/model_config.py): use_peft, lora_r (default 16), lora_target_modules, use_dora,
 *   load_in_4bit, load_in_8bit, use_bnb_nested_quant;
 * - PEFT's SFT example (examples/sft/train.py ModelArguments): use_peft_lora, lora_r, lora_target_modules (comma list
 *   or all-linear), use_4bit_quantization, use_8bit_quantization, use_nested_quant, bnb_4bit_quant_storage_dtype;
 * - QLoRA's qlora.py (artidoro/qlora): --bits 4|8 with --double_quant (default True), LoRA on every linear layer
 *   (find_all_linear_names) unless --full_finetune.
 * - LLaVA's train.py (haotian-liu/LLaVA llava/train/train.py @c121f04 TrainingArguments): --lora_enable, lora_r
 *   (default 64), --bits 4|8 (default 16) with double_quant (default True); LoRA on every linear layer of the LLM.
 * - Qwen's finetune.py (QwenLM/Qwen finetune.py @2df8e8a): --use_lora, lora_r (default 64), --q_lora, which loads
 *   the GPTQ Int4 release (GPTQConfig(bits=4)); lora_modules_to_save in TRL's ModelConfig.
 */
export function trainerAdapter(root: ConfigNode): AdapterReading | undefined {
  const notes: string[] = [];
  const trl = flag(arg(root, 'use_peft')) === true;
  const peftExample = flag(arg(root, 'use_peft_lora')) === true;
  const qloraBits = num(arg(root, 'bits'));
  // qlora.py's --bits alone is too common a word: its own --double_quant, --quant_type or --lora_r must come with it.
  const qloraRepo = (qloraBits === 4 || qloraBits === 8) && flag(arg(root, 'full_finetune')) !== true
    && [arg(root, 'double_quant'), arg(root, 'quant_type'), arg(root, 'lora_r')].some((n) => n !== undefined);
  const llava = flag(arg(root, 'lora_enable')) === true;
  const qwen = flag(arg(root, 'use_lora')) === true;
  if (!trl && !peftExample && !qloraRepo && !llava && !qwen) return undefined;
  const gptq = qwen && flag(arg(root, 'q_lora')) === true;
  const four = flag(firstArg(root, ['load_in_4bit', 'use_4bit_quantization'])) === true || gptq;
  const eight = flag(firstArg(root, ['load_in_8bit', 'use_8bit_quantization'])) === true;
  const llavaBits = llava && (qloraBits === 4 || qloraBits === 8) ? qloraBits : undefined;
  const bits = qloraRepo ? qloraBits! : llavaBits ?? (four ? 4 : eight ? 8 : 16);
  let rank = num(arg(root, 'lora_r'));
  if (rank === undefined && (llava || qwen)) {
    rank = 64;
    notes.push(`lora_r not set: ${llava ? "LLaVA's train.py" : "Qwen's finetune.py"} default 64`);
  } else if (rank === undefined && trl && !peftExample) {
    rank = 16;
    notes.push('lora_r not set: TRL ModelConfig default 16');
  }
  const nested = firstArg(root, ['use_bnb_nested_quant', 'use_nested_quant', 'bnb_4bit_use_double_quant', 'double_quant']);
  // qlora.py and LLaVA: double_quant defaults to True; TRL and the PEFT example default to False.
  const doubleQuant = bits === 4 && !gptq ? (flag(nested) ?? (qloraRepo || llava)) : undefined;
  // Qwen's finetune.py trains the embedding and output layer in full (modules_to_save ["wte", "lm_head"]) unless q_lora or
  // the model path contains "chat"; other programs' --use_lora need not, so only for a Qwen model.
  const model = (str(arg(root, 'model_name_or_path')) ?? '').toLowerCase();
  const qwenSavesEmbeddings = qwen && !gptq && model.includes('qwen') && !model.includes('chat');
  if (qwenSavesEmbeddings) notes.push("Qwen's finetune.py trains the embedding and output layer of a base (not chat) model in full (modules_to_save)");
  // Qwen's default targets c_attn, c_proj, w1, w2 are every linear layer of a QWen block (attention and MLP).
  const everyLinear = qloraRepo || llava || (qwen && !arg(root, 'lora_target_modules'));
  return {
    adapter: loraAdapter(bits, {
      rank,
      targetModules: everyLinear ? ['all-linear'] : targetModulesOf(arg(root, 'lora_target_modules')),
      dropout: num(arg(root, 'lora_dropout')),
      savedModules: qwenSavesEmbeddings ? ['embedding', 'lmHead'] : savedModulesOf(arg(root, 'lora_modules_to_save')),
      dora: flag(firstArg(root, ['use_dora', 'lora_use_dora'])) || undefined,
      doubleQuant,
      gptq: gptq || undefined,
      quantStorage: bits === 4 ? quantStorageOf(str(firstArg(root, ['bnb_4bit_quant_storage_dtype', 'bnb_4bit_quant_storage']))) : undefined,
    }),
    notes,
  };
}
