import { findRule, parseProjectConfig, type Diagnostic } from '../core/index';
import { parseYaml } from '../core/syntax/from-yaml';
import type { SyntaxProblemKind } from '../core/syntax/config-tree';

/** The core rule whose code, name, severity and docs page a syntax problem of the project file takes. */
const SYNTAX_RULE: Record<SyntaxProblemKind, string> = {
  'parse-error': 'parse-error',
  'alias-limit': 'parse-error',
  'duplicate-key': 'duplicate-key',
  comment: 'parse-error',
  'trailing-comma': 'parse-error',
  'file-too-large': 'file-too-large',
  'nesting-too-deep': 'nesting-too-deep',
};

function diagnostic(rule: string, message: string, range: Diagnostic['range']): Diagnostic {
  const meta = findRule(rule)!;
  return { code: meta.code, rule: meta.name, severity: meta.severity, message, range, fixes: [], related: [] };
}

/**
 * The problems of the project file `.trainlint.yaml` as diagnostics on it, with the codes of the core's rules
 * that fit: YAML syntax problems (`parse-error`, `duplicate-key`), unknown settings (`unknown-key`, a warning:
 * the setting is ignored) and values that cannot be used (`invalid-value`, an error: the setting falls back).
 * `text` is without its byte order mark, so the offsets are the core's.
 */
export function projectFileDiagnostics(text: string): Diagnostic[] {
  const tree = parseYaml(text);
  const config = parseProjectConfig(text);
  // parseProjectConfig lists the YAML problems first, in the parser's order, then what it found in the settings.
  const syntax = tree.problems.map((p) => diagnostic(SYNTAX_RULE[p.kind], p.message, p.range));
  // An unknown setting is reported on its key; every other problem on the value that cannot be used.
  const settings = config.problems.slice(tree.problems.length).map((p) => diagnostic(p.unknown ? 'unknown-key' : 'invalid-value', p.message, p.range));
  return [...syntax, ...settings];
}
