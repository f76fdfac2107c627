import { programOf } from '../programs/index';
import { PROGRAM } from '../programs/ids';
import type { ConfigNode } from '../syntax/config-tree';
import { TRAINER_MATCHED } from '../programs/hf-trainer/trainer-fill';
import { isSwitchOn } from '../facts/values';
import type { Rule, RuleContext } from './rule';
import { argumentNode, compareWithTrainer, trainerValuesOf } from '../programs/hf-trainer/trainer-values';
import { shellFactsOf } from '../shell/shell-config';
import { worldSizeOf } from '../settings';
import { formatScalar } from '../fix/edits';
import type { Fix } from '../diagnostic';

function leaves(node: ConfigNode, out: ConfigNode[]): void {
  if (node.kind === 'scalar') out.push(node);
  else node.children.forEach((c) => leaves(c, out));
}

export const hfDeepspeedMismatch: Rule = {
  meta: {
    code: 'TL701',
    name: 'hf-deepspeed-mismatch',
    programs: [PROGRAM.deepspeed, PROGRAM.hfTrainer, PROGRAM.llamafactory, PROGRAM.axolotl],
    severity: 'warning',
    summary: 'A DeepSpeed config read by the HF Trainer hard-codes a value the Trainer also sets from TrainingArguments.',
    why: 'The Trainer fills "auto" values from TrainingArguments and compares every concrete one; any difference raises "Please correct the following DeepSpeed config values that mismatch TrainingArguments values" when training starts. A hard-coded `bf16.enabled: true` works only as long as every launch also passes --bf16.',
    fix: 'Setting the value to "auto" makes it follow TrainingArguments; that changes the run when the launch flags differ, so it is offered, not applied.',
    example: { language: 'json', text: '{\n  "bf16": { "enabled": true },\n  "train_micro_batch_size_per_gpu": "auto",\n  "gradient_accumulation_steps": "auto",\n  "zero_optimization": { "stage": 2 }\n}' },
    references: ['huggingface/transformers src/transformers/integrations/deepspeed.py (HfTrainerDeepSpeedConfig.fill_match)'],
  },
  check(ctx) {
    checkPointingSide(ctx);
    // The DeepSpeed side: a config the HF Trainer reads.
    if (!programOf(ctx.format)?.filledByTrainer || !programOf(ctx.consumer)?.runsHfTrainer) return;
    if (ctx.settings.linkedFrom) {
      checkDeepSpeedSide(ctx);
      return;
    }
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

const show = (value: unknown) => (Array.isArray(value) ? `[${value.join(', ')}]` : String(value));

/** The DeepSpeed file, analysed for the file that points to it: every concrete value the Trainer would reject. */
function checkDeepSpeedSide(ctx: RuleContext): void {
  const trainer = ctx.settings.linkedFrom!;
  const world = trainer.worldSize ?? worldSizeOf(ctx.settings).value;
  for (const root of ctx.roots) {
    for (const m of compareWithTrainer(root, { ...trainer, worldSize: world })) {
      const from = trainer.path ? `${trainer.path}` : 'the file that points here';
      const explicit = trainer.explicit.some((e) => m.argument.includes(e)) ? '' : ' (its default)';
      ctx.report({
        range: m.node.range,
        severity: 'error',
        message: `${m.key} = ${show(m.node.kind === 'scalar' ? m.node.value : m.node.children.map((c) => c.value))} here, but ${trainer.framework} in ${from} gives ${m.argument} = ${show(m.expected)}${explicit}: the HF Trainer raises "Please correct the following DeepSpeed config values that mismatch TrainingArguments values". Write "auto" so the Trainer fills it, or make both agree.`,
        fixes: [
          { title: 'Set it to "auto"', safe: false, edits: [{ range: m.node.range, newText: '"auto"' }] },
          ...(typeof m.expected === 'number' || typeof m.expected === 'boolean' ? [{ title: `Set it to ${show(m.expected)} (the ${m.argument} value)`, safe: false, edits: [{ range: m.node.range, newText: formatScalar(ctx.tree.language, m.expected) }] }] : []),
        ],
      });
    }
  }
}

/** The TrainingArguments side (a YAML, JSON or launch script with `deepspeed: ds.json`): the same mismatches, reported here too. */
function checkPointingSide(ctx: RuleContext): void {
  if (!programOf(ctx.format)?.runsHfTrainer) return;
  const world = shellFactsOf(ctx.tree)?.world.value ?? worldSizeOf(ctx.settings).value;
  for (const linked of ctx.linked ?? []) {
    const ds = linked.analysis;
    if (!ds || !programOf(ds.format)?.filledByTrainer || linked.link.kind !== 'deepspeed-config') continue;
    for (const root of ctx.roots) {
      const trainer = trainerValuesOf(ctx.format, root, world);
      if (!trainer) continue;
      for (const dsRoot of ds.roots) {
        for (const m of compareWithTrainer(dsRoot, trainer)) {
          const first = m.argument.replace(/^\[|\]$/g, '').split(/[, ]+/).find((a) => /^[a-z_0-9]+$/.test(a)) ?? m.argument;
          const here = argumentNode(root, ctx.format, first);
          const fixes: Fix[] = [{ title: `Set ${m.key} to "auto" in ${linked.link.target}`, safe: false, edits: [], otherFile: { path: linked.path, edits: [{ range: m.node.range, newText: '"auto"' }] } }];
          const dsValue = m.node.kind === 'scalar' ? m.node.value : undefined;
          if (here && here.kind === 'scalar' && (typeof dsValue === 'number' || typeof dsValue === 'boolean') && m.argument === first && ctx.tree.language !== 'shell') {
            fixes.push({ title: `Set ${first} to ${show(dsValue)} (the DeepSpeed value)`, safe: false, edits: [{ range: here.range, newText: formatScalar(ctx.tree.language, dsValue) }] });
          }
          ctx.report({
            range: here ? here.keyRange ?? here.range : linked.link.range,
            severity: 'error',
            message: `${m.argument} = ${show(m.expected)}${here ? '' : ' (the TrainingArguments default)'} here, but ${linked.link.target} sets ${m.key} = ${show(dsValue ?? (m.node.kind === 'array' ? m.node.children.map((c) => c.value) : m.node.kind))}: the HF Trainer raises "Please correct the following DeepSpeed config values that mismatch TrainingArguments values". Set it to "auto" there, or make both agree.`,
            fixes,
            related: [{ message: `${m.key} in ${linked.link.target}`, range: m.node.range, path: linked.path }],
          });
        }
      }
    }
  }
}
