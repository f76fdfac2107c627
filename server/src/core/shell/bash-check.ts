import type { OffsetRange } from '../text/range';

/**
 * The syntax errors that bash itself reports (`bash -n`), as far as a small scan can be sure of them.
 *
 * tree-sitter-bash rejects some scripts that bash runs (`VAR=<X> \ ` is an assignment with two redirections to bash),
 * so its ERROR nodes alone never make an error. This scan finds the one kind of mistake that fills example scripts and
 * that bash rejects for certain: a redirection operator with no file name after it, as a `<PLACEHOLDER>` left in a
 * line makes (`CHECKPOINT_PATH=<Specify path>`: bash says "syntax error near unexpected token `newline'").
 * It skips quotes, comments, `${...}`, `$((...))`, `((...))`, `[[...]]` and heredoc bodies, where `<` and `>` are no
 * redirections. Bounded by the text's length; never throws.
 */
export interface BashSyntaxError {
  range: OffsetRange;
  message: string;
  /** The operator is a `<PLACEHOLDER>` the README asks to fill in (`CHECKPOINT_PATH=<Specify path>`): a template, not a mistake. */
  placeholder: boolean;
}

const WORD_BREAK = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);

export function bashSyntaxError(text: string): BashSyntaxError | undefined {
  const n = text.length;
  let i = 0;
  const heredocs: Array<{ delimiter: string; strip: boolean }> = [];
  const wordStart = (at: number) => at === 0 || WORD_BREAK.has(text[at - 1]);
  /** Index after the matching `close`, counting nested `open`s; n when unclosed. */
  const skipNested = (from: number, open: string, close: string): number => {
    let depth = 0;
    for (let j = from; j < n; j++) {
      if (text[j] === '\\') {
        j++;
        continue;
      }
      if (text.startsWith(open, j)) {
        depth++;
        j += open.length - 1;
      } else if (text.startsWith(close, j)) {
        depth--;
        j += close.length - 1;
        if (depth === 0) return j + 1;
      }
    }
    return n;
  };
  while (i < n) {
    const c = text[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '\n') {
      i++;
      // Heredoc bodies follow the line that opened them.
      while (heredocs.length > 0) {
        const { delimiter, strip } = heredocs.shift()!;
        for (;;) {
          if (i >= n) return undefined;
          const end = text.indexOf('\n', i);
          const line = text.slice(i, end === -1 ? n : end);
          i = end === -1 ? n : end + 1;
          if ((strip ? line.replace(/^\t+/, '') : line) === delimiter) break;
        }
      }
      continue;
    }
    if (c === '#' && wordStart(i)) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? n : end;
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) return undefined;
      i = end + 1;
      continue;
    }
    if (c === '"' || c === '`') {
      let j = i + 1;
      while (j < n && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      if (j >= n) return undefined;
      i = j + 1;
      continue;
    }
    if (text.startsWith('$((', i) || (text.startsWith('((', i) && wordStart(i))) {
      i = skipNested(i + (c === '$' ? 1 : 0), '(', ')');
      continue;
    }
    if (text.startsWith('${', i)) {
      i = skipNested(i + 1, '{', '}');
      continue;
    }
    if (text.startsWith('[[', i) && wordStart(i)) {
      const end = text.indexOf(']]', i + 2);
      i = end === -1 ? n : end + 2;
      continue;
    }
    if (c === '<' || c === '>') {
      // Process substitution: <(...) and >(...).
      if (text[i + 1] === '(') {
        i += 2;
        continue;
      }
      const start = i;
      if (text.startsWith('<<<', i)) i += 3;
      else if (text.startsWith('<<', i)) {
        // A heredoc: remember its delimiter (quotes removed); the body is skipped after this line.
        const m = /^<<(-?)\s*(['"]?)([^\s'"<>;|&()]+)\2/.exec(text.slice(i, i + 200));
        if (!m) return undefined; // Unusual heredoc syntax: no certainty.
        heredocs.push({ delimiter: m[3], strip: m[1] === '-' });
        i += m[0].length;
        continue;
      } else {
        i++;
        if (text[i] === '>' || text[i] === '|' || text[i] === '&' || (c === '<' && text[i] === '>')) i++;
      }
      let j = i;
      for (;;) {
        if (text[j] === ' ' || text[j] === '\t') j++;
        else if (text[j] === '\\' && text[j + 1] === '\n') j += 2;
        else break;
      }
      const next = j >= n ? 'EOF' : text[j];
      if (next === 'EOF' || next === '\n' || ';&|()<>'.includes(next)) {
        const token = next === '\n' ? 'newline' : next === 'EOF' ? 'end of file' : next;
        const line = text.slice(text.lastIndexOf('\n', start - 1) + 1, start);
        const placeholder = /<[^<>\n]*$/.test(line) || (c === '>' && /<\w/.test(line));
        return {
          range: { start, end: i },
          message: placeholder
            ? `A template: \`${line.trim().slice(0, 60)}\` holds a \`<PLACEHOLDER>\` to fill in before the script runs (bash stops on it as written: "syntax error near unexpected token \`${token}'"); check the filled-in script.`
            : `Shell syntax error: bash stops here with "syntax error near unexpected token \`${token}'": \`${text.slice(start, i)}\` needs a file name after it.`,
          placeholder,
        };
      }
      continue;
    }
    i++;
  }
  return undefined;
}
