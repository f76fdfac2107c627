// Latency and memory of TrainLint's language server next to yaml-language-server, on the same TrainingArguments
// YAML files (300 and 5,000 lines) validated against the same schema (schemas/hf-training-args.schema.json).
// Both run over stdio and push diagnostics; yaml-language-server waits a fixed 200 ms before it validates
// (validationDelayMs), so its figures are shown as measured and without that wait. Changes come at a typist's
// pace, one every KEYSTROKE_MS at most (sooner never: the next waits for the diagnostics of the last).
//
// Usage: npm run build && node out/bench/lsp-latency.js [--runs N]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-languageserver-protocol/node';

const ROOT = resolve(__dirname, '../..');
const SCHEMA = join(ROOT, 'schemas/hf-training-args.schema.json');
const YAML_DELAY_MS = 200;
const KEYSTROKE_MS = 100;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 40;

/** A TRL SFT config whose length comes from its dataset mixture, as large data mixtures make real configs long. */
function config(lines: number): string {
  const head = [
    'model_name_or_path: Qwen/Qwen2.5-0.5B',
    'output_dir: out/sft',
    'per_device_train_batch_size: 4',
    'gradient_accumulation_steps: 8',
    'learning_rate: 2.0e-5',
    'lr_scheduler_type: cosine',
    'warmup_steps: 100',
    'num_train_epochs: 1',
    'logging_steps: 10',
    'save_strategy: steps',
    'save_steps: 500',
    'bf16: true',
    'gradient_checkpointing: true',
    'max_length: 2048',
    'packing: true',
    'report_to: none',
    'seed: 42',
    'datasets:',
  ];
  const out = [...head];
  for (let i = 0; out.length + 4 <= lines; i++) out.push(`  - path: org/dataset-${i}`, `    name: subset-${i % 7}`, '    split: train', `    data_dir: shard-${i}`);
  while (out.length < lines) out.push(`# filler ${out.length}`);
  return `${out.join('\n')}\n`;
}

interface Server {
  name: string;
  command: string[];
  /** Answers workspace/configuration for one section. */
  settings: (section: string | undefined) => unknown;
}

const yamlSettings = (dir: string) => ({
  validate: true,
  hover: true,
  completion: true,
  format: { enable: false },
  schemaStore: { enable: false },
  schemas: { [pathToFileURL(SCHEMA).href]: [`${dir}/*.yaml`, '*.yaml'] },
});

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

class Client {
  private readonly waiting = new Map<string, () => void>();
  private constructor(
    readonly child: ChildProcess,
    readonly connection: MessageConnection,
  ) {}

  static start(server: Server): Client {
    const child = spawn(process.execPath, server.command, { stdio: ['pipe', 'pipe', 'ignore'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new Client(child, connection);
    connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string }) => {
      const done = client.waiting.get(p.uri);
      client.waiting.delete(p.uri);
      done?.();
    });
    connection.onRequest('workspace/configuration', (p: { items: Array<{ section?: string }> }) => p.items.map((i) => server.settings(i.section)));
    connection.onRequest((_method: string, _params: unknown) => null);
    connection.onNotification((_method: string, _params: unknown) => undefined);
    connection.listen();
    return client;
  }

  /** Resolves at the next diagnostics publication for `uri` after the call. */
  nextPublication(uri: string): Promise<void> {
    return new Promise((done) => this.waiting.set(uri, done));
  }

  rssMiB(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  }
}

interface Figures {
  initialize: number;
  open: Record<number, number>;
  change: Record<number, number[]>;
  hover: number[];
  rss: number;
}

async function measure(server: Server, files: Record<number, string>, yamlDir: string): Promise<Figures> {
  const started = performance.now();
  const client = Client.start(server);
  await client.connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(yamlDir).href,
    workspaceFolders: [{ uri: pathToFileURL(yamlDir).href, name: 'bench' }],
    capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } }, textDocument: { publishDiagnostics: {}, hover: { contentFormat: ['markdown'] } } },
  });
  const initialize = performance.now() - started;
  await client.connection.sendNotification('initialized', {});
  await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { yaml: yamlSettings(yamlDir) } });
  const figures: Figures = { initialize, open: {}, change: {}, hover: [], rss: 0 };
  for (const [lines, path] of Object.entries(files).map(([l, p]) => [Number(l), p] as const)) {
    const uri = pathToFileURL(path).href;
    const text = readFileSync(path, 'utf8');
    let t = performance.now();
    const opened = client.nextPublication(uri);
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    await opened;
    figures.open[lines] = performance.now() - t;
    figures.change[lines] = [];
    for (let version = 2; version < RUNS + 2; version++) {
      const pace = new Promise((done) => setTimeout(done, Math.max(0, KEYSTROKE_MS - (performance.now() - t))));
      await pace;
      const changed = client.nextPublication(uri);
      t = performance.now();
      const edited = text.replace('warmup_steps: 100', `warmup_steps: ${100 + version}`);
      await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: edited }] });
      await changed;
      figures.change[lines].push(performance.now() - t);
    }
    if (lines === Math.max(...Object.keys(files).map(Number))) {
      for (let i = 0; i < RUNS; i++) {
        t = performance.now();
        await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 3 } });
        figures.hover.push(performance.now() - t);
      }
    }
  }
  figures.rss = client.rssMiB();
  await client.connection.sendRequest('shutdown');
  await client.connection.sendNotification('exit');
  client.connection.dispose();
  client.child.kill();
  return figures;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-bench-'));
  try {
    const files = { 300: join(dir, 'sft-300.yaml'), 5000: join(dir, 'sft-5000.yaml') };
    for (const [lines, path] of Object.entries(files)) writeFileSync(path, config(Number(lines)));
    const servers: Server[] = [
      { name: 'trainlint', command: [join(ROOT, 'dist/cli.js'), 'lsp', '--stdio'], settings: () => ({}) },
      {
        name: 'yaml-language-server',
        command: [join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server'), '--stdio'],
        settings: (section) => (section === 'yaml' ? yamlSettings(dir) : {}),
      },
    ];
    console.log(`${RUNS} changes (at most one per ${KEYSTROKE_MS} ms) and hovers per file; p50 / p95\n`);
    for (const server of servers) {
      const f = await measure(server, files, dir);
      const delay = server.name === 'yaml-language-server' ? YAML_DELAY_MS : 0;
      console.log(`${server.name}`);
      console.log(`  spawn to initialize     ${ms(f.initialize)}`);
      for (const lines of [300, 5000]) {
        const change = f.change[lines];
        const without = delay ? `   (without its ${delay} ms delay: ${ms(percentile(change, 50) - delay)} / ${ms(percentile(change, 95) - delay)})` : '';
        console.log(`  ${String(lines).padStart(4)} lines: open to diagnostics ${ms(f.open[lines])}, change to diagnostics ${ms(percentile(change, 50))} / ${ms(percentile(change, 95))}${without}`);
      }
      console.log(`  hover (5000 lines)      ${ms(percentile(f.hover, 50))} / ${ms(percentile(f.hover, 95))}`);
      console.log(`  resident memory         ${f.rss.toFixed(0)} MiB\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
