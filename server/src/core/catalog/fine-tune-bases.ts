/**
 * How a model id the catalog does not list leads to one it does: a fine-tune keeps its base's architecture, a
 * re-upload or a quantized copy keeps the original's. Each rule rewrites the name one step; resolve-model.ts applies
 * them until the catalog knows the name. `rule` is what the estimate states as its assumption.
 */
export interface BaseRule {
  rule: string;
  rewrite: (name: string) => string | undefined;
}

function family(pattern: RegExp, base: (m: RegExpMatchArray) => string, rule: string): BaseRule {
  return { rule, rewrite: (name) => { const m = pattern.exec(name); return m ? base(m) : undefined; } };
}

function suffix(pattern: RegExp, rule: string, replacement = ''): BaseRule {
  return { rule, rewrite: (name) => (pattern.test(name) ? name.replace(pattern, replacement) : undefined) };
}

/** Fine-tunes whose base is documented; checked first, on the whole id. */
const FAMILIES: BaseRule[] = [
  // lm-sys/FastChat docs/vicuna_weights_version.md: v1.5 is trained from Llama 2; v0, v1.1 and v1.3 from Llama 1.
  family(/(?:^|\/)vicuna-(7b|13b)-v1\.5\b/i, (m) => `meta-llama/Llama-2-${m[1].toLowerCase()}-hf`, 'Vicuna v1.5 is fine-tuned from Llama 2 (FastChat docs/vicuna_weights_version.md)'),
  family(/(?:^|\/)vicuna-(7b|13b|33b)(?:-delta)?-v(?:0|1\.1|1\.3)\b/i, (m) => `huggyllama/llama-${m[1].toLowerCase() === '33b' ? '30b' : m[1].toLowerCase()}`, 'Vicuna v0/v1.1/v1.3 are fine-tuned from Llama 1 (FastChat docs/vicuna_weights_version.md)'),
  // huggingface/alignment-handbook recipes/zephyr-7b-beta/sft/config_full.yaml: model_name_or_path mistralai/Mistral-7B-v0.1.
  family(/(?:^|\/)zephyr-7b-(?:alpha|beta|sft-full|sft-qlora|dpo-full|dpo-qlora)$/i, () => 'mistralai/Mistral-7B-v0.1', 'Zephyr 7B is fine-tuned from Mistral-7B-v0.1 (alignment-handbook recipes/zephyr-7b-beta)'),
  // teknium/OpenHermes-2.5-Mistral-7B model card: a fine-tune of Mistral 7B (v0.1, the one released then).
  family(/(?:^|\/)OpenHermes-2(?:\.5)?-Mistral-7B$/i, () => 'mistralai/Mistral-7B-v0.1', 'OpenHermes 2/2.5 Mistral 7B is fine-tuned from Mistral-7B-v0.1 (teknium model card)'),
  // tatsu-lab/stanford_alpaca README: "fine-tuned from a 7B LLaMA model"; tloen/alpaca-lora reproduces it with LoRA.
  family(/(?:^|\/)alpaca(?:-lora)?-7b(?:-wdiff)?$/i, () => 'huggyllama/llama-7b', 'Alpaca 7B is fine-tuned from LLaMA 7B (stanford_alpaca README)'),
  // allenai/Llama-3.1-Tulu-3-8B(-SFT/-DPO) model cards: "Finetuned from model: meta-llama/Llama-3.1-8B" (70B likewise).
  family(/(?:^|\/)Llama-3\.1-Tulu-3-(8B|70B)(?:-SFT|-DPO|-RM)?$/i, (m) => `meta-llama/Llama-3.1-${m[1].toUpperCase()}`, 'Tülu 3 is post-trained from Llama 3.1 (allenai model cards)'),
  // deepseek-ai/DeepSeek-R1 README, "DeepSeek-R1-Distill Models" table (Base Model column).
  family(/(?:^|\/)DeepSeek-R1-Distill-Qwen-(1\.5B|7B)$/i, (m) => `Qwen/Qwen2.5-Math-${m[1].toUpperCase()}`, 'DeepSeek-R1-Distill-Qwen 1.5B/7B are distilled into Qwen2.5-Math (DeepSeek-R1 README)'),
  family(/(?:^|\/)DeepSeek-R1-Distill-Qwen-(14B|32B)$/i, (m) => `Qwen/Qwen2.5-${m[1].toUpperCase()}`, 'DeepSeek-R1-Distill-Qwen 14B/32B are distilled into Qwen2.5 (DeepSeek-R1 README)'),
  // bigcode/starcoder2-15b-instruct-v0.1 model card: self-aligned instruction tuning of StarCoder2-15B.
  family(/(?:^|\/)starcoder2-15b-instruct-v0\.1$/i, () => 'bigcode/starcoder2-15b', 'StarCoder2-15B-Instruct-v0.1 is fine-tuned from StarCoder2-15B (bigcode model card)'),
  // haotian-liu/LLaVA docs/MODEL_ZOO.md: LLaVA-1.5 7B/13B are built on Vicuna-7B/13B-v1.5; LLaVA-1.6 (NeXT) on Vicuna-1.5
  // or Mistral-7B-Instruct-v0.2. The language model only: the vision tower is counted from the program's --vision_tower.
  family(/(?:^|\/)llava-v1\.(?:5|6-vicuna)-(7b|13b)(?:-lora)?$/i, (m) => `lmsys/vicuna-${m[1].toLowerCase()}-v1.5`, "LLaVA-1.5/1.6's language model is Vicuna v1.5 (LLaVA docs/MODEL_ZOO.md); its vision tower is not part of this shape"),
  family(/(?:^|\/)llava-v1\.6-mistral-7b$/i, () => 'mistralai/Mistral-7B-Instruct-v0.2', "LLaVA-1.6-Mistral's language model is Mistral-7B-Instruct-v0.2 (LLaVA docs/MODEL_ZOO.md); its vision tower is not part of this shape"),
  family(/(?:^|\/)DeepSeek-R1(?:-Zero|-0528)?$/i, () => 'deepseek-ai/DeepSeek-V3', 'DeepSeek-R1 is trained from DeepSeek-V3-Base (DeepSeek-R1 README)'),
];

/** Organisations whose uploads are copies (quantized, converted or ungated) that keep the original's name. */
const REUPLOADS = /^(?:unsloth|NousResearch|TheBloke|huggyllama|mlx-community|bartowski|mistral-community)\//i;

const RENAMES: BaseRule[] = [
  // Meta renamed its Llama 3.1 repositories from Meta-Llama-3.1-8B to Llama-3.1-8B (same weights).
  suffix(/(^|\/)Meta-Llama-3\.1-/i, 'Meta-Llama-3.1-* is the earlier name of Llama-3.1-*', '$1Llama-3.1-'),
  // Mistral released the v0.2 base as a download only; litgpt config.py reads its architecture from unsloth/Mistral-7B-v0.2.
  suffix(/^(?:mistralai|mistral-community)\/Mistral-7B-v0\.2$/i, 'the Mistral-7B-v0.2 base is on the Hub as unsloth/Mistral-7B-v0.2 (litgpt config.py)', 'unsloth/Mistral-7B-v0.2'),
  // unsloth's and others' lower-case llama-3-8b / llama-3-70b uploads are Meta-Llama-3-8B / -70B.
  suffix(/(^|\/)llama-3-(8b|70b)(?=-|$)/i, 'llama-3-8b/70b is short for Meta-Llama-3-8B/70B', '$1Meta-Llama-3-$2'),
  // Baichuan 2 publishes Baichuan2-7B/13B-Base and -Chat; with the -Chat dropped the name means the -Base checkpoint.
  suffix(/(^|\/)(Baichuan2-(?:7|13)B)$/i, 'Baichuan2-*B is published as Baichuan2-*B-Base', '$1$2-Base'),
  // Gemma's base checkpoints end in -pt, its instruction-tuned ones in -it.
  suffix(/(^|\/)(gemma-3-\d+b)-it$/i, 'gemma-3-*-it is the instruction-tuned gemma-3-*-pt', '$1$2-pt'),
];

/** Suffixes that name a tuned, converted or quantized copy of the same architecture. */
const SUFFIXES: BaseRule[] = [
  // Qwen names its GPTQ releases -Int4 / -Int8 (Qwen-7B-Chat-Int4, Qwen2.5-7B-Instruct-GPTQ-Int4).
  suffix(/-(?:bnb-4bit|4bit|8bit|GPTQ|AWQ|GGUF|fp16|bf16|unsloth-bnb-4bit|(?:GPTQ-)?Int[48])$/i, 'a quantized or re-typed copy has the original architecture'),
  suffix(/-(?:Instruct|instruct|chat|Chat|it|base|Base|SFT|DPO|RLHF)(?=(?:-hf|-v\d+(?:\.\d+)*)?$)/, 'a chat/instruct/base variant has the same architecture'),
  suffix(/-(?:\d{4}|\d{2}-\d{2}|\d{4}-\d{2}-\d{2})$/, 'a dated release keeps the architecture'),
  // Context-extended releases change the RoPE base or scaling only (Qwen2.5-7B-Instruct-1M, open-r1/Qwen2.5-Math-7B-RoPE-300k).
  suffix(/-(?:RoPE-)?\d+[kKM]$/, 'a context-extended release (-1M, -RoPE-300k) keeps the architecture'),
];

export const BASE_RULES: BaseRule[] = [
  ...FAMILIES,
  ...RENAMES,
  { rule: 'a re-upload keeps the original architecture', rewrite: (name) => (REUPLOADS.test(name) ? name.replace(REUPLOADS, '') : undefined) },
  ...SUFFIXES,
];
