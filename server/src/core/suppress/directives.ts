import type { OffsetRange } from '../text/range';

/**
 * Suppression comments in YAML files and shell scripts (JSON has none: DeepSpeed's and Python's json.load reject
 * comments, so a JSON file is silenced from `.trainlint.yaml`):
 *
 *   key: value  # trainlint: disable=unknown-key,TL004      this line
 *   # trainlint: disable-next-line=unknown-key              the next line (other suppression lines skipped)
 *   # trainlint: disable-file=pipeline-bubble               the whole file
 *
 * Read line by line as text, as ruff reads `# noqa`: a `#` at a word start, so `a#b` is no comment. A directive inside a
 * quoted string or a block scalar is read as one too; that costs at most an unused-suppression note. Linear in the text.
 */
export type DirectiveKind = 'line' | 'next-line' | 'file';

export interface DirectiveName {
  /** As written: a rule name, a code (TL201), or `all`. */
  name: string;
  range: OffsetRange;
}

export interface Directive {
  kind: DirectiveKind;
  /** 0-based line the comment is on. */
  line: number;
  /** Whether the comment has its line to itself (only blanks before the `#`). */
  ownLine: boolean;
  /** From the `#` to the end of the line's text (line break excluded). */
  comment: OffsetRange;
  /** Where the line starts and where its text ends (before `\r\n`/`\n`), and where the next line starts. */
  lineStart: number;
  lineEnd: number;
  nextLineStart: number;
  names: DirectiveName[];
  /** The 0-based line it silences (`line`, `next-line`); undefined for `file` or a `next-line` at the end of the file. */
  target?: number;
}

const DIRECTIVE = /(^|[ \t])#[ \t]*trainlint:[ \t]*(disable-next-line|disable-file|disable)[ \t]*=[ \t]*([A-Za-z0-9_-]+(?:[ \t]*,[ \t]*[A-Za-z0-9_-]+)*)/;
const NAME = /[A-Za-z0-9_-]+/g;
const KINDS: Record<string, DirectiveKind> = { disable: 'line', 'disable-next-line': 'next-line', 'disable-file': 'file' };

export function readDirectives(text: string): Directive[] {
  // Most files have none: one scan of the whole text decides.
  if (!text.includes('trainlint:')) return [];
  const directives: Directive[] = [];
  let line = 0;
  for (let start = 0; start <= text.length; line++) {
    const newline = text.indexOf('\n', start);
    const next = newline === -1 ? text.length + 1 : newline + 1;
    const end = newline === -1 ? text.length : newline > start && text[newline - 1] === '\r' ? newline - 1 : newline;
    const lineText = text.slice(start, end);
    const m = lineText.includes('trainlint:') ? DIRECTIVE.exec(lineText) : null;
    if (m) {
      const hash = m.index + m[1].length;
      const ownLine = lineText.slice(0, hash).trim() === '';
      const listStart = m.index + m[0].length - m[3].length;
      const names: DirectiveName[] = [];
      for (const n of m[3].matchAll(NAME)) names.push({ name: n[0], range: { start: start + listStart + n.index, end: start + listStart + n.index + n[0].length } });
      const kind = KINDS[m[2]];
      directives.push({ kind, line, ownLine, comment: { start: start + hash, end }, lineStart: start, lineEnd: end, nextLineStart: Math.min(next, text.length), names, target: kind === 'line' ? line : undefined });
    }
    start = next;
  }
  // `next-line`: the first line after it that is not itself a suppression comment. From the last directive back, so
  // a stack of them is walked once.
  let skipTo = line;
  for (let i = directives.length - 1; i >= 0; i--) {
    const d = directives[i];
    const after = directives[i + 1]?.line === d.line + 1 && directives[i + 1].ownLine ? skipTo : d.line + 1;
    if (d.kind === 'next-line') d.target = after < line ? after : undefined;
    skipTo = after;
  }
  return directives;
}
