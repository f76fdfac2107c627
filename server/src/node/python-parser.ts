import { readFileSync } from 'node:fs';
import type { PySyntaxNode, PythonParser } from '../core/python/syntax';
import { treeSitterRuntime, wasmPath } from './shell-parser';

/**
 * Loads tree-sitter-python (WebAssembly) once, asynchronously, and returns a synchronous parser for the pure core, which
 * reads the argument classes of the programs launch scripts run (core/python/). Like the bash grammar, the .wasm is read
 * from beside the bundle (dist/, copied by scripts/bundle.mjs) or from node_modules; nothing is fetched.
 */
let loading: Promise<PythonParser | undefined> | undefined;

export function loadPythonParser(): Promise<PythonParser | undefined> {
  loading ??= load().catch(() => undefined);
  return loading;
}

async function load(): Promise<PythonParser | undefined> {
  const grammar = wasmPath('tree-sitter-python.wasm', 'tree-sitter-python');
  const treeSitter = await treeSitterRuntime();
  if (!grammar || !treeSitter) return undefined;
  const language = await treeSitter.Language.load(readFileSync(grammar));
  const parser = new treeSitter.Parser();
  parser.setLanguage(language);
  return {
    parse(text: string, options?: { functionBodies?: boolean }) {
      let tree: ReturnType<typeof parser.parse> = null;
      try {
        tree = parser.parse(text);
        return tree ? convert(tree, options?.functionBodies ?? true) : undefined;
      } catch {
        return undefined;
      } finally {
        tree?.delete();
      }
    },
  };
}

// Bounds the conversion of hostile input, as shell/syntax.ts does for scripts.
const MAX_NODES = 400_000;
const MAX_DEPTH = 1_000;

/**
 * Copies a tree into plain nodes with a cursor (much cheaper than a Node object per child in web-tree-sitter), keeping
 * named nodes and `=` only, which is all core/python/module.ts reads. Without `functionBodies` the body of every
 * function is left empty: an imported module is read for its imports and classes, and a method such as
 * __post_init__ is often the larger part of it.
 */
function convert(tree: NonNullable<ReturnType<InstanceType<typeof import('web-tree-sitter').Parser>['parse']>>, functionBodies: boolean): PySyntaxNode {
  const cursor = tree.walk();
  try {
    const root: PySyntaxNode = { type: cursor.nodeType, start: cursor.startIndex, end: cursor.endIndex, named: true, children: [] };
    // The plain node each cursor depth adds children to (a skipped anonymous node passes its parent on).
    const parents: PySyntaxNode[] = [root];
    let count = 1;
    if (!cursor.gotoFirstChild()) return root;
    for (;;) {
      const parent = parents[parents.length - 1];
      const type = cursor.nodeType;
      const keep = cursor.nodeIsNamed || type === '=';
      let node: PySyntaxNode | undefined;
      if (keep && count < MAX_NODES) {
        node = { type, start: cursor.startIndex, end: cursor.endIndex, named: cursor.nodeIsNamed, children: [] };
        if (cursor.nodeIsMissing) node.missing = true;
        parent.children.push(node);
        count++;
      }
      const skipBody = !functionBodies && type === 'block' && parent.type === 'function_definition';
      const descend = (node !== undefined || !keep) && !skipBody && parents.length < MAX_DEPTH && count < MAX_NODES;
      if (descend && cursor.gotoFirstChild()) {
        parents.push(node ?? parent);
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent() || parents.length <= 1) return root;
        parents.pop();
      }
    }
  } finally {
    cursor.delete();
  }
}
