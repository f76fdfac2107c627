import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import { ruleMetas } from '../core/index';
import { SOURCE } from './convert';
import { OPEN_RULE_DOC_COMMAND } from './protocol';

/**
 * "Show documentation for <rule>" on each TrainLint diagnostic, once per rule, opening the page the extension ships:
 * offered only to a client that declared OPEN_RULE_DOC_COMMAND. The rule comes from the diagnostic's code.
 */
export function ruleDocActions(diagnostics: Diagnostic[], clientCommands: string[]): CodeAction[] {
  if (!clientCommands.includes(OPEN_RULE_DOC_COMMAND)) return [];
  const byCode = new Map(ruleMetas().map((m) => [m.code, m.name]));
  const seen = new Set<string>();
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    const rule = diagnostic.source === SOURCE ? byCode.get(String(diagnostic.code)) : undefined;
    if (!rule || seen.has(rule)) continue;
    seen.add(rule);
    const title = `Show documentation for ${rule}`;
    actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: OPEN_RULE_DOC_COMMAND, arguments: [rule] } });
  }
  return actions;
}
