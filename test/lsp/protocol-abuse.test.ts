import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CLI } from '../helpers';

function start(): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [CLI(), 'lsp', '--stdio'], { stdio: 'pipe' });
}

function frame(message: unknown): string {
  const body = JSON.stringify({ jsonrpc: '2.0', ...(message as object) });
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Every response the server writes, by id, as they arrive. */
function responses(server: ChildProcessWithoutNullStreams): Map<number, { result?: unknown; error?: { code: number; message: string } }> {
  const byId = new Map();
  let buffer = Buffer.alloc(0);
  server.stdout.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const header = buffer.indexOf('\r\n\r\n');
      if (header === -1) return;
      const length = Number(/Content-Length: (\d+)/.exec(buffer.subarray(0, header).toString())?.[1]);
      if (buffer.length < header + 4 + length) return;
      const message = JSON.parse(buffer.subarray(header + 4, header + 4 + length).toString());
      buffer = buffer.subarray(header + 4 + length);
      if (message.id !== undefined && (message.result !== undefined || message.error)) byId.set(message.id, message);
    }
  });
  return byId;
}

async function until<T>(probe: () => T | undefined, ms = 10000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const exited = (server: ChildProcessWithoutNullStreams) => new Promise<number | null>((done) => server.on('exit', (code) => done(code)));

test('malformed changes leave it answering; after shutdown, requests fail with InvalidRequest (LSP 3.17); exit ends it', async () => {
  const server = start();
  const answers = responses(server);
  const gone = exited(server);
  server.stdin.write(frame({ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));
  await until(() => answers.get(1));
  server.stdin.write(frame({ method: 'initialized', params: {} }));
  server.stdin.write(frame({ method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///tmp/ds.json', languageId: 'json', version: 1, text: '{"train_batch_size": 8}' } } }));
  // Malformed changes: past the end of the document, to a document never opened, with an old version.
  server.stdin.write(frame({ method: 'textDocument/didChange', params: { textDocument: { uri: 'file:///tmp/ds.json', version: 2 }, contentChanges: [{ range: { start: { line: 90, character: 0 }, end: { line: 99, character: 9 } }, text: 'x' }] } }));
  server.stdin.write(frame({ method: 'textDocument/didChange', params: { textDocument: { uri: 'file:///never/opened.json', version: 5 }, contentChanges: [{ text: '{}' }] } }));
  server.stdin.write(frame({ method: 'textDocument/didChange', params: { textDocument: { uri: 'file:///tmp/ds.json', version: 1 }, contentChanges: [{ text: '{"train_batch_size": 16}' }] } }));
  server.stdin.write(frame({ id: 4, method: 'textDocument/hover', params: { textDocument: { uri: 'file:///tmp/ds.json' }, position: { line: 0, character: 3 } } }));
  const stillAnswering = await until(() => answers.get(4));
  assert.equal(stillAnswering.error, undefined, 'the server answers after malformed changes');
  server.stdin.write(frame({ id: 2, method: 'shutdown' }));
  await until(() => answers.get(2));
  server.stdin.write(frame({ id: 3, method: 'textDocument/hover', params: { textDocument: { uri: 'file:///tmp/ds.json' }, position: { line: 0, character: 3 } } }));
  const after = await until(() => answers.get(3));
  assert.equal(after.error?.code, -32600, JSON.stringify(after));
  server.stdin.write(frame({ method: 'exit' }));
  assert.equal(await gone, 0);
});

test('a message it cannot frame (a broken Content-Length) ends the server with a line on stderr, not silence', async () => {
  const server = start();
  let stderr = '';
  server.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
  const gone = exited(server);
  server.stdin.write('Content-Length: many\r\n\r\n{}');
  const code = await Promise.race([gone, new Promise<string>((r) => setTimeout(() => r('still running'), 10000))]);
  if (code === 'still running') server.kill();
  assert.equal(code, 1);
  assert.match(stderr, /trainlint lsp: cannot read the client's messages/);
});

test('when the client goes away (stdin closes), the server exits', async () => {
  const server = start();
  const gone = exited(server);
  server.stdin.end();
  const code = await Promise.race([gone, new Promise<string>((r) => setTimeout(() => r('still running'), 10000))]);
  if (code === 'still running') server.kill();
  assert.notEqual(code, 'still running');
});
