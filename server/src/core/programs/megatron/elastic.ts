import type { ConfigNode } from '../../syntax/config-tree';
import type { RuleContext } from '../../rules/rule';
import { fixedGlobalOverWorlds, listWorlds, worldOutcomes, type ElasticLaunch } from '../../facts/elastic';
import { megatronArgs, parallelLayout } from './arguments';

/** Megatron-LM keeps --global-batch-size and derives accumulation = global / (micro x DP): sizes where it is not whole are refused. */
export function elasticCheck(ctx: RuleContext, root: ConfigNode, launch: ElasticLaunch): void {
  const { worlds } = launch;
  const args = megatronArgs(ctx.tree, root, ctx.settings);
  const global = args?.num('global_batch_size');
  const micro = args?.num('micro_batch_size') ?? 1;
  if (!args || global === undefined) return;
  const layout = parallelLayout(args);
  const results = fixedGlobalOverWorlds(worlds, global, micro, layout.product);
  const good = results.filter((r) => r.works).map((r) => r.worldSize);
  if (good.length === results.length) return;
  ctx.report({
    range: launch.range,
    message: `${launch.span} allows world sizes ${listWorlds(worlds)}, but ${args.name('global_batch_size')} ${global} needs a whole number of micro-batches of ${micro} per data-parallel rank (TP x PP x CP = ${layout.product}): only ${good.length > 0 ? listWorlds(good) : 'none of them'} ${good.length === 1 ? 'works' : 'work'}; Megatron-LM refuses the others at start-up. Elastic runs should keep the global batch at every size (ElasWave). ${worldOutcomes(results.filter((r) => !r.works).slice(0, 4))}.`,
    related: args.at('global_batch_size') ? [args.at('global_batch_size')!] : [],
  });
}
