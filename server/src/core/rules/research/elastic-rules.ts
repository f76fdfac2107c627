import { deepspeedElasticity, fixedGlobalOverWorlds, perDeviceOverWorlds, DEEPSPEED_ELASTIC_DEFAULTS, type WorldOutcome } from '../../facts/elastic';
import { megatronArgs, parallelLayout } from '../../programs/megatron/arguments';
import { flag, num } from '../../plan/anchors';
import { shellFactsOf } from '../../shell/shell-config';
import { fieldRange, fieldText } from '../../shell/words';
import { getChild, type ConfigNode } from '../../syntax/config-tree';
import type { Rule, RuleContext } from '../rule';
import { batchOf, fmt, placeOf, readingOf } from './common';

// World sizes listed in a message, at most.
const LIST = 12;

function list(values: number[]): string {
  return values.length > LIST ? `${values.slice(0, LIST).join(', ')}, ... (${values.length} in all)` : values.join(', ');
}

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

function outcomes(results: WorldOutcome[]): string {
  return results.map((r) => (r.works ? `${r.worldSize} GPUs: ${r.globalBatch}` : `${r.worldSize} GPUs: refused (${r.why})`)).join('; ');
}

export const elasticBatchNotPreserved: Rule = {
  meta: {
    code: 'TL610',
    name: 'elastic-batch-not-preserved',
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
    if (!root) return;
    if (ctx.format === 'deepspeed') return deepspeedCheck(ctx, root);
    const range = torchrunRange(ctx);
    if (!range) return;
    const worlds: number[] = [];
    for (let n = range.min; n <= range.max; n++) worlds.push(n * range.perNode);
    const span = `--nnodes ${range.min}:${range.max} x ${range.perNode} processes per node`;
    if (ctx.format === 'megatron') {
      const args = megatronArgs(ctx.tree, root, ctx.settings);
      const global = args?.num('global_batch_size');
      const micro = args?.num('micro_batch_size') ?? 1;
      if (!args || global === undefined) return;
      const layout = parallelLayout(args);
      const results = fixedGlobalOverWorlds(worlds, global, micro, layout.product);
      const good = results.filter((r) => r.works).map((r) => r.worldSize);
      if (good.length === results.length) return;
      ctx.report({
        range: range.range,
        message: `${span} allows world sizes ${list(worlds)}, but ${args.name('global_batch_size')} ${global} needs a whole number of micro-batches of ${micro} per data-parallel rank (TP x PP x CP = ${layout.product}): only ${good.length > 0 ? list(good) : 'none of them'} ${good.length === 1 ? 'works' : 'work'}; Megatron-LM refuses the others at start-up. Elastic runs should keep the global batch at every size (ElasWave). ${outcomes(results.filter((r) => !r.works).slice(0, 4))}.`,
        related: args.at('global_batch_size') ? [args.at('global_batch_size')!] : [],
      });
      return;
    }
    if (ctx.format === 'hf-trainer') {
      const batch = batchOf(readingOf(ctx));
      const micro = batch.micro ?? 8;
      const accum = batch.accum ?? 1;
      const results = perDeviceOverWorlds(worlds, micro, accum, 1);
      const sizes = [...new Set(results.map((r) => r.globalBatch))];
      if (sizes.length <= 1) return;
      const lr = getChild(root, 'learning_rate');
      ctx.report({
        range: range.range,
        message: `${span} lets the world size vary from ${worlds[0]} to ${worlds[worlds.length - 1]} GPUs, and the Trainer keeps per_device_train_batch_size ${micro} x gradient_accumulation_steps ${accum} per GPU, so the global batch follows it (${results.slice(0, 6).map((r) => `${r.worldSize} GPUs: ${r.globalBatch}`).join(', ')}${results.length > 6 ? ', ...' : ''}) while the learning rate${lr && typeof lr.value === 'number' ? ` (${fmt(lr.value)})` : ''} stays put. Elastic runs should keep the global batch and the gradient scale at every size (ElasWave): fix the node count, or adapt the accumulation to each size.`,
      });
    }
  },
};

function deepspeedCheck(ctx: RuleContext, root: ConfigNode): void {
  const elastic = getChild(root, 'elasticity');
  if (!elastic || flag(getChild(elastic, 'enabled')) !== true) return;
  const minNode = getChild(elastic, 'min_gpus');
  const maxNode = getChild(elastic, 'max_gpus');
  // Only a range the user wrote is judged; the defaults (1 to 10000) say nothing about where the job will run.
  if (!minNode || !maxNode) return;
  const micros = getChild(elastic, 'micro_batch_sizes');
  const config = {
    maxTrainBatchSize: num(getChild(elastic, 'max_train_batch_size')) ?? DEEPSPEED_ELASTIC_DEFAULTS.maxTrainBatchSize,
    microBatchSizes: micros?.kind === 'array' ? micros.children.map((c) => num(c)).filter((n): n is number => n !== undefined) : DEEPSPEED_ELASTIC_DEFAULTS.microBatchSizes,
    minGpus: num(minNode) ?? 1,
    maxGpus: num(maxNode) ?? 10000,
    numGpusPerNode: num(getChild(elastic, 'num_gpus_per_node')) ?? 1,
    modelParallelSize: num(getChild(elastic, 'model_parallel_size')) ?? 1,
    version: num(getChild(elastic, 'version')) ?? DEEPSPEED_ELASTIC_DEFAULTS.version,
    preferLargerBatch: flag(getChild(elastic, 'prefer_larger_batch')) ?? true,
  };
  if (config.maxGpus < config.minGpus || config.maxGpus - config.minGpus > 4096) return;
  const result = deepspeedElasticity(config);
  if (!result) return;
  const step = config.version > 0.1 ? config.numGpusPerNode : 1;
  const sizes: number[] = [];
  for (let g = Math.ceil(config.minGpus / step) * step; g <= config.maxGpus; g += step) if (g > 0) sizes.push(g);
  const outcomes = sizes.map((g) => result.at(g));
  const keep = outcomes.filter((o) => !o.refused && o.globalBatch === result.finalBatch).map((o) => o.worldSize);
  if (keep.length === sizes.length) return;
  const refused = outcomes.filter((o) => o.refused).map((o) => o.worldSize);
  const changed = outcomes.filter((o) => !o.refused && o.globalBatch !== result.finalBatch);
  const parts: string[] = [];
  if (refused.length > 0) parts.push(`DeepSpeed refuses ${list(refused)} GPUs (ElasticityIncompatibleWorldSize)`);
  if (changed.length > 0) parts.push(`at ${changed.slice(0, 4).map((o) => `${o.worldSize} GPUs the batch becomes ${o.globalBatch}`).join(', ')}${changed.length > 4 ? ', ...' : ''} while the learning rate stays`);
  ctx.report({
    range: placeOf(ctx, elastic),
    message: `elasticity (version ${config.version}) allows ${config.minGpus}-${config.maxGpus} GPUs and computes a global batch of ${result.finalBatch}, kept only at ${keep.length > 0 ? list(keep) : 'none of them'}; ${parts.join('; ')}. Elastic runs should keep the global batch at every size (ElasWave): narrow min_gpus/max_gpus to the sizes listed, or change max_train_batch_size/micro_batch_sizes.`,
  });
}
