import { closestModels } from '../catalog/suggest-model';
import { isLocalPath, resolveModel } from '../catalog/resolve-model';
import type { Fix } from '../diagnostic';
import { readingOf } from '../plan/reading';
import type { Rule } from './rule';

export const unknownModel: Rule = {
  meta: {
    code: 'TL504',
    name: 'unknown-model',
    severity: 'info',
    summary: 'The model id the run trains (a Hugging Face id, not a local path) is not in the model catalog and the file gives no shape, so memory, time and cost are not estimated.',
    why: 'The estimate needs the architecture (layers, hidden size, heads, vocabulary, MLP width). A catalog model, a fine-tune of one (an -Instruct or -chat suffix, a re-upload, a quantized copy, a documented fine-tune such as Vicuna or Zephyr) or a local checkpoint with its config.json gives it; an unknown name gives nothing.',
    fix: 'Offers the closest catalog models by name, each writing `model: <catalog id>` into the project file .trainlint.yaml (created when missing), and in VS Code "Choose the architecture...", a picker over the whole catalog that writes the same; `--model` does it on the command line. Choose the model whose architecture the run trains.',
    example: {
      language: 'yaml',
      text: 'model_name_or_path: my-org/llama2-7b-sft-v3\nper_device_train_batch_size: 4\nbf16: true\n',
    },
    references: ['TrainLint model catalog: server/src/core/catalog (every entry names its source)'],
  },
  check(ctx) {
    const built = readingOf(ctx)?.built;
    const model = built?.plan.model;
    const name = model?.name;
    if (!built || !name || model.totalParams !== undefined) return;
    if (model.layers !== undefined && model.hiddenSize !== undefined && model.heads !== undefined) return;
    // A checkpoint path that lives on the cluster is no id to choose for; the estimate says its shape is missing.
    if (isLocalPath(name) || resolveModel(name)) return;
    const closest = closestModels(name);
    const node = built.anchors.model;
    const first = ctx.roots[0]?.children[0];
    const range = node ? node.range : first ? first.keyRange ?? first.range : { start: 0, end: 0 };
    const fixes: Fix[] = [
      ...closest.map((id): Fix => ({ title: `Use architecture of ${id}`, safe: false, edits: [], projectSetting: { key: 'model', value: id } })),
      { title: 'Choose the architecture...', safe: false, edits: [], projectSetting: { key: 'model', value: '' }, choose: 'catalog-model' },
    ];
    ctx.report({
      range,
      message: `Model "${name}" is not in the model catalog and no shape is given, so memory, time and cost are not estimated. Choose the architecture it has: \`model: <catalog id>\` in .trainlint.yaml (or --model)${closest.length > 0 ? `, e.g. ${closest.join(', ')}` : ''}.`,
      fixes,
    });
  },
};
