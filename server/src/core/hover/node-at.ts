import type { ConfigNode } from '../syntax/config-tree';
import type { FileAnalysis } from '../analyze';

export interface NodeAt {
  node: ConfigNode;
  /** Whether the offset is on the property name rather than on its value. */
  onKey: boolean;
  /** The config root (a detected root of the analysis) that holds the node, if any. */
  root?: ConfigNode;
}

function contains(range: { start: number; end: number } | undefined, offset: number): boolean {
  return range !== undefined && range.start <= offset && offset <= range.end;
}

/**
 * The innermost property or item written at an offset: its key when the offset is on the key, its value when
 * on a scalar value. Nodes that come through a YAML alias are skipped, since their text stands elsewhere.
 */
export function nodeAt(analysis: FileAnalysis, offset: number): NodeAt | undefined {
  if (analysis.tree.language === 'shell') return shellNodeAt(analysis, offset);
  for (const doc of analysis.tree.documents) {
    if (!doc.root || !contains(doc.root.range, offset)) continue;
    let found: NodeAt | undefined;
    const visit = (node: ConfigNode) => {
      for (const child of node.children) {
        if (child.viaAlias) continue;
        if (contains(child.keyRange, offset)) {
          found = { node: child, onKey: true };
          return;
        }
        if (contains(child.range, offset)) {
          if (child.kind === 'scalar') found = { node: child, onKey: false };
          else visit(child);
          return;
        }
      }
    };
    visit(doc.root);
    if (found) return withRoot(analysis, doc, found);
  }
  return undefined;
}

const span = (range: { start: number; end: number }) => range.end - range.start;

/**
 * In a launch script ranges do not nest: a flag is often written outside the command that passes it
 * (`ARGS=(--lr 3e-4)`, then `torchrun ... "${ARGS[@]}"`), its value where a variable is assigned, and `/launcher`
 * spans the whole command. The narrowest key or scalar value written at the offset is the one meant.
 */
function shellNodeAt(analysis: FileAnalysis, offset: number): NodeAt | undefined {
  for (const doc of analysis.tree.documents) {
    let found: NodeAt | undefined;
    let width = Infinity;
    const consider = (node: ConfigNode, range: { start: number; end: number } | undefined, onKey: boolean) => {
      if (range && contains(range, offset) && span(range) < width) {
        found = { node, onKey };
        width = span(range);
      }
    };
    const visit = (node: ConfigNode) => {
      for (const child of node.children) {
        consider(child, child.keyRange, true);
        if (child.kind === 'scalar') consider(child, child.range, false);
        else visit(child);
      }
    };
    if (doc.root) visit(doc.root);
    if (found) return withRoot(analysis, doc, found);
  }
  return undefined;
}

function withRoot(analysis: FileAnalysis, doc: FileAnalysis['tree']['documents'][number], found: NodeAt): NodeAt {
  const pointer = found.node.pointer;
  found.root = analysis.roots.find((r) => doc.index.get(r.pointer) === r && (pointer === r.pointer || pointer.startsWith(`${r.pointer}/`)));
  return found;
}
