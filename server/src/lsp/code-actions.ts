import { CodeActionKind, type CodeAction, type CodeActionParams, type CreateFile, type Diagnostic, type TextDocumentEdit, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { disableFixes, projectOverrideEdits, projectSettingEdits, SUPPRESSION_RULES, toSource, type Diagnostic as CoreDiagnostic } from '../core/index';
import { dirname, relative } from 'node:path';
import type { TextEdit as CoreTextEdit } from '../core/text/range';
import { LAYOUT_FINDINGS, layoutFixes, type LayoutFix } from '../core/suggest/layout-fixes';
import type { FileEdits } from '../core/rescale/global-batch';
import type { Analyses, Analyzed } from './analyses';
import { fixAll } from './fix-all';
import { Converter, SOURCE, toFixData, type DiagnosticData, type FixData } from './convert';
import { pathOfUri } from './paths';
import { CHOOSE_ARCHITECTURE_COMMAND, type ChooseArchitectureArgs } from './protocol';
import { ruleDocActions } from './rule-doc-actions';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.${SOURCE}`;

function sameRange(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/**
 * The fixes of a diagnostic the client sends back. They travel in `data`; a client that drops `data`, or a
 * diagnostic from an older version, gets them recomputed from (uri, version, range, code), never from the message.
 */
function fixesOf(diagnostic: Diagnostic, analyzed: Analyzed, analyses: Analyses): FixData[] {
  const data = diagnostic.data as DiagnosticData | undefined;
  if (data && data.version === analyzed.version && Array.isArray(data.fixes)) return data.fixes;
  const doc = { uri: analyzed.uri, version: analyzed.version, converter: analyzed.converter, locate: (path: string) => analyses.locate(path) };
  return (findingOf(diagnostic, analyzed)?.fixes ?? []).map((f) => toFixData(f, doc)).filter((f): f is FixData => f !== undefined);
}

/** The analysis's finding a client's diagnostic stands for, by (code, range) in the current version. */
function findingOf(diagnostic: Diagnostic, analyzed: Analyzed): CoreDiagnostic | undefined {
  return analyzed.analysis.diagnostics.find((d) => d.code === diagnostic.code && sameRange(analyzed.converter.range(d.range), diagnostic.range));
}

/** Edits tied to the version they were computed for, so a client applies them to that text or not at all. */
function workspaceEdit(analyzed: Analyzed, edits: TextEdit[], other: FixData['other'], versioned: boolean): WorkspaceEdit {
  if (!versioned) {
    const changes: Record<string, TextEdit[]> = { [analyzed.uri]: edits };
    if (other) changes[other.uri] = other.edits;
    return { changes };
  }
  const documentChanges: TextDocumentEdit[] = [{ textDocument: { uri: analyzed.uri, version: analyzed.version }, edits }];
  if (other) documentChanges.push({ textDocument: { uri: other.uri, version: other.version }, edits: other.edits });
  return { documentChanges };
}

/**
 * The edit that writes a fix's setting into the project file governing the document: edited in place when the file
 * exists, created otherwise (which needs a client that takes resource operations, the same one that takes versions).
 */
export function projectFileEdit(analyzed: Analyzed, analyses: Analyses, setting: NonNullable<FixData['projectSetting']>, versioned: boolean): WorkspaceEdit | undefined {
  return editProjectFile(analyzed, analyses, versioned, (text) => projectSettingEdits(text, setting.key, setting.value));
}

/** "Disable <rule> for this file in .trainlint.yaml": JSON has no comments, so its suppression is an override entry. */
function disableInProjectFile(analyzed: Analyzed, analyses: Analyses, rule: string, versioned: boolean): WorkspaceEdit | undefined {
  const path = pathOfUri(analyzed.uri);
  const project = path && pathOfUri(analyses.projectFileOf(path).uri);
  if (!path || !project) return undefined;
  const fromRoot = relative(dirname(project), path).replace(/\\/g, '/');
  if (fromRoot.startsWith('../')) return undefined; // a file outside the project file's folder: no override reaches it
  return editProjectFile(analyzed, analyses, versioned, (text) => projectOverrideEdits(text, fromRoot, rule));
}

/**
 * The edit to the project file governing the document: edited in place when the file exists, created otherwise (which
 * needs a client that takes resource operations, the same one that takes versions).
 */
function editProjectFile(analyzed: Analyzed, analyses: Analyses, versioned: boolean, edit: (text: string | undefined) => CoreTextEdit[] | undefined): WorkspaceEdit | undefined {
  const path = pathOfUri(analyzed.uri);
  if (!path) return undefined;
  const file = analyses.projectFileOf(path);
  const source = toSource(file.text ?? '');
  const edits = edit(file.text === undefined ? undefined : source.text);
  if (!edits) return undefined; // A project file that is not a mapping: writing into it would break it.
  const converter = new Converter(source);
  const lspEdits = edits.map((e) => converter.edit(e));
  if (file.text !== undefined && !versioned) return { changes: { [file.uri]: lspEdits } };
  if (!versioned) return undefined;
  const create: CreateFile[] = file.text === undefined ? [{ kind: 'create', uri: file.uri, options: { ignoreIfExists: true } }] : [];
  return { documentChanges: [...create, { textDocument: { uri: file.uri, version: file.version }, edits: lspEdits }] };
}

/** A layout's edits across the document and the files it links to, each tied to the version it was computed for. */
function layoutEdit(analyzed: Analyzed, analyses: Analyses, files: FileEdits[], versioned: boolean): WorkspaceEdit | undefined {
  const changes: Array<{ uri: string; version: number | null; edits: TextEdit[] }> = [];
  for (const file of files) {
    const target = file.path === undefined ? { uri: analyzed.uri, version: analyzed.version, converter: analyzed.converter } : analyses.locate(file.path);
    if (!target) return undefined; // a linked file that cannot be read now: no half edit
    changes.push({ uri: target.uri, version: target.version, edits: file.edits.map((e) => target.converter.edit(e)) });
  }
  if (!versioned) return { changes: Object.fromEntries(changes.map((c) => [c.uri, c.edits])) };
  return { documentChanges: changes.map((c) => ({ textDocument: { uri: c.uri, version: c.version }, edits: c.edits })) };
}

function wants(only: string[] | undefined, kind: string): boolean {
  return !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
}

/** What the client can do beyond the protocol: the client commands it declared (initializationOptions.clientCommands). */
export interface ClientAbilities {
  versionedEdits: boolean;
  commands: string[];
}

export function codeActions(params: CodeActionParams, analyzed: Analyzed, analyses: Analyses, client: ClientAbilities): CodeAction[] {
  const versioned = client.versionedEdits;
  if (!analyzed.included) return [];
  const only = params.context.only;
  const actions: CodeAction[] = [];
  let layouts: LayoutFix[] | undefined;
  if (wants(only, CodeActionKind.QuickFix)) {
    for (const diagnostic of params.context.diagnostics) {
      if (diagnostic.source !== SOURCE) continue;
      const fixes = fixesOf(diagnostic, analyzed, analyses);
      const preferred = fixes.filter((f) => f.safe).length === 1 ? fixes.find((f) => f.safe) : undefined;
      for (const fix of fixes) {
        if (fix.choose === 'catalog-model') {
          // A picker is the client's: offered only where the client declared the command.
          if (client.commands.includes(CHOOSE_ARCHITECTURE_COMMAND)) {
            const args: ChooseArchitectureArgs = { uri: analyzed.uri };
            actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title: fix.title, command: CHOOSE_ARCHITECTURE_COMMAND, arguments: [args] } });
          }
          continue;
        }
        if (fix.projectSetting) {
          const edit = projectFileEdit(analyzed, analyses, fix.projectSetting, versioned);
          if (edit) actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit });
          continue;
        }
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: fix === preferred,
          edit: workspaceEdit(analyzed, fix.edits, fix.other, versioned),
        });
      }
      // An estimate finding's fixes are whole layouts: the layout search's best, written into the file and its links.
      const finding = findingOf(diagnostic, analyzed);
      if (finding && LAYOUT_FINDINGS.has(finding.rule)) {
        layouts ??= layoutFixes(analyzed.analysis, analyzed.linked);
        for (const fix of layouts) {
          const edit = layoutEdit(analyzed, analyses, fix.files, versioned);
          if (edit) actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit });
        }
      }
      // After the fixes: silence the finding with a suppression comment (core/suppress/disable-fixes.ts).
      for (const fix of finding ? disableFixes(analyzed.analysis, finding) : []) {
        const edits = fix.edits.map((e) => analyzed.converter.edit(e));
        actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: workspaceEdit(analyzed, edits, undefined, versioned) });
      }
      if (finding && analyzed.analysis.tree.language === 'json' && !SUPPRESSION_RULES.has(finding.rule)) {
        const edit = disableInProjectFile(analyzed, analyses, finding.rule, versioned);
        if (edit) actions.push({ title: `Disable ${finding.rule} for this file in .trainlint.yaml`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit });
      }
    }
    actions.push(...ruleDocActions(params.context.diagnostics, client.commands));
  }
  // Fix-all is a source action: offered when asked for (on save, or the Source Action menu), never in the light bulb.
  if (only && wants(only, FIX_ALL_KIND)) {
    // Round after round, as `trainlint check --fix` does, in one edit against the version asked for.
    const { applied, edits } = fixAll(analyzed);
    if (edits.length > 0) {
      actions.push({
        title: `Fix all safe TrainLint problems (${applied})`,
        kind: FIX_ALL_KIND,
        edit: workspaceEdit(analyzed, edits.map((e) => analyzed.converter.edit(e)), undefined, versioned),
      });
    }
  }
  return actions;
}
