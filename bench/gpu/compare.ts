// Measured GPU memory and step time (bench/gpu/measure.py) against TrainLint's estimate of the same plan, case by case.
// Run: npx tsc -p . && node out/bench/gpu/compare.js results.json [--gpu NAME] [--markdown FILE] [--json FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { findGpu } from '../../server/src/core/catalog/find-gpu';
import { estimate } from '../../server/src/core/estimate/estimate';
import type { ModelSpec, Precision, Recompute, TrainingPlan } from '../../server/src/core/estimate/plan';

const GIB = 2 ** 30;
/** The GPU predicted for when the results hold none (the CPU smoke). */
const DEFAULT_GPU = 'h100';

/** One case of results.json, as measure.py writes it. */
export interface MeasuredCase {
  id: string;
  model: string;
  modelSpec: ModelSpec;
  seqLength: number;
  micro: number;
  wrapper: 'plain' | 'ddp' | 'fsdp2' | 'deepspeed';
  precision: Precision;
  recompute: Recompute;
  zeroStage: 0 | 1 | 2 | 3 | null;
  /**
   * DeepSpeed data_types.grad_accum_dtype. A plan cannot state it: TrainLint's DeepSpeed bf16 accounting for ZeRO 0/1 is
   * BF16_Optimizer's, which DeepSpeed 0.19 picks only with 'fp32' here (ZeRO-1); measured both ways against one prediction.
   */
  gradAccumDtype?: 'fp32' | null;
  steps: number;
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
  measured?: {
    params: number;
    max_allocated: number | null;
    max_reserved: number | null;
    steady_max_allocated: number | null;
    outside_torch: number | null;
    median_step_seconds: number;
    step_seconds: number[];
    losses: number[];
  };
}

export interface Results {
  schema: number;
  environment: Record<string, string | number | boolean | null>;
  cases: MeasuredCase[];
}

export interface ComparisonRow {
  id: string;
  status: MeasuredCase['status'];
  reason?: string;
  measuredParams?: number;
  predictedParams: number;
  allocatedGiB?: number;
  reservedGiB?: number;
  /** Reserved plus what the device held outside torch's allocator (CUDA context, NCCL): the device's own view. */
  deviceGiB?: number;
  predictedGiB: number;
  /** The prediction less its CUDA-context allowance: what torch's caching allocator should see. */
  predictedTorchGiB: number;
  errorAllocated?: number;
  errorReserved?: number;
  errorDevice?: number;
  stepSeconds?: number;
  predictedStepSeconds: number;
  errorStep?: number;
  /** The prediction's parts in GiB (memory.ts MemoryBlock). */
  parts: { weights: number; gradients: number; optimizer: number; activations: number; logits: number; buffers: number; optimizerStep: number };
  peakPhase: string;
}

/** The TrainingPlan of a measured case: world size 1, its wrapper's byte accounting, the model's explicit shape. */
export function planFor(c: MeasuredCase, gpu: string): TrainingPlan {
  const framework = c.wrapper === 'deepspeed' ? 'deepspeed' : c.wrapper === 'fsdp2' ? 'fsdp' : 'plain';
  return {
    framework,
    ...(c.wrapper === 'fsdp2' ? { fsdp: 'full-shard' as const } : {}),
    model: { ...c.modelSpec, seqLength: c.seqLength },
    parallel: { worldSize: 1 },
    batch: { micro: c.micro, gradAccum: 1 },
    precision: c.precision,
    recompute: c.recompute,
    // measure.py passes torch.optim.AdamW (not fused) to every wrapper, DeepSpeed included (client optimizer).
    optimizer: { type: 'adamw', fused: false },
    zero: { stage: c.zeroStage ?? 0 },
    // measure.py allows SDPA only its fused kernels on CUDA (flash, memory-efficient, cuDNN): no s x s scores kept.
    flashAttention: true,
    hardware: { gpu },
  };
}

function relative(predicted: number, measured: number | undefined): number | undefined {
  return measured === undefined || measured <= 0 ? undefined : predicted / measured - 1;
}

function gib(bytes: number | null | undefined): number | undefined {
  return bytes === null || bytes === undefined ? undefined : bytes / GIB;
}

/** One case against the estimate for `gpu`; step times are compared only when `onGpu` (a CPU smoke times the CPU). */
export function compareCase(c: MeasuredCase, gpu: string, onGpu: boolean): ComparisonRow {
  const e = estimate(planFor(c, gpu));
  const m = c.status === 'ok' ? c.measured : undefined;
  const predictedGiB = e.memory.total / GIB;
  const predictedTorchGiB = (e.memory.total - e.memory.bufferParts.cudaContext) / GIB;
  const allocatedGiB = gib(m?.max_allocated);
  const reservedGiB = gib(m?.max_reserved);
  const outside = gib(m?.outside_torch);
  const deviceGiB = reservedGiB !== undefined && outside !== undefined ? reservedGiB + outside : undefined;
  const predictedStepSeconds = e.time.available ? e.time.iterationSeconds : NaN;
  const mem = e.memory;
  return {
    id: c.id, status: c.status, ...(c.reason ? { reason: c.reason } : {}),
    measuredParams: m?.params, predictedParams: e.parameters.total,
    allocatedGiB, reservedGiB, deviceGiB, predictedGiB, predictedTorchGiB,
    errorAllocated: relative(predictedTorchGiB, allocatedGiB),
    errorReserved: relative(predictedTorchGiB, reservedGiB),
    errorDevice: relative(predictedGiB, deviceGiB),
    stepSeconds: m?.median_step_seconds, predictedStepSeconds, errorStep: onGpu ? relative(predictedStepSeconds, m?.median_step_seconds) : undefined,
    parts: {
      weights: mem.weights / GIB, gradients: mem.gradients / GIB, optimizer: mem.optimizer / GIB, activations: mem.activations / GIB,
      logits: mem.logits / GIB, buffers: mem.buffers / GIB, optimizerStep: mem.optimizerStep / GIB,
    },
    peakPhase: mem.peakPhase,
  };
}

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median absolute relative error of one error column over the rows that have it. */
export function medianAbsolute(rows: ComparisonRow[], key: 'errorAllocated' | 'errorReserved' | 'errorDevice' | 'errorStep'): number | undefined {
  return median(rows.map((r) => r[key]).filter((v): v is number => v !== undefined && Number.isFinite(v)).map(Math.abs));
}

const num = (v: number | undefined, digits = 2): string => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));
const pct = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '-' : `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)}%`);
const millions = (v: number | undefined): string => (v === undefined ? '-' : (v / 1e6).toPrecision(4));

const MAIN_HEADER = ['case', 'params M (meas/pred)', 'alloc GiB', 'reserved GiB', 'device GiB', 'pred GiB', 'pred torch GiB',
  'err alloc', 'err reserved', 'err device', 'step ms', 'pred step ms', 'err step'];

function mainCells(r: ComparisonRow): string[] {
  if (r.status !== 'ok') {
    const why = `${r.status}: ${(r.reason ?? '').split('\n').pop()!.slice(0, 100)}`;
    return [r.id, `- / ${millions(r.predictedParams)}`, why, '', '', num(r.predictedGiB), num(r.predictedTorchGiB), '', '', '', '', num(1e3 * r.predictedStepSeconds, 1), ''];
  }
  return [r.id, `${millions(r.measuredParams)} / ${millions(r.predictedParams)}`, num(r.allocatedGiB), num(r.reservedGiB), num(r.deviceGiB),
    num(r.predictedGiB), num(r.predictedTorchGiB), pct(r.errorAllocated), pct(r.errorReserved), pct(r.errorDevice),
    num(r.stepSeconds === undefined ? undefined : 1e3 * r.stepSeconds, 1), num(1e3 * r.predictedStepSeconds, 1), pct(r.errorStep)];
}

const PARTS_HEADER = ['case', 'weights', 'gradients', 'optimizer', 'activations', 'logits', 'buffers', 'optimizer step', 'peak phase'];

function partsCells(r: ComparisonRow): string[] {
  const p = r.parts;
  return [r.id, ...[p.weights, p.gradients, p.optimizer, p.activations, p.logits, p.buffers, p.optimizerStep].map((v) => num(v)), r.peakPhase];
}

function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')).join('\n');
}

function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map(line)].join('\n');
}

function summary(rows: ComparisonRow[]): string[] {
  const ok = rows.filter((r) => r.status === 'ok');
  return [
    `cases: ${rows.length} (${ok.length} ok, ${rows.filter((r) => r.status === 'skipped').length} skipped, ${rows.filter((r) => r.status === 'failed').length} failed)`,
    `median |error| vs max allocated: ${pct(medianAbsolute(ok, 'errorAllocated'))}; vs max reserved: ${pct(medianAbsolute(ok, 'errorReserved'))}; ` +
      `vs device (reserved + outside torch): ${pct(medianAbsolute(ok, 'errorDevice'))}; step time: ${pct(medianAbsolute(ok, 'errorStep'))}`,
  ];
}

const COLUMNS = [
  'alloc / reserved: torch.cuda.max_memory_allocated / max_memory_reserved over the whole run (init and every step);',
  'device: reserved + memory in use outside torch at the end (CUDA context, NCCL); pred: TrainLint memory.total;',
  'pred torch: pred less its 1 GiB CUDA-context allowance, set against alloc and reserved (torch does not count the context);',
  'err = predicted / measured - 1; step: median of steps 2..N against the predicted iteration time.',
];

function markdown(results: Results, gpu: string, rows: ComparisonRow[]): string {
  const env = results.environment;
  const facts = [
    `- GPU: ${env.gpu_name ?? `none (device ${env.device}); predictions for ${gpu}`}`,
    `- torch ${env.torch} (CUDA ${env.torch_cuda ?? '-'}), DeepSpeed ${env.deepspeed ?? 'not installed'}, Python ${env.python}`,
    `- started ${env.started_utc}, ${env.steps} steps per case, ${Math.round(Number(env.wall_seconds))} s in all`,
  ];
  return [
    '# GPU memory and step time: measured against TrainLint', '',
    'Made by `bash bench/gpu/run.sh OUT` (`measure.py --out OUT/results.json`) on the GPU, then `node out/bench/gpu/compare.js OUT/results.json --markdown FILE` (bench/gpu/README.md).', '',
    ...facts, '', ...COLUMNS.map((l) => `${l}`), '',
    markdownTable(MAIN_HEADER, rows.map(mainCells)), '',
    ...summary(rows).map((l) => `${l}  `), '',
    '## The prediction in parts (GiB)', '',
    markdownTable(PARTS_HEADER, rows.map(partsCells)), '',
  ].join('\n');
}

function main(argv: string[]): number {
  const option = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const file = argv.find((a, i) => !a.startsWith('--') && (i === 0 || !argv[i - 1].startsWith('--')));
  if (!file) {
    console.error('usage: node out/bench/gpu/compare.js results.json [--gpu NAME] [--markdown FILE] [--json FILE]');
    return 2;
  }
  const results = JSON.parse(readFileSync(file, 'utf8')) as Results;
  const gpu = option('gpu') ?? (typeof results.environment.gpu_name === 'string' ? results.environment.gpu_name : DEFAULT_GPU);
  if (!findGpu(gpu)) {
    console.error(`GPU "${gpu}" is not in TrainLint's catalog; pass --gpu with a catalog name (e.g. h100, h200)`);
    return 2;
  }
  const rows = results.cases.map((c) => compareCase(c, gpu, results.environment.device === 'cuda'));
  console.log(`GPU ${results.environment.gpu_name ?? 'none'}; predicted for ${findGpu(gpu)!.name}`);
  console.log(textTable(MAIN_HEADER, rows.map(mainCells)));
  console.log(summary(rows).join('\n'));
  const md = option('markdown');
  if (md) writeFileSync(md, markdown(results, gpu, rows));
  const json = option('json');
  if (json) writeFileSync(json, JSON.stringify({ gpu: findGpu(gpu)!.id, rows }, null, 1));
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
