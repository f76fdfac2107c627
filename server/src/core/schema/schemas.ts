import type { Format } from '../programs/ids';
import type { SchemaNode } from './schema-walk';
import type { ConfigTree } from '../syntax/config-tree';
import { PROGRAMS, programOf } from '../programs/index';

/** The schema of a format's arguments (programs/<id>/); some depend on how the file is written (tree). */
export function schemaFor(format: Format, tree?: ConfigTree): SchemaNode | undefined {
  return programOf(format)?.schema?.(tree);
}

/** Every schema schemaFor returns, for scripts/precompile-validators.mjs, which compiles their validators at build time. */
export function validatedSchemas(): SchemaNode[] {
  // A function: the programs import this module while the registry is still being built.
  return PROGRAMS.flatMap((p) => p.schemas ?? (p.schema?.(undefined) ? [p.schema(undefined)!] : []));
}
