import { getChild, type ConfigNode } from '../../syntax/config-tree';
import type { RuleContext } from '../../rules/rule';
import { flag, num } from '../../plan/anchors';
import { deepspeedElasticity, listWorlds, DEEPSPEED_ELASTIC_DEFAULTS } from '../../facts/elastic';
import { placeOf } from '../../rules/research/common';

/** DeepSpeed's elasticity section: one global batch and the GPU counts that keep it (deepspeed/elasticity/elasticity.py). */
export function elasticCheck(ctx: RuleContext, root: ConfigNode): void {
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
  if (refused.length > 0) parts.push(`DeepSpeed refuses ${listWorlds(refused)} GPUs (ElasticityIncompatibleWorldSize)`);
  if (changed.length > 0) parts.push(`at ${changed.slice(0, 4).map((o) => `${o.worldSize} GPUs the batch becomes ${o.globalBatch}`).join(', ')}${changed.length > 4 ? ', ...' : ''} while the learning rate stays`);
  ctx.report({
    range: placeOf(ctx, elastic),
    message: `elasticity (version ${config.version}) allows ${config.minGpus}-${config.maxGpus} GPUs and computes a global batch of ${result.finalBatch}, kept only at ${keep.length > 0 ? listWorlds(keep) : 'none of them'}; ${parts.join('; ')}. Elastic runs should keep the global batch at every size (ElasWave): narrow min_gpus/max_gpus to the sizes listed, or change max_train_batch_size/micro_batch_sizes.`,
  });
}
