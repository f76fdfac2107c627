// Where each generated schema is served from: its stable `$id`, the URL SchemaStore's catalog and the
// `# yaml-language-server: $schema=...` line name (docs/schemastore.md).
export const SCHEMA_BASE = 'https://raw.githubusercontent.com/trainlint/trainlint/main/schemas/';

/** The schema with `$id` after `$schema`, as editors and SchemaStore read the top of a schema. */
export function withId(file, schema) {
  const { $schema, ...rest } = schema;
  return { $schema, $id: `${SCHEMA_BASE}${file}`, ...rest };
}
