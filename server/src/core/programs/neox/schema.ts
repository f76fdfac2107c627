import type { SchemaNode } from '../../schema/schema-walk';
import neox from '../../../../../schemas/neox.schema.json';

// NeoXArgs.from_ymls replaces "-" by "_" in top-level keys, so `pipe-parallel-size` is `pipe_parallel_size`; the
// dashed spellings are marked x-spelling-of and left out of "did you mean" and completion (schema-walk.ts knownProperties).
const neoxSchema = neox as unknown as SchemaNode;
export const neoxWithDashes = {
  ...neoxSchema,
  properties: {
    ...Object.fromEntries(Object.entries(neoxSchema.properties ?? {}).filter(([key]) => key.includes('_')).map(([key, sub]) => [key.replace(/_/g, '-'), { ...sub, 'x-spelling-of': key }])),
    ...neoxSchema.properties,
  },
} as SchemaNode;
