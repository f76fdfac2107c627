// The public surface of the pure core, used by the CLI and the language server.
export { analyze, languageOf, type AnalyzeOptions, type FileAnalysis, type LinkedFile } from './analyze';
export type { Diagnostic, Fix, RelatedLocation, Severity } from './diagnostic';
export { SEVERITY_RANK } from './diagnostic';
export { FORMATS, isFormat, type Format } from './detect/formats';
export { mergeSettings, worldSizeOf, type Consumer, type Settings } from './settings';
export { parseProjectConfig, settingsForPath, isIncluded, PROJECT_FILE_NAME, type ProjectConfig } from './project-config';
export { applyEdits, safeFixEdits } from './fix/apply';
export { findLinks, type ConfigLink } from './links';
export { LineIndex, type Position } from './text/line-index';
export type { OffsetRange, TextEdit } from './text/range';
export { fromSource, toSource } from './text/source';
export { RULES, ruleMetas, findRule } from './rules/registry';
export { docsUrl, type RuleMeta } from './rules/rule-meta';
export { ruleDoc, rulesIndex } from './rules/rule-doc';
