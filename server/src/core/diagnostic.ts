import type { OffsetRange, TextEdit } from './text/range';

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/**
 * A fix is data: text edits by offset. `safe` fixes keep the meaning the user wrote
 * (a rename of a misspelt key, `2e-5` to `2.0e-5`) and may be applied without review;
 * the others change the training run and are offered, never applied in bulk.
 */
export interface Fix {
  title: string;
  safe: boolean;
  edits: TextEdit[];
  /** Edits in another file (cross-file fixes), by the path the analysis was given. */
  otherFile?: { path: string; edits: TextEdit[] };
  /**
   * A setting to write into the project file (.trainlint.yaml) rather than text edits: only the front end knows where
   * that file is or would be; projectSettingEdits (core) makes the edits.
   */
  projectSetting?: { key: 'model'; value: string };
  /**
   * The value is the user's to choose from the model catalog: an editor with a picker offers it (VS Code's
   * "Choose the architecture..."); `projectSetting.value` is then empty.
   */
  choose?: 'catalog-model';
}

export interface RelatedLocation {
  message: string;
  range: OffsetRange;
  /** Set when the location is in another file. */
  path?: string;
}

export interface Diagnostic {
  code: string;
  rule: string;
  severity: Severity;
  message: string;
  range: OffsetRange;
  fixes: Fix[];
  related: RelatedLocation[];
}
