import { insertPropertyAfter, replaceValue } from '../../fix/edits';
import type { LayoutWrite, LayoutWriter } from '../../suggest/layout';
import { getChild, getPath } from '../../syntax/config-tree';

/**
 * Writes a layout's sharding into a DeepSpeed config (deepspeed/runtime/zero/config.py: zero_optimization.stage,
 * offload_optimizer.device). Recomputation is not the config's to switch on: its activation_checkpointing section only
 * configures deepspeed.checkpointing, which takes effect where the model's code calls it (Megatron-DeepSpeed); an HF model
 * recomputes with the trainer's gradient_checkpointing. The model split (TP, PP) stays with the launcher and the program.
 */
export const layoutWriter: LayoutWriter = (ctx, from, to): LayoutWrite => {
  const { tree, root, text } = ctx;
  const language = tree.language;
  const out: LayoutWrite = { edits: [], byHand: [] };
  const stage = to.sharding.kind === 'zero' ? to.sharding.stage : 0;
  const fromStage = from.sharding.kind === 'zero' ? from.sharding.stage : 0;
  const zero = getChild(root, 'zero_optimization');
  const stageNode = getChild(zero, 'stage');
  if (stage !== fromStage || (stageNode && stageNode.value !== stage)) {
    if (stageNode?.kind === 'scalar') out.edits.push(replaceValue(language, stageNode, stage));
    else if (zero?.kind === 'object' && zero.children.length > 0) out.edits.push(insertPropertyAfter(language, text, zero.children[zero.children.length - 1], 'stage', String(stage)));
    else if (!zero && root.children.length > 0) out.edits.push(insertPropertyAfter(language, text, root.children[root.children.length - 1], 'zero_optimization', `{ "stage": ${stage} }`));
    else out.byHand.push(`set zero_optimization.stage to ${stage}`);
  }
  if (from.offload !== to.offload) {
    const device = getPath(zero, 'offload_optimizer', 'device');
    if (device?.kind === 'scalar') out.edits.push(replaceValue(language, device, to.offload ? 'cpu' : 'none'));
    else out.byHand.push(to.offload ? 'add zero_optimization.offload_optimizer: { "device": "cpu" }' : 'remove zero_optimization.offload_optimizer');
  }
  if (from.recompute !== to.recompute) {
    out.byHand.push(to.recompute === 'none'
      ? 'turn activation recomputation off where the training program sets it (HF Trainer: gradient_checkpointing: false)'
      : 'turn on activation recomputation in the training program (HF Trainer: gradient_checkpointing: true); the config\'s activation_checkpointing section only configures deepspeed.checkpointing calls');
  }
  return out;
};
