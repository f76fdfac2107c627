import type { ConfigNode, ScalarValue } from '../syntax/config-tree';
import type { TextEdit } from '../text/range';

export type Language = 'json' | 'yaml' | 'shell';

/** Renames a property in place, keeping the quoting style of its language. */
export function renameKey(language: Language, text: string, node: ConfigNode, newKey: string): TextEdit | undefined {
  // A key that comes through a YAML merge (`<<: *base`) is written in the anchored mapping; its range here is the alias.
  if (!node.keyRange || node.viaAlias) return undefined;
  // A key the parser recovered from broken text (`<<: []: r`) has no written span: an insertion there never renames it.
  if (node.keyRange.start === node.keyRange.end) return undefined;
  const written = text.slice(node.keyRange.start, node.keyRange.end);
  const quoted = written.startsWith('"') || written.startsWith("'");
  // A plain YAML key whose span does not spell it (a byte order mark inside the file is part of the key PyYAML reads,
  // not of the span): renaming the span would leave the key misspelt.
  if (language === 'yaml' && !quoted && written !== String(node.key)) return undefined;
  const newText = language === 'json' || quoted ? JSON.stringify(newKey) : newKey;
  return { range: node.keyRange, newText };
}

/** Writes a scalar the way each language spells it; YAML numbers are spelt so PyYAML reads them as numbers. */
export function formatScalar(language: Language, value: ScalarValue): string {
  if (typeof value === 'string') {
    if (language === 'yaml' && /^[A-Za-z_][A-Za-z0-9_.\-/]*$/.test(value) && !/^(?:true|false|yes|no|on|off|null|~)$/i.test(value)) return value;
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (language === 'yaml' && !Number.isInteger(value)) return yamlFloat(numberText(value));
    return numberText(value);
  }
  return String(value);
}

/** Small fractions in exponent form, as configs write learning rates (4.243e-4, not 0.0004243). */
function numberText(value: number): string {
  return !Number.isInteger(value) && value !== 0 && Math.abs(value) < 1e-3 ? value.toExponential() : String(value);
}

/** A float literal PyYAML 1.1 reads as a float: a dot is required and an exponent needs a sign. */
function yamlFloat(text: string): string {
  if (!/e/i.test(text)) return text.includes('.') ? text : `${text}.0`;
  const [mantissa, exponent] = text.split(/e/i);
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  const e = exponent.startsWith('-') || exponent.startsWith('+') ? exponent : `+${exponent}`;
  return `${m}e${e}`;
}

export function replaceValue(language: Language, node: ConfigNode, value: ScalarValue): TextEdit {
  return { range: node.range, newText: formatScalar(language, value) };
}

/** Adds `name: value` (value already written in the file's language) as the next property after `after`, indented like it. */
export function insertPropertyAfter(language: Language, text: string, after: ConfigNode, name: string, valueText: string): TextEdit {
  const lineStart = text.lastIndexOf('\n', (after.keyRange ?? after.range).start - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const at = after.range.end;
  const newText = language === 'json' ? `,\n${indent}${JSON.stringify(name)}: ${valueText}` : `\n${indent}${name}: ${valueText}`;
  return { range: { start: at, end: at }, newText };
}

// A word needs no quotes in bash when it holds none of the characters the shell treats specially (no glob, tilde or
// expansion characters either).
const PLAIN_SHELL_WORD = /^[\w.\/:@%+,=-]+$/;

/**
 * Fits one replacement to the shell word it lands in, or says it cannot (undefined: the fix is not offered). Rules
 * write string values as JSON literals (`"cosine"`) over the span of the value read, which skips quotes: `"sine"` spans
 * `sine`, and a word joined from pieces (`x"sine"`, `"si"ne`) spans quotes of its own. Replacing such a span as it
 * was written would unbalance the quoting (fuzz seed 7001 case 4,816: `}"sine"` became `"cosine""`).
 */
export function fitShellEdit(text: string, edit: TextEdit): TextEdit | undefined {
  const { start, end } = edit.range;
  const value = stringLiteral(edit.newText);
  // Insertions write whole words or lines of their own; deletions and multi-word edits remove or write whole words.
  if (start === end || (value === undefined && (edit.newText === '' || /\s/.test(edit.newText)))) return edit;
  const written = text.slice(start, end);
  const word = value ?? edit.newText;
  // The span is one whole quoted word (a quoted flag renamed): it is written again in double quotes.
  if (/^(["'])[^"'\\$`]*\1$/.test(written)) return { range: edit.range, newText: doubleQuoted(word) };
  if (/["'\\$`]/.test(written)) return undefined;
  if (PLAIN_SHELL_WORD.test(word)) return { range: edit.range, newText: word };
  const before = text[start - 1];
  const after = text[end];
  if (before === '"' && after === '"') return { range: edit.range, newText: doubleQuoted(word).slice(1, -1) };
  if (before === "'" && after === "'") return word.includes("'") ? undefined : { range: edit.range, newText: word };
  const boundary = (c: string | undefined) => c === undefined || /[\s;|&()]/.test(c);
  return boundary(before) && boundary(after) ? { range: edit.range, newText: doubleQuoted(word) } : undefined;
}

/** The string a JSON string literal spells, or undefined for any other text. */
function stringLiteral(newText: string): string | undefined {
  if (!newText.startsWith('"')) return undefined;
  try {
    const value: unknown = JSON.parse(newText);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A bash double-quoted word: inside double quotes only `"`, `$`, backquote and backslash need a backslash. */
function doubleQuoted(value: string): string {
  return `"${value.replace(/["$`\\]/g, '\\$&')}"`;
}
