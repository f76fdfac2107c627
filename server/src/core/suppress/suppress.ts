import type { Diagnostic, Fix } from '../diagnostic';
import type { Settings } from '../settings';
import type { RuleMeta } from '../rules/rule-meta';
import { findRule, ruleMetas } from '../rules/registry';
import { unknownSuppressedRule, unusedSuppression } from '../rules/suppression-rules';
import { LineIndex } from '../text/line-index';
import { clearWinner, rankSuggestions } from '../util/did-you-mean';
import { readDirectives, type Directive, type DirectiveName } from './directives';

/** The rules that suppression comments never silence: they judge the comments themselves. */
export const SUPPRESSION_RULES: ReadonlySet<string> = new Set([unusedSuppression.meta.name, unknownSuppressedRule.meta.name]);

// Names every rule in a suppression comment (`# trainlint: disable=all`).
const ALL = 'all';

interface Entry {
  directive: Directive;
  name: DirectiveName;
  /** The rule named; undefined for `all` and for a name no rule has. */
  meta?: RuleMeta;
  used: boolean;
}

/**
 * Drops the diagnostics that suppression comments silence (directives.ts), and, where `judge` is set (the file's rules
 * ran), reports the comments' names that silenced nothing and those that name no rule. The one place suppression happens:
 * every rule's findings, and those of a script's embedded configs, pass through here. Linear in the text and the findings.
 */
export function applySuppressions(diagnostics: Diagnostic[], text: string, language: 'json' | 'yaml' | 'shell', settings: Settings, judge: boolean): Diagnostic[] {
  if (language === 'json') return diagnostics;
  const directives = readDirectives(text);
  if (directives.length === 0) return diagnostics;
  // Entries grouped by where and what they silence (`file` or a line, and a rule name or `all`), so each finding looks
  // up four groups and each group is marked used once: linear however many comments and findings there are.
  const groups = new Map<string, Entry[]>();
  const entries: Entry[] = [];
  for (const directive of directives) {
    const where = directive.kind === 'file' ? 'file' : directive.target;
    for (const name of directive.names) {
      const entry: Entry = { directive, name, meta: name.name === ALL ? undefined : findRule(name.name), used: false };
      entries.push(entry);
      const what = name.name === ALL ? ALL : entry.meta?.name;
      if (where === undefined || what === undefined) continue;
      const key = `${where} ${what}`;
      const group = groups.get(key);
      if (group) group.push(entry);
      else groups.set(key, [entry]);
    }
  }
  const lines = new LineIndex(text);
  const marked = new Set<string>();
  const kept = diagnostics.filter((d) => {
    if (SUPPRESSION_RULES.has(d.rule)) return true;
    const line = lines.positionAt(d.range.start).line;
    const keys = [`file ${d.rule}`, `file ${ALL}`, `${line} ${d.rule}`, `${line} ${ALL}`].filter((k) => groups.has(k));
    for (const key of keys) {
      if (marked.has(key)) continue;
      marked.add(key);
      for (const e of groups.get(key)!) e.used = true;
    }
    return keys.length === 0;
  });
  if (!judge) return kept;
  for (const entry of entries) {
    if (entry.used) continue;
    const known = entry.name.name === ALL || entry.meta !== undefined;
    // A rule the settings turn off reports nothing anywhere: its comment is not known to be unneeded.
    if (known && entry.meta && (settings.rules?.[entry.meta.name] ?? settings.rules?.[entry.meta.code]) === 'off') continue;
    const diagnostic = known ? unused(entry, text, settings) : unknown(entry, text, settings);
    if (diagnostic) kept.push(diagnostic);
  }
  return kept;
}

function unused(entry: Entry, text: string, settings: Settings): Diagnostic | undefined {
  const { directive, name } = entry;
  const where = directive.kind === 'file' ? 'in this file' : directive.kind === 'line' ? 'on this line' : directive.target === undefined ? 'after it: it ends the file' : 'on the next line';
  const hint = directive.kind === 'line' && directive.ownLine ? ' A comment on a line of its own silences the next line with `disable-next-line=`.' : '';
  const what = name.name === ALL ? 'no rule reports anything' : `${entry.meta!.name} reports nothing`;
  return report(unusedSuppression.meta, settings, name.range, `Unused suppression: ${what} ${where}.${hint}`, [{ title: directive.names.length === 1 ? 'Remove the unused suppression comment' : `Remove ${name.name} from the suppression comment`, safe: false, edits: [removal(text, directive, name)] }]);
}

function unknown(entry: Entry, text: string, settings: Settings): Diagnostic | undefined {
  const { directive, name } = entry;
  const known = [ALL, ...ruleMetas().map((m) => m.name)];
  const suggestion = clearWinner(rankSuggestions(name.name, known));
  const message = `Unknown rule "${name.name}" in a suppression comment: it silences nothing.${suggestion ? ` Did you mean "${suggestion}"?` : ' Name a rule by its name (unknown-key) or its code (TL201).'}`;
  const fixes: Fix[] = suggestion ? [{ title: `Write ${suggestion}`, safe: false, edits: [{ range: name.range, newText: suggestion }] }] : [{ title: `Remove ${name.name} from the suppression comment`, safe: false, edits: [removal(text, directive, name)] }];
  return report(unknownSuppressedRule.meta, settings, name.range, message, fixes);
}

function report(meta: RuleMeta, settings: Settings, range: Diagnostic['range'], message: string, fixes: Fix[]): Diagnostic | undefined {
  const configured = settings.rules?.[meta.name] ?? settings.rules?.[meta.code];
  if (configured === 'off') return undefined;
  return { code: meta.code, rule: meta.name, severity: configured ?? meta.severity, message, range, fixes, related: [] };
}

/** The edit that takes one name out of a comment: the whole comment when it is the only one (its line too when alone there). */
export function removal(text: string, directive: Directive, name: DirectiveName): { range: Diagnostic['range']; newText: string } {
  const i = directive.names.indexOf(name);
  if (directive.names.length > 1) {
    // `a, b, c` without b: from b to c's start; the last one from the previous name's end.
    const range = i < directive.names.length - 1 ? { start: name.range.start, end: directive.names[i + 1].range.start } : { start: directive.names[i - 1].range.end, end: name.range.end };
    return { range, newText: '' };
  }
  if (directive.ownLine) return { range: { start: directive.lineStart, end: directive.nextLineStart }, newText: '' };
  // A trailing comment goes with the blanks before it.
  let start = directive.comment.start;
  while (start > directive.lineStart && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  return { range: { start, end: directive.lineEnd }, newText: '' };
}
