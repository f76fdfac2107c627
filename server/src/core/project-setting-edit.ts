import { formatScalar } from './fix/edits';
import { parseYaml } from './syntax/from-yaml';
import { getChild } from './syntax/config-tree';
import type { TextEdit } from './text/range';

/**
 * The edits that set a top-level scalar of the project file (`model: meta-llama/Llama-2-7b-hf`): the value replaced
 * where the key is written, else the key appended; undefined for a file that is not a mapping, which an edit would break.
 * `text` undefined means the file does not exist yet.
 */
export function projectSettingEdits(text: string | undefined, key: string, value: string): TextEdit[] | undefined {
  const line = `${key}: ${formatScalar('yaml', value)}\n`;
  if (text === undefined || text.trim() === '') return [{ range: { start: 0, end: text?.length ?? 0 }, newText: line }];
  const tree = parseYaml(text);
  const root = tree.documents[0]?.root;
  if (tree.documents.length !== 1 || !root || root.kind !== 'object') return undefined;
  const node = getChild(root, key);
  if (node) return node.kind === 'scalar' ? [{ range: node.range, newText: formatScalar('yaml', value) }] : undefined;
  // A flow mapping (`{cluster: {...}}`) takes no block key after its closing brace: left for the user to edit.
  if (text.slice(root.range.start).trimStart().startsWith('{')) return undefined;
  const end = text.length;
  return [{ range: { start: end, end }, newText: (text.endsWith('\n') ? '' : '\n') + line }];
}
