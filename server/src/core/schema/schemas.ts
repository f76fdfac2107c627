import type { Format } from '../programs/ids';
import type { SchemaNode } from './schema-walk';
import type { ConfigTree } from '../syntax/config-tree';
import { programOf } from '../programs/index';

/** The schema of a format's arguments (programs/<id>/); some depend on how the file is written (tree). */
export function schemaFor(format: Format, tree?: ConfigTree): SchemaNode | undefined {
  return programOf(format)?.schema?.(tree);
}
