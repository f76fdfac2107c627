import { PROGRAM } from '../programs/ids';
import { getChild } from '../syntax/config-tree';
import { worldSizeOf } from '../settings';
import type { RelatedLocation } from '../diagnostic';
import type { Rule } from './rule';

const AXOLOTL = 'axolotl-ai-cloud/axolotl@067b021c8b';

/**
 * axolotl's parallel sizes (dp_shard_size, dp_replicate_size, tensor_parallel_size, context_parallel_size)
 * become accelerate's ParallelismConfig, which must account for every process.
 */
export const parallelSizesVsWorld: Rule = {
  meta: {
    code: 'TL413',
    name: 'parallel-sizes-vs-world',
    programs: [PROGRAM.axolotl],
    severity: 'error',
    summary: 'axolotl\'s data-shard, replicate, tensor and context parallel sizes do not multiply to the number of processes.',
    why: 'axolotl passes the sizes to accelerate\'s ParallelismConfig, which checks "ParallelismConfig total_size (N) does not match num_processes (W)"; with dp_shard_size unset, axolotl derives it as world / (replicate x TP x CP), which must be whole.',
    fix: 'No automatic fix: set the sizes for the GPUs the job gets (or drop dp_shard_size and let axolotl derive it).',
    example: { language: 'yaml', text: 'base_model: openai/gpt-oss-120b\nmicro_batch_size: 1\ngradient_accumulation_steps: 2\ndp_shard_size: 16\n' },
    references: [`${AXOLOTL} src/axolotl/utils/distributed.py (_get_parallel_config_kwargs)`, 'huggingface/accelerate src/accelerate/parallelism_config.py (total_size == num_processes)'],
  },
  check(ctx) {
    const world = worldSizeOf(ctx.settings);
    if (world.value === undefined) return;
    for (const root of ctx.roots) {
      const sizes = ['dp_shard_size', 'dp_replicate_size', 'tensor_parallel_size', 'context_parallel_size'].map((key) => ({ key, node: getChild(root, key) }));
      const value = (i: number) => (typeof sizes[i].node?.value === 'number' ? (sizes[i].node!.value as number) : undefined);
      const [shard, replicate, tp, cp] = [0, 1, 2, 3].map(value);
      const related: RelatedLocation[] = sizes.filter((s) => s.node && typeof s.node.value === 'number').map((s) => ({ message: `${s.key} = ${String(s.node!.value)}`, range: s.node!.range }));
      const others = (replicate ?? 1) * (tp ?? 1) * (cp ?? 1);
      if (shard !== undefined) {
        const total = shard * others;
        if (total === world.value) continue;
        ctx.report({
          range: sizes[0].node!.range,
          message: `dp_shard_size ${shard}${others > 1 ? ` x ${others} (replicate x TP x CP)` : ''} = ${total} processes, but ${world.value} run (${world.source}): accelerate raises "ParallelismConfig total_size (${total}) does not match num_processes (${world.value})". ${total > world.value ? `This layout needs ${total} GPUs.` : ''}`.trim(),
          related,
        });
      } else if (others > 1 && world.value % others !== 0) {
        const anchor = sizes.slice(1).find((s) => s.node)!;
        ctx.report({
          range: anchor.node!.range,
          message: `${world.value} processes (${world.source}) do not divide by replicate x TP x CP = ${others}, so axolotl cannot derive a whole dp_shard_size.`,
          related,
        });
      }
    }
  },
};
