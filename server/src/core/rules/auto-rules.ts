import { PROGRAM } from '../programs/ids';
import type { ConfigNode } from '../syntax/config-tree';
import type { Rule, RuleContext } from './rule';
import { TRAINER_FILLED } from '../programs/hf-trainer/trainer-fill';


// Keys whose own legitimate value is "auto" for DeepSpeed (pipeline engine, ZenFlow, AutoEP).
const DEEPSPEED_OWN_AUTO = [/^\/pipeline\/stages$/, /^\/zero_optimization\/zenflow\//, /^\/expert_parallel\//];

// DeepSpeed's dict.get() sections keep "auto" as a string and crash on it; pydantic sections drop it silently.
const DICT_GET_BATCH_KEYS = new Set(['/train_micro_batch_size_per_gpu', '/train_batch_size', '/gradient_accumulation_steps']);

function autoLeaves(node: ConfigNode, out: ConfigNode[]): void {
  if (node.kind === 'scalar') {
    if (node.value === 'auto') out.push(node);
    return;
  }
  for (const child of node.children) autoLeaves(child, out);
}

function relative(root: ConfigNode, node: ConfigNode): string {
  return node.pointer.slice(root.pointer.length);
}

export const autoOutsideTrainer: Rule = {
  meta: {
    code: 'TL301',
    name: 'auto-outside-trainer',
    programs: [PROGRAM.deepspeed],
    severity: 'error',
    summary: '"auto" in a DeepSpeed config where nothing will resolve it.',
    why: 'Only the HF Trainer and accelerate replace "auto", and only in certain keys; accelerate raises "`<key>` not found in kwargs. Please specify `<key>` without `auto`" for any other. Plain DeepSpeed crashes on "auto" in the batch fields and silently drops it (using the default) in its pydantic sections.',
    fix: 'No automatic fix: the value "auto" stood for has to be chosen.',
    example: { language: 'json', text: '{\n  "train_micro_batch_size_per_gpu": "auto",\n  "zero_optimization": { "stage": 3, "prefetch_bucket_size": "auto" }\n}' },
    references: ['huggingface/accelerate src/accelerate/utils/dataclasses.py (deepspeed_config_process)', 'deepspeedai/DeepSpeed deepspeed/runtime/config_utils.py (DeepSpeedConfigModel)'],
  },
  check(ctx: RuleContext) {
    for (const root of ctx.roots) {
      const leaves: ConfigNode[] = [];
      autoLeaves(root, leaves);
      for (const leaf of leaves) {
        const path = relative(root, leaf);
        const dotted = path.slice(1).replace(/\//g, '.');
        const ownAuto = DEEPSPEED_OWN_AUTO.some((re) => re.test(path));
        // Read by DeepSpeed itself, not handed over by the HF Trainer or accelerate.
        if (ctx.consumer === ctx.format) {
          if (ownAuto) continue;
          const crashes = DICT_GET_BATCH_KEYS.has(path);
          ctx.report({
            range: leaf.range,
            severity: crashes ? 'error' : 'warning',
            message: crashes
              ? `"auto" in ${dotted}: this config is read by DeepSpeed directly, which does not resolve "auto" and fails its batch-size assertion. Write a number.`
              : `"auto" in ${dotted}: this config is read by DeepSpeed directly, which silently drops "auto" and uses its default. Write the value you mean.`,
          });
          continue;
        }
        if (TRAINER_FILLED.has(path)) continue;
        // Who reads the file is a guess from its "auto" values unless a linking file or the settings say so: another
        // program may fill them (DeepSpeedExamples' SGLang ZeRO-Inference fills stage3_* and offload_param.buffer_size
        // from the model, judged in bench/wild), so then it is a note naming what would fail.
        const guessed = !ctx.consumerStated;
        ctx.report({
          range: leaf.range,
          severity: guessed ? 'info' : ownAuto ? 'warning' : 'error',
          message: ownAuto
            ? `"auto" in ${dotted} is DeepSpeed's own default, but through the HF Trainer or accelerate any "auto" they do not fill raises "\`${dotted}\` not found in kwargs". Remove the key to get the same default.`
            : `"auto" in ${dotted} is not filled by the HF Trainer or accelerate: accelerate raises "\`${dotted}\` not found in kwargs. Please specify \`${dotted}\` without \`auto\`", and plain DeepSpeed ignores it.${guessed ? ' No file here says which program reads this config; one that fills "auto" itself may.' : ''} Write a value or remove the key.`,
        });
      }
    }
  },
};
