import { getChild, type ConfigNode } from '../../syntax/config-tree';
import type { RuleContext } from '../../rules/rule';
import { perDeviceOverWorlds, type ElasticLaunch } from '../../facts/elastic';
import { batchOf, fmt, readingOf } from '../../rules/research/common';

/** The Trainer keeps per_device_train_batch_size x gradient_accumulation_steps per GPU: the global batch follows the world size. */
export function elasticCheck(ctx: RuleContext, root: ConfigNode, launch: ElasticLaunch): void {
  const { worlds } = launch;
  const batch = batchOf(readingOf(ctx));
  const micro = batch.micro ?? 8;
  const accum = batch.accum ?? 1;
  const results = perDeviceOverWorlds(worlds, micro, accum, 1);
  const sizes = [...new Set(results.map((r) => r.globalBatch))];
  if (sizes.length <= 1) return;
  const lr = getChild(root, 'learning_rate');
  ctx.report({
    range: launch.range,
    message: `${launch.span} lets the world size vary from ${worlds[0]} to ${worlds[worlds.length - 1]} GPUs, and the Trainer keeps per_device_train_batch_size ${micro} x gradient_accumulation_steps ${accum} per GPU, so the global batch follows it (${results.slice(0, 6).map((r) => `${r.worldSize} GPUs: ${r.globalBatch}`).join(', ')}${results.length > 6 ? ', ...' : ''}) while the learning rate${lr && typeof lr.value === 'number' ? ` (${fmt(lr.value)})` : ''} stays put. Elastic runs should keep the global batch and the gradient scale at every size (ElasWave): fix the node count, or adapt the accumulation to each size.`,
  });
}
