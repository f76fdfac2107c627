import type { OffsetRange } from '../text/range';

/**
 * A run of text after shell expansion, with where it was written. Every argument a launch script passes
 * is a list of pieces, so a value that came through `$TP` points at `TP=4`, where the user edits it.
 */
export interface Piece {
  text: string;
  /** The source range this text stands for. */
  start: number;
  end: number;
  /** `text` is exactly the source between start and end, so any part of it maps back character by character. */
  verbatim: boolean;
  /** Set when the text is not known statically: the environment, a positional parameter, a command's output. */
  unknown?: string;
  /** On an unknown piece, the script's variable whose value is unknown there (assigned in an undecided branch, not exported). */
  variable?: string;
  /** Set when the text is the default of `${VAR:-default}` for a VAR the script does not set (the environment may). */
  envDefault?: string;
  /** Set when the text was assigned before a loop over the script's arguments that may assign VAR (`-m MODEL`). */
  argDefault?: string;
  /**
   * Set on an unknown piece that may stand for any number of words, none included: `"$@"`, `$*`, `"${ARR[@]}"` of an
   * unknown array (`args`), or an unquoted unknown `$VAR` that field splitting cuts at its blanks (`split`).
   */
  words?: 'args' | 'split';
}

/** One word of a command line after expansion and field splitting. */
export type Field = Piece[];

/** Expansion output before field splitting: text that unquoted expansion may split, or a forced field break (`"${A[@]}"`). */
export type Chunk = { pieces: Piece[]; split: boolean } | { fieldBreak: true };

export function fieldText(field: Field): string {
  return field.map((p) => p.text).join('');
}

export function isKnown(field: Field): boolean {
  return field.every((p) => p.unknown === undefined);
}

/**
 * A word that stands for an unknown number of words (`"$@"`, an unquoted unknown `$ARGS`): only unknown pieces, one of
 * which may expand to several words or none. `args` when it is the script's own arguments or an unknown array.
 */
export function spreadOf(field: Field): 'args' | 'split' | undefined {
  if (field.length === 0 || !field.every((p) => p.unknown !== undefined && p.text === '')) return undefined;
  if (field.some((p) => p.words === 'args')) return 'args';
  return field.some((p) => p.words === 'split') ? 'split' : undefined;
}

/** The variable whose default a field holds, one the environment or the script's arguments may replace. */
export function fromEnvDefault(field: Field): string | undefined {
  const piece = field.find((p) => p.envDefault !== undefined || p.argDefault !== undefined);
  return piece?.envDefault ?? piece?.argDefault;
}

/** The source range a field's value was written at: one range when its pieces are contiguous or come from one place. */
export function fieldRange(field: Field, fallback: OffsetRange): OffsetRange {
  const located = field.filter((p) => p.end > p.start || p.text === '');
  if (located.length === 0) return fallback;
  let start = located[0].start;
  let end = located[0].end;
  for (const p of located.slice(1)) {
    start = Math.min(start, p.start);
    end = Math.max(end, p.end);
  }
  // Pieces from far apart (a prefix here, a variable's value there): the meaningful part is the variable's value.
  const spread = end - start;
  const written = field.reduce((n, p) => n + Math.max(0, p.end - p.start), 0);
  if (spread > written + 64) {
    const widest = [...located].sort((a, b) => b.text.length - a.text.length)[0];
    return { start: widest.start, end: widest.end };
  }
  return { start, end };
}

/** The span a field's pieces were written over, whatever lies between them. */
export function rangeOfField(field: Field): OffsetRange {
  if (field.length === 0) return { start: 0, end: 0 };
  return { start: Math.min(...field.map((p) => p.start)), end: Math.max(...field.map((p) => p.end)) };
}

/** Part of a piece, keeping exact offsets when the piece is verbatim. */
export function slicePiece(piece: Piece, from: number, to: number): Piece {
  if (piece.verbatim) return { ...piece, text: piece.text.slice(from, to), start: piece.start + from, end: piece.start + to };
  return { ...piece, text: piece.text.slice(from, to) };
}

/** Part of a field by character positions in its text. */
export function sliceField(field: Field, from: number, to = Number.MAX_SAFE_INTEGER): Field {
  const out: Field = [];
  let offset = 0;
  for (const piece of field) {
    const pStart = offset;
    const pEnd = offset + piece.text.length;
    offset = pEnd;
    if (piece.text.length === 0) {
      if (pStart >= from && pStart <= to && piece.unknown !== undefined) out.push(piece);
      continue;
    }
    const a = Math.max(from, pStart);
    const b = Math.min(to, pEnd);
    if (a < b) out.push(slicePiece(piece, a - pStart, b - pStart));
  }
  return out;
}

const IFS = /[ \t\n]/;

/** POSIX field splitting: unquoted expansion results split on blanks; quoted text and literals never do. */
export function splitFields(chunks: Chunk[]): Field[] {
  const fields: Field[] = [];
  let current: Field | undefined;
  const finish = () => {
    if (current) fields.push(current);
    current = undefined;
  };
  for (const chunk of chunks) {
    if ('fieldBreak' in chunk) {
      finish();
      continue;
    }
    if (!chunk.split) {
      current ??= [];
      current.push(...chunk.pieces);
      continue;
    }
    for (const piece of chunk.pieces) {
      if (piece.unknown !== undefined) {
        current ??= [];
        current.push(piece.words ? piece : { ...piece, words: 'split' });
        continue;
      }
      let runStart = -1;
      for (let i = 0; i <= piece.text.length; i++) {
        const blank = i === piece.text.length || IFS.test(piece.text[i]);
        if (!blank && runStart < 0) runStart = i;
        if (blank && runStart >= 0) {
          current ??= [];
          current.push(slicePiece(piece, runStart, i));
          runStart = -1;
        }
        if (blank && i < piece.text.length) finish();
      }
    }
  }
  finish();
  return fields;
}

/** Joins chunks into one value without splitting (an assignment's right-hand side); array breaks become spaces. */
export function joinChunks(chunks: Chunk[]): Piece[] {
  const out: Piece[] = [];
  let chars = 0;
  for (const chunk of chunks) {
    if ('fieldBreak' in chunk) {
      if (out.length > 0) out.push({ text: ' ', start: out[out.length - 1].end, end: out[out.length - 1].end, verbatim: false });
      continue;
    }
    for (const piece of chunk.pieces) {
      out.push(piece);
      chars += piece.text.length;
    }
    // A value that keeps doubling (`X=$X$X` again and again) would grow without bound: past the limit it is unknown.
    if (out.length > MAX_VALUE_PIECES || chars > MAX_VALUE_CHARS) {
      return [{ text: '', start: out[0].start, end: out[out.length - 1].end, verbatim: false, unknown: `a value longer than ${MAX_VALUE_CHARS} characters` }];
    }
  }
  return out;
}

/** Bounds of one expanded value: no launch argument is anywhere near them. */
export const MAX_VALUE_CHARS = 65_536;
const MAX_VALUE_PIECES = 4_096;

/**
 * Splits an expanded string the way `bash -c STRING` or `$LAUNCHER` re-read by a shell would: blanks separate
 * words, single and double quotes group them and disappear, a backslash escapes the next character.
 */
export function splitLikeShell(pieces: Piece[]): Field[] {
  const fields: Field[] = [];
  let current: Field | undefined;
  let quote: '"' | "'" | undefined;
  const push = (piece: Piece, from: number, to: number) => {
    if (to <= from) return;
    current ??= [];
    current.push(slicePiece(piece, from, to));
  };
  for (const piece of pieces) {
    if (piece.unknown !== undefined) {
      current ??= [];
      current.push(piece);
      continue;
    }
    let runStart = 0;
    const text = piece.text;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quote === "'") {
        if (c === "'") {
          push(piece, runStart, i);
          quote = undefined;
          runStart = i + 1;
        }
        continue;
      }
      if (c === '\\' && i + 1 < text.length) {
        push(piece, runStart, i);
        runStart = i + 1;
        i++;
        continue;
      }
      if (quote === '"') {
        if (c === '"') {
          push(piece, runStart, i);
          quote = undefined;
          runStart = i + 1;
        }
        continue;
      }
      if (c === '"' || c === "'") {
        push(piece, runStart, i);
        current ??= [];
        quote = c;
        runStart = i + 1;
        continue;
      }
      if (IFS.test(c)) {
        push(piece, runStart, i);
        if (current) fields.push(current);
        current = undefined;
        runStart = i + 1;
      }
    }
    push(piece, runStart, text.length);
  }
  if (current) fields.push(current);
  return fields;
}
