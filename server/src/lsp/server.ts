import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  CancellationToken,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type ServerCapabilities,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { PROJECT_FILE_NAME } from '../core/index';
import type { PythonParser } from '../core/python/syntax';
import type { ShellParser } from '../core/shell/syntax';
import { Analyses, type Analyzed } from './analyses';
import { codeActions, FIX_ALL_KIND } from './code-actions';
import { pullDiagnostics, pushDiagnostics, type DiagnosticsChannel } from './diagnostics';
import { codeLenses, completion, hover, inlayHints, planPage, summary } from './features';
import { HeadVersions } from './head-versions';
import { LinkGraph } from './link-graph';
import { pathKey, pathOfUri, uriOfPath } from './paths';
import { isProjectFile, ProjectFiles } from '../node/project-files';
import { WorkspacePins } from '../node/workspace-pins';
import { pinFileKind } from '../core/versions/pin-files';
import { CATALOG_MODELS_REQUEST, CHANGE_GLOBAL_BATCH_COMMAND, PLAN_PAGE_REQUEST, SET_PROJECT_MODEL_COMMAND, SUMMARY_REQUEST, type ChangeGlobalBatchArgs, type PlanPageResult, type SetProjectModelArgs, type SummaryParams, type SummaryResult } from './protocol';
import { catalogModels, runSetProjectModel } from './set-project-model';
import { runChangeGlobalBatch } from './change-global-batch';
import { startMessage } from './log';
import { refuseRequestsFromNowOn, runSafe } from './run-safe';
import { SettingsStore } from './settings';
import { WorkspaceFolders } from './workspace-folders';
import { WorkspaceLinks } from './workspace-links';

export const SERVER_NAME = 'trainlint';
/** The extension's version (package.json; test/lsp/logging.test.ts holds them equal). */
export const SERVER_VERSION = '0.1.0';

/** What the process around the server adds: Node's `afterEdit` schedules garbage collection for when typing stops. */
export interface ServerHooks {
  afterEdit?: () => void;
}

/** Wires the protocol to the analysis: every handler reads one cached analysis per (uri, version). */
export function startServer(connection: Connection, shellParser: () => Promise<ShellParser | undefined>, pythonParser: () => Promise<PythonParser | undefined> = async () => undefined, hooks: ServerHooks = {}): void {
  const documents = new TextDocuments(TextDocument);
  // The server reads files only inside its workspace folders (and the documents the editor sends): project files, pins
  // and linked configs outside them are not read.
  const folders = new WorkspaceFolders();
  const inWorkspace = (path: string) => folders.folderOf(path) !== undefined;
  // A project file open in the editor counts as typed, like an open linked config.
  const projects = new ProjectFiles((path) => documents.get(uriOfPath(path))?.getText(), inWorkspace);
  const pins = new WorkspacePins(inWorkspace);
  const isPinFile = (path: string) => pinFileKind(path.split(/[\\/]/).pop() ?? '') !== undefined && !/\.(sh|bash|slurm|sbatch)$/i.test(path);
  const links = new LinkGraph();
  const headVersions = new HeadVersions();
  const isOpen = (path: string) => documents.all().some((d) => {
    const p = pathOfUri(d.uri);
    return p !== undefined && pathKey(p) === pathKey(path);
  });
  const workspaceLinks = new WorkspaceLinks({ folderOf: (path) => folders.folderOf(path), linksOf: (path, text) => analyses.linksOfFile(path, text), isOpen });
  let settings: SettingsStore;
  let analyses: Analyses;
  let diagnostics: DiagnosticsChannel;
  let versionedEdits = false;
  // Client commands the editor declared it implements (TrainLint's VS Code extension: the architecture picker).
  let clientCommands: string[] = [];
  let registerForChanges = { configuration: false, watchedFiles: false, folders: false };

  const openUris = (paths: string[]) => {
    const keys = new Set(paths.map(pathKey));
    return documents.keys().filter((uri) => {
      const path = pathOfUri(uri);
      return path !== undefined && keys.has(pathKey(path));
    });
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const client = params.capabilities;
    const pull = client.textDocument?.diagnostic !== undefined;
    const literals = client.textDocument?.codeAction?.codeActionLiteralSupport !== undefined;
    versionedEdits = client.workspace?.workspaceEdit?.documentChanges === true;
    const declared = (params.initializationOptions as { clientCommands?: unknown } | undefined)?.clientCommands;
    clientCommands = Array.isArray(declared) ? declared.filter((c): c is string => typeof c === 'string') : [];
    registerForChanges = {
      configuration: client.workspace?.didChangeConfiguration?.dynamicRegistration === true,
      watchedFiles: client.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
      folders: client.workspace?.workspaceFolders === true,
    };
    folders.set(params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []));
    settings = new SettingsStore(connection, client.workspace?.configuration === true, params.initializationOptions);
    analyses = new Analyses({
      documents,
      settings,
      projects,
      pins,
      links,
      folders,
      workspaceLinks,
      shellParser,
      pythonParser,
      // A linking file changed what it says about another file, or a linked file changed: check both ends again.
      onLinksChanged: (paths) => diagnostics.recheck(openUris(paths)),
      baseline: (path) => headVersions.get(path),
      log: (message) => connection.console.log(message),
    });
    diagnostics = pull
      ? pullDiagnostics(connection, documents, analyses, client.workspace?.diagnostics?.refreshSupport === true)
      : pushDiagnostics(connection, documents, analyses);

    const capabilities: ServerCapabilities = {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['"', ':', ' '] },
      codeActionProvider: literals ? { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] } : undefined,
      inlayHintProvider: true,
      codeLensProvider: { resolveProvider: false },
      executeCommandProvider: { commands: [CHANGE_GLOBAL_BATCH_COMMAND, SET_PROJECT_MODEL_COMMAND] },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    };
    if (pull) capabilities.diagnosticProvider = { identifier: SERVER_NAME, interFileDependencies: true, workspaceDiagnostics: false };
    return { capabilities, serverInfo: { name: SERVER_NAME, version: SERVER_VERSION } };
  });

  connection.onInitialized(() => {
    connection.console.info(startMessage(SERVER_VERSION));
    if (registerForChanges.configuration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'trainlint' });
    if (registerForChanges.watchedFiles) {
      // Project files decide settings; JSON and YAML files may be linked from an open config, or link to one (a script too).
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        // Pin files (requirements*.txt, pyproject.toml, lock files, ...) decide the framework versions.
        watchers: [{ globPattern: `**/${PROJECT_FILE_NAME}` }, { globPattern: '**/*.{json,yaml,yml,sh}' }, { globPattern: '**/{requirements*.txt,pyproject.toml,setup.py,setup.cfg,uv.lock,poetry.lock,Pipfile,Pipfile.lock,Dockerfile*,README.md}' }],
      });
    }
    if (registerForChanges.folders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        folders.change(event.added, event.removed);
        projects.invalidate();
        pins.invalidate();
        workspaceLinks.invalidate();
        everythingChanged();
      });
    }
  });

  const everythingChanged = () => {
    analyses.clear();
    diagnostics.recheck();
    void connection.languages.inlayHint.refresh().catch(() => undefined); // Clients without refresh support refuse it.
  };

  connection.onDidChangeConfiguration((change) => {
    settings.changed(change.settings);
    everythingChanged();
    // Where each open document's settings now come from: the VS Code settings it sets, its project file, defaults.
    for (const uri of documents.keys()) {
      void analyses.settingsSources(uri).then((message) => message && connection.console.info(message), () => undefined);
    }
  });

  connection.onDidChangeWatchedFiles((change) => {
    const paths = change.changes.map((c) => pathOfUri(c.uri)).filter((p): p is string => p !== undefined);
    if (paths.some(isProjectFile) || paths.some(isPinFile)) {
      projects.invalidate();
      pins.invalidate();
      workspaceLinks.invalidate();
      everythingChanged();
      return;
    }
    // A file on disk that an open config links to changed: check that config again.
    const linkers = paths.flatMap((p) => links.linkersOf(p));
    if (linkers.length > 0) diagnostics.recheck(openUris(linkers));
    // A linking file on disk changed (or came, or went): check the open files it points to again.
    void workspaceLinks
      .filesChanged(paths)
      .then((targets) => {
        const uris = openUris(targets);
        if (uris.length > 0) diagnostics.recheck(uris);
      })
      .catch((error: unknown) => connection.console.error(`reading changed files failed: ${String(error)}`));
  });

  documents.onDidOpen((event) => {
    const path = pathOfUri(event.document.uri);
    if (path) headVersions.forget(path);
    // No diagnostics.changed here: TextDocuments fires onDidChangeContent for an opened document too, and a second
    // schedule would publish the same diagnostics twice.
  });
  documents.onDidChangeContent((event) => {
    hooks.afterEdit?.();
    diagnostics.changed(event.document.uri);
    const path = pathOfUri(event.document.uri);
    // An open linked file's unsaved text counts: the configs that link to it are checked against it. The files it
    // links to are checked again by onLinksChanged, once its own analysis shows what it now says about them.
    if (path) diagnostics.recheck(openUris(links.linkersOf(path)));
    if (path && isProjectFile(path)) {
      projects.invalidate();
      everythingChanged();
    }
  });
  documents.onDidSave((event) => {
    const path = pathOfUri(event.document.uri);
    // A commit usually follows a save: read HEAD's version again next time.
    if (path) headVersions.forget(path);
    if (path && (isProjectFile(path) || isPinFile(path))) {
      projects.invalidate();
      pins.invalidate();
      workspaceLinks.invalidate();
      everythingChanged();
    }
  });
  documents.onDidClose((event) => {
    analyses.forget(event.document.uri);
    diagnostics.closed(event.document.uri);
    settings.forget(event.document.uri);
  });

  const withAnalysis = <T>(uri: string, what: string, fallback: T, token: CancellationToken, work: (a: Analyzed) => T) =>
    runSafe(connection, token, what, fallback, async () => {
      const document = documents.get(uri);
      return document ? work(await analyses.get(document)) : fallback;
    });

  connection.onHover((params, token) => withAnalysis(params.textDocument.uri, 'hover', null, token, (a) => hover(a, params.position, clientCommands)));
  connection.onCompletion((params, token) => withAnalysis(params.textDocument.uri, 'completion', [], token, (a) => completion(a, params.position)));
  connection.onCodeAction((params, token) => withAnalysis(params.textDocument.uri, 'code actions', [], token, (a) => codeActions(params, a, analyses, { versionedEdits, commands: clientCommands })));
  connection.onRequest(CATALOG_MODELS_REQUEST, () => runSafe(connection, CancellationToken.None, 'catalog models', [], () => catalogModels()));
  connection.onShutdown(() => refuseRequestsFromNowOn());
  connection.languages.inlayHint.on((params, token) => withAnalysis(params.textDocument.uri, 'inlay hints', [], token, (a) => inlayHints(a, params.range)));
  connection.onCodeLens((params, token) => withAnalysis(params.textDocument.uri, 'code lens', [], token, (a) => codeLenses(a)));
  connection.onRequest(SUMMARY_REQUEST, (params: SummaryParams, token) =>
    withAnalysis<SummaryResult | null>(params.uri, 'summary', null, token, (a) => summary(a)),
  );
  connection.onRequest(PLAN_PAGE_REQUEST, (params: SummaryParams, token) =>
    withAnalysis<PlanPageResult | null>(params.uri, 'plan page', null, token, (a) => planPage(a)),
  );

  connection.onExecuteCommand((params, token) =>
    runSafe(connection, token, params.command, { applied: false, message: 'the command failed: see the TrainLint output' }, () => {
      const args = params.arguments?.[0] as (ChangeGlobalBatchArgs & SetProjectModelArgs) | undefined;
      if (!args) return { applied: false, message: `no arguments: ${params.command}` };
      if (params.command === CHANGE_GLOBAL_BATCH_COMMAND) return runChangeGlobalBatch(connection, documents, analyses, args);
      if (params.command === SET_PROJECT_MODEL_COMMAND) return runSetProjectModel(connection, documents, analyses, versionedEdits, args);
      return { applied: false, message: `unknown command: ${params.command}` };
    }),
  );

  documents.listen(connection);
  connection.listen();
}
