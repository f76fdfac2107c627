import type { Fix, RelatedLocation } from '../diagnostic';
import { accumulationOf, batchFactsFor, type BatchFacts } from '../facts/batch-facts';
import type { NumberField } from '../facts/values';
import { replaceValue } from '../fix/edits';
import { worldSizeOf } from '../settings';
import type { Rule, RuleContext } from './rule';
import { batchIdentityHolds } from '../facts/layout-predicates';

type Known = { g?: number; m?: number; a?: number };

function known(facts: BatchFacts): Known | undefined {
  const fields = [facts.global, facts.micro, facts.accum, facts.perRank];
  // "auto" is resolved by the HF Trainer or accelerate from one consistent set of numbers.
  if (fields.some((f) => f?.value === 'auto' || (f && f.value === undefined))) return undefined;
  // A size of zero or less divides nothing: no batch identity can be judged (invalid-value reports the size itself).
  if (fields.some((f) => typeof f?.value === 'number' && !(f.value > 0))) return undefined;
  const pick = (f?: NumberField) => (typeof f?.value === 'number' ? f.value : undefined);
  return { g: pick(facts.global), m: pick(facts.micro), a: accumulationOf(facts) };
}

function related(...fields: Array<NumberField | undefined>): RelatedLocation[] {
  return fields
    .filter((f): f is NumberField => f !== undefined)
    .map((f) => ({ message: `${f.name} = ${f.value}`, range: f.node.keyRange ?? f.node.range }));
}

function setField(ctx: RuleContext, field: NumberField | undefined, value: number, keepsGlobal: boolean): Fix | undefined {
  if (!field || !Number.isInteger(value) || value < 1 || value === field.value) return undefined;
  const note = keepsGlobal ? 'keeps the global batch' : 'changes the global batch: rescale the learning rate with it';
  return {
    title: `Set ${field.name} to ${value} (${note})`,
    safe: false,
    edits: [replaceValue(ctx.tree.language, field.node, value)],
  };
}

function reportRange(facts: BatchFacts) {
  const anchor = facts.global ?? facts.accum ?? facts.micro;
  return anchor ? anchor.node.keyRange ?? anchor.node.range : { start: facts.root.range.start, end: facts.root.range.start + 1 };
}

function forEachBatch(ctx: RuleContext, visit: (facts: BatchFacts) => void): void {
  for (const root of ctx.roots) {
    const facts = batchFactsFor(ctx.format, root, ctx.settings);
    if (facts) visit(facts);
  }
}

export const batchSizeMismatch: Rule = {
  meta: {
    code: 'TL101',
    name: 'batch-size-mismatch',
    severity: 'error',
    summary: 'The global batch is not micro-batch x accumulation x data-parallel size for the configured world size.',
    why: 'DeepSpeed asserts "Check batch related parameters. train_batch_size is not equal to micro_batch_per_gpu * gradient_acc_step * world_size" at engine start, after the job has waited in the queue; Megatron-LM refuses a global batch that micro-batch x data-parallel size does not divide.',
    fix: 'One fix per way to restore the identity: change the accumulation steps or the micro-batch (the global batch stays), or change the global batch (the learning rate must then be rescaled). None is applied automatically.',
    example: { language: 'json', text: '{\n  "train_batch_size": 512,\n  "train_micro_batch_size_per_gpu": 4,\n  "gradient_accumulation_steps": 8\n}' },
    references: ['deepspeedai/DeepSpeed deepspeed/runtime/config.py (_batch_assertion, _set_batch_related_parameters)'],
  },
  check(ctx) {
    const world = worldSizeOf(ctx.settings);
    if (world.value === undefined) return;
    forEachBatch(ctx, (facts) => {
      const k = known(facts);
      if (!k || k.g === undefined) return;
      if (world.value! % facts.modelParallel !== 0) return; // world-size-not-divisible reports this.
      const dp = world.value! / facts.modelParallel;
      const { g, m, a } = k;
      if ((m !== undefined || a !== undefined) && g % ((m ?? 1) * (a ?? 1)) !== 0) return; // batch-size-indivisible reports this.
      const dpText = facts.modelParallel > 1 ? `${dp} data-parallel ranks (${world.source} / ${facts.modelParallelSource})` : `${dp} data-parallel ranks (${world.source})`;
      let problem: string | undefined;
      const fixes: Array<Fix | undefined> = [];
      if (m !== undefined && a !== undefined) {
        if (!batchIdentityHolds(g, m, a, dp)) {
          problem = `${facts.names.global} ${g} != ${facts.names.micro} ${m} x ${facts.names.accum} ${a} x ${dpText} = ${m * a * dp}.`;
          fixes.push(setField(ctx, facts.accum, g / (m * dp), true), setField(ctx, facts.micro, g / (a * dp), true), setField(ctx, facts.global, m * a * dp, false));
        }
      } else if (m !== undefined) {
        if (g % (m * dp) !== 0) {
          problem = `${facts.names.global} ${g} is not a multiple of ${facts.names.micro} ${m} x ${dpText} = ${m * dp}, so no whole number of accumulation steps fits.`;
          fixes.push(setField(ctx, facts.micro, g / dp, true), setField(ctx, facts.global, Math.max(1, Math.round(g / (m * dp))) * m * dp, false));
        }
      } else if (a !== undefined) {
        if (g % (a * dp) !== 0) {
          problem = `${facts.names.global} ${g} is not a multiple of ${facts.names.accum} ${a} x ${dpText} = ${a * dp}, so no whole micro-batch fits.`;
          fixes.push(setField(ctx, facts.accum, g / dp, true), setField(ctx, facts.global, Math.max(1, Math.round(g / (a * dp))) * a * dp, false));
        }
      } else if (g % dp !== 0) {
        problem = `${facts.names.global} ${g} does not divide over ${dpText}.`;
        fixes.push(setField(ctx, facts.global, Math.max(1, Math.round(g / dp)) * dp, false));
      }
      if (!problem) return;
      ctx.report({
        range: reportRange(facts),
        message: `${problem} The framework stops at start-up with a batch-size assertion. Change the accumulation steps or micro-batch to keep the global batch, or change the global batch and rescale the learning rate.`,
        fixes: fixes.filter((f): f is Fix => f !== undefined),
        related: related(facts.micro, facts.accum),
      });
    });
  },
};

export const batchSizeIndivisible: Rule = {
  meta: {
    code: 'TL102',
    name: 'batch-size-indivisible',
    severity: 'error',
    summary: 'The global batch cannot be split into micro-batches and accumulation steps for any whole number of data-parallel ranks.',
    why: 'Whatever the world size, DeepSpeed\'s batch assertion or Megatron\'s divisibility check fails: the file is wrong before it is launched.',
    fix: 'Offers the nearest global batch that divides (which changes the training run, so it is never applied automatically).',
    example: { language: 'json', text: '{\n  "train_batch_size": 100,\n  "train_micro_batch_size_per_gpu": 8,\n  "gradient_accumulation_steps": 4\n}' },
    references: ['deepspeedai/DeepSpeed deepspeed/runtime/config.py (_batch_assertion)'],
  },
  check(ctx) {
    forEachBatch(ctx, (facts) => {
      const k = known(facts);
      if (!k || k.g === undefined) return;
      const { g, m, a } = k;
      const per = (m ?? 1) * (a ?? 1);
      if (m === undefined && a === undefined) return;
      const ranks = g / per;
      if (Number.isInteger(ranks) && ranks >= 1 && ranks % 1 === 0) return;
      const parts = [m !== undefined ? `${facts.names.micro} ${m}` : '', a !== undefined ? `${facts.names.accum} ${a}` : ''].filter(Boolean).join(' x ');
      const nearest = Math.max(1, Math.round(ranks)) * per;
      const fix = setField(ctx, facts.global, nearest, false);
      ctx.report({
        range: reportRange(facts),
        message: `${facts.names.global} ${g} is not ${parts} x a whole number of data-parallel ranks (${g} / ${per} = ${Number(ranks.toFixed(3))}); the batch assertion fails on every world size. Make ${facts.names.global} a multiple of ${per}.`,
        fixes: fix ? [fix] : [],
        related: related(facts.micro, facts.accum),
      });
    });
  },
};

export const batchSizeMissing: Rule = {
  meta: {
    code: 'TL103',
    name: 'batch-size-missing',
    severity: 'error',
    summary: 'Neither the global batch nor the micro-batch is given.',
    why: 'DeepSpeed asserts "Either train_batch_size or train_micro_batch_size_per_gpu needs to be provided" when the engine starts; under the HF Trainer, write "auto" so the Trainer fills it.',
    fix: 'No automatic fix: the batch size is a training decision.',
    example: { language: 'json', text: '{\n  "gradient_accumulation_steps": 4,\n  "zero_optimization": { "stage": 2 },\n  "steps_per_print": 100\n}' },
    references: ['deepspeedai/DeepSpeed deepspeed/runtime/config.py (_set_batch_related_parameters)'],
  },
  check(ctx) {
    forEachBatch(ctx, (facts) => {
      if (!facts.requiresGlobalOrMicro || facts.global || facts.micro) return;
      if (facts.root.children.length === 0) return; // An empty file is being written; nothing to say yet.
      const first = facts.root.children[0];
      ctx.report({
        range: first.keyRange ?? first.range,
        message: `Neither ${facts.names.global} nor ${facts.names.micro} is set; DeepSpeed refuses to start ("Either train_batch_size or train_micro_batch_size_per_gpu needs to be provided"). Add one, or "auto" for each when the HF Trainer or accelerate launches the run.`,
      });
    });
  },
};
