import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import {
  CATALOG_MODELS_REQUEST,
  CHANGE_GLOBAL_BATCH_COMMAND,
  CHOOSE_ARCHITECTURE_COMMAND,
  OPEN_RULE_DOC_COMMAND,
  PLAN_PAGE_REQUEST,
  SET_PROJECT_MODEL_COMMAND,
  SHOW_PLAN_COMMAND,
  SUMMARY_REQUEST,
  type CatalogModelItem,
  type ChooseArchitectureArgs,
  type SetProjectModelResult,
  type ChangeGlobalBatchArgs,
  type ChangeGlobalBatchResult,
  type LearningRateRule,
  type PlanPageResult,
  type SummaryResult,
} from '../../server/src/lsp/protocol';

/** The bundled server, relative to the extension folder: the one place its path is written. */
const SERVER_MODULE = 'dist/server.js';

const DOCUMENTS: Array<{ scheme: string; language: string }> = ['json', 'jsonc', 'yaml', 'shellscript'].flatMap((language) => [
  { scheme: 'file', language },
  { scheme: 'untitled', language },
]);

let client: LanguageClient | undefined;

/**
 * Starts the TrainLint language server and adds what only VS Code can show: a language status item,
 * the output channel, and commands. Everything else comes from the server.
 */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // `log: true`: vscode-languageclient logs with .error()/.info(), which plain output channels lack.
  const output = vscode.window.createOutputChannel('TrainLint', { log: true });
  const module = context.asAbsolutePath(SERVER_MODULE);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENTS,
    outputChannel: output,
    // The server pulls settings per document; this is what it has before it can ask. It registers its own file
    // watchers (project files and linked configs), so the client adds none.
    // clientCommands: the commands this extension implements, which the server's code actions may name.
    initializationOptions: { settings: vscode.workspace.getConfiguration('trainlint'), clientCommands: [CHOOSE_ARCHITECTURE_COMMAND, OPEN_RULE_DOC_COMMAND, SHOW_PLAN_COMMAND] },
    // The hover's summary links to the full plan: a command link VS Code runs only from trusted markdown.
    markdown: { isTrusted: { enabledCommands: [SHOW_PLAN_COMMAND] } },
  };
  client = new LanguageClient('trainlint', 'TrainLint', serverOptions, clientOptions);

  const status = vscode.languages.createLanguageStatusItem('trainlint.status', DOCUMENTS);
  status.name = 'TrainLint';
  status.command = { title: 'Show plan', command: 'trainlint.showPlan' };
  const summaryOf = async (uri: vscode.Uri) => (client?.isRunning() ? client.sendRequest<SummaryResult | null>(SUMMARY_REQUEST, { uri: uri.toString() }) : null);
  const refreshStatus = async () => {
    const editor = vscode.window.activeTextEditor;
    const summary = editor ? await summaryOf(editor.document.uri).catch(() => null) : null;
    status.text = summary ? `TrainLint: ${summary.formatName}` : 'TrainLint';
    status.detail = summary?.format === 'unknown' ? 'not checked: not a training config' : summary?.headline;
    status.severity = summary?.errors ? vscode.LanguageStatusSeverity.Error : summary?.warnings ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
  };

  context.subscriptions.push(
    output,
    status,
    client,
    vscode.window.onDidChangeActiveTextEditor(refreshStatus),
    vscode.languages.onDidChangeDiagnostics((event) => {
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      if (event.uris.some((u) => u.toString() === active)) void refreshStatus();
      // A linked file's change re-analyses this one too: its page follows.
      for (const uri of event.uris) planPanels.get(uri.toString())?.refreshSoon();
    }),
    vscode.commands.registerCommand('trainlint.restartServer', async () => {
      await client?.restart();
      await refreshStatus();
    }),
    vscode.commands.registerCommand('trainlint.showOutputChannel', () => output.show()),
    vscode.commands.registerCommand('trainlint.showPlan', (uri?: string) => showPlan(uri ? vscode.Uri.parse(uri) : vscode.window.activeTextEditor?.document.uri)),
    vscode.workspace.onDidChangeTextDocument((event) => planPanels.get(event.document.uri.toString())?.refreshSoon()),
    vscode.commands.registerCommand('trainlint.changeGlobalBatchSize', changeGlobalBatchSize),
    vscode.commands.registerCommand('trainlint.chooseArchitecture', chooseArchitecture),
    vscode.commands.registerCommand('trainlint.openRuleDoc', (rule?: string) => openRuleDoc(context, rule)),
  );
  await client.start();
  await refreshStatus();
}

/** One webview per document: its plan page, refreshed from the server as the document changes. */
class PlanPanel {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly uri: vscode.Uri, readonly panel: vscode.WebviewPanel) {}

  async refresh(): Promise<boolean> {
    const page = client?.isRunning() ? await client.sendRequest<PlanPageResult | null>(PLAN_PAGE_REQUEST, { uri: this.uri.toString() }).catch(() => null) : null;
    if (!page) return false;
    this.panel.title = page.title;
    this.panel.webview.html = page.html;
    return true;
  }

  /** After typing pauses: the server analyses the latest text first, so the page follows the editor. */
  refreshSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), 400);
  }
}

const planPanels = new Map<string, PlanPanel>();

/** "Show Plan": the document's plan page beside it (no script, nothing fetched: the page's policy forbids both). */
async function showPlan(uri: vscode.Uri | undefined): Promise<void> {
  const existing = uri && planPanels.get(uri.toString());
  if (existing) {
    existing.panel.reveal(vscode.ViewColumn.Beside, true);
    await existing.refresh();
    return;
  }
  const summary = uri && client?.isRunning() ? await client.sendRequest<SummaryResult | null>(SUMMARY_REQUEST, { uri: uri.toString() }).catch(() => null) : null;
  if (!uri || !summary || summary.format === 'unknown') {
    void vscode.window.showInformationMessage('TrainLint: open a training config to see its plan.');
    return;
  }
  const panel = vscode.window.createWebviewPanel('trainlint.plan', 'Plan', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: false, localResourceRoots: [] });
  const planPanel = new PlanPanel(uri, panel);
  planPanels.set(uri.toString(), planPanel);
  panel.onDidDispose(() => planPanels.delete(uri.toString()));
  await planPanel.refresh();
}

const LR_CHOICES: Array<vscode.QuickPickItem & { rule: LearningRateRule }> = [
  { label: 'By the optimizer', description: 'square root for Adam-family, linear for SGD', rule: 'auto' },
  { label: 'Linear', description: 'lr × new / old', rule: 'linear' },
  { label: 'Square root', description: 'lr × √(new / old)', rule: 'sqrt' },
  { label: 'Square root with Adam betas and epsilon', description: 'Malladi et al.: 1 − β × k, ε / √k', rule: 'malladi' },
  { label: 'Keep the learning rate', rule: 'keep' },
];

/**
 * "Change Global Batch Size...": asks the new size and the learning-rate rule, unless a caller (a keybinding, a task,
 * a test) passes them: `{ globalBatch: 1024, learningRate: 'auto' }`.
 */
async function changeGlobalBatchSize(given?: { globalBatch?: number; learningRate?: LearningRateRule }): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !client) return;
  const answer = given?.globalBatch !== undefined ? String(given.globalBatch) : await vscode.window.showInputBox({
    title: 'TrainLint: change the global batch size',
    prompt: 'New global batch size (sequences per optimizer step)',
    validateInput: (v) => (/^[1-9]\d*$/.test(v.trim()) ? undefined : 'a positive whole number'),
  });
  if (!answer) return;
  const rule = given?.learningRate ?? (await vscode.window.showQuickPick(LR_CHOICES, { title: 'Rescale the learning rate' }))?.rule;
  if (!rule) return;
  const args: ChangeGlobalBatchArgs = { uri: editor.document.uri.toString(), version: editor.document.version, globalBatch: Number(answer), learningRate: rule };
  const result = await client.sendRequest<ChangeGlobalBatchResult>('workspace/executeCommand', { command: CHANGE_GLOBAL_BATCH_COMMAND, arguments: [args] });
  if (result.applied) void vscode.window.showInformationMessage(`TrainLint: ${result.message}`);
  else void vscode.window.showWarningMessage(`TrainLint: ${result.message}`);
}

/** "Choose the architecture...": the whole catalog in a picker; the server writes the choice into .trainlint.yaml. */
async function chooseArchitecture(args?: ChooseArchitectureArgs): Promise<void> {
  const uri = args?.uri ?? vscode.window.activeTextEditor?.document.uri.toString();
  if (!uri || !client) return;
  const models = await client.sendRequest<CatalogModelItem[]>(CATALOG_MODELS_REQUEST);
  const picked = await vscode.window.showQuickPick(models.map((m) => ({ label: m.id, description: m.detail })), {
    title: 'TrainLint: the architecture this model has',
    placeHolder: 'Type to filter the model catalog',
    matchOnDescription: true,
  });
  if (!picked) return;
  const result = await client.sendRequest<SetProjectModelResult>('workspace/executeCommand', { command: SET_PROJECT_MODEL_COMMAND, arguments: [{ uri, model: picked.label }] });
  if (result.applied) void vscode.window.showInformationMessage(`TrainLint: ${result.message}`);
  else void vscode.window.showWarningMessage(`TrainLint: ${result.message}`);
}

/** A rule's page, shipped in the extension (docs/rules/<rule>.md), in the markdown preview; without a rule, a picker. */
async function openRuleDoc(context: vscode.ExtensionContext, rule?: string): Promise<void> {
  const folder = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules');
  let name = rule;
  if (name === undefined) {
    const pages = (await vscode.workspace.fs.readDirectory(folder)).map(([file]) => file).filter((f) => f.endsWith('.md') && f !== 'README.md');
    name = (await vscode.window.showQuickPick(pages.map((f) => f.slice(0, -3)).sort(), { title: 'TrainLint: rule documentation' })) ?? undefined;
  }
  // Rule names are kebab-case words; anything else is not a page of ours.
  if (!name || !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name)) return;
  await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(folder, `${name}.md`));
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
