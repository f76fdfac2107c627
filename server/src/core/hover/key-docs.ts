import type { Format } from '../programs/ids';
import { schemaAt, type SchemaNode } from '../schema/schema-walk';
import { schemaFor } from '../schema/schemas';
import { splitPointer, type ConfigNode, type ConfigTree } from '../syntax/config-tree';

const MAX_LISTED_VALUES = 12;

/** The schema of a property, found from its pointer below the config root that holds it (a launch script's flags have their own). */
export function schemaOfNode(format: Format, node: ConfigNode, root: ConfigNode, tree?: ConfigTree): SchemaNode | undefined {
  const schema = schemaFor(format, tree);
  if (!schema) return undefined;
  return schemaAt(schema, splitPointer(node.pointer.slice(root.pointer.length)));
}

function code(value: unknown): string {
  return `\`${JSON.stringify(value)}\``;
}

function typeText(type: SchemaNode['type']): string | undefined {
  if (type === undefined) return undefined;
  return (Array.isArray(type) ? type : [type]).join(' | ');
}

/** What a schema says about one key, as markdown: description, deprecation, type, default, allowed values, source. */
export function schemaMarkdown(name: string, schema: SchemaNode): string {
  const parts: string[] = [`**\`${name}\`**`];
  if (schema.deprecated) {
    const replacement = schema['x-replacement'] ? ` Use \`${schema['x-replacement']}\`.` : '';
    const removed = schema['x-removed-in'] ? ` Removed in ${schema['x-removed-in']}.` : '';
    parts.push(`⚠ **Deprecated.**${replacement}${removed}`);
  }
  if (schema.description) parts.push(schema.description);
  const facts: string[] = [];
  const type = typeText(schema.type);
  if (type) facts.push(`Type: \`${type}\``);
  if (schema.default !== undefined) facts.push(`Default: ${code(schema.default)}`);
  if (schema['x-auto']) facts.push(`Accepts \`"auto"\` (filled by ${schema['x-auto'] === 'trainer' ? 'the HF Trainer or accelerate' : 'DeepSpeed'})`);
  if (facts.length > 0) parts.push(facts.join(' · '));
  if (schema.enum && schema.enum.length > 0) {
    const listed = schema.enum.slice(0, MAX_LISTED_VALUES).map(code).join(', ');
    const more = schema.enum.length > MAX_LISTED_VALUES ? `, and ${schema.enum.length - MAX_LISTED_VALUES} more` : '';
    parts.push(`Allowed: ${listed}${more}`);
  }
  const source = schema['x-source'];
  if (typeof source === 'string') parts.push(`Source: ${source}`);
  return parts.join('\n\n');
}
