import type { ShellSyntaxNode } from '../shell/syntax';

/**
 * Python source as plain syntax nodes (tree-sitter-python 0.23 node types). Like the shell parser, the WebAssembly
 * grammar starts asynchronously at the edge (`server/src/node/python-parser.ts`) and the core gets a ready, synchronous
 * parser; the nodes have the same plain shape as the shell's (`shell/syntax.ts` fromTreeSitter builds both).
 */
export type PySyntaxNode = ShellSyntaxNode;

export interface PythonParser {
  /** Without `functionBodies` (default true) the body of each function may be left empty: an imported module is read for its imports and classes only. */
  parse(text: string, options?: { functionBodies?: boolean }): PySyntaxNode | undefined;
}

export const namedChildren = (node: PySyntaxNode): PySyntaxNode[] => node.children.filter((c) => c.named && c.type !== 'comment');

export const textOf = (node: PySyntaxNode, text: string): string => text.slice(node.start, node.end);

/** A dotted reference (`a`, `a.b.C`) as text, or undefined for any other expression. */
export function dottedName(node: PySyntaxNode | undefined, text: string): string | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return textOf(node, text);
  if (node.type === 'attribute' || node.type === 'dotted_name') {
    const parts = namedChildren(node).map((c) => dottedName(c, text));
    return parts.every((p) => p !== undefined) && parts.length > 0 ? parts.join('.') : undefined;
  }
  return undefined;
}

export type PyLiteral = string | number | boolean | null | PyLiteral[];

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

/** The value of a Python literal (strings, numbers, True/False/None, lists and tuples of them); undefined for anything else (an f-string, a name, a call). */
export function literalOf(node: PySyntaxNode | undefined, text: string, depth = 0): PyLiteral | undefined {
  if (!node || depth > 20) return undefined;
  switch (node.type) {
    case 'string': {
      let out = '';
      for (const part of node.children) {
        if (part.type === 'interpolation') return undefined;
        if (part.type === 'string_content') out += textOf(part, text);
        else if (part.type === 'escape_sequence') {
          const raw = textOf(part, text);
          out += ESCAPES[raw.slice(1)] ?? raw;
        }
      }
      return out;
    }
    case 'concatenated_string': {
      const parts = namedChildren(node).map((c) => literalOf(c, text, depth + 1));
      return parts.every((p) => typeof p === 'string') ? parts.join('') : undefined;
    }
    case 'integer':
    case 'float': {
      const value = Number(textOf(node, text).replace(/_/g, ''));
      return Number.isFinite(value) ? value : undefined;
    }
    case 'true':
      return true;
    case 'false':
      return false;
    case 'none':
      return null;
    case 'unary_operator': {
      const [operand] = namedChildren(node);
      const value = literalOf(operand, text, depth + 1);
      return typeof value === 'number' && textOf(node, text).trimStart().startsWith('-') ? -value : typeof value === 'number' ? value : undefined;
    }
    case 'parenthesized_expression':
      return literalOf(namedChildren(node)[0], text, depth + 1);
    case 'list':
    case 'tuple':
    case 'set': {
      const items = namedChildren(node).map((c) => literalOf(c, text, depth + 1));
      return items.every((i) => i !== undefined) ? (items as PyLiteral[]) : undefined;
    }
    default:
      return undefined;
  }
}

/** Python's str() of a literal, which is how HfArgumentParser's make_choice_type_function matches a choice (transformers/hf_argparser.py). */
export function pythonStr(value: PyLiteral): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null) return 'None';
  if (Array.isArray(value)) return `[${value.map(pythonStr).join(', ')}]`;
  return String(value);
}
