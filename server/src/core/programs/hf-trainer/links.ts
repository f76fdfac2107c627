import { getChild, type ConfigNode } from '../../syntax/config-tree';
import type { FileAnalysis } from '../../analyze';
import { stringAt, type ConfigLink } from '../../links';
import { shellFactsOf } from '../../shell/shell-config';
import { trainerValuesOf } from './trainer-values';

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
