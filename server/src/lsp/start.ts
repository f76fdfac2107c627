import { format } from 'node:util';
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter, type Connection } from 'vscode-languageserver/node';
import { loadShellParser } from '../node/shell-parser';
import { loadPythonParser } from '../node/python-parser';
import { installPrecompiledValidators } from '../node/precompiled-validators';
import { collectWhenIdle } from '../node/idle-gc';
import { startServer } from './server';

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe'];

/**
 * Starts the language server on the transport named in the process arguments: `--node-ipc` when VS Code
 * starts dist/server.js, `--stdio` for `trainlint lsp --stdio` and other editors. Returns the exit code for a
 * usage error; otherwise the connection keeps the process alive until the client says exit.
 */
export function startLsp(args: string[]): number {
  if (!args.some((a) => TRANSPORTS.some((t) => a === t || a.startsWith(`${t}=`)))) {
    process.stderr.write('trainlint lsp: name a transport: --stdio (or --node-ipc, --socket=PORT, --pipe=NAME)\n');
    return 2;
  }
  installPrecompiledValidators();
  const connection = args.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all);
  // Over stdio anything written to stdout that is not a protocol message breaks the framing: send logs to the client.
  const log = (send: (message: string) => void) => (...args: unknown[]) => send(format(...args));
  console.log = log((m) => connection.console.log(m));
  console.info = log((m) => connection.console.info(m));
  console.debug = log((m) => connection.console.log(m));
  console.warn = log((m) => connection.console.warn(m));
  console.error = log((m) => connection.console.error(m));
  startServer(connection, loadShellParser, loadPythonParser, { afterEdit: collectWhenIdle() });
  return 0;
}

/**
 * Over stdio, a message the reader cannot frame (a broken Content-Length header) leaves nothing to answer: the server says
 * so on stderr and exits, instead of waiting silently on a stream it can no longer read.
 */
function stdioConnection(): Connection {
  const reader = new StreamMessageReader(process.stdin);
  reader.onError((error) => {
    process.stderr.write(`trainlint lsp: cannot read the client's messages (${error.message}); exiting\n`);
    process.exit(1);
  });
  return createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(process.stdout));
}
