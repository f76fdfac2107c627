import { statSync } from 'node:fs';
import { readRegularFile } from '../node/read-file';
import { DEFAULT_LIMITS } from '../core/syntax/limits';
import { basename, dirname, join, relative } from 'node:path';
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  analyze,
  findLinks,
  linksThrough,
  isIncluded,
  languageOf,
  mergeSettings,
  PROJECT_FILE_NAME,
  settingsForPath,
  type ConfigLink,
  type FileAnalysis,
  type LinkedFile,
  toSource,
  type Settings,
} from '../core/index';
import type { PythonParser } from '../core/python/syntax';
import { locateLink, scriptSettings } from '../node/program-files';
import type { ShellParser } from '../core/shell/syntax';
import { Converter, type OtherFile } from './convert';
import type { LinkGraph } from './link-graph';
import { nameHintOf, pathKey, pathOfUri, uriOfPath } from './paths';
import type { ProjectFiles } from '../node/project-files';
import { pinSettings, type WorkspacePins } from '../node/workspace-pins';
import { megatronArgumentsOf, repositoryRoot } from '../node/repository';
import { analysedMessage, settingsSourcesMessage } from './log';
import { projectFileDiagnostics } from './project-diagnostics';
import type { EditorSettings, SettingsStore } from './settings';
import type { WorkspaceFolders } from './workspace-folders';
import type { WorkspaceLinks } from './workspace-links';

/** One open document analysed in its context, for one version: what every feature reads. */
/** Why a linked file outside the workspace folders is not read (the language server reads only inside them). */
const OUTSIDE_THE_WORKSPACE = 'outside the workspace folders, which are all the language server reads; open its folder as a workspace folder to check it with this file';

export interface Analyzed {
  uri: string;
  version: number;
  analysis: FileAnalysis;
  converter: Converter;
  /** The merged settings the analysis ran with. */
  settings: Settings;
  linked: LinkedFile[];
  /** False when `files.include`/`exclude` (editor or project file) leave the document out: no diagnostics then. */
  included: boolean;
  /** Where the world size came from, in words for hovers. */
  worldSource?: string;
  /** Changes whenever the diagnostics may have: the pull model's result id. */
  resultId: string;
  /** Analyses another text of this document with everything else the same (settings, linked files): fix-all's later rounds. */
  reanalyze: (text: string) => FileAnalysis;
}

interface Entry {
  key: string;
  /** Versions (open documents) or modification times (files on disk) of the linked files it read. */
  stamps: string;
  result: Analyzed;
}

export interface AnalysesDeps {
  documents: TextDocuments<TextDocument>;
  settings: SettingsStore;
  projects: ProjectFiles;
  /** The framework versions the workspace pins (requirements, lock files, ...), below the project file. */
  pins: WorkspacePins;
  links: LinkGraph;
  folders: WorkspaceFolders;
  /** Linking files on disk in the workspace folder, for a target whose linking file is not open. */
  workspaceLinks: WorkspaceLinks;
  /** Loads the shell parser (WebAssembly) on first use: sessions without launch scripts never pay for it. */
  shellParser: () => Promise<ShellParser | undefined>;
  /** Loads the Python parser on first use: a launch script's program is read for the arguments it accepts (node/program-files.ts). */
  pythonParser?: () => Promise<PythonParser | undefined>;
  /** Called with the files whose link context changed, so they are checked again. */
  onLinksChanged: (paths: string[]) => void;
  /** The file at git HEAD, for rules that judge a change (lr-not-rescaled); undefined outside a repository. */
  baseline: (path: string) => { text: string; path: string } | undefined;
  /** The output channel: one line per document analysed (not per cached answer). */
  log?: (message: string) => void;
}

/**
 * The parse cache: one analysis per open document, reused while the (uri, version) pair, the settings and
 * the linked files' versions stay the same, so diagnostics, hovers, code actions and hints share one parse.
 */
export class Analyses {
  private readonly cache = new Map<string, Entry>();
  private nextResultId = 1;

  constructor(private readonly deps: AnalysesDeps) {}

  async get(document: TextDocument): Promise<Analyzed> {
    const uri = document.uri;
    const path = pathOfUri(uri);
    const editor = await this.deps.settings.forUri(uri);
    const text = document.getText();
    const name = nameHintOf(uri);
    // Only launch scripts wait for the shell parser; JSON and YAML go on without it.
    const shellParser = languageOf(name, text) === 'shell' ? await this.deps.shellParser() : undefined;
    const projectFile = basename(name) === PROJECT_FILE_NAME;
    // A DeepSpeed config may be read by a file that is not open: the folder is scanned for linking files once, first.
    if (path && languageOf(name, text) === 'json') await this.deps.workspaceLinks.ready(path);
    const { settings: given, included: byGlobs, worldSource } = this.settingsFor(path, editor);
    let settings = given;
    // The project file itself is always checked: its problems decide the settings of every other file.
    const included = projectFile || byGlobs;
    const key = JSON.stringify([document.version, settings, included]);
    const cached = this.cache.get(uri);
    if (cached && cached.key === key && cached.stamps === this.stamps(cached.result.linked)) return cached.result;
    const started = performance.now();

    // The HEAD version only matters when the text differs from it; an unchanged file costs one analysis, not two.
    const head = path ? this.deps.baseline(path) : undefined;
    const baseline = head && head.text !== text ? head : undefined;
    let analysis = analyze(text, { path: name, settings, shellParser, baseline });
    // A launch script whose program is a Python file of the workspace: its flags are judged by that program's arguments,
    // and the config it hands the program is linked with them; one run from a folder the workspace lacks: that checkout decides (as in the CLI).
    const more = path && shellParser ? scriptSettings(path, analysis, this.deps.pythonParser ? await this.deps.pythonParser() : undefined, this.deps.folders.folderOf(path), (p) => this.mayRead(p)) : {};
    if (Object.keys(more).length > 0) {
      settings = { ...settings, ...more };
      analysis = analyze(text, { path: name, settings, shellParser, baseline });
    }
    const folder = path ? this.deps.folders.folderOf(path) : undefined;
    // A relative path is opened from where the run starts: the folder the script cd's to or the one holding its program,
    // else the file's folder or a parent up to the repository root, whichever holds it (as in the CLI).
    const locate = (link: ConfigLink) => locateLink(path!, link.target, analysis, folder);
    const links = findLinks(analysis).map((l) => (l.kind === 'program-config' && path ? { ...l, target: locate(l).path } : l));
    const linked: LinkedFile[] = [];
    const resolveLink = async (link: ConfigLink): Promise<LinkedFile> => {
      const { path: target, lookedIn, outsideWorkspace, resolvedFrom } = locate(link);
      if (!outsideWorkspace && !this.mayRead(target)) return { link, path: target, notRead: OUTSIDE_THE_WORKSPACE };
      const targetText = this.read(target)?.text;
      if (targetText === undefined) return { link, path: target, ...(lookedIn ? { lookedIn } : {}), ...(outsideWorkspace ? { outsideWorkspace } : {}) };
      const targetEditor = await this.deps.settings.forUri(uriOfPath(target));
      const targetSettings = mergeSettings(this.projectSettings(target), link.context, targetEditor.analysis);
      return { link, path: target, ...(resolvedFrom ? { resolvedFrom } : {}), analysis: analyze(targetText, { path: target, settings: targetSettings, shellParser }) };
    };
    for (const link of links) {
      if (!path) break; // An untitled document has no folder for relative links.
      const resolved = await resolveLink(link);
      if (resolved.analysis || !link.optional) linked.push(resolved);
    }
    // A script's accelerate config leads on to its DeepSpeed config (as in the CLI; a missing one is reported in the accelerate config).
    for (const via of [...linked]) {
      for (const link of linksThrough(analysis, via)) {
        const through = await resolveLink(link);
        if (through.analysis) linked.push(through);
      }
    }
    if (linked.length > 0) analysis = analyze(text, { path: name, settings, shellParser, linked, baseline });
    if (projectFile) analysis = { ...analysis, diagnostics: projectFileDiagnostics(analysis.text) };
    if (path) {
      const changed = this.deps.links.update(path, included ? links : []);
      if (changed.length > 0) this.deps.onLinksChanged(changed);
    }
    const result: Analyzed = {
      uri,
      version: document.version,
      analysis,
      converter: new Converter(analysis),
      settings,
      linked,
      included,
      worldSource,
      resultId: String(this.nextResultId++),
      reanalyze: (next) => {
        const nextBaseline = head && head.text !== next ? head : undefined;
        const again = analyze(next, { path: name, settings, shellParser, linked: linked.length > 0 ? linked : undefined, baseline: nextBaseline });
        return projectFile ? { ...again, diagnostics: projectFileDiagnostics(again.text) } : again;
      },
    };
    this.cache.set(uri, { key, stamps: this.stamps(linked), result });
    this.deps.log?.(analysedMessage(name, analysis, linked, performance.now() - started));
    return result;
  }

  /** Where a document's settings come from, for the output channel when the settings change. */
  async settingsSources(uri: string): Promise<string | undefined> {
    const path = pathOfUri(uri);
    if (!path) return undefined;
    return settingsSourcesMessage(path, await this.deps.settings.forUri(uri), this.deps.projects.find(path)?.path);
  }

  /** The links a file on disk makes, analysed with its project settings: what the workspace scan records. */
  async linksOfFile(path: string, text: string): Promise<ConfigLink[]> {
    const project = this.deps.projects.find(path);
    if (project && !isIncluded(project.config, relative(project.dir, path).replace(/\\/g, '/'))) return [];
    const shellParser = languageOf(path, text) === 'shell' ? await this.deps.shellParser() : undefined;
    const analysis = analyze(text, { path, settings: this.projectSettings(path), shellParser });
    // Messages on the target name the linking file, by its path in the workspace folder.
    const linker = this.deps.folders.relative(path);
    return findLinks(analysis).map((l) => (l.context.linkedFrom ? { ...l, context: { ...l.context, linkedFrom: { ...l.context.linkedFrom, path: linker } } } : l));
  }

  /** The document closed: drop its analysis and the links it made. */
  forget(uri: string): void {
    this.cache.delete(uri);
    const path = pathOfUri(uri);
    if (!path) return;
    const changed = this.deps.links.update(path, []);
    if (changed.length > 0) this.deps.onLinksChanged(changed);
  }

  /** Settings or project files changed: every analysis must be redone. */
  clear(): void {
    this.cache.clear();
  }

  /**
   * The project file that governs a path: the nearest .trainlint.yaml above it (its open text or its text on disk), or
   * where one would be created (the workspace folder holding the path, else the path's folder) with no text.
   */
  projectFileOf(path: string): { uri: string; text?: string; version: number | null } {
    const found = this.deps.projects.find(path);
    const target = found?.path ?? join(this.deps.folders.folderOf(path) ?? dirname(path), PROJECT_FILE_NAME);
    const read = this.read(target);
    return read ? { uri: read.uri, text: read.text, version: read.version ?? null } : { uri: uriOfPath(target), version: null };
  }

  /** An open document, or a file on disk, by path: its text, and where it stands for related locations and fixes. */
  locate(path: string): OtherFile | undefined {
    const found = this.read(path);
    if (!found) return undefined;
    return { uri: found.uri, version: found.version ?? null, converter: new Converter(toSource(found.text)) };
  }

  /** A document the editor sent, or a file inside a workspace folder: nothing else is read. */
  private mayRead(path: string): boolean {
    return this.openDocument(path) !== undefined || this.deps.folders.folderOf(path) !== undefined;
  }

  private read(path: string): { uri: string; text: string; version?: number; stamp: string } | undefined {
    const open = this.openDocument(path);
    if (open) return { uri: open.uri, text: open.getText(), version: open.version, stamp: `v${open.version}` };
    if (!this.mayRead(path)) return undefined;
    // Only a regular file under the analysis limit: a linked named pipe or /dev/zero must not stall or exhaust the server.
    const read = readRegularFile(path, DEFAULT_LIMITS.maxChars);
    if ('notRead' in read) return undefined; // The core reports a missing link target.
    try {
      return { uri: uriOfPath(path), text: read.text, stamp: `t${statSync(path).mtimeMs}` };
    } catch {
      return undefined;
    }
  }

  private stamps(linked: LinkedFile[]): string {
    return linked
      .map((l) => {
        const open = this.openDocument(l.path);
        if (open) return `v${open.version}`;
        try {
          return `t${statSync(l.path).mtimeMs}`;
        } catch {
          return 'missing';
        }
      })
      .join(',');
  }

  private openDocument(path: string): TextDocument | undefined {
    const key = pathKey(path);
    return this.deps.documents.all().find((d) => {
      const p = pathOfUri(d.uri);
      return p !== undefined && pathKey(p) === key;
    });
  }

  private projectSettings(path: string): Settings {
    const project = this.deps.projects.find(path);
    return mergeSettings(this.workspaceSettings(path), project ? settingsForPath(project.config, relative(project.dir, path).replace(/\\/g, '/')) : {});
  }

  /**
   * What the workspace itself says about a file, below the project file: the framework versions it pins, and the
   * repository's own Megatron arguments file when it ships one (a fork decides its flags), as in the CLI.
   */
  private workspaceSettings(path: string): Settings {
    const folder = this.deps.folders.folderOf(path);
    const root = repositoryRoot(path, folder ? [folder] : []);
    const megatronArguments = megatronArgumentsOf(root !== undefined && this.mayRead(root) ? root : undefined);
    return mergeSettings(pinSettings(this.deps.pins.find(path)), megatronArguments ? { megatronArguments } : {});
  }

  /**
   * Settings precedence (ARCHITECTURE.md): rule defaults, the project file and its overrides, what a linking
   * file says about this one, then the editor settings.
   */
  private settingsFor(path: string | undefined, editor: EditorSettings): { settings: Settings; included: boolean; worldSource?: string } {
    if (!path) return { settings: editor.analysis, included: true, worldSource: editor.analysis.cluster ? 'trainlint.cluster in the editor settings' : undefined };
    const project = this.deps.projects.find(path);
    const projectRelative = project ? relative(project.dir, path).replace(/\\/g, '/') : '';
    const fromProject = mergeSettings(this.workspaceSettings(path), project ? settingsForPath(project.config, projectRelative) : {});
    // An open linking file (with its unsaved text) speaks first; then one on disk in the workspace folder.
    const fromLink = this.deps.links.contextFor(path) ?? this.deps.workspaceLinks.contextFor(path);
    const settings = mergeSettings(fromProject, fromLink?.context, editor.analysis);
    const states = (s: Settings | undefined) => s?.cluster?.worldSize !== undefined || s?.cluster?.nodes !== undefined || s?.cluster?.gpusPerNode !== undefined;
    const worldSource = states(editor.analysis)
      ? 'trainlint.cluster in the editor settings'
      : states(fromLink?.context)
        ? `num_processes in ${basename(fromLink!.linker)}`
        : states(fromProject) && project
          ? `cluster in ${relative(dirname(path), project.path).replace(/\\/g, '/')}`
          : undefined;
    const folderRelative = this.deps.folders.relative(path);
    const byEditor = isIncluded({ settings: {}, include: editor.include, exclude: editor.exclude, overrides: [], problems: [] }, folderRelative);
    const included = byEditor && (!project || isIncluded(project.config, projectRelative));
    return { settings, included, worldSource };
  }
}
