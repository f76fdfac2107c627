import { choiceOption, parseArgs, positiveIntOption, UsageError } from './args';
import { runCheck } from './check';
import { loadShellParser } from '../node/shell-parser';
import { renderText } from './render/text';
import { renderJson } from './render/json';
import { renderSarif } from './render/sarif';
import { renderGithub } from './render/github';
import type { Settings } from '../core/index';

const VERSION = '0.1.0';

const HELP = `trainlint ${VERSION}: catches what is wrong with a training config before the job is queued.

Usage:
  trainlint check [PATH...] [--format text|json|sarif|github] [--gpus N | --nodes N --gpus-per-node N]
                  [--fix] [--fail-on error|warning|info]
  trainlint lsp --stdio
  trainlint --help | --version

check     lints DeepSpeed, Hugging Face, accelerate configs (files or folders; default: .)
          exit code 0: nothing at or above --fail-on (default error); 1: findings; 2: bad usage or internal error
lsp       runs the language server over stdio for any editor
`;

function clusterFlags(args: ReturnType<typeof parseArgs>): Settings {
  const gpus = positiveIntOption(args, 'gpus');
  const nodes = positiveIntOption(args, 'nodes');
  const perNode = positiveIntOption(args, 'gpus-per-node');
  if (gpus !== undefined && (nodes !== undefined || perNode !== undefined)) throw new UsageError('give either --gpus or --nodes with --gpus-per-node, not both');
  if ((nodes === undefined) !== (perNode === undefined)) throw new UsageError('--nodes and --gpus-per-node go together');
  if (gpus !== undefined) return { cluster: { worldSize: gpus } };
  if (nodes !== undefined) return { cluster: { nodes, gpusPerNode: perNode } };
  return {};
}

async function check(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['format', 'gpus', 'nodes', 'gpus-per-node', 'fail-on'], ['fix']);
  const format = choiceOption(args, 'format', ['text', 'json', 'sarif', 'github'] as const, 'text');
  const failOn = choiceOption(args, 'fail-on', ['error', 'warning', 'info'] as const, 'error');
  const outcome = runCheck({
    paths: args.positionals.length > 0 ? args.positionals : ['.'],
    flags: clusterFlags(args),
    fix: args.options.has('fix'),
    failOn,
    shellParser: await loadShellParser(),
  });
  for (const note of outcome.notes) process.stderr.write(`${note}\n`);
  const render = { text: renderText, json: renderJson, sarif: (f: typeof outcome.files) => renderSarif(f, VERSION), github: renderGithub }[format];
  process.stdout.write(render(outcome.files));
  return outcome.exitCode;
}

function main(argv: string[]): number | Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (command === 'check') return check(rest);
  throw new UsageError(`unknown command "${command}" (try trainlint --help)`);
}

function fail(error: unknown): void {
  if (error instanceof UsageError) {
    process.stderr.write(`trainlint: ${error.message}\n`);
  } else {
    process.stderr.write(`trainlint: internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  }
  process.exitCode = 2;
}

// `check` is asynchronous only because the shell parser (WebAssembly) loads asynchronously, once.
try {
  Promise.resolve(main(process.argv.slice(2))).then((code) => {
    process.exitCode = code;
  }, fail);
} catch (error) {
  fail(error);
}
