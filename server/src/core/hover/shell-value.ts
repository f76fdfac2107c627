import { LineIndex } from '../text/line-index';
import type { ConfigNode } from '../syntax/config-tree';

/**
 * A launch-script flag's value as the script resolves it: `4`, and where it was set when that is not beside the flag
 * (`--tensor-model-parallel-size $TP` with `TP=4` above). The value node is ranged where its text was written.
 */
export function resolvedValueMarkdown(text: string, node: ConfigNode): string | undefined {
  if (node.kind !== 'scalar' || !node.keyRange) return undefined;
  if (node.value === undefined) return 'Value: not known statically (it comes from the environment or a command the script runs)';
  if (node.raw === '') return 'Value: given as a switch (no value)';
  const between = node.range.start >= node.keyRange.end ? text.slice(node.keyRange.end, node.range.start) : undefined;
  const beside = between !== undefined && /^[\s=\\]*$/.test(between);
  const value = `Value: \`${node.raw}\``;
  if (beside) return value;
  const lines = new LineIndex(text);
  const { line } = lines.positionAt(node.range.start);
  const written = text.slice(lines.offsetAt({ line, character: 0 }), lines.offsetAt({ line: line + 1, character: 0 })).trim();
  return `${value}, set on line ${line + 1}: \`${written.replace(/`/g, "'")}\``;
}
