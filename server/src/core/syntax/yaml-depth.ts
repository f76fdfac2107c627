import { MAX_DEPTH } from './limits';

// Both YAML parsers recurse once per level. Near the end of the stack V8 cannot compile a regular expression, and that
// is a fatal out-of-memory error, not an exception (a 2,000-level block sequence after a 2,000-level flow one killed the
// process): so no parser is handed more than these. Block depth is bounded by indentation: each level indents at
// least one column, a sequence under a key at most one level more at the same column.
const MAX_INDENT = 4 * MAX_DEPTH;
const MAX_FLOW_DEPTH = MAX_DEPTH;

export interface BoundedYaml {
  /** The text with what lies too deep blanked (line breaks kept), so every offset still points at the source. */
  text: string;
  /** The first place cut, if any. */
  cut?: { start: number; end: number };
}

/**
 * Blanks lines indented past MAX_INDENT (or starting with a longer run of `- ` markers) and the insides of flow
 * collections nested past MAX_FLOW_DEPTH. One pass, linear in the text; quoted scalars and comments are skipped.
 */
export function boundYamlNesting(text: string): BoundedYaml {
  // [start, end, asComment]: a blanked line becomes a comment (`#` and spaces) that parsers skip at once; a run of
  // spaces as long as the indentation was took js-yaml seconds.
  const blanks: Array<[number, number, boolean]> = [];
  let flowDepth = 0;
  let flowCutStart = -1;
  let i = 0;
  while (i < text.length) {
    const lineStart = i;
    let column = 0;
    while (text[i] === ' ') {
      i++;
      column++;
    }
    // Compact nesting on one line: `- - - - key:` opens a level per marker.
    let markers = 0;
    for (let j = i; (text[j] === '-' || text[j] === '?') && text[j + 1] === ' '; j += 2) markers++;
    const lineEnd = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    if (flowDepth === 0 && column + 2 * markers > MAX_INDENT) {
      blanks.push([lineStart, lineEnd, true]);
      i = lineEnd + 1;
      continue;
    }
    for (; i < lineEnd; i++) {
      const c = text[i];
      if (c === '#' && (i === lineStart || text[i - 1] === ' ' || text[i - 1] === '\t')) break;
      if (c === '"' || c === "'") {
        i = closingQuote(text, i, lineEnd);
        continue;
      }
      if (c === '[' || c === '{') {
        flowDepth++;
        if (flowDepth === MAX_FLOW_DEPTH + 1) flowCutStart = i;
      } else if ((c === ']' || c === '}') && flowDepth > 0) {
        if (flowDepth === MAX_FLOW_DEPTH + 1) blanks.push([flowCutStart, i + 1, false]);
        flowDepth--;
      }
    }
    i = lineEnd + 1;
  }
  if (flowDepth > MAX_FLOW_DEPTH) blanks.push([flowCutStart, text.length, false]);
  if (blanks.length === 0) return { text };
  blanks.sort((a, b) => a[0] - b[0]);
  const parts: string[] = [];
  let at = 0;
  for (const [start, end, asComment] of blanks) {
    if (start < at) continue;
    const spaces = text.slice(start, end).replace(/[^\n]/g, ' ');
    parts.push(text.slice(at, start), asComment && end > start ? `#${spaces.slice(1)}` : spaces);
    at = end;
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), cut: { start: blanks[0][0], end: Math.max(blanks[0][1], blanks[0][0] + 1) } };
}

/** Where a quoted scalar that opens at `open` ends on its line (a quote left open runs to the end of the line). */
function closingQuote(text: string, open: number, lineEnd: number): number {
  const quote = text[open];
  for (let i = open + 1; i < lineEnd; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return lineEnd;
}
