import { getLocation } from 'jsonc-parser';
import { squeezeJsonBlanks, type SqueezedJson } from '../syntax/json-blanks';
import type { FileAnalysis } from '../analyze';
import { formatScalar } from '../fix/edits';
import { knownProperties, propertySchema, schemaAt, type SchemaNode } from '../schema/schema-walk';
import { schemaFor } from '../schema/schemas';
import { splitPointer, type ScalarValue } from '../syntax/config-tree';
import type { OffsetRange } from '../text/range';
import { schemaMarkdown } from '../hover/key-docs';

export interface CompletionCandidate {
  label: string;
  kind: 'property' | 'value';
  /** Replaces `range`: the partly typed word, or nothing at the cursor. */
  insertText: string;
  range: OffsetRange;
  detail?: string;
  documentation?: string;
  deprecated: boolean;
}

/** Where the cursor is: typing a key of the object at `path`, or the value of the property at `path`. */
interface Place {
  what: 'key' | 'value';
  path: string[];
  range: OffsetRange;
  /** JSON: the word is already inside quotes, so the quotes stay. */
  quoted: boolean;
}

// One squeezed text per analysis: an editor asks for completion at many places of one version of a document.
const squeezedTexts = new WeakMap<FileAnalysis, SqueezedJson>();

function jsonPlace(analysis: FileAnalysis, offset: number): Place | undefined {
  let squeezed = squeezedTexts.get(analysis);
  if (!squeezed) squeezedTexts.set(analysis, (squeezed = squeezeJsonBlanks(analysis.text)));
  // What lies after the cursor's line does not change the place (a JSON token never spans lines): it is not scanned.
  const at = squeezed.toSqueezed(offset);
  const lineEnd = squeezed.text.indexOf('\n', at);
  const location = getLocation(lineEnd === -1 ? squeezed.text : squeezed.text.slice(0, lineEnd), at);
  const path = location.path.map(String);
  const previous = location.previousNode && { ...location.previousNode, offset: squeezed.toSource(location.previousNode.offset) };
  const onWord = previous && previous.offset <= offset && offset <= previous.offset + previous.length;
  const range = onWord ? { start: previous.offset, end: previous.offset + previous.length } : { start: offset, end: offset };
  if (location.isAtPropertyKey) return { what: 'key', path: path.slice(0, -1), range, quoted: !!onWord && (previous.type === 'property' || previous.type === 'string') };
  return { what: 'value', path, range, quoted: false };
}

const YAML_KEY_LINE = /^(\s*)(?:-\s+)?([^\s#:'"][^:#]*?|"[^"]*"|'[^']*'):(?:\s+(.*))?$/;

/**
 * Indentation-based: a half-typed YAML line rarely parses, so the path comes from the lines above it.
 * `keyLimit`: a parent key must be indented less than this; `dashLimit`: the same for an enclosing list item.
 */
function yamlPlace(text: string, offset: number): Place | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const typingKey = /^(\s*)(-\s+)?([\w.-]*)$/.exec(before);
  const typingValue = /^(\s*)(-\s+)?([\w.-]+):\s+([^#]*)$/.exec(before);
  const typing = typingKey ?? typingValue;
  if (!typing) return undefined;
  // A line that starts with `- ` is a list item: the path goes through index 0, whose schema all items share.
  const dashed = typing[2] !== undefined;
  const path: string[] = dashed ? ['0'] : [];
  const indent = typing[1].length;
  let keyLimit = dashed ? indent + 1 : indent;
  let dashLimit = indent;
  const lines = text.slice(0, lineStart).split('\n').reverse();
  for (const raw of lines) {
    if (keyLimit <= 0) break;
    const line = raw.replace(/\r$/, '');
    const dash = /^(\s*)-\s+/.exec(line);
    const key = YAML_KEY_LINE.exec(line);
    const inlineValue = key?.[3] !== undefined && key[3].trim() !== '' && !key[3].trim().startsWith('#');
    const keyIndent = dash ? dash[0].length : key?.[1].length ?? 0;
    if (key && !inlineValue && keyIndent < keyLimit) {
      path.unshift(key[2].replace(/^["']|["']$/g, ''));
      keyLimit = dashLimit = keyIndent;
    }
    if (dash && dash[1].length < dashLimit) {
      path.unshift('0');
      keyLimit = dash[1].length + 1; // In YAML a list may sit at its key's own indentation.
      dashLimit = dash[1].length;
    }
  }
  if (typingValue) {
    const word = typingValue[4];
    return { what: 'value', path: [...path, typingValue[3]], range: { start: offset - word.length, end: offset }, quoted: false };
  }
  const word = typingKey![3];
  return { what: 'key', path, range: { start: offset - word.length, end: offset }, quoted: false };
}

function valuesOf(schema: SchemaNode): ScalarValue[] {
  const values: ScalarValue[] = [];
  const add = (v: unknown) => {
    if ((typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null) && !values.includes(v)) values.push(v);
  };
  for (const branch of [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    branch.enum?.forEach(add);
    if (branch.const !== undefined) add(branch.const);
    const types = Array.isArray(branch.type) ? branch.type : [branch.type];
    if (types.includes('boolean')) [true, false].forEach(add);
  }
  if (schema['x-auto']) add('auto');
  return values;
}

/**
 * Completion of keys and values from the format's schema: the keys an object may still take (with their
 * description, default and deprecation) and the values a property allows (enum members, booleans, "auto").
 */
export function completionsAt(analysis: FileAnalysis, offset: number): CompletionCandidate[] {
  const schema = schemaFor(analysis.format);
  const language = analysis.tree.language;
  if (!schema || language === 'shell') return [];
  const place = language === 'json' ? jsonPlace(analysis, offset) : yamlPlace(analysis.text, offset);
  if (!place) return [];
  // Nested TrainingArguments dicts: the schema applies below the detected root.
  const root = analysis.detection.roots.map(splitPointer).find((tokens) => tokens.every((t, i) => place.path[i] === t)) ?? [];
  const path = place.path.slice(root.length);
  if (place.what === 'value') {
    const target = schemaAt(schema, path);
    if (!target) return [];
    return valuesOf(target).map((value) => ({
      label: language === 'json' ? JSON.stringify(value) : formatScalar('yaml', value),
      kind: 'value',
      insertText: language === 'json' ? JSON.stringify(value) : formatScalar('yaml', value),
      range: place.range,
      deprecated: false,
    }));
  }
  const parent = schemaAt(schema, path);
  if (!parent) return [];
  const objectPointer = [...root, ...path].map((t) => `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  const present = new Set<string>();
  for (const doc of analysis.tree.documents) for (const child of doc.index.get(objectPointer)?.children ?? []) present.add(String(child.key));
  const typed = language === 'json' ? analysis.text.slice(place.range.start, place.range.end).replace(/"/g, '') : '';
  return knownProperties(schema, parent)
    .filter((name) => !present.has(name) || name === typed)
    .map((name) => {
      const property = propertySchema(schema, parent, name) ?? {};
      const insertText = language === 'json' ? (place.quoted ? JSON.stringify(name) : `${JSON.stringify(name)}: `) : `${name}: `;
      return {
        label: name,
        kind: 'property' as const,
        insertText,
        range: place.range,
        detail: Array.isArray(property.type) ? property.type.join(' | ') : property.type,
        documentation: schemaMarkdown(name, property),
        deprecated: property.deprecated === true,
      };
    });
}
