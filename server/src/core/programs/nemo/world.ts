import { getChild, type ConfigTree } from '../../syntax/config-tree';

/** NeMo states its process layout: trainer.devices x trainer.num_nodes (PyTorch Lightning's Trainer). */
export function worldOf(tree: ConfigTree): { value?: number; envDefault?: string } | undefined {
  const trainer = getChild(tree.documents[0]?.root, 'trainer');
  const devices = getChild(trainer, 'devices')?.value;
  const nodes = getChild(trainer, 'num_nodes')?.value ?? 1;
  if (typeof devices !== 'number' || typeof nodes !== 'number' || !Number.isInteger(devices) || !Number.isInteger(nodes) || devices < 1 || nodes < 1) return undefined;
  return { value: devices * nodes };
}
