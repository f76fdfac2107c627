import type { Format } from '../detect/formats';
import type { SchemaNode } from './schema-walk';
import deepspeed from '../../../../schemas/deepspeed.schema.json';
import hfTrainingArgs from '../../../../schemas/hf-training-args.schema.json';
import accelerate from '../../../../schemas/accelerate.schema.json';

// Schemas are bundled as data so the core never reads files.
const SCHEMAS: Partial<Record<Format, SchemaNode>> = {
  deepspeed: deepspeed as unknown as SchemaNode,
  'hf-trainer': hfTrainingArgs as unknown as SchemaNode,
  accelerate: accelerate as unknown as SchemaNode,
};

export function schemaFor(format: Format): SchemaNode | undefined {
  return SCHEMAS[format];
}
