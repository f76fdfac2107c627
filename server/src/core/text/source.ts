/**
 * The one place where a byte order mark is removed. Editors hand us text without it,
 * while `readFileSync(..., 'utf8')` keeps U+FEFF: stripping it here keeps offsets equal on both paths.
 */
export interface SourceText {
  text: string;
  hadBom: boolean;
}

export function toSource(raw: string): SourceText {
  if (raw.charCodeAt(0) === 0xfeff) return { text: raw.slice(1), hadBom: true };
  return { text: raw, hadBom: false };
}

/** Writes the text back the way it came, BOM included. */
export function fromSource(source: SourceText): string {
  return source.hadBom ? '\ufeff' + source.text : source.text;
}
