import type { TrainingPlan } from '../estimate/plan';
import type { AnchorKey, Anchors } from '../plan/anchors';
import { getPath } from '../estimate/findings';
import { splitPointer } from '../syntax/config-tree';

/** One input of the estimate, its value, and the key it was read from. */
export interface PlanInput {
  field: string;
  value: string;
  /** The key or flag that writes it in the file or a file it links; absent when nothing does. */
  key?: string;
}

const FIELDS: Array<{ label: string; path: string; anchor?: AnchorKey }> = [
  { label: 'model', path: 'model.name', anchor: 'model' },
  { label: 'sequence length', path: 'model.seqLength', anchor: 'seqLength' },
  { label: 'GPU', path: 'hardware.gpu' },
  { label: 'GPUs', path: 'parallel.worldSize' },
  { label: 'global batch', path: 'batch.global', anchor: 'batch.global' },
  { label: 'micro-batch per GPU', path: 'batch.micro', anchor: 'batch.micro' },
  { label: 'accumulation steps', path: 'batch.gradAccum', anchor: 'batch.gradAccum' },
  { label: 'tensor parallel', path: 'parallel.tp', anchor: 'parallel.tp' },
  { label: 'pipeline parallel', path: 'parallel.pp', anchor: 'parallel.pp' },
  { label: 'model chunks per stage', path: 'parallel.vpp', anchor: 'parallel.vpp' },
  { label: 'context parallel', path: 'parallel.cp', anchor: 'parallel.cp' },
  { label: 'data parallel', path: 'parallel.dp' },
  { label: 'precision', path: 'precision', anchor: 'precision' },
  { label: 'ZeRO stage', path: 'zero.stage', anchor: 'zero.stage' },
  { label: 'optimizer offload', path: 'zero.offloadOptimizer', anchor: 'zero.offloadOptimizer' },
  { label: 'parameter offload', path: 'zero.offloadParams', anchor: 'zero.offloadParams' },
  { label: 'activation recomputation', path: 'recompute', anchor: 'recompute' },
  { label: 'learning rate', path: 'optimizer.lr', anchor: 'optimizer.lr' },
];

/**
 * A key as its file writes it: `/zero_optimization/stage` is `zero_optimization.stage`; in a
 * launch script the command line's arguments are under `/args` (shell/shell-config.ts), so `/args/lr` is `--lr`.
 */
function keyName(pointer: string, commandLine: boolean): string {
  const parts = splitPointer(pointer);
  return commandLine && parts[0] === 'args' && parts.length === 2 ? `--${parts[1]}` : parts.join('.');
}

/**
 * The inputs the estimate used, each with the key it came from. A value no key writes came from the editor or
 * project settings, a linked file, the model catalog or a stated default; the assumptions say which. `commandLine`: the
 * file is a launch script.
 */
export function planInputs(plan: TrainingPlan, anchors: Anchors, commandLine: boolean): PlanInput[] {
  const inputs: PlanInput[] = [];
  for (const { label, path, anchor } of FIELDS) {
    const value = getPath(plan, path);
    if (value === undefined || value === null) continue;
    const node = anchor ? anchors[anchor] : undefined;
    inputs.push({ field: label, value: String(value), key: node ? keyName(node.pointer, commandLine) || String(node.key ?? '') : undefined });
  }
  return inputs;
}
