import { getChild, type ConfigNode } from '../../syntax/config-tree';
import type { FileAnalysis } from '../../analyze';
import type { Settings } from '../../settings';
import { stringAt, type ConfigLink } from '../../links';
import { shellFactsOf } from '../../shell/shell-config';
import { trainerValuesOf } from './trainer-values';

// TrainingArguments fields whose value is a path to a file of another kind (transformers training_args.py).
export const TRAINER_PATH_FIELDS = new Set(['deepspeed', 'fsdp_config', 'accelerator_config']);

/**
 * The context of a DeepSpeed config named by the accelerate config a Trainer launch script passes: the HF Trainer the
 * script starts fills and compares it against its flags, in the world size accelerate's num_processes gives.
 */
export function launchedDeepSpeedContext(root: ConfigNode, world: number | undefined): Settings | undefined {
  const linkedFrom = trainerValuesOf('hf-trainer', root, world);
  return linkedFrom ? { consumer: 'hf-trainer', linkedFrom, ...(world ? { cluster: { worldSize: world } } : {}) } : undefined;
}

/**
 * The links of a file whose program builds TrainingArguments from it (the HF Trainer, axolotl, LLaMA-Factory): the
 * DeepSpeed config its `deepspeed` key names, and the local checkpoint's config.json its model key may name
 * (`modelKeys`, the first one set).
 */
export function trainerLinks(modelKeys: string[]): (root: ConfigNode, analysis: FileAnalysis) => ConfigLink[] {
  return (root, analysis) => {
    const links: ConfigLink[] = [];
    const file = stringAt(getChild(root, 'deepspeed'));
    // The Trainer fills and compares the DeepSpeed config against these values (hf-deepspeed-mismatch, on both files).
    const world = shellFactsOf(analysis.tree)?.world.value;
    const linkedFrom = trainerValuesOf(analysis.format, root, world);
    if (file && /\.json$/i.test(file.value)) links.push({ target: file.value, range: file.node.range, kind: 'deepspeed-config', context: { consumer: 'hf-trainer', ...(linkedFrom ? { linkedFrom } : {}), ...(world ? { cluster: { worldSize: world } } : {}) } });
    for (const key of modelKeys) {
      const model = stringAt(getChild(root, key));
      if (!model) continue;
      // transformers: from_pretrained reads a local folder's config.json when the path is a directory, else the Hub.
      const target = /config\.json$/i.test(model.value) ? model.value : `${model.value.replace(/\/+$/, '')}/config.json`;
      links.push({ target, range: model.node.range, kind: 'model-config', context: {}, optional: true });
      break;
    }
    return links;
  };
}
