/** A half-open range of UTF-16 offsets (JavaScript string indices) into a source text. */
export interface OffsetRange {
  start: number;
  end: number;
}

/** A replacement of the text in `range` by `newText`; an insertion has start === end. */
export interface TextEdit {
  range: OffsetRange;
  newText: string;
}
