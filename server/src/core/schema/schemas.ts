import type { Format } from '../detect/formats';
import type { SchemaNode } from './schema-walk';
import deepspeed from '../../../../schemas/deepspeed.schema.json';
import hfTrainingArgs from '../../../../schemas/hf-training-args.schema.json';
import accelerate from '../../../../schemas/accelerate.schema.json';
import megatronFlags from '../../../../schemas/megatron.schema.json';
import megatronDeepSpeedFlags from '../../../../schemas/megatron-deepspeed.schema.json';
import megatronYaml from '../../../../schemas/megatron-yaml.schema.json';
import type { ConfigTree } from '../syntax/config-tree';
import { shellFactsOf } from '../shell/shell-config';

// Schemas are bundled as data so the core never reads files.
const SCHEMAS: Partial<Record<Format, SchemaNode>> = {
  deepspeed: deepspeed as unknown as SchemaNode,
  'hf-trainer': hfTrainingArgs as unknown as SchemaNode,
  accelerate: accelerate as unknown as SchemaNode,
};

/** The schema of a format; Megatron's depends on how it is written (launch-script flags, Megatron-DeepSpeed's flags, --yaml-cfg). */
export function schemaFor(format: Format, tree?: ConfigTree): SchemaNode | undefined {
  if (format === 'megatron') {
    if (tree?.language === 'shell') return (shellFactsOf(tree)?.megatronDeepSpeed ? megatronDeepSpeedFlags : megatronFlags) as unknown as SchemaNode;
    return megatronYaml as unknown as SchemaNode;
  }
  return SCHEMAS[format];
}
