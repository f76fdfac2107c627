/** A JSON Schema object as stored in schemas/*.json, with our `x-` annotations. */
export interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  patternProperties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
  enum?: unknown[];
  const?: unknown;
  $ref?: string;
  description?: string;
  default?: unknown;
  deprecated?: boolean;
  'x-replacement'?: string;
  'x-deprecated-message'?: string;
  'x-removed-in'?: string;
  'x-unknown-keys'?: 'error' | 'ignored';
  /** What the program does with a key of this section it lacks, when neither "rejects it at start-up" nor "ignores it" says it. */
  'x-unknown-keys-consequence'?: string;
  /** What the program does on a value this (sub)schema rejects, where it is not simply "stops at start-up". */
  'x-consequence'?: string;
  'x-auto'?: 'trainer' | 'deepspeed';
  [key: string]: unknown;
}

function resolveRef(root: SchemaNode, node: SchemaNode | undefined, depth = 0): SchemaNode | undefined {
  if (!node || !node.$ref || depth > 16) return node;
  const tokens = node.$ref.replace(/^#\/?/, '').split('/').filter(Boolean);
  let target: unknown = root;
  for (const token of tokens) target = (target as Record<string, unknown> | undefined)?.[token];
  return resolveRef(root, target as SchemaNode | undefined, depth + 1);
}

/** The branches a value may match: the node itself, or each of its anyOf/oneOf/allOf members. */
function branches(root: SchemaNode, node: SchemaNode): SchemaNode[] {
  const resolved = resolveRef(root, node);
  if (!resolved) return [];
  const members = [...(resolved.anyOf ?? []), ...(resolved.oneOf ?? []), ...(resolved.allOf ?? [])];
  return [resolved, ...members.flatMap((m) => branches(root, m))];
}

/** The schema that describes the property `token` of an object described by `node`. */
export function propertySchema(root: SchemaNode, node: SchemaNode, token: string): SchemaNode | undefined {
  for (const branch of branches(root, node)) {
    const direct = branch.properties?.[token];
    if (direct) return resolveRef(root, direct);
    for (const [pattern, schema] of Object.entries(branch.patternProperties ?? {})) {
      if (new RegExp(pattern).test(token)) return resolveRef(root, schema);
    }
    if (/^\d+$/.test(token) && branch.items) return resolveRef(root, branch.items);
  }
  for (const branch of branches(root, node)) {
    if (branch.additionalProperties && typeof branch.additionalProperties === 'object') return resolveRef(root, branch.additionalProperties);
  }
  return undefined;
}

/** The schema at a list of property names from the root, if the schema describes that path. */
export function schemaAt(root: SchemaNode, tokens: string[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
  for (const token of tokens) {
    if (!node) return undefined;
    node = propertySchema(root, node, token);
  }
  return node;
}

/** Every property name the schema allows on the object it describes (for "did you mean"). */
export function knownProperties(root: SchemaNode, node: SchemaNode): string[] {
  const names = new Set<string>();
  for (const branch of branches(root, node)) {
    for (const [name, sub] of Object.entries(branch.properties ?? {})) if (!(sub as { 'x-spelling-of'?: string })['x-spelling-of']) names.add(name);
  }
  return [...names];
}

/** The `x-unknown-keys` policy of an object schema, looking through its branches. */
export function unknownKeyPolicy(root: SchemaNode, node: SchemaNode): 'error' | 'ignored' | undefined {
  for (const branch of branches(root, node)) if (branch['x-unknown-keys']) return branch['x-unknown-keys'];
  return undefined;
}
