import { PROGRAM } from '../../programs/ids';
import { programOf } from '../../programs/index';
import { shellFactsOf } from '../../shell/shell-config';
import { fieldRange, fieldText } from '../../shell/words';
import type { Rule, RuleContext } from '../rule';

/** `torchrun --nnodes MIN:MAX`: the node range and processes per node, with where the range is written. */
function torchrunRange(ctx: RuleContext): { min: number; max: number; perNode: number; range: { start: number; end: number } } | undefined {
  const facts = shellFactsOf(ctx.tree);
  const launch = facts?.launch;
  if (!launch || !/^torch(run|\.distributed\.run)$/.test(launch.launcher)) return undefined;
  const option = launch.options.get('nnodes');
  if (!option?.field) return undefined;
  const m = /^(\d+):(\d+)$/.exec(fieldText(option.field).trim());
  const perNode = facts!.nprocPerNode.value;
  if (!m || perNode === undefined) return undefined;
  const min = Number(m[1]);
  const max = Number(m[2]);
  if (max <= min || max - min > 4096) return undefined;
  return { min, max, perNode, range: fieldRange(option.field, option.nameRange) };
}

export const elasticBatchNotPreserved: Rule = {
  meta: {
    code: 'TL610',
    name: 'elastic-batch-not-preserved',
    programs: [PROGRAM.deepspeed, PROGRAM.megatron, PROGRAM.hfTrainer],
    severity: 'warning',
    summary: 'An elastic launch allows several world sizes, and at some of them the global batch changes (with the learning rate left as it is) or gradient accumulation is no longer a whole number.',
    why: 'Elastic training restarts the job at whatever world size is available. If the global batch follows the world size, the effective learning-rate schedule and the number of samples per step change at every restart; if accumulation is not whole, the framework refuses the new size. The message lists the world sizes that keep the batch.',
    finding: '"ElasWave: An Elastic-Native System for Scalable Hybrid-Parallel Training" requires elastic training to keep "parameter consistency" and "computation consistency", and "reshapes and reshards micro-batches while preserving the global batch size and gradient scale".',
    appliesWhen: 'Launch scripts that start torchrun with `--nnodes MIN:MAX` and a known --nproc_per_node: Megatron-LM keeps --global-batch-size and derives accumulation = global / (micro x DP), so world sizes where it is not whole are refused (megatron-checks.json @ d98e8a64); HF Trainer-style scripts keep per_device_train_batch_size x gradient_accumulation_steps, so the global batch scales with the world size. DeepSpeed configs with `elasticity.enabled` and min_gpus/max_gpus written: DeepSpeed computes one batch and its valid GPU counts (deepspeed/elasticity/elasticity.py, deepspeedai/DeepSpeed @ c5601dbe; keys and defaults in keys/deepspeed.json @ edaa7221); version 0.1 refuses other counts with ElasticityIncompatibleWorldSize, version 0.2 picks a different batch for them. It does not apply to fixed-size launches.',
    fix: 'No automatic fix: pick a node range whose sizes all keep the batch (listed in the message), or a global batch that divides all of them.',
    references: ['ElasWave: An Elastic-Native System for Scalable Hybrid-Parallel Training', 'deepspeedai/DeepSpeed deepspeed/elasticity/elasticity.py @ c5601dbe079597b954fc7ab1de8aa4e04f9fa65b', 'pytorch torchrun --nnodes MIN:MAX (elastic launch)'],
  },
  check(ctx) {
    const root = ctx.roots[0];
    const elastic = programOf(ctx.format)?.elasticBatch;
    if (!root || !elastic) return;
    // DeepSpeed's elasticity section decides its world sizes; a torchrun --nnodes MIN:MAX launch, the others'.
    if (elastic.by === 'config') return elastic.check(ctx, root);
    const range = torchrunRange(ctx);
    if (!range) return;
    const worlds: number[] = [];
    for (let n = range.min; n <= range.max; n++) worlds.push(n * range.perNode);
    const span = `--nnodes ${range.min}:${range.max} x ${range.perNode} processes per node`;
    elastic.check(ctx, root, { worlds, span, range: range.range });
  },
};
