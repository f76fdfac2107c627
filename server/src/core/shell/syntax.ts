/**
 * The shell syntax tree as plain data. The parser itself (tree-sitter-bash in WebAssembly) needs an
 * asynchronous start, so the front ends load it once (`server/src/node/shell-parser.ts`) and hand the core
 * a ready `ShellParser`; the core only ever sees these plain nodes, never the WebAssembly objects.
 */
export interface ShellSyntaxNode {
  /** tree-sitter-bash node type (`command`, `variable_assignment`, `string`...); `ERROR` for text it could not parse. */
  type: string;
  /** UTF-16 offsets into the parsed text. */
  start: number;
  end: number;
  /** False for punctuation and keywords (`"`, `=`, `then`). */
  named: boolean;
  /** True for a node the parser inserted to recover from an error (a missing `fi`, a missing quote). */
  missing?: boolean;
  children: ShellSyntaxNode[];
  /** On the root only: the tree was nested deeper than MAX_SHELL_DEPTH and cut there. */
  truncated?: boolean;
}

/** Parses a whole script synchronously; returns undefined when the parser gives up (it normally recovers). */
export interface ShellParser {
  parse(text: string): ShellSyntaxNode | undefined;
}

/** The subset of a tree-sitter node that the conversion reads (web-tree-sitter's `Node` has it). */
export interface TreeSitterNodeLike {
  type: string;
  startIndex: number;
  endIndex: number;
  isNamed: boolean;
  isMissing: boolean;
  childCount: number;
  child(index: number): TreeSitterNodeLike | null;
}

/** Bounds the conversion of hostile input: deeper or larger trees are cut, never followed. */
export const MAX_SHELL_NODES = 400_000;
// Real launch scripts stay under 60 levels; the interpreter walks the tree recursively, so deeper trees are cut.
export const MAX_SHELL_DEPTH = 200;

/**
 * Copies a tree-sitter tree into plain nodes, iteratively (no recursion, so no stack overflow on deep input).
 * tree-sitter's JavaScript binding reports indices in UTF-16 code units, the core's offsets.
 */
export function fromTreeSitter(root: TreeSitterNodeLike): ShellSyntaxNode {
  const convert = (n: TreeSitterNodeLike): ShellSyntaxNode => ({
    type: n.type,
    start: n.startIndex,
    end: n.endIndex,
    named: n.isNamed,
    ...(n.isMissing ? { missing: true } : {}),
    children: [],
  });
  const out = convert(root);
  const stack: Array<[TreeSitterNodeLike, ShellSyntaxNode, number]> = [[root, out, 0]];
  let count = 1;
  while (stack.length > 0) {
    const [node, plain, depth] = stack.pop()!;
    if (depth >= MAX_SHELL_DEPTH) {
      if (node.childCount > 0) out.truncated = true;
      continue;
    }
    for (let i = 0; i < node.childCount && count < MAX_SHELL_NODES; i++) {
      const child = node.child(i);
      if (!child) continue;
      const converted = convert(child);
      plain.children.push(converted);
      count++;
      stack.push([child, converted, depth + 1]);
    }
  }
  return out;
}
