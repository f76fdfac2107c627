// The language server under a flood of edits and malformed traffic: 5,000 rapid edits to one DeepSpeed config (no wait
// between them), changes outside the document, to a document never opened and with old versions, then idle. Prints the
// server's resident memory after a warm-up, after the flood and after 12 s idle, and whether it still answers.
//
// The workspace folder holds 20,000 files (DeepSpeed configs, Trainer YAML, launch scripts that link them, other text)
// in 200 folders, and the edited config is one of them.
//
// Usage: npm run build && node out/bench/lsp-soak.js [--edits N] [--workspace-files N]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';

const ROOT = resolve(__dirname, '../..');
const editsArg = process.argv.indexOf('--edits');
const EDITS = editsArg > 0 ? Number(process.argv[editsArg + 1]) : 5000;
const filesArg = process.argv.indexOf('--workspace-files');
const WORKSPACE_FILES = filesArg > 0 ? Number(process.argv[filesArg + 1]) : 20000;
const IDLE_SECONDS = 12;
const text = (n: number) => `{\n  "train_micro_batch_size_per_gpu": ${1 + (n % 8)},\n  "gradient_accumulation_steps": 4,\n  "zero_optimization": {"stage": 2, "overlap_com": true}\n}\n`;

/** Resident memory of a process, from /proc (Linux): what the operating system charges it. */
function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return kb / 1024;
}

/** A workspace of `count` files in folders of 100: a quarter each DeepSpeed JSON, Trainer YAML, launch scripts, notes. */
function workspace(count: number): string {
  const root = mkdtempSync(join(tmpdir(), 'trainlint-soak-'));
  for (let i = 0; i < count; i++) {
    const dir = join(root, `run${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(dir);
    const kind = i % 4;
    if (kind === 0) writeFileSync(join(dir, `ds_${i}.json`), text(i));
    else if (kind === 1) writeFileSync(join(dir, `sft_${i}.yaml`), `per_device_train_batch_size: 4\ngradient_accumulation_steps: 2\ndeepspeed: ds_${i - 1}.json\nlearning_rate: 2e-5\n`);
    else if (kind === 2) writeFileSync(join(dir, `train_${i}.sh`), `#!/bin/bash\ndeepspeed train.py --deepspeed ds_${i - 2}.json --per_device_train_batch_size 4\n`);
    else writeFileSync(join(dir, `notes_${i}.txt`), 'not a config\n');
  }
  return root;
}

async function main(): Promise<void> {
  const root = workspace(WORKSPACE_FILES);
  const URI = pathToFileURL(join(root, 'run0', 'ds_0.json')).href;
  const server = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), 'lsp', '--stdio'], { stdio: 'pipe' });
  const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  connection.onRequest(() => null);
  connection.onNotification(() => undefined);
  connection.listen();
  const opened = Date.now();
  let firstDiagnostics = 0;
  connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string }) => {
    if (p.uri === URI && firstDiagnostics === 0) firstDiagnostics = Date.now() - opened;
  });
  await connection.sendRequest('initialize', {
    processId: process.pid, rootUri: pathToFileURL(root).href, workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'soak' }], capabilities: { workspace: { workspaceFolders: true } },
  });
  await connection.sendNotification('initialized', {});
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'json', version: 1, text: text(0) } });
  const hover = () => connection.sendRequest('textDocument/hover', { textDocument: { uri: URI }, position: { line: 1, character: 5 } });
  let version = 1;
  const edit = async (n: number) => connection.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: ++version }, contentChanges: [{ text: text(n) }] });
  await hover();
  const hoverAfterOpen = Date.now() - opened;
  for (let i = 0; i < 200; i++) await edit(i);
  await hover();
  const warm = rssMiB(server.pid!);
  const started = Date.now();
  for (let i = 0; i < EDITS; i++) await edit(i);
  // Malformed traffic: a range past the end, a document never opened, an old version.
  await connection.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: ++version }, contentChanges: [{ range: { start: { line: 900, character: 0 }, end: { line: 999, character: 5 } }, text: 'x' }] });
  await connection.sendNotification('textDocument/didChange', { textDocument: { uri: 'file:///never/opened.json', version: 7 }, contentChanges: [{ text: '{}' }] });
  await connection.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [{ text: text(1) }] });
  const answered = await Promise.race([hover().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 30000))]);
  const flood = rssMiB(server.pid!);
  const floodSeconds = (Date.now() - started) / 1000;
  // The server collects garbage 3 s and 10 s after the last edit (server/src/node/idle-gc.ts).
  await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
  const idle = rssMiB(server.pid!);
  console.log(`workspace: ${WORKSPACE_FILES} files; first hover answered ${hoverAfterOpen} ms after initialize, first diagnostics of the opened file after ${firstDiagnostics || 'no'} ms`);
  console.log(`edits: ${EDITS} in ${floodSeconds.toFixed(1)} s, then 3 malformed changes; still answering: ${answered ? 'yes' : 'NO'}`);
  console.log(`resident memory: ${warm.toFixed(0)} MiB after warm-up, ${flood.toFixed(0)} MiB after the flood, ${idle.toFixed(0)} MiB after ${IDLE_SECONDS} s idle (${((idle / warm - 1) * 100).toFixed(1)}% over the warm-up)`);
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  connection.dispose();
}

void main();
