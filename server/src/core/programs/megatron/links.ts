import { getChild, type ConfigNode } from '../../syntax/config-tree';
import type { FileAnalysis } from '../../analyze';
import { stringAt, type ConfigLink } from '../../links';
import { shellFactsOf } from '../../shell/shell-config';
import { megatronParallelOf } from '../../shell/embedded';

/** Megatron-DeepSpeed's launch script: DeepSpeed reads --deepspeed_config itself, in the launch's layout. */
export function links(root: ConfigNode, analysis: FileAnalysis): ConfigLink[] {
  if (analysis.tree.language !== 'shell') return [];
  const facts = shellFactsOf(analysis.tree);
  const file = stringAt(getChild(root, 'deepspeed_config') ?? getChild(root, 'deepspeed-config') ?? getChild(root, 'deepscale_config'));
  if (!facts || !file || !/\.json$/i.test(file.value) || facts.embedded.some((e) => e.target.map((p) => p.text).join('') === file.value)) return [];
  const parallel = megatronParallelOf(root);
  const engine = getChild(root, 'no-pipeline-parallel') === undefined && !facts.checkout ? 'Megatron-DeepSpeed builds a DeepSpeed PipelineModule (GPTModelPipe) because --deepspeed is given without --no-pipeline-parallel' : undefined;
  return [{
    target: file.value,
    range: file.node.range,
    kind: 'deepspeed-config',
    context: { consumer: 'deepspeed', parallel: { tp: parallel.tp ?? 1, pp: parallel.pp ?? 1, cp: parallel.cp ?? 1 }, ...(facts.world.value ? { cluster: { worldSize: facts.world.value } } : {}), ...(engine ? { deepspeedPipelineEngine: engine } : {}) },
  }];
}
