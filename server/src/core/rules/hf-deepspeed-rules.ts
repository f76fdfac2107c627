import type { ConfigNode } from '../syntax/config-tree';
import { TRAINER_MATCHED } from '../facts/trainer-fill';
import { isSwitchOn } from '../facts/values';
import type { Rule } from './rule';

function leaves(node: ConfigNode, out: ConfigNode[]): void {
  if (node.kind === 'scalar') out.push(node);
  else node.children.forEach((c) => leaves(c, out));
}

export const hfDeepspeedMismatch: Rule = {
  meta: {
    code: 'TL701',
    name: 'hf-deepspeed-mismatch',
    severity: 'warning',
    summary: 'A DeepSpeed config read by the HF Trainer hard-codes a value the Trainer also sets from TrainingArguments.',
    why: 'The Trainer fills "auto" values from TrainingArguments and compares every concrete one; any difference raises "Please correct the following DeepSpeed config values that mismatch TrainingArguments values" when training starts. A hard-coded `bf16.enabled: true` works only as long as every launch also passes --bf16.',
    fix: 'Setting the value to "auto" makes it follow TrainingArguments; that changes the run when the launch flags differ, so it is offered, not applied.',
    example: { language: 'json', text: '{\n  "bf16": { "enabled": true },\n  "train_micro_batch_size_per_gpu": "auto",\n  "gradient_accumulation_steps": "auto",\n  "zero_optimization": { "stage": 2 }\n}' },
    references: ['huggingface/transformers src/transformers/integrations/deepspeed.py (HfTrainerDeepSpeedConfig.fill_match)'],
  },
  check(ctx) {
    if (ctx.format !== 'deepspeed' || ctx.consumer !== 'hf-trainer') return;
    for (const root of ctx.roots) {
      const all: ConfigNode[] = [];
      leaves(root, all);
      for (const leaf of all) {
        const path = leaf.pointer.slice(root.pointer.length);
        const argument = TRAINER_MATCHED[path];
        // Precision is where this bites in practice: a switch that is on must be on in TrainingArguments too.
        if (!argument || (path !== '/fp16/enabled' && path !== '/bf16/enabled') || !isSwitchOn(leaf)) continue;
        const dotted = path.slice(1).replace(/\//g, '.');
        ctx.report({
          range: leaf.range,
          // Inferred from "auto" values alone, the reader may be accelerate, which does not compare: say it softly.
          severity: ctx.consumerStated ? 'warning' : 'info',
          message: `${dotted} is hard-coded to ${JSON.stringify(leaf.value)} in a config the HF Trainer fills ("auto" elsewhere): unless ${argument} is also set in TrainingArguments, the Trainer raises "Please correct the following DeepSpeed config values that mismatch TrainingArguments values - ds ${dotted}=True vs hf ${argument.split(' ')[0]}=False". Write "auto" to follow TrainingArguments.`,
          fixes: [{ title: 'Set it to "auto"', safe: false, edits: [{ range: leaf.range, newText: '"auto"' }] }],
        });
      }
    }
  },
};
