import type { Severity } from '../diagnostic';
import type { Settings } from '../settings';
import type { Format, ProgramId } from '../programs/ids';

/** What a rule is, independent of any one finding: the source of its docs page and its defaults. */
export interface RuleMeta {
  /** Stable code, grouped by area: TL0xx syntax, TL1xx batch, TL2xx schema, TL3xx settings that conflict, TL4xx parallel layout, TL5xx estimates, TL6xx research rules, TL7xx across files. */
  code: string;
  /** Kebab-case name of the pattern flagged. */
  name: string;
  severity: Severity;
  /** One sentence: what the rule flags. */
  summary: string;
  /** Why it matters: what the framework does with such a config. */
  why: string;
  /** What the fixes do and whether they are safe. */
  fix: string;
  /** A small config that triggers the rule, with its language and the settings it needs (a GPU, a model). */
  example?: { language: 'json' | 'yaml' | 'shell'; text: string; settings?: Settings };
  /** Upstream sources the rule rests on. */
  references: string[];
  /** Rules drawn from the research literature: the finding they rest on (paper title and its claim). */
  finding?: string;
  /** When the rule applies and when it does not (the regimes its evidence covers). */
  appliesWhen?: string;
  /**
   * The programs whose files the rule checks, named through `PROGRAM` (programs/ids.ts); absent: every program's.
   * The engine runs the rule on no other file, so its check need not ask the format.
   */
  programs?: readonly ProgramId[];
  /**
   * The rule judges by what one release of the program takes or checks (its arguments, their values, its start-up
   * asserts): on a launch script that runs the program from a checkout TrainLint cannot see, whose release decides, its
   * findings are notes naming that checkout (the engine lowers them).
   */
  judgesRelease?: true;
}

/** Whether a rule checks files of this format. */
export function appliesTo(meta: RuleMeta, format: Format): boolean {
  return meta.programs === undefined || (meta.programs as readonly Format[]).includes(format);
}

export const DOCS_BASE_URL = 'https://github.com/trainlint/trainlint/blob/main/docs/rules/';

export function docsUrl(rule: string): string {
  return `${DOCS_BASE_URL}${rule}.md`;
}
