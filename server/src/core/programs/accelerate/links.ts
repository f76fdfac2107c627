import { getChild, getPath, type ConfigNode } from '../../syntax/config-tree';
import { positive, stringAt, type ConfigLink } from '../../links';

/** The DeepSpeed config an accelerate config names (deepspeed_config.deepspeed_config_file), read by accelerate. */
export function links(root: ConfigNode): ConfigLink[] {
  const file = stringAt(getPath(root, 'deepspeed_config', 'deepspeed_config_file'));
  if (!file) return [];
  // accelerate's num_processes counts every process on every machine.
  const processes = positive(getChild(root, 'num_processes'));
  return [{ target: file.value, range: file.node.range, kind: 'deepspeed-config', context: { consumer: 'accelerate', cluster: processes ? { worldSize: processes } : undefined } }];
}
