import type { OffsetRange } from '../text/range';
import { fieldText, type Field, type Piece } from './words';

/**
 * Shell text built at run time and read again by a shell: the joined arguments of `eval`, the script string of
 * `bash -c`. The text is parsed on its own, so its offsets are its own; this maps them back to where each part was
 * written in the script (a variable's assignment, the quoted string), exactly where the part was written verbatim,
 * else to the range of the piece it came from, else (text spanning parts from different places) to `whole`, the
 * range of the command or string that is re-read. Parts whose value is unknown are written as `${NAME}` of a
 * placeholder variable, so the inner shell keeps them unknown wherever they land.
 */

interface Segment {
  from: number;
  to: number;
  /** The piece the text came from; none for the blank `eval` puts between its arguments. */
  piece?: Piece;
  /** The placeholder name standing for an unknown piece. */
  placeholder?: string;
}

const PLACEHOLDER = '__TRAINLINT_UNKNOWN_';

export class InlineText {
  text = '';
  private readonly segments: Segment[] = [];
  private readonly unknowns = new Map<string, Piece>();

  constructor(readonly whole: OffsetRange) {}

  /** `eval`'s text: its arguments joined by blanks. */
  static ofWords(fields: Field[], whole: OffsetRange): InlineText {
    const inline = new InlineText(whole);
    fields.forEach((field, i) => {
      if (i > 0) inline.add(' ');
      for (const piece of field) inline.add(piece.text, piece);
    });
    return inline;
  }

  /** `bash -c`'s script: one word. */
  static ofField(field: Field, whole: OffsetRange): InlineText {
    return InlineText.ofWords([field], whole);
  }

  private add(text: string, piece?: Piece): void {
    if (piece?.unknown !== undefined) {
      const name = `${PLACEHOLDER}${this.unknowns.size}`;
      this.unknowns.set(name, piece);
      text = `\${${name}}`;
      this.segments.push({ from: this.text.length, to: this.text.length + text.length, piece, placeholder: name });
    } else if (text.length > 0) this.segments.push({ from: this.text.length, to: this.text.length + text.length, piece });
    this.text += text;
  }

  /** The unknown piece a placeholder variable stands for. */
  unknownOf(name: string): Piece | undefined {
    return this.unknowns.get(name);
  }

  /** The text between two inner offsets as pieces placed in the script. */
  pieces(start: number, end: number): Piece[] {
    const out: Piece[] = [];
    for (const segment of this.overlapping(start, end)) {
      const a = Math.max(start, segment.from);
      const b = Math.min(end, segment.to);
      const piece = segment.piece;
      const text = this.text.slice(a, b);
      if (!piece) out.push({ text, ...this.whole, verbatim: false });
      else if (segment.placeholder) out.push({ ...piece, text: '' });
      else if (piece.verbatim) out.push({ ...piece, text, start: piece.start + (a - segment.from), end: piece.start + (b - segment.from) });
      else out.push({ ...piece, text, verbatim: false });
    }
    return out;
  }

  /** Where inner text was written: exactly when it comes from one place, else the whole command or string. */
  range(start: number, end: number): OffsetRange {
    const placed = this.pieces(start, Math.max(end, start + 1)).filter((p) => p.text !== '' || p.unknown !== undefined);
    if (placed.length === 0) return this.whole;
    for (let i = 1; i < placed.length; i++) {
      const [prev, next] = [placed[i - 1], placed[i]];
      if (!prev.verbatim || !next.verbatim || prev.end !== next.start) return this.whole;
    }
    // A single piece that is not verbatim stands for its whole range; a length-one probe at the end is cut back.
    const first = placed[0];
    const last = placed[placed.length - 1];
    return end > start || !first.verbatim ? { start: first.start, end: last.end } : { start: first.start, end: first.start };
  }

  private overlapping(start: number, end: number): Segment[] {
    // Segments are in text order: binary search for the first that ends after `start`.
    let lo = 0;
    let hi = this.segments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.segments[mid].to <= start) lo = mid + 1;
      else hi = mid;
    }
    const out: Segment[] = [];
    for (let i = lo; i < this.segments.length && this.segments[i].from < end; i++) out.push(this.segments[i]);
    return out;
  }
}

const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash']);

/**
 * Where `argv[at]` starts a shell given a script string (`bash -c STRING`, `sh -ec STRING`, `bash -l -c STRING`), the
 * index of that string; -1 otherwise. bash(1): with -c, the first word after the options is the script.
 */
export function shellScriptIndex(argv: Field[], at: number): number {
  const name = fieldText(argv[at] ?? []);
  if (!SHELLS.has(name.slice(name.lastIndexOf('/') + 1))) return -1;
  let dashC = false;
  let i = at + 1;
  for (; i < argv.length; i++) {
    const word = fieldText(argv[i]);
    if (word === '-o' || word === '+o' || word === '-O' || word === '+O') i++;
    else if (/^-[a-zA-Z]+$/.test(word)) dashC ||= word.includes('c');
    else if (!/^(?:--[a-z-]+|\+[a-zA-Z]+)$/.test(word)) break;
  }
  return dashC && i < argv.length ? i : -1;
}
