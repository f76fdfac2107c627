import { getChild, type ConfigNode } from '../../syntax/config-tree';
import { flag, num, str } from '../../plan/anchors';
import { loraAdapter, savedModulesOf, targetModulesOf, type AdapterReading } from '../../plan/adapter-reading';

/**
 * axolotl's `adapter: lora | qlora`. Its model loader (src/axolotl/loaders/model.py) builds BitsAndBytesConfig itself:
 * qlora with load_in_4bit gets NF4 with bnb_4bit_use_double_quant=True and bnb_4bit_quant_storage=torch.bfloat16;
 * lora with load_in_8bit gets LLM.int8. lora_target_linear targets every linear layer but the output one; lora_modules_to_save becomes PEFT's modules_to_save.
 */
export function axolotlAdapter(root: ConfigNode): AdapterReading | undefined {
  const kind = str(getChild(root, 'adapter'));
  if (kind !== 'lora' && kind !== 'qlora') return undefined;
  // axolotl's config validation requires load_in_4bit with qlora; a qlora file is read as 4-bit.
  const bits = kind === 'qlora' ? 4 : flag(getChild(root, 'load_in_8bit')) ? 8 : 16;
  return {
    adapter: loraAdapter(bits, {
      rank: num(getChild(root, 'lora_r')),
      targetModules: flag(getChild(root, 'lora_target_linear')) ? ['all-linear'] : targetModulesOf(getChild(root, 'lora_target_modules')),
      dropout: num(getChild(root, 'lora_dropout')),
      savedModules: savedModulesOf(getChild(root, 'lora_modules_to_save')),
      dora: flag(getChild(root, 'peft_use_dora')) || undefined,
      doubleQuant: bits === 4 ? true : undefined,
      quantStorage: bits === 4 ? 'bf16' : undefined,
    }),
    notes: [],
  };
}
