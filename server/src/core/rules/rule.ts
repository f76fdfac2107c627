import type { Diagnostic, Fix, RelatedLocation, Severity } from '../diagnostic';
import type { Detection } from '../detect/detect-format';
import type { Format } from '../programs/ids';
import type { Consumer, Settings } from '../settings';
import type { ConfigNode, ConfigTree } from '../syntax/config-tree';
import type { OffsetRange } from '../text/range';
import type { RuleMeta } from './rule-meta';
import type { FileAnalysis, LinkedFile } from '../analyze';

/** What a rule reports; the engine adds code, rule name and the configured severity. */
export interface Finding {
  range: OffsetRange;
  message: string;
  /** Overrides the rule's default severity for this finding (e.g. duplicate keys are fatal only to DeepSpeed). */
  severity?: Severity;
  fixes?: Fix[];
  related?: RelatedLocation[];
}

export interface RuleContext {
  text: string;
  /** The file's path or name as the front end gave it (a hint, never opened); '' when unknown. */
  path: string;
  tree: ConfigTree;
  format: Format;
  detection: Detection;
  consumer: Consumer;
  /** False when the consumer was only inferred from the content (e.g. from "auto" values). */
  consumerStated: boolean;
  settings: Settings;
  /** The config objects to check: the document roots, or nested dicts the detection found. */
  roots: ConfigNode[];
  /** Files this one links to, analysed in its context (a TrainingArguments YAML and its DeepSpeed JSON). */
  linked: LinkedFile[];
  /** The same file at a reference revision, analysed with the same settings (see AnalyzeOptions.baseline). */
  baseline?: { text: string; path: string; analysis: FileAnalysis };
  report(finding: Finding): void;
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}

export type { Diagnostic };
