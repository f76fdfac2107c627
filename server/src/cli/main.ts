import { choiceOption, parseArgs, positiveIntOption, UsageError } from './args';
import { runCheckInParallel, serveCheckWorker } from './check';
import { isMainThread, workerData } from 'node:worker_threads';
import { useCliV8Flags } from '../node/v8-flags';
import { loadShellParser } from '../node/shell-parser';
import { loadPythonParser } from '../node/python-parser';
import { installPrecompiledValidators } from '../node/precompiled-validators';
import { renderText } from './render/text';
import { renderJson } from './render/json';
import { renderSarif } from './render/sarif';
import { renderGithub } from './render/github';
import { renderMarkdown } from './render/markdown';
import { renderJunit } from './render/junit';
import { renderGitlab } from './render/gitlab';
import { compareFiles } from './change-report';
import { runRescale } from './rescale-command';
import { WriteRefused } from '../node/safe-write';
import { runReport } from './report-command';
import { applySuggestion, renderSuggestJson, renderSuggestText, runSuggest } from './suggest-command';
import { revisionExists } from '../node/git-baseline';
import { planFor, renderEstimateJson, renderEstimateText, renderPlanJson, runEstimate } from './estimate-command';
import type { Settings } from '../core/index';
import { HARDWARE_FIGURES, type HardwareFigures } from '../core/settings';
import { findGpu, unknownGpuMessage } from '../core/catalog/find-gpu';
import { clearWinner, rankSuggestions } from '../core/util/did-you-mean';
import type { TrainingPlan } from '../core/estimate/plan';
import { mergePlans, planOfSettings } from '../core/plan/build-plan';
import { isVersionedFramework, parseVersionSpec, VERSIONED_FRAMEWORKS, type VersionedFramework } from '../core/versions/version-spec';

const VERSION = '0.1.0';

const HELP = `trainlint ${VERSION}: catches what is wrong with a training config before the job is queued.

Usage:
  trainlint check [PATH...] [--format text|json|sarif|github|markdown|junit|gitlab] [--fix] [--fail-on error|warning|info]
                  [--baseline GIT_REV] [--explain-skips] [cluster flags]
  trainlint plan FILE [cluster flags]
  trainlint estimate FILE | --plan PLAN.json [--iteration-time SECONDS] [--format text|json]
                  [--convention palm|megatron|narayanan] [cluster flags]
  trainlint report FILE... --html OUT.html [cluster flags]
  trainlint rescale FILE --global-batch N [--rule auto|linear|sqrt|malladi|none] [--dry-run] [cluster flags]
  trainlint suggest FILE [--top K] [--format text|json] [--apply N [--dry-run]] [cluster flags]
  trainlint lsp --stdio
  trainlint --help | --version

cluster flags: --gpus N | --nodes N --gpus-per-node N, --gpu TYPE (e.g. h100-sxm, a100-80gb),
               --hardware NAME=NUMBER,... (replace catalog figures: memoryGiB, peakTflops, peak16Tflops,
               matmulTflops, memoryBandwidthGBps, intraNodeGBps, interNodeGBps),
               --model HF_ID, --seq-length N, --tokens N (when the file does not say),
               --dataset-tokens N (one pass over the data: with the file's epochs, the training length),
               --price USD_PER_GPU_HOUR,
               --versions NAME=VERSION,... (the versions that run the files, overriding what the workspace pins:
               deepspeed, transformers, trl, accelerate, gpt-neox; e.g. deepspeed=0.14.4,transformers=4.46.0)

check     lints training configs (files or folders; default: .)
          exit code 0: nothing at or above --fail-on (default error); 1: findings; 2: bad usage or internal error
          --format markdown is a pull-request summary: with --baseline REV, each config's findings added and removed
          and its memory per GPU, step time, GPU-hours and cost before -> after; junit and gitlab (Code Quality)
          are reports for other CIs
          --explain-skips lists each launch script it skipped (a launcher or training program it could not
          read statically) with the reason; the summary line counts them
plan      prints the training plan read from a config, as JSON (a plan can be written by hand too)
estimate  prints per-GPU memory, pipeline bubble, FLOPs, step time, MFU, GPU-hours and cost
report    writes the plan page of each file (memory per GPU and pipeline stage, the pipeline schedule, step time
          by part, cost, a what-if table, every input with its key and every assumption) as one self-contained
          HTML file that opens offline
rescale   changes the global batch and moves what must move with it: micro-batch or accumulation, the learning
          rate (auto: linear for SGD, square root for Adam-family; malladi: square root with Adam's betas and
          epsilon scaled too), warmup and total steps (same tokens),
          in the file and the DeepSpeed config it links to
suggest   searches the parallel layouts the run's program allows (TP, PP, VPP, CP, EP, sharding, micro-batch and
          accumulation at the same global batch, recomputation) and ranks those that fit with 10% memory headroom
          by predicted step time; --gpus N searches for another cluster; --apply N writes suggestion N into the file
lsp       runs the language server over stdio for any editor
`;

function clusterFlags(args: ReturnType<typeof parseArgs>): Settings {
  const gpus = positiveIntOption(args, 'gpus');
  const nodes = positiveIntOption(args, 'nodes');
  const perNode = positiveIntOption(args, 'gpus-per-node');
  if (gpus !== undefined && (nodes !== undefined || perNode !== undefined)) throw new UsageError('give either --gpus or --nodes with --gpus-per-node, not both');
  if ((nodes === undefined) !== (perNode === undefined)) throw new UsageError('--nodes and --gpus-per-node go together');
  const settings: Settings = {};
  if (gpus !== undefined) settings.cluster = { worldSize: gpus };
  if (nodes !== undefined) settings.cluster = { nodes, gpusPerNode: perNode };
  const gpu = args.options.get('gpu');
  if (gpu !== undefined) {
    if (gpu === true || !findGpu(gpu)) throw new UsageError(`--gpu: ${unknownGpuMessage(String(gpu === true ? '' : gpu))}`);
    settings.cluster = { ...settings.cluster, gpu };
  }
  const hardware = args.options.get('hardware');
  if (hardware !== undefined) settings.cluster = { ...settings.cluster, hardware: hardwareOption(hardware) };
  const model = args.options.get('model');
  if (typeof model === 'string') settings.model = model;
  const seqLength = positiveIntOption(args, 'seq-length');
  if (seqLength !== undefined) settings.seqLength = seqLength;
  settings.trainingTokens = positiveNumberOption(args, 'tokens', 'training tokens (e.g. 15e12)');
  settings.datasetTokens = positiveNumberOption(args, 'dataset-tokens', 'tokens in one pass over the data (e.g. 2.5e9)');
  const price = args.options.get('price');
  if (price !== undefined) {
    const value = Number(price);
    if (price === true || !Number.isFinite(value) || value < 0) throw new UsageError(`--price must be a number of dollars per GPU-hour, got ${String(price)}`);
    settings.pricePerGpuHour = value;
  }
  const versions = args.options.get('versions');
  if (versions !== undefined) Object.assign(settings, versionsOption(versions));
  return settings;
}

/** `--versions deepspeed=0.14.4,transformers=>=4.40,<4.45`: a version or a range per framework (a piece that starts with a comparison continues the range before it). */
function versionsOption(raw: string | true): Settings {
  const versions: NonNullable<Settings['versions']> = {};
  const versionSources: NonNullable<Settings['versionSources']> = {};
  const pairs: string[] = [];
  for (const piece of raw === true ? [''] : raw.split(/[,;]/)) {
    if (/^\s*[<>=!~]/.test(piece) && pairs.length > 0) pairs[pairs.length - 1] += `,${piece.trim()}`;
    else pairs.push(piece);
  }
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = (eq === -1 ? pair : pair.slice(0, eq)).trim();
    const spec = eq === -1 ? '' : pair.slice(eq + 1).trim();
    if (!isVersionedFramework(name)) {
      const suggestion = clearWinner(rankSuggestions(name, VERSIONED_FRAMEWORKS));
      throw new UsageError(`--versions takes NAME=VERSION pairs separated by commas; "${name}" is not one of ${VERSIONED_FRAMEWORKS.join(', ')}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`);
    }
    if (!parseVersionSpec(spec)) throw new UsageError(`--versions ${name} must be a version (0.14.4) or a range (>=4.40,<4.45), got ${JSON.stringify(spec)}`);
    versions[name as VersionedFramework] = spec;
    versionSources[name as VersionedFramework] = '--versions';
  }
  return { versions, versionSources };
}

function positiveNumberOption(args: ReturnType<typeof parseArgs>, name: string, what: string): number | undefined {
  const raw = args.options.get(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw === true || !Number.isFinite(value) || value <= 0) throw new UsageError(`--${name} must be a positive number of ${what}, got ${String(raw)}`);
  return value;
}

/** `--hardware memoryGiB=94,interNodeGBps=50`: catalog figures replaced, each a positive number. */
function hardwareOption(raw: string | true): HardwareFigures {
  const figures: HardwareFigures = {};
  for (const pair of raw === true ? [''] : raw.split(',')) {
    const [name, value, extra] = pair.split('=').map((part) => part.trim());
    const known = HARDWARE_FIGURES.find((f) => f === name);
    if (!known) {
      const suggestion = clearWinner(rankSuggestions(name ?? '', HARDWARE_FIGURES));
      throw new UsageError(`--hardware takes NAME=NUMBER pairs separated by commas; "${name ?? ''}" is not one of ${HARDWARE_FIGURES.join(', ')}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`);
    }
    const number = Number(value);
    if (value === undefined || value === '' || extra !== undefined || !Number.isFinite(number) || number <= 0) throw new UsageError(`--hardware ${name} must be a positive number, got ${JSON.stringify(value ?? '')}`);
    figures[known] = number;
  }
  return figures;
}

const CLUSTER_OPTIONS = ['gpus', 'nodes', 'gpus-per-node', 'gpu', 'hardware', 'model', 'price', 'seq-length', 'tokens', 'dataset-tokens', 'versions'] as const;

/** `--baseline REV`: a git revision to compare each file with; a revision git does not know is a usage error. */
function baselineOption(args: ReturnType<typeof parseArgs>): string | undefined {
  const raw = args.options.get('baseline');
  if (raw === undefined) return undefined;
  if (raw === true || !revisionExists(args.positionals[0] ?? '.', raw)) throw new UsageError(`--baseline ${String(raw)} is not a git revision of this repository`);
  return raw;
}

async function planCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [...CLUSTER_OPTIONS], []);
  if (args.positionals.length !== 1) throw new UsageError('plan takes one config file');
  const { plan, notes, format } = planFor({ file: args.positionals[0] }, clusterFlags(args), await loadShellParser());
  process.stdout.write(renderPlanJson(plan, notes, format));
  return 0;
}

async function estimateCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [...CLUSTER_OPTIONS, 'plan', 'iteration-time', 'format', 'convention'], []);
  const planFile = args.options.get('plan');
  if ((planFile === undefined) === (args.positionals.length === 0) || args.positionals.length > 1) throw new UsageError('estimate takes one config file or --plan PLAN.json');
  const format = choiceOption(args, 'format', ['text', 'json'] as const, 'text');
  const convention = args.options.has('convention') ? choiceOption(args, 'convention', ['palm', 'megatron', 'narayanan'] as const, 'palm') : undefined;
  const rawTime = args.options.get('iteration-time');
  const iterationSeconds = rawTime === undefined ? undefined : Number(rawTime);
  if (iterationSeconds !== undefined && (!Number.isFinite(iterationSeconds) || iterationSeconds <= 0)) throw new UsageError(`--iteration-time must be a positive number of seconds, got ${String(rawTime)}`);
  const source = typeof planFile === 'string' ? { planFile } : { file: args.positionals[0] };
  const flags = clusterFlags(args);
  const { plan, notes } = planFor(source, flags, await loadShellParser());
  const withFlags = typeof planFile === 'string' ? applyFlagsToPlan(plan, flags) : plan;
  const result = runEstimate(withFlags, iterationSeconds, convention);
  process.stdout.write(format === 'json' ? renderEstimateJson(result, notes) : renderEstimateText(result, notes));
  return 0;
}

async function reportCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [...CLUSTER_OPTIONS, 'html'], []);
  const out = args.options.get('html');
  if (args.positionals.length === 0) throw new UsageError('report takes one or more config files');
  if (typeof out !== 'string') throw new UsageError('report needs --html OUT.html (the file to write)');
  process.stdout.write(`${runReport(args.positionals, out, clusterFlags(args), await loadShellParser())}\n`);
  return 0;
}

async function rescaleCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [...CLUSTER_OPTIONS, 'global-batch', 'rule'], ['dry-run']);
  if (args.positionals.length !== 1) throw new UsageError('rescale takes one config file');
  const newGlobal = positiveIntOption(args, 'global-batch');
  if (newGlobal === undefined) throw new UsageError('rescale needs --global-batch N');
  const rule = choiceOption(args, 'rule', ['auto', 'linear', 'sqrt', 'malladi', 'none'] as const, 'auto');
  const dryRun = args.options.has('dry-run');
  const outcome = runRescale(args.positionals[0], newGlobal, rule === 'none' ? 'keep' : rule, clusterFlags(args), dryRun, await loadShellParser());
  process.stdout.write(`${outcome.message}\n${dryRun ? 'would write' : 'wrote'}: ${outcome.written.join(', ')}\n`);
  return 0;
}

async function suggestCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [...CLUSTER_OPTIONS, 'top', 'format', 'apply'], ['dry-run']);
  if (args.positionals.length !== 1) throw new UsageError('suggest takes one config file');
  const format = choiceOption(args, 'format', ['text', 'json'] as const, 'text');
  const apply = positiveIntOption(args, 'apply');
  const file = args.positionals[0];
  const outcome = runSuggest({ file, flags: clusterFlags(args), world: positiveIntOption(args, 'gpus'), top: positiveIntOption(args, 'top') ?? 5, shellParser: await loadShellParser() });
  if (apply === undefined) {
    process.stdout.write(format === 'json' ? renderSuggestJson(outcome) : renderSuggestText(file, outcome));
    return 0;
  }
  const dryRun = args.options.has('dry-run');
  const applied = applySuggestion(outcome, apply, dryRun);
  const lines = [applied.written.length > 0 ? `${dryRun ? 'would write' : 'wrote'} suggestion ${apply}: ${applied.written.join(', ')}` : `suggestion ${apply} has no edit TrainLint can write into ${file}`];
  for (const step of applied.byHand) lines.push(`apply by hand: ${step}`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

/** A hand-written plan takes the cluster flags too, where it does not say otherwise. */
function applyFlagsToPlan(plan: TrainingPlan, flags: Settings): TrainingPlan {
  const merged = mergePlans(plan, planOfSettings(flags));
  const model = { ...merged.model, name: merged.model?.name ?? (merged.model?.layers ? undefined : flags.model), seqLength: merged.model?.seqLength ?? flags.seqLength };
  const stated = merged.training?.tokens !== undefined || merged.training?.iterations !== undefined;
  return { ...merged, model, training: { ...merged.training, tokens: stated ? merged.training?.tokens : flags.trainingTokens } };
}

async function check(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['format', 'fail-on', 'baseline', ...CLUSTER_OPTIONS], ['fix', 'explain-skips']);
  const format = choiceOption(args, 'format', ['text', 'json', 'sarif', 'github', 'markdown', 'junit', 'gitlab'] as const, 'text');
  const failOn = choiceOption(args, 'fail-on', ['error', 'warning', 'info'] as const, 'error');
  const flags = clusterFlags(args);
  const baseline = baselineOption(args);
  const shellParser = await loadShellParser();
  // This bundle is also the check worker's script (see the end of this file).
  const outcome = await runCheckInParallel(
    {
      paths: args.positionals.length > 0 ? args.positionals : ['.'],
      flags,
      fix: args.options.has('fix'),
      failOn,
      shellParser,
      pythonParser: await loadPythonParser(),
      baseline,
    },
    __filename,
  );
  for (const note of outcome.notes) process.stderr.write(`${note}\n`);
  const { files, skipped } = outcome;
  const render = {
    text: () => renderText(files, skipped, args.options.has('explain-skips')),
    json: () => renderJson(files, skipped),
    sarif: () => renderSarif(files, VERSION),
    github: () => renderGithub(files),
    markdown: () => renderMarkdown(compareFiles(files, flags, shellParser, baseline), baseline),
    junit: () => renderJunit(files),
    gitlab: () => renderGitlab(files),
  }[format];
  process.stdout.write(render());
  return outcome.exitCode;
}

function main(argv: string[]): number | Promise<number> {
  installPrecompiledValidators();
  const [command, ...rest] = argv;
  if (command !== 'lsp') useCliV8Flags(); // Before the grammars are compiled and any validator is read (see v8-flags.ts).
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (command === 'check') return check(rest);
  if (command === 'plan') return planCommand(rest);
  if (command === 'estimate') return estimateCommand(rest);
  if (command === 'rescale') return rescaleCommand(rest);
  if (command === 'report') return reportCommand(rest);
  if (command === 'suggest') return suggestCommand(rest);
  if (command === 'lsp') return (require('../lsp/start') as typeof import('../lsp/start')).startLsp(rest); // Loaded lazily: `check` never pays for the server.
  throw new UsageError(`unknown command "${command}" (try trainlint --help)`);
}

function fail(error: unknown): void {
  if (error instanceof UsageError) {
    process.stderr.write(`trainlint: ${error.message}\n`);
  } else if (error instanceof WriteRefused) {
    // A write refused to keep a file whole and loadable: said in one line; the run failed, the usage was right.
    process.stderr.write(`trainlint: ${error.message}\n`);
    process.exitCode = 1;
    return;
  } else {
    process.stderr.write(`trainlint: internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  }
  process.exitCode = 2;
}

async function checkWorkerParsers() {
  installPrecompiledValidators();
  return { shellParser: await loadShellParser(), pythonParser: await loadPythonParser() };
}

if (!isMainThread && (workerData as { trainlintCheckWorker?: boolean } | undefined)?.trainlintCheckWorker) {
  // A worker thread of `check` (check.ts runCheckInParallel), started on this same script.
  useCliV8Flags();
  serveCheckWorker(checkWorkerParsers);
} else {
  // `check` is asynchronous only because the shell parser (WebAssembly) loads asynchronously, once.
  try {
    Promise.resolve(main(process.argv.slice(2))).then((code) => {
      process.exitCode = code;
    }, fail);
  } catch (error) {
    fail(error);
  }
}
