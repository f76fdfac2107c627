import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type ConfigurationItem,
  type Diagnostic,
  type InitializeResult,
  type MessageConnection,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';

/** The repository root, from out/test/lsp/ where the compiled tests run. */
export const ROOT = resolve(__dirname, '../../..');
export const FIXTURES = join(ROOT, 'test/lsp/fixtures');
export const CLI = join(ROOT, 'dist/cli.js');

export const uriOf = (path: string) => pathToFileURL(path).href;

/** What VS Code 1.82 announces for the features these tests use; each test removes what it wants absent. */
export function vscodeLikeCapabilities(options: { pull: boolean; dataSupport?: boolean }): ClientCapabilities {
  return {
    workspace: {
      configuration: true,
      workspaceFolders: true,
      didChangeConfiguration: { dynamicRegistration: true },
      didChangeWatchedFiles: { dynamicRegistration: true },
      workspaceEdit: { documentChanges: true },
      diagnostics: options.pull ? { refreshSupport: true } : undefined,
      inlayHint: { refreshSupport: true },
    },
    textDocument: {
      synchronization: { dynamicRegistration: true, didSave: true },
      hover: { contentFormat: ['markdown', 'plaintext'] },
      completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown'] } },
      codeAction: {
        dataSupport: options.dataSupport ?? true,
        codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
      },
      publishDiagnostics: { relatedInformation: true, versionSupport: true, dataSupport: options.dataSupport ?? true },
      diagnostic: options.pull ? { dynamicRegistration: true, relatedDocumentSupport: false } : undefined,
      inlayHint: {},
      codeLens: {},
    },
  };
}

export interface SessionOptions {
  capabilities: ClientCapabilities;
  folders?: string[];
  /** Answers workspace/configuration for one item (the `trainlint` section for its scopeUri). */
  configuration?: (item: ConfigurationItem) => unknown;
  initializationOptions?: unknown;
}

/** A language client in miniature: spawns the bundled CLI's server over stdio and speaks JSON-RPC to it. */
export class LspSession {
  readonly pushed = new Map<string, { version?: number; diagnostics: Diagnostic[]; count: number }>();
  readonly requests: string[] = [];
  readonly stderr: string[] = [];
  /** Framing or parse errors on the server's stdout: anything but protocol messages there shows up here. */
  readonly protocolErrors: string[] = [];
  /** window/logMessage notifications: what the client's output channel shows. */
  readonly logs: Array<{ type: number; message: string }> = [];
  private readonly versions = new Map<string, number>();
  private readonly texts = new Map<string, string>();
  initializeResult!: InitializeResult;
  initializeMs = 0;

  private constructor(
    readonly process: ChildProcess,
    readonly connection: MessageConnection,
    private configuration: (item: ConfigurationItem) => unknown,
  ) {}

  static async start(options: SessionOptions): Promise<LspSession> {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const session = new LspSession(child, connection, options.configuration ?? (() => ({})));
    connection.onError(([error]) => session.protocolErrors.push(error.message));
    child.stderr!.on('data', (chunk: Buffer) => session.stderr.push(chunk.toString()));
    connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; version?: number; diagnostics: Diagnostic[] }) => {
      const count = (session.pushed.get(params.uri)?.count ?? 0) + 1;
      session.pushed.set(params.uri, { version: params.version, diagnostics: params.diagnostics, count });
    });
    connection.onRequest('workspace/configuration', (params: { items: ConfigurationItem[] }) => {
      session.requests.push('workspace/configuration');
      return params.items.map((item) => session.configuration(item));
    });
    connection.onRequest('workspace/applyEdit', async (params: { edit: WorkspaceEdit }) => {
      session.requests.push('workspace/applyEdit');
      await session.apply(params.edit);
      return { applied: true };
    });
    connection.onRequest((method: string, _params: unknown) => {
      session.requests.push(method); // client/registerCapability, workspace/diagnostic/refresh, inlayHint/refresh...
      return null;
    });
    connection.onNotification('window/logMessage', (params: { type: number; message: string }) => session.logs.push(params));
    connection.onNotification((_method: string, _params: unknown) => undefined); // $/logTrace and the like.
    connection.listen();
    const folders = options.folders ?? [FIXTURES];
    session.initializeResult = await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uriOf(folders[0]),
      workspaceFolders: folders.map((f) => ({ uri: uriOf(f), name: f })),
      capabilities: options.capabilities,
      initializationOptions: options.initializationOptions,
    });
    session.initializeMs = performance.now() - started;
    await connection.sendNotification('initialized', {});
    return session;
  }

  /** Replaces the configuration answer and tells the server, as VS Code does when a setting changes. */
  async setConfiguration(configuration: (item: ConfigurationItem) => unknown): Promise<void> {
    this.configuration = configuration;
    await this.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  }

  async open(path: string, text = readFileSync(path, 'utf8'), languageId = path.endsWith('.json') ? 'json' : 'yaml'): Promise<string> {
    const uri = uriOf(path);
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  text(uri: string): string {
    return this.texts.get(uri) ?? '';
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  /** Sends the whole new text, as a full-sync change. */
  async change(uri: string, text: string): Promise<number> {
    const version = this.version(uri) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  /** Applies a workspace edit the way a client does: versioned edits only to the version they name. */
  async apply(edit: WorkspaceEdit): Promise<void> {
    for (const change of edit.documentChanges ?? []) {
      // A file the edit creates comes into being empty, as a client makes it, before edits fill it.
      if ('kind' in change && change.kind === 'create' && !existsSync(fileURLToPath(change.uri))) writeFileSync(fileURLToPath(change.uri), '');
      if (!('edits' in change)) continue;
      const { uri, version } = change.textDocument;
      if (!this.versions.has(uri)) await this.open(fileURLToPath(uri)); // A closed file: the client opens it to edit it.
      if (version !== null && version !== this.version(uri)) throw new Error(`edit for version ${version} of ${uri}, which is at ${this.version(uri)}`);
      await this.change(uri, applyTextEdits(this.text(uri), change.edits as TextEdit[]));
    }
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) await this.change(uri, applyTextEdits(this.text(uri), edits));
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest(method, params) as Promise<T>;
  }

  /** The latest pushed diagnostics for a document, once they are for its current version and pass `accept`. */
  pushedFor(uri: string, accept: (d: Diagnostic[]) => boolean = () => true): Promise<Diagnostic[]> {
    return waitFor(`diagnostics for ${uri} v${this.version(uri)}`, () => {
      const got = this.pushed.get(uri);
      return got && got.version === this.version(uri) && accept(got.diagnostics) ? got.diagnostics : undefined;
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((done) => this.process.once('exit', done));
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    await exited;
    this.connection.dispose();
  }
}

/** Polls until `probe` returns a value; fails with `what` after the timeout. Never a fixed sleep. */
export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 5));
  }
}

export function offsetAt(text: string, position: { line: number; character: number }): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) offset = text.indexOf('\n', offset) + 1;
  return offset + position.character;
}

export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const withOffsets = edits.map((e) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText }));
  withOffsets.sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of withOffsets) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** The position of the first occurrence of `needle` in `text` (plus `delta` characters). */
export function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`"${needle}" not in the text`);
  const before = text.slice(0, offset + delta);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - (before.lastIndexOf('\n') + 1) };
}
