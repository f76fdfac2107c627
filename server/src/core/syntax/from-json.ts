import { parseTree, visit, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { childPointer, indexDocument, sameScalar, type ConfigNode, type ConfigTree, type SyntaxProblem } from './config-tree';
import { DEFAULT_LIMITS, MAX_DEPTH, nestingTooDeep, type ParseLimits } from './limits';

const MAX_SYNTAX_ERRORS = 100;
// Unquoted text where a value belongs: a template placeholder (`${zero_stage}`, `BATCH_SIZE`), matched where the error is.
const BARE_WORD = /\$\{[^}\n]*\}|[A-Za-z_$][\w$.-]*/y;

/**
 * Parses JSON tolerantly (comments and trailing commas are accepted and reported),
 * so one tree serves both consumers: DeepSpeed's hjson loader and Python's strict json.load.
 */
export function parseJson(text: string, limits: ParseLimits = DEFAULT_LIMITS): ConfigTree {
  const problems: SyntaxProblem[] = [];
  if (text.length > limits.maxChars) {
    return { language: 'json', documents: [], problems: [tooLarge(text, limits)] };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  const seen = new Set<string>();
  let afterBareWord = -1;
  // Template placeholders (`BATCH_SIZE`, `${zero_stage}`): the text a tool substitutes before the file is read.
  const placeholders: Array<{ start: number; end: number }> = [];
  for (const error of errors) {
    // A text with more syntax errors than this is not a config being edited: the first ones say so (1.5 MB of NUL
    // characters gave 750,000 errors, each checked against every placeholder: 6 s, fuzz seed 7005 case 18,342).
    if (problems.length >= MAX_SYNTAX_ERRORS) break;
    // Unclosed nesting repeats the same error at the same place once per level: one is enough.
    const key = `${error.offset}:${error.error}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const code = printParseErrorCode(error.error);
    // Errors inside a placeholder, and the "value expected" after one, are the same mistake, reported once on it.
    if (placeholders.some((p) => error.offset >= p.start && error.offset < p.end)) continue;
    if (code === 'ValueExpected' && afterBareWord !== -1 && skipTrivia(text, afterBareWord, text.length) === error.offset) continue;
    BARE_WORD.lastIndex = error.offset;
    const word = code === 'InvalidSymbol' ? BARE_WORD.exec(text) : null;
    afterBareWord = word ? error.offset + word[0].length : -1;
    if (word) placeholders.push({ start: error.offset, end: afterBareWord });
    problems.push({
      kind: 'parse-error',
      message: word
        ? `JSON syntax error: ${word[0]} is not a JSON value (unquoted text: a template placeholder to fill before the file is read, or a string missing its quotes).`
        : `JSON syntax error: ${describeError(code)}.`,
      range: { start: Math.min(error.offset, text.length), end: Math.min(error.offset + Math.max(word ? word[0].length : error.length, 1), text.length) },
      ...(word ? { placeholder: word[0] } : {}),
    });
  }
  visit(text, {
    onComment: (offset, length) => {
      problems.push({ kind: 'comment', message: 'Comment in JSON.', range: { start: offset, end: offset + length } });
    },
  });
  findTrailingCommas(text, root, problems);
  const converted = root ? convert(root, '', problems, placeholders) : undefined;
  return { language: 'json', documents: [indexDocument(converted)], problems };
}

function convert(node: JsonNode, pointer: string, problems: SyntaxProblem[], placeholders: Array<{ start: number; end: number }>, depth = 0): ConfigNode {
  const range = { start: node.offset, end: node.offset + node.length };
  if (depth >= MAX_DEPTH && (node.type === 'object' || node.type === 'array')) {
    if (!problems.some((p) => p.kind === 'nesting-too-deep')) problems.push(nestingTooDeep(range));
    return { kind: node.type, pointer, range, children: [] };
  }
  // What the parser made of a placeholder (`${stage}` reads as an object) is not in the file: a stand-in.
  if (placeholders.some((p) => node.offset >= p.start && node.offset < p.end)) {
    return { kind: 'scalar', pointer, range, value: null, raw: '', style: 'plain', children: [], missing: true };
  }
  if (node.type === 'object') {
    const children: ConfigNode[] = [];
    const seen = new Map<string, ConfigNode>();
    for (const property of node.children ?? []) {
      const [keyNode, valueNode] = property.children ?? [];
      if (!keyNode || typeof keyNode.value !== 'string') continue;
      const key = keyNode.value;
      const keyRange = { start: keyNode.offset, end: keyNode.offset + keyNode.length };
      const childPtr = childPointer(pointer, key);
      const child: ConfigNode = valueNode
        ? convert(valueNode, childPtr, problems, placeholders, depth + 1)
        : { kind: 'scalar', pointer: childPtr, range: { start: keyRange.end, end: keyRange.end }, value: null, raw: '', style: 'plain', children: [], missing: true };
      child.key = key;
      child.keyRange = keyRange;
      const earlier = seen.get(key);
      if (earlier) {
        problems.push({
          kind: 'duplicate-key',
          message: `Duplicate key "${key}".`,
          range: keyRange,
          firstRange: earlier.keyRange,
          sameValue: sameScalar(earlier, child),
        });
      }
      seen.set(key, child);
      children.push(child);
    }
    return { kind: 'object', pointer, range, children };
  }
  if (node.type === 'array') {
    const children = (node.children ?? []).map((item, i) => {
      const child = convert(item, childPointer(pointer, i), problems, placeholders, depth + 1);
      child.key = i;
      return child;
    });
    return { kind: 'array', pointer, range, children };
  }
  const value = node.type === 'null' ? null : (node.value as string | number | boolean);
  const rawText = node.type === 'string' ? String(node.value) : String(node.value);
  return {
    kind: 'scalar',
    pointer,
    range,
    value,
    raw: rawText,
    style: node.type === 'string' ? 'quoted' : 'plain',
    children: [],
  };
}

/** jsonc-parser accepts trailing commas when asked to; json.load does not, so they are reported. */
function findTrailingCommas(text: string, root: JsonNode | undefined, problems: SyntaxProblem[]): void {
  if (!root) return;
  const stack: JsonNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'object' || node.type === 'array') {
      const last = node.children?.[node.children.length - 1];
      if (last) {
        const after = skipTrivia(text, last.offset + last.length, node.offset + node.length);
        // Trailing only when the container closes right after it with its own bracket: error recovery can end a node
        // early, and `{"a",0,]}` has no list for the `]` to close (fuzz seed 7003 case 87,243: removing that comma
        // broke the file further).
        const closer = text[skipTrivia(text, after + 1, text.length)];
        if (text[after] === ',' && closer === (node.type === 'object' ? '}' : ']')) {
          problems.push({ kind: 'trailing-comma', message: 'Trailing comma in JSON.', range: { start: after, end: after + 1 } });
        }
      }
      for (const child of node.children ?? []) stack.push(child);
    } else if (node.type === 'property') {
      for (const child of node.children ?? []) stack.push(child);
    }
  }
}

function skipTrivia(text: string, from: number, limit: number): number {
  let i = from;
  while (i < limit) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') i++;
    else if (text.startsWith('//', i)) i = text.indexOf('\n', i) === -1 ? limit : text.indexOf('\n', i);
    else if (text.startsWith('/*', i)) i = text.indexOf('*/', i) === -1 ? limit : text.indexOf('*/', i) + 2;
    else break;
  }
  return i;
}

function describeError(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'property name expected',
    ValueExpected: 'value expected',
    ColonExpected: 'colon expected',
    CommaExpected: 'comma expected',
    CloseBraceExpected: 'closing brace expected',
    CloseBracketExpected: 'closing bracket expected',
    EndOfFileExpected: 'end of file expected',
    InvalidCommentToken: 'invalid comment',
    UnexpectedEndOfComment: 'unterminated comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unterminated number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character',
  };
  return words[code] ?? code;
}

export function tooLarge(text: string, limits: ParseLimits): SyntaxProblem {
  const mb = (text.length / (1024 * 1024)).toFixed(1);
  const cap = (limits.maxChars / (1024 * 1024)).toFixed(1);
  return {
    kind: 'file-too-large',
    message: `File is ${mb} MB, over the ${cap} MB analysis limit; it was not analysed.`,
    range: { start: 0, end: Math.min(text.length, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n')) },
  };
}
