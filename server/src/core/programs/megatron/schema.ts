import type { SchemaNode } from '../../schema/schema-walk';
import megatronFlags from '../../../../../schemas/megatron.schema.json';
import megatronDeepSpeedFlags from '../../../../../schemas/megatron-deepspeed.schema.json';
import megatronYaml from '../../../../../schemas/megatron-yaml.schema.json';
import type { ConfigTree } from '../../syntax/config-tree';
import { shellFactsOf } from '../../shell/shell-config';

export const schemas = [megatronFlags, megatronDeepSpeedFlags, megatronYaml] as unknown as SchemaNode[];

/** Megatron's arguments depend on how they are written: launch-script flags (Megatron-LM's or Megatron-DeepSpeed's) or --yaml-cfg. */
export function schema(tree: ConfigTree | undefined): SchemaNode {
  if (tree?.language === 'shell') return (shellFactsOf(tree)?.megatronDeepSpeed ? megatronDeepSpeedFlags : megatronFlags) as unknown as SchemaNode;
  return megatronYaml as unknown as SchemaNode;
}
