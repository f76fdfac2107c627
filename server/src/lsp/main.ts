// Entry point of dist/server.js, which the VS Code client starts (with --node-ipc).
import { startLsp } from './start';

process.exitCode = startLsp(process.argv.slice(2));
