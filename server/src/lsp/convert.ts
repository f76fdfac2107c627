import {
  DiagnosticSeverity,
  type Diagnostic as LspDiagnostic,
  type DiagnosticRelatedInformation,
  type Position,
  type Range,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver';
import { docsUrl, fromSource, LineIndex, type Diagnostic, type FileAnalysis, type Fix, type OffsetRange, type Severity, type TextEdit } from '../core/index';

/**
 * The one place where core offsets (UTF-16 code units into the text without its byte order mark)
 * become LSP positions and back. Editors normally hand us text without a BOM; when one does not,
 * the core stripped it and every offset is one less than in the editor's text.
 */
export class Converter {
  private readonly lines: LineIndex;
  private readonly shift: number;

  constructor(analysis: Pick<FileAnalysis, 'text' | 'hadBom'>) {
    this.lines = new LineIndex(fromSource(analysis));
    this.shift = analysis.hadBom ? 1 : 0;
  }

  position(offset: number): Position {
    return this.lines.positionAt(offset + this.shift);
  }

  range(range: OffsetRange): Range {
    return { start: this.position(range.start), end: this.position(range.end) };
  }

  offset(position: Position): number {
    return Math.max(0, this.lines.offsetAt(position) - this.shift);
  }

  edit(edit: TextEdit): LspTextEdit {
    return { range: this.range(edit.range), newText: edit.newText };
  }
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** Where another file stands, for related locations and fixes that reach into it. */
export interface OtherFile {
  uri: string;
  /** The open document's version, or null when the text was read from disk. */
  version: number | null;
  converter: Converter;
}

/** A fix as it travels in `Diagnostic.data`: ranges already converted for the document version it was computed on. */
export interface FixData {
  title: string;
  safe: boolean;
  edits: LspTextEdit[];
  other?: { uri: string; version: number | null; edits: LspTextEdit[] };
  /** A setting for the project file, turned into an edit of .trainlint.yaml when the action is asked for. */
  projectSetting?: Fix['projectSetting'];
  choose?: Fix['choose'];
}

export interface DiagnosticData {
  version: number;
  fixes: FixData[];
}

export interface DocumentContext {
  uri: string;
  version: number;
  converter: Converter;
  /** Finds a file that a related location or a fix names by path. */
  locate: (path: string) => OtherFile | undefined;
}

export function toFixData(fix: Fix, doc: DocumentContext): FixData | undefined {
  const data: FixData = { title: fix.title, safe: fix.safe, edits: fix.edits.map((e) => doc.converter.edit(e)) };
  if (fix.projectSetting) data.projectSetting = fix.projectSetting;
  if (fix.choose) data.choose = fix.choose;
  if (fix.otherFile) {
    const other = doc.locate(fix.otherFile.path);
    if (!other) return undefined; // The other file is gone: a half-applied fix would break the pair.
    data.other = { uri: other.uri, version: other.version, edits: fix.otherFile.edits.map((e) => other.converter.edit(e)) };
  }
  return data;
}

export const SOURCE = 'trainlint';

export function toLspDiagnostic(diagnostic: Diagnostic, doc: DocumentContext): LspDiagnostic {
  const related: DiagnosticRelatedInformation[] = [];
  for (const r of diagnostic.related) {
    const where = r.path === undefined ? doc : doc.locate(r.path);
    if (where) related.push({ message: r.message, location: { uri: where.uri, range: where.converter.range(r.range) } });
  }
  const data: DiagnosticData = {
    version: doc.version,
    fixes: diagnostic.fixes.map((f) => toFixData(f, doc)).filter((f): f is FixData => f !== undefined),
  };
  return {
    range: doc.converter.range(diagnostic.range),
    severity: SEVERITY[diagnostic.severity],
    code: diagnostic.code,
    codeDescription: { href: docsUrl(diagnostic.rule) },
    source: SOURCE,
    message: diagnostic.message,
    relatedInformation: related.length > 0 ? related : undefined,
    data,
  };
}
