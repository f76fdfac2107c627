import type { OffsetRange } from '../text/range';
import type { ShellSyntaxNode } from './syntax';

// Quoted text and expansions that may run over a line break, where a `#` is text, not a comment.
const LITERAL_TYPES = new Set(['string', 'raw_string', 'ansi_c_string', 'translated_string', 'arithmetic_expansion']);

/**
 * The spans of a script that run over a line break and where a comment cannot be added at a line's end: quoted strings,
 * `$((...))`, and heredocs from `<<` through the line of their closing delimiter (a comment after `EOF` makes it no
 * delimiter). Only nodes that themselves span lines are entered, so a script costs about its multi-line statements.
 */
export function multilineLiterals(root: ShellSyntaxNode, text: string): OffsetRange[] {
  const spans: OffsetRange[] = [];
  const newlines: number[] = [];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) newlines.push(i);
  // Whether a line break lies in [start, end): the first one at or after start, by binary search.
  const multiline = (n: ShellSyntaxNode) => {
    let low = 0;
    let high = newlines.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (newlines[mid] < n.start) low = mid + 1;
      else high = mid;
    }
    return low < newlines.length && newlines[low] < n.end;
  };
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'heredoc_redirect') spans.push({ start: node.start, end: node.end + 1 });
    else if (LITERAL_TYPES.has(node.type)) spans.push({ start: node.start, end: node.end });
    else for (const child of node.children) if (multiline(child)) stack.push(child);
  }
  return spans;
}
