import type { ConfigNode } from '../syntax/config-tree';
import { programOf } from '../programs/index';
import { isSwitchOn } from '../facts/values';
import { replaceValue } from '../fix/edits';
import type { Fix } from '../diagnostic';
import type { Rule } from './rule';

export const fp16AndBf16: Rule = {
  meta: {
    code: 'TL302',
    name: 'fp16-and-bf16',
    severity: 'error',
    summary: 'fp16 and bf16 mixed precision are both switched on.',
    why: 'A run trains in one half-precision format. TrainingArguments raises "At most one of fp16 and bf16 can be True, but not both" and DeepSpeed asserts "bfloat16 and fp16 modes cannot be simultaneously enabled". A string such as "torch.cuda.is_bf16_supported()" is not evaluated: any non-empty string is truthy to Python.',
    fix: 'Offers switching off either one (bf16 is preferred on GPUs that have it). Not applied automatically.',
    example: { language: 'yaml', text: 'output_dir: out\nper_device_train_batch_size: 4\nnum_train_epochs: 1\nfp16: true\nbf16: true\n' },
    references: ['huggingface/transformers src/transformers/training_args.py (__post_init__)', 'deepspeedai/DeepSpeed deepspeed/runtime/config.py'],
  },
  check(ctx) {
    for (const root of ctx.roots) {
      if (root.kind !== 'object') continue;
      const switches = programOf(ctx.format)?.precision?.switches?.(root);
      if (!switches?.fp16 || !switches.bf16) continue;
      if (!isSwitchOn(switches.fp16) || !isSwitchOn(switches.bf16)) continue;
      const describe = (node: ConfigNode) => (typeof node.value === 'string' ? `the string ${JSON.stringify(node.value)}, which Python treats as true` : String(node.value));
      // A launch-script switch (`--fp16`, no value) is switched off by removing it.
      const off = (node: ConfigNode, name: string): Fix => ({ title: `Switch ${name} off`, safe: false, edits: [ctx.tree.language === 'shell' && node.raw === '' ? { range: node.range, newText: '' } : replaceValue(ctx.tree.language, node, false)] });
      ctx.report({
        range: switches.fp16.range,
        message: `fp16 is on and bf16 is ${describe(switches.bf16)}: ${switches.upstream}. Keep one (bf16 on Ampere or newer GPUs, fp16 on older ones).`,
        fixes: [off(switches.fp16, 'fp16'), off(switches.bf16, 'bf16')],
        related: [{ message: 'bf16 is switched on here', range: switches.bf16.range }],
      });
    }
  },
};
