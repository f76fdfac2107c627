import type { SchemaNode } from '../../schema/schema-walk';
import llamafactory from '../../../../../schemas/llamafactory.schema.json';
import { getChild, type ConfigTree } from '../../syntax/config-tree';

/** The v0 argument dataclasses' schema; LLaMA-Factory v1 (dist_config, model: {...}) has other keys and none. */
export function schema(tree: ConfigTree | undefined): SchemaNode | undefined {
  const root = tree?.documents[0]?.root;
  if (getChild(root, 'dist_config') || getChild(root, 'model')?.kind === 'object' || getChild(root, 'cp_mode')) return undefined;
  return llamafactory as unknown as SchemaNode;
}
