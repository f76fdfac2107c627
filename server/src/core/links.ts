import { getChild, getPath, type ConfigNode } from './syntax/config-tree';
import type { FileAnalysis } from './analyze';
import type { Settings } from './settings';
import type { OffsetRange } from './text/range';
import { trainerValuesOf } from './facts/trainer-values';
import { shellFactsOf } from './shell/shell-config';
import { megatronParallelOf } from './shell/embedded';

/**
 * A config that names another file the framework will read with it. The analysis of the target
 * takes `context` as settings: who reads it and, where the linking file says, the world size.
 */
export interface ConfigLink {
  /** The path as written, relative to the linking file's folder unless absolute. */
  target: string;
  range: OffsetRange;
  kind: 'deepspeed-config';
  context: Settings;
}

function stringAt(node: ConfigNode | undefined): { value: string; node: ConfigNode } | undefined {
  return node && node.kind === 'scalar' && typeof node.value === 'string' && node.value.trim() !== '' ? { value: node.value, node } : undefined;
}

function positive(node: ConfigNode | undefined): number | undefined {
  return node && typeof node.value === 'number' && Number.isInteger(node.value) && node.value > 0 ? node.value : undefined;
}

export function findLinks(analysis: FileAnalysis): ConfigLink[] {
  const links: ConfigLink[] = [];
  for (const root of analysis.roots) {
    if (analysis.format === 'accelerate') {
      const file = stringAt(getPath(root, 'deepspeed_config', 'deepspeed_config_file'));
      if (!file) continue;
      // accelerate's num_processes counts every process on every machine.
      const processes = positive(getChild(root, 'num_processes'));
      links.push({ target: file.value, range: file.node.range, kind: 'deepspeed-config', context: { consumer: 'accelerate', cluster: processes ? { worldSize: processes } : undefined } });
    }
    if (analysis.format === 'hf-trainer' || analysis.format === 'llamafactory' || analysis.format === 'axolotl') {
      const file = stringAt(getChild(root, 'deepspeed'));
      // The Trainer fills and compares the DeepSpeed config against these values (hf-deepspeed-mismatch, on both files).
      const world = shellFactsOf(analysis.tree)?.world.value;
      const linkedFrom = trainerValuesOf(analysis.format, root, world);
      if (file && /\.json$/i.test(file.value)) links.push({ target: file.value, range: file.node.range, kind: 'deepspeed-config', context: { consumer: 'hf-trainer', ...(linkedFrom ? { linkedFrom } : {}), ...(world ? { cluster: { worldSize: world } } : {}) } });
    }
    if (analysis.format === 'megatron' && analysis.tree.language === 'shell') {
      // Megatron-DeepSpeed: DeepSpeed reads --deepspeed_config itself, in the launch's layout.
      const facts = shellFactsOf(analysis.tree);
      const file = stringAt(getChild(root, 'deepspeed_config') ?? getChild(root, 'deepspeed-config') ?? getChild(root, 'deepscale_config'));
      if (facts && file && /\.json$/i.test(file.value) && !facts.embedded.some((e) => e.target.map((p) => p.text).join('') === file.value)) {
        const parallel = megatronParallelOf(root);
        const engine = getChild(root, 'no-pipeline-parallel') === undefined ? 'Megatron-DeepSpeed builds a DeepSpeed PipelineModule (GPTModelPipe) because --deepspeed is given without --no-pipeline-parallel' : undefined;
        links.push({
          target: file.value,
          range: file.node.range,
          kind: 'deepspeed-config',
          context: { consumer: 'deepspeed', parallel: { tp: parallel.tp ?? 1, pp: parallel.pp ?? 1, cp: parallel.cp ?? 1 }, ...(facts.world.value ? { cluster: { worldSize: facts.world.value } } : {}), ...(engine ? { deepspeedPipelineEngine: engine } : {}) },
        });
      }
    }
  }
  return links;
}
