import { PROGRAM } from '../programs/ids';
import { getChild, type ConfigNode } from '../syntax/config-tree';
import type { RelatedLocation } from '../diagnostic';
import type { OffsetRange } from '../text/range';
import { shellFactsOf } from '../shell/shell-config';
import { embeddedConfigs } from '../shell/embedded';
import type { Rule } from './rule';
import { evaluationRun } from './estimate-rules';

// Megatron's flag and the DeepSpeed key that should say the same (megatron-deepspeed.json notes, "Batch: ...").
const PAIRS: [flag: string, key: string][] = [
  ['global-batch-size', 'train_batch_size'],
  ['micro-batch-size', 'train_micro_batch_size_per_gpu'],
];

const normalise = (path: string) => path.trim().replace(/^(?:\.\/)+/, '');

function concrete(node: ConfigNode | undefined): number | undefined {
  return node && node.kind === 'scalar' && typeof node.value === 'number' && Number.isFinite(node.value) ? node.value : undefined;
}

interface DeepSpeedSide {
  root: ConfigNode | undefined;
  label: string;
  locate(node: ConfigNode): { range: OffsetRange; path?: string };
}

export const megatronDeepSpeedBatchMismatch: Rule = {
  meta: {
    code: 'TL704',
    name: 'megatron-deepspeed-batch-mismatch',
    programs: [PROGRAM.megatron],
    severity: 'warning',
    summary: 'A Megatron-DeepSpeed launch gives --global-batch-size or --micro-batch-size a value other than train_batch_size or train_micro_batch_size_per_gpu of the DeepSpeed config it writes or passes with --deepspeed_config.',
    why:
      'Megatron-DeepSpeed does not copy its batch flags into the DeepSpeed config and does not check that they agree (no assertion in megatron/arguments.py or megatron/training.py). ' +
      'DeepSpeed checks only its own triple at start-up (train_batch_size = micro x gradient_accumulation_steps x DP). Then, at every iteration, Megatron calls ' +
      'engine.set_train_batch_size(DP x --micro-batch-size x num_microbatches) (megatron/training.py:1258), which replaces train_batch_size with Megatron\'s global batch and recomputes ' +
      'the gradient-accumulation steps from the JSON\'s train_micro_batch_size_per_gpu, which it keeps. So a different train_batch_size is silently overridden (and was what DeepSpeed validated and sized its first step by), ' +
      'and a different micro batch makes DeepSpeed accumulate a different number of micro-batches than Megatron feeds it (the pipeline engine pulls that many from the data iterator per step), ' +
      'or raises ValueError "Train batch size must be divisible by micro-batch data parallelism" when it does not divide. The run usually starts: hence a warning.',
    fix: 'No automatic fix: write both from one variable (the Megatron-DeepSpeed examples set GLOBAL_BATCH and MICRO_BATCH once and use them in the flags and the heredoc).',
    references: [
      'deepspeedai/Megatron-DeepSpeed@4efb479d53 megatron/training.py:1258 (set_train_batch_size every iteration)',
      'deepspeedai/DeepSpeed deepspeed/runtime/engine.py (DeepSpeedEngine.set_train_batch_size)',
      'deepspeedai/DeepSpeed deepspeed/runtime/config.py:937 (DeepSpeedConfig._batch_assertion)',
      'reference/keys/megatron-deepspeed.json at deepspeedai/Megatron-DeepSpeed@4efb479d53: notes ("Megatron\'s --global-batch-size/--micro-batch-size must match those values by hand") and check ds-cfg-937 ("Megatron-DeepSpeed does not copy --global-batch-size/--micro-batch-size into the JSON"); no assertion compares them',
    ],
  },
  check(ctx) {
    if (ctx.tree.language !== 'shell') return;
    const facts = shellFactsOf(ctx.tree);
    // An evaluation run (--inference, tasks/eval_harness) takes no optimizer steps: no accumulation to disagree on.
    if (!facts?.megatronDeepSpeed || evaluationRun(ctx)) return;
    for (const root of ctx.roots) {
      const flag = getChild(root, 'deepspeed_config') ?? getChild(root, 'deepspeed-config') ?? getChild(root, 'deepscale_config');
      if (!flag || typeof flag.value !== 'string' || flag.value.trim() === '') continue;
      const target = normalise(flag.value);
      let side: DeepSpeedSide | undefined;
      const written = embeddedConfigs(ctx.tree).filter((e) => normalise(e.target) === target);
      if (written.length > 0) {
        // The last heredoc to write the file before the launch is the one DeepSpeed reads.
        const file = written[written.length - 1];
        side = { root: file.root, label: `the DeepSpeed config this script writes to ${file.target}`, locate: (node) => ({ range: file.toScript(node.range) }) };
      } else {
        const linked = (ctx.linked ?? []).find((l) => l.link.kind === 'deepspeed-config' && normalise(l.link.target) === target && l.analysis);
        const analysis = linked?.analysis;
        if (linked && analysis) side = { root: analysis.roots[0], label: linked.link.target, locate: (node) => ({ range: node.range, path: linked.path }) };
      }
      if (!side?.root) continue;
      for (const [flagName, key] of PAIRS) {
        const megatronNode = getChild(root, flagName);
        const dsNode = getChild(side.root, key);
        const megatron = concrete(megatronNode);
        const deepspeed = concrete(dsNode);
        if (megatron === undefined || deepspeed === undefined || megatron === deepspeed || !megatronNode || !dsNode) continue;
        const where = side.locate(dsNode);
        const related: RelatedLocation[] = [{ message: `${key} = ${deepspeed} in ${side.label}`, range: where.range, ...(where.path ? { path: where.path } : {}) }];
        const consequence =
          flagName === 'global-batch-size'
            ? `Megatron-DeepSpeed does not check this: DeepSpeed validates and starts with ${deepspeed}, then Megatron resets it to its own global batch with engine.set_train_batch_size at every iteration, so the ${deepspeed} in the config is not the batch that trains`
            : `Megatron-DeepSpeed does not check this: DeepSpeed keeps train_micro_batch_size_per_gpu = ${deepspeed} and derives its gradient-accumulation steps from it when Megatron calls set_train_batch_size, so it accumulates a different number of micro-batches than Megatron feeds (or raises "Train batch size must be divisible by micro-batch data parallelism")`;
        ctx.report({
          range: megatronNode.range,
          message: `--${flagName} ${megatron} but ${key} = ${deepspeed} in ${side.label}. ${consequence}. Make both the same value.`,
          related,
        });
      }
    }
  },
};
