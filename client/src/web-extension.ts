import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions } from 'vscode-languageclient/browser';

/**
 * The extension in VS Code for the Web: the language server runs in a web worker (dist/web-server.js), checking each
 * open config alone, since a browser has no workspace files to read. The desktop extension (extension.ts) does the rest.
 */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverMain = vscode.Uri.joinPath(context.extensionUri, 'dist/web-server.js');
  // The web worker's constructor, which the Node typings of this project do not declare.
  const WebWorker = (globalThis as unknown as { Worker: new (url: string) => unknown }).Worker;
  const options: LanguageClientOptions = { documentSelector: ['json', 'jsonc', 'yaml', 'shellscript'].map((language) => ({ language })) };
  const client = new LanguageClient('trainlint', 'TrainLint', options, new WebWorker(serverMain.toString(true)) as never);
  context.subscriptions.push(client);
  await client.start();
}
