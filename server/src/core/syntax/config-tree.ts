import type { OffsetRange } from '../text/range';

export type ScalarValue = string | number | boolean | null;

/**
 * One node of the config tree shared by JSON, YAML and launch scripts.
 * Objects keep their properties in source order; a property's name and its range live on the child.
 */
export interface ConfigNode {
  kind: 'object' | 'array' | 'scalar';
  /** JSON Pointer of this node within its document ("" for the root). */
  pointer: string;
  /** Property name when the parent is an object, item index when it is an array. */
  key?: string | number;
  /** Where the property name is written; absent for array items and roots. */
  keyRange?: OffsetRange;
  /** Where the value is written. For a YAML alias this is the alias itself (`*name`). */
  range: OffsetRange;
  /** Scalars only: the value as the consuming framework reads it (PyYAML, json.load, argparse...). */
  value?: ScalarValue;
  /** Scalars only: the text as written, without surrounding quotes. */
  raw?: string;
  /** Scalars only: how the value was written. */
  style?: 'plain' | 'quoted' | 'block';
  children: ConfigNode[];
  /** True when the value comes through a YAML alias or merge key: its text stands elsewhere. */
  viaAlias?: boolean;
  /** True when the text holds no value here and the parser stood one in (a parse error is reported at the place). */
  missing?: boolean;
}

export type SyntaxProblemKind =
  | 'parse-error'
  | 'duplicate-key'
  | 'comment'
  | 'trailing-comma'
  | 'file-too-large'
  | 'alias-limit'
  | 'nesting-too-deep';

export interface SyntaxProblem {
  kind: SyntaxProblemKind;
  message: string;
  range: OffsetRange;
  /** For duplicate keys: where the first occurrence is written. */
  firstRange?: OffsetRange;
  /** For duplicate keys: both occurrences hold the same scalar value, so the one kept is the one written first too. */
  sameValue?: boolean;
  /** For a JSON parse error on unquoted text (`CONFIG_BATCH_SIZE`, `${stage}`): that text. */
  placeholder?: string;
  /** A parse error of the parser, not of the language (tree-sitter-bash's gaps): reported as a note, not an error. */
  uncertain?: boolean;
}

export interface ConfigDocument {
  root?: ConfigNode;
  /** Every node by JSON Pointer; a duplicated key maps to the occurrence that wins (the last). */
  index: Map<string, ConfigNode>;
}

export interface ConfigTree {
  language: 'json' | 'yaml' | 'shell';
  documents: ConfigDocument[];
  problems: SyntaxProblem[];
}

/** Escapes one reference token of a JSON Pointer (RFC 6901). */
export function escapePointerToken(token: string | number): string {
  const text = String(token);
  return text.includes('~') || text.includes('/') ? text.replace(/~/g, '~0').replace(/\//g, '~1') : text;
}

/** Two nodes that are scalars with the same loaded value (a duplicate key that changes nothing). */
export function sameScalar(a: ConfigNode, b: ConfigNode): boolean {
  return a.kind === 'scalar' && b.kind === 'scalar' && a.value === b.value;
}

export function childPointer(parent: string, token: string | number): string {
  return `${parent}/${escapePointerToken(token)}`;
}

export function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Fills the pointer index of a document from its root. */
export function indexDocument(root: ConfigNode | undefined): ConfigDocument {
  const index = new Map<string, ConfigNode>();
  const visit = (node: ConfigNode) => {
    index.set(node.pointer, node);
    for (const child of node.children) visit(child);
  };
  if (root) visit(root);
  return { root, index };
}

/** The plain JavaScript value of a node (what the framework's loader returns); later duplicate keys win. */
export function toPlain(node: ConfigNode | undefined): unknown {
  if (!node) return undefined;
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'array') return node.children.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const child of node.children) out[String(child.key)] = toPlain(child);
  return out;
}

/** The property of an object node by name; the last occurrence wins, as in json.load and PyYAML. */
export function getChild(node: ConfigNode | undefined, key: string): ConfigNode | undefined {
  if (!node || node.kind !== 'object') return undefined;
  for (let i = node.children.length - 1; i >= 0; i--) {
    if (node.children[i].key === key) return node.children[i];
  }
  return undefined;
}

/** Follows a path of property names from a node. */
export function getPath(node: ConfigNode | undefined, ...keys: string[]): ConfigNode | undefined {
  let current = node;
  for (const key of keys) current = getChild(current, key);
  return current;
}
