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

/**
 * The edits that turn one rule off for one file in the project file: an `overrides` entry naming the file from the
 * project's root (`/ds_config.json`: anchored, so no other file of that name matches), appended to the list or
 * starting it. Undefined where an edit could break the file (not a mapping, a flow list) or the path holds glob syntax.
 */
export function projectOverrideEdits(text: string | undefined, relativePath: string, rule: string): TextEdit[] | undefined {
  if (/[*?]/.test(relativePath)) return undefined;
  const entry = (indent: string) => `${indent}- files: [${formatScalar('yaml', `/${relativePath}`)}]\n${indent}  rules: {${rule}: off}\n`;
  if (text === undefined || text.trim() === '') return [{ range: { start: 0, end: text?.length ?? 0 }, newText: `overrides:\n${entry('  ')}` }];
  const tree = parseYaml(text);
  const root = tree.documents[0]?.root;
  if (tree.documents.length !== 1 || !root || root.kind !== 'object' || text.slice(root.range.start).trimStart().startsWith('{')) return undefined;
  const overrides = getChild(root, 'overrides');
  if (!overrides) return [{ range: { start: text.length, end: text.length }, newText: `${text.endsWith('\n') ? '' : '\n'}overrides:\n${entry('  ')}` }];
  const first = overrides.children[0];
  const last = overrides.children[overrides.children.length - 1];
  if (overrides.kind !== 'array' || !first || !last) return undefined;
  // The list's indentation: what stands before the first item's dash on its line (a flow list `[...]` has no dash).
  const dash = /^([ \t]*)-[ \t]/.exec(text.slice(text.lastIndexOf('\n', first.range.start - 1) + 1, first.range.start));
  if (!dash) return undefined;
  const lineEnd = text.indexOf('\n', last.range.end);
  const at = lineEnd === -1 ? text.length : lineEnd + 1;
  return [{ range: { start: at, end: at }, newText: (lineEnd === -1 ? '\n' : '') + entry(dash[1]) }];
}

