// Published H100 / H200 / B200 / GB200 training throughput rows for the step-time accuracy bench (bench/accuracy.ts).
// Each row keeps the source URL, the table row or sentence it came from (`quote`) and the published figure; inputs the
// source does not print are one stated default per source (in `notes`), never tuned per row.
// Tokens/s rows are converted to TFLOP/s per GPU with the bench's own FLOPs count for the row's plan, so the error is
// the iteration-time error whatever the convention; rows that print only TFLOP/s use the source's convention.
import { estimate } from '../server/src/core/estimate/estimate';
import type { FlopsConvention } from '../server/src/core/estimate/flops';
import type { ModelSpec, Precision, Recompute, TrainingPlan } from '../server/src/core/estimate/plan';

export interface SourcedRow {
  id: string;
  source: string;
  url: string;
  /** The table row or sentence the figure was read from, as printed. */
  quote: string;
  /** The printed figure and its unit ('tokens/s/GPU' or 'TFLOP/s/GPU'). */
  figure: { value: number; unit: 'tokens/s/GPU' | 'TFLOP/s/GPU' };
  /** The TFLOP/s the source printed beside its tokens/s, where the bench's FLOPs count should reproduce it (a check of the row). */
  printedTflops?: number;
  plan: TrainingPlan;
  convention: FlopsConvention;
  notes: string[];
}

export interface ExcludedRow {
  id: string;
  reason: string;
}

/** Published TFLOP/s per GPU in `convention`: printed, or tokens/s/GPU times the plan's model FLOPs per token. */
export function publishedTflops(row: SourcedRow): number {
  if (row.figure.unit === 'TFLOP/s/GPU') return row.figure.value;
  const flops = estimate(row.plan, { convention: row.convention }).flops;
  const tokens = (row.plan.batch?.global ?? NaN) * (row.plan.model?.seqLength ?? NaN);
  return (row.figure.value * flops.perIteration.model) / tokens / 1e12;
}

const LLAMA3_8B = 'meta-llama/Meta-Llama-3-8B';
const LLAMA3_70B = 'meta-llama/Meta-Llama-3-70B';
const LLAMA31_8B = 'meta-llama/Llama-3.1-8B';
const LLAMA31_70B = 'meta-llama/Llama-3.1-70B';
const LLAMA31_405B = 'meta-llama/Llama-3.1-405B';

function llama(name: string, seqLength: number): ModelSpec {
  return { name, seqLength, dropout: false };
}

// ---------------------------------------------------------------------------------------------------------------------
// 1. NVIDIA Megatron-Bridge performance summary (25.09, 25.11 and 26.02 NeMo containers): dense Llama rows only.
// ---------------------------------------------------------------------------------------------------------------------
const BRIDGE = 'Megatron-Bridge performance summary (NeMo 25.09-26.02)';
const BRIDGE_URL = 'https://github.com/NVIDIA-NeMo/Megatron-Bridge/blob/0a25f911b2ed6c6905a539504fdb8e5b40e3438b/docs/performance-summary-archive.md';
// DGX-GB200 is an NVL72 rack: 72 GPUs share one NVLink 5 domain (900 GB/s per GPU), so groups of up to 72 stay on NVLink.
const GB200_NVL72 = { gpu: 'gb200', gpusPerNode: 72 };
const BRIDGE_HARDWARE: Record<string, TrainingPlan['hardware']> = { 'DGX-H100': { gpu: 'h100-sxm' }, 'DGX-B200': { gpu: 'b200' }, 'DGX-GB200': GB200_NVL72 };
// scripts/performance/configs/llama/llama31_llm_pretrain.py llama31_405b_pretrain_config_gb200 (Megatron-Bridge 0013c9a):
// "if cfg.ddp.use_megatron_fsdp: ... cfg.ddp.num_distributed_optimizer_instances = 2"; the 70B and 8B recipes leave it at 1.
const bridgeShardInstances = (system: string, name: string, fsdp: number) => (fsdp > 0 && system === 'DGX-GB200' && name === LLAMA31_405B ? 2 : undefined);

// [release, system, model, GPUs, GBS, MBS, seq, FSDP, TP, PP, CP, VP, tokens/s/GPU, model TFLOP/s/GPU, table row as printed]
type BridgeRow = [string, string, string, number, number, number, number, number, number, number, number, number, number, number, string];
const BRIDGE_ROWS: BridgeRow[] = [
  ['26.02', 'DGX-GB200', LLAMA3_70B, 64, 256, 1, 8192, 0, 2, 4, 1, 5, 3613, 1623, '| DGX-GB200 | 64 | MXFP8 | 256 | 1 | 8192 | 0 | 2 | 4 | 1 | 5 | n/a | 3613 | 1623 |'],
  ['26.02', 'DGX-GB200', LLAMA3_70B, 64, 256, 2, 8192, 64, 1, 1, 1, 1, 4040, 1815, '| DGX-GB200 | 64 | FP8 | 256 | 2 | 8192 | 64 | 1 | 1 | 1 | n/a | n/a | 4040 | 1815 |'],
  ['26.02', 'DGX-H100', LLAMA3_70B, 64, 256, 1, 8192, 0, 4, 8, 1, 5, 1621, 728, '| DGX-H100 | 64 | FP8 | 256 | 1 | 8192 | 0 | 4 | 8 | 1 | 5 | n/a | 1621 | 728 |'],
  ['26.02', 'DGX-GB200', LLAMA31_405B, 256, 1536, 1, 8192, 0, 4, 16, 1, 8, 786, 1983, '| DGX-GB200 | 256 | MXFP8 | 1536 | 1 | 8192 | 0 | 4 | 16 | 1 | 8 | n/a | 786 | 1983 |'],
  ['26.02', 'DGX-GB200', LLAMA31_405B, 256, 1536, 1, 8192, 0, 4, 16, 1, 4, 793, 2004, '| DGX-GB200 | 256 | FP8 | 1536 | 1 | 8192 | 0 | 4 | 16 | 1 | 4 | n/a | 793 | 2004 |'],
  ['26.02', 'DGX-H100', LLAMA31_405B, 1024, 1536, 1, 8192, 0, 8, 8, 2, 8, 311, 784, '| DGX-H100 | 1024 | FP8 | 1536 | 1 | 8192 | 0 | 8 | 8 | 2 | 8 | n/a | 311 | 784 |'],
  ['25.11', 'DGX-GB200', LLAMA3_8B, 8, 128, 2, 8192, 0, 1, 1, 1, 1, 31508, 1622, '| LLAMA3_8B | 8 | FP8-CS (FP8-MX) | 128 | 2 | 8192 | 0 | 1 | 1 | 1 | n/a | 1 | 8 | 31508 (29789) | 1622 (1533) |'],
  ['25.11', 'DGX-GB200', LLAMA3_70B, 64, 256, 2, 8192, 64, 1, 1, 1, 1, 4312, 1937, '| LLAMA3_70B | 64 | FP8-CS | 256 | 2 | 8192 | 64 | 1 | 1 | 1 | 1 | 1 | 2 | 4312 | 1937 |'],
  ['25.11', 'DGX-GB200', LLAMA31_405B, 256, 1536, 1, 8192, 0, 4, 16, 1, 4, 813, 2053, '| LLAMA3.1_405B | 256 | FP8-CS | 1536 | 1 | 8192 | 0 | 4 | 16 | 1 | 4 | 1 | 384 | 813 | 2053 |'],
  ['25.11', 'DGX-B200', LLAMA3_8B, 8, 128, 2, 8192, 0, 1, 1, 1, 1, 30624, 1576, '| LLAMA3_8B | 8 | FP8-CS (FP8-MX) | 128 | 2 | 8192 | 0 | 1 | 1 | 1 | n/a | 1 | 8 | 30624 (29521) | 1576 (1519) |'],
  ['25.11', 'DGX-B200', LLAMA31_405B, 128, 64, 1, 8192, 0, 4, 8, 2, 8, 661, 1667, '| LLAMA3.1_405B | 128 | FP8-CS (FP8-MX) | 64 | 1 | 8192 | 0 | 4 | 8 | 2 | 8 | 1 | 32 | 661 (624) | 1667 (1576) |'],
  ['25.11', 'DGX-H100', LLAMA3_8B, 8, 128, 1, 8192, 8, 1, 1, 1, 1, 14451, 744, '| LLAMA3_8B | 8 | FP8-CS | 128 | 1 | 8192 | 8 | 1 | 1 | 1 | n/a | 1 | 16 | 14451 | 744 |'],
  ['25.11', 'DGX-H100', LLAMA3_70B, 64, 128, 1, 8192, 0, 4, 8, 1, 5, 1602, 719, '| LLAMA3_70B | 64 | FP8-CS | 128 | 1 | 8192 | 0 | 4 | 8 | 1 | 5 | 1 | 64 | 1602 | 719 |'],
  ['25.11', 'DGX-H100', LLAMA31_405B, 1024, 512, 1, 8192, 0, 8, 8, 2, 8, 292, 737, '| LLAMA3.1_405B | 1024 | FP8-CS | 512 | 1 | 8192 | 0 | 8 | 8 | 2 | 8 | 1 | 64 | 292 | 737 |'],
  ['25.09', 'DGX-GB200', LLAMA3_8B, 8, 128, 2, 8192, 0, 1, 1, 1, 1, 31357, 1614, '| LLAMA3_8B | 8 | 128 | 2 | 8192 | 0 | 1 | 1 | 1 | n/a | 1 | 8 | 31357 (29925) | 1614 (1540) |'],
  ['25.09', 'DGX-GB200', LLAMA3_70B, 64, 128, 2, 8192, 64, 1, 1, 1, 1, 3986, 1791, '| LLAMA3_70B | 64 | 128 | 2 | 8192 | 64 (0) | 1 (2) | 1 (4) | 1 | 1 (5) | 1 | 1 (16) | 3986 (3546) | 1791 (1593) | (first layout)'],
  ['25.09', 'DGX-GB200', LLAMA3_70B, 64, 128, 2, 8192, 0, 2, 4, 1, 5, 3546, 1593, '| LLAMA3_70B | 64 | 128 | 2 | 8192 | 64 (0) | 1 (2) | 1 (4) | 1 | 1 (5) | 1 | 1 (16) | 3986 (3546) | 1791 (1593) | (layout in parentheses)'],
  ['25.09', 'DGX-GB200', LLAMA31_405B, 128, 64, 1, 8192, 64, 2, 1, 1, 1, 729, 1840, '| LLAMA3.1_405B | 128 | 64 | 1 | 8192 | 64 (0) | 2 (4) | 1 (8) | 1 (2) | 1 (8) | 1 | 1 (32) | 729 (578) | 1840 (1458) | (first layout)'],
  ['25.09', 'DGX-GB200', LLAMA31_405B, 128, 64, 1, 8192, 0, 4, 8, 2, 8, 578, 1458, '| LLAMA3.1_405B | 128 | 64 | 1 | 8192 | 64 (0) | 2 (4) | 1 (8) | 1 (2) | 1 (8) | 1 | 1 (32) | 729 (578) | 1840 (1458) | (layout in parentheses)'],
  ['25.09', 'DGX-B200', LLAMA3_8B, 8, 128, 2, 8192, 0, 1, 1, 1, 1, 29994, 1544, '| LLAMA3_8B | 8 | 128 | 2 | 8192 | 0 | 1 | 1 | 1 | n/a | 1 | 8 | 29994 (29388) | 1544 (1513) |'],
  ['25.09', 'DGX-B200', LLAMA31_405B, 128, 64, 1, 8192, 0, 4, 8, 2, 8, 664, 1676, '| LLAMA3.1_405B | 128 | 64 | 1 | 8192 | 0 | 4 | 8 | 2 | 8 | 1 | 32 | 664 (622) | 1676 (1569) |'],
  ['25.09', 'DGX-H100', LLAMA3_8B, 8, 128, 1, 8192, 8, 1, 1, 1, 1, 14079, 725, '| LLAMA3_8B | 8 | 128 | 1 | 8192 | 8 | 1 | 1 | 1 | n/a | 1 | 16 | 14079 | 725 |'],
  ['25.09', 'DGX-H100', LLAMA3_70B, 64, 128, 1, 8192, 0, 4, 8, 1, 5, 1619, 727, '| LLAMA3_70B | 64 | 128 | 1 | 8192 | 0 | 4 | 8 | 1 | 5 | 1 | 64 | 1619 | 727 |'],
  ['25.09', 'DGX-H100', LLAMA31_405B, 1024, 512, 1, 8192, 0, 8, 8, 2, 8, 302, 763, '| LLAMA3.1_405B | 1024 | 512 | 1 | 8192 | 0 | 8 | 8 | 2 | 8 | 1 | 64 | 302 | 763 |'],
];

function megatronBridgeRows(): SourcedRow[] {
  return BRIDGE_ROWS.map(([release, system, name, gpus, gbs, mbs, seq, fsdp, tp, pp, cp, vp, tokens, printed, quote]) => ({
    id: `bridge-${release} ${system.replace('DGX-', '')} ${name.split('/')[1]} tp${tp} pp${pp} cp${cp}${vp > 1 ? ` vp${vp}` : ''}${fsdp > 0 ? ' fsdp' : ''}`,
    source: BRIDGE, url: BRIDGE_URL, quote, figure: { value: tokens, unit: 'tokens/s/GPU' }, printedTflops: printed,
    plan: {
      framework: 'megatron', model: llama(name, seq),
      parallel: { tp, pp, cp, vpp: vp, worldSize: gpus, sequenceParallel: tp > 1, shardInstances: bridgeShardInstances(system, name, fsdp) },
      batch: { micro: mbs, global: gbs }, precision: 'fp8', recompute: 'none', flashAttention: true, distributedOptimizer: true,
      // src/megatron/bridge/training/mixed_precision.py (0509780): the FP8 current-scaling and MXFP8 recipes set fp8_param_gather = True.
      fp8ParamGather: true,
      ...(fsdp > 0 ? { fsdp: 'full-shard' as const } : {}),
      overlap: { gradReduce: true, paramGather: true, tensorParallel: tp > 1 }, hardware: BRIDGE_HARDWARE[system],
    },
    // Megatron-Bridge's model TFLOP/s halve causal attention: tokens/s x this count reproduces the printed TFLOP/s column.
    convention: 'megatron',
    notes: [
      'recomputation: none assumed for every row (the perf recipes were not read)',
      'FP8 parameter all-gathers (fp8_param_gather in the FP8-CS and MXFP8 mixed-precision recipes)',
      ...(release === '25.09' ? ['precision column absent in 25.09: FP8 read from the note on quantization granularities'] : []),
      ...(system === 'DGX-GB200' ? ['NVL72: 72 GPUs per NVLink domain'] : []),
      ...(bridgeShardInstances(system, name, fsdp) ? ['Megatron-FSDP with 2 distributed-optimizer instances (the GB200 405B perf recipe)'] : []),
    ],
  }));
}

// ---------------------------------------------------------------------------------------------------------------------
// 2. NeMo Framework 24.07 performance summary, DGX-H100, FP8 (pretraining and SFT tables).
// ---------------------------------------------------------------------------------------------------------------------
const NEMO2407 = 'NeMo 24.07 performance summary (DGX-H100, FP8)';
const NEMO2407_URL = 'https://github.com/NVIDIA/NeMo/blob/8e3d65dcfe/docs/source/performance/performance_summary.md';
const GPT3_175B: ModelSpec = {
  glu: false, tiedEmbeddings: true, dropout: false, norm: 'layernorm', attentionBias: 'all', mlpBias: true, positionEmbedding: 'learned',
  layers: 96, hiddenSize: 12288, heads: 96, kvHeads: 96, ffnHiddenSize: 4 * 12288, seqLength: 2048, vocabSize: 50257, maxPositions: 2048,
};
const NEMO_MODELS: Record<string, string | ModelSpec> = {
  'GPT3-175B': GPT3_175B, 'LLAMA2-7B': 'meta-llama/Llama-2-7b-hf', 'LLAMA2-13B': 'meta-llama/Llama-2-13b-hf', 'LLAMA2-70B': 'meta-llama/Llama-2-70b-hf',
  'LLAMA3-8B': LLAMA3_8B, 'LLAMA3-70B': LLAMA3_70B,
};
// [model, task, GPUs, GBS, MBS, seq, TP, PP, CP, VP, tokens/s/GPU, model TFLOP/s/GPU (pretraining only: the SFT column counts
// packed sequences differently), table row as printed]
type NemoRow = [string, string, number, number, number, number, number, number, number, number, number, number | undefined, string];
const NEMO2407_ROWS: NemoRow[] = [
  ['GPT3-175B', 'pretrain', 128, 256, 1, 2048, 4, 8, 1, 6, 716, 771, '| GPT3-175B     | 128    | 256  | 1   | 2048           | 4  | 8  | 1  | 6  | 716                | 771                     |'],
  ['GPT3-175B', 'pretrain', 512, 2048, 2, 2048, 4, 8, 1, 6, 825, 888, '| GPT3-175B     | 512    | 2048 | 2   | 2048           | 4  | 8  | 1  | 6  | 825                | [888](https://mlcommons.org/benchmarks/training/) |'],
  ['LLAMA2-7B', 'pretrain', 8, 128, 1, 4096, 1, 1, 1, 1, 16934, 780, '| LLAMA2-7B     | 8      | 128  | 1   | 4096           | 1  | 1  | 1  | 1  | 16934              | 780                     |'],
  ['LLAMA2-13B', 'pretrain', 16, 128, 1, 4096, 1, 4, 1, 10, 8715, 760, '| LLAMA2-13B    | 16     | 128  | 1   | 4096           | 1  | 4  | 1  | 10 | 8715               | 760                     |'],
  ['LLAMA2-70B', 'pretrain', 64, 128, 1, 4096, 4, 4, 1, 20, 1728, 768, '| LLAMA2-70B    | 64     | 128  | 1   | 4096           | 4  | 4  | 1  | 20 | 1728               | 768                     |'],
  ['LLAMA3-8B', 'pretrain', 8, 128, 1, 8192, 1, 1, 2, 1, 12273, 711, '| LLAMA3-8B     | 8      | 128  | 1   | 8192           | 1  | 1  | 2  | 1  | 12273              | 711                     |'],
  ['LLAMA3-70B', 'pretrain', 64, 128, 1, 8192, 4, 4, 2, 5, 1524, 734, '| LLAMA3-70B    | 64     | 128  | 1   | 8192           | 4  | 4  | 2  | 5  | 1524               | 734                     |'],
  ['LLAMA2-7B', 'SFT', 8, 32, 1, 4096, 1, 1, 1, 1, 16891, undefined, '| LLAMA2-7B  | SFT      | 8      | 32  | 1   | 4096            | 1  | 1  | 16891              | 673                            |'],
  ['LLAMA2-13B', 'SFT', 8, 32, 1, 4096, 1, 4, 1, 1, 10176, undefined, '| LLAMA2-13B | SFT      | 8      | 32  | 1   | 4096            | 1  | 4  | 10176              | 787                            |'],
  ['LLAMA2-70B', 'SFT', 16, 32, 1, 4096, 4, 4, 1, 1, 1816, undefined, '| LLAMA2-70B | SFT      | 16     | 32  | 1   | 4096            | 4  | 4  | 1816               | 749                            |'],
];

function nemo2407Rows(): SourcedRow[] {
  return NEMO2407_ROWS.map(([name, task, gpus, gbs, mbs, seq, tp, pp, cp, vp, tokens, printed, quote]) => {
    const known = NEMO_MODELS[name];
    const model = typeof known === 'string' ? llama(known, seq) : { ...known, seqLength: seq };
    return {
      id: `nemo-24.07 ${name}${task === 'SFT' ? '-SFT' : ''} ${gpus} GPUs`, source: NEMO2407, url: NEMO2407_URL, quote,
      figure: { value: tokens, unit: 'tokens/s/GPU' as const }, printedTflops: printed,
      plan: {
        framework: 'megatron', model, parallel: { tp, pp, cp, vpp: vp, worldSize: gpus, sequenceParallel: tp > 1 },
        batch: { micro: mbs, global: gbs }, precision: 'fp8', recompute: 'none', flashAttention: true, distributedOptimizer: true,
        overlap: { gradReduce: true, paramGather: true, tensorParallel: tp > 1 }, hardware: { gpu: 'h100-sxm' },
      },
      convention: 'megatron-noncausal' as const,
      notes: ['recomputation: none assumed (not printed)', ...(task === 'SFT' ? ['SFT table has no VP column: no interleaving assumed'] : [])],
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// 3. NeMo long-sequence performance, LLAMA2-7B FP8 on DGX-H100 with context parallelism (NeMo 24.03.01).
// ---------------------------------------------------------------------------------------------------------------------
const NEMO_LONG = 'NeMo long-sequence performance (LLAMA2-7B FP8, DGX-H100)';
const NEMO_LONG_URL = 'https://github.com/NVIDIA/NeMo/blob/19fadb67b0/docs/source/performance/performance_long_sequence.md';
// [seq (K), GPUs, batch, TP, PP, DP, CP, TFLOP/s/GPU with CP]
const NEMO_LONG_ROWS: [number, number, number, number, number, number, number, number][] = [
  [4, 4, 1024, 1, 1, 4, 1, 768], [8, 8, 512, 1, 2, 4, 1, 730], [16, 16, 256, 2, 1, 8, 1, 660], [32, 32, 128, 2, 1, 8, 2, 610],
  [64, 64, 64, 4, 1, 8, 2, 574], [128, 128, 32, 4, 1, 8, 4, 555], [256, 256, 16, 4, 1, 8, 8, 549], [512, 512, 8, 8, 1, 4, 16, 549],
  [1024, 1024, 4, 8, 1, 4, 32, 536],
];

function nemoLongSequenceRows(): SourcedRow[] {
  return NEMO_LONG_ROWS.map(([k, gpus, batch, tp, pp, dp, cp, tflops]) => ({
    id: `nemo-long llama2-7b ${k}K tp${tp} cp${cp}`, source: NEMO_LONG, url: NEMO_LONG_URL,
    quote: `SeqLen ${k}K | ${gpus} GPUs | batch ${batch} | With CP: TP ${tp} PP ${pp} DP ${dp} CP ${cp} | ${tflops} TFLOPS/GPU`,
    figure: { value: tflops, unit: 'TFLOP/s/GPU' as const },
    plan: {
      framework: 'megatron', model: llama('meta-llama/Llama-2-7b-hf', k * 1024), parallel: { tp, pp, cp, dp, worldSize: gpus, sequenceParallel: tp > 1 },
      batch: { micro: 1, global: batch }, precision: 'fp8', recompute: 'none', flashAttention: true, distributedOptimizer: true,
      overlap: { gradReduce: true, paramGather: true, tensorParallel: tp > 1 }, hardware: { gpu: 'h100-sxm' },
    },
    // NeMo 24.x model TFLOP/s: Megatron's 2024 count without causal halving (same convention as the NeMo pretraining tables).
    convention: 'megatron-noncausal' as const,
    notes: ['micro-batch 1, no recomputation and no interleaving assumed (not printed)', 'TFLOP/s convention assumed non-causal as the other NeMo 24.x tables'],
  }));
}

// ---------------------------------------------------------------------------------------------------------------------
// 4. torchtitan benchmarks on Grand Teton H100 (Dec 2024 and Jun 2025 async-TP), and Trainy's H200 run.
// ---------------------------------------------------------------------------------------------------------------------
const TITAN = 'torchtitan benchmarks (Grand Teton H100)';
const TITAN_2412_URL = 'https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/benchmarks/llama3_h100_202412_torchtitan.md';
const TITAN_2506_URL = 'https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/benchmarks/asyncTP_llama3_h100_2025-06_torchtitan.md';
// "Each H100 GPU is equipped with 96GB HBM2e with 2.4 TB/sec peak memory bandwidth", "400 Gb/s per GPU", 500 W power limit.
// The source says its peak lies between H100 SXM and NVL and is unknown: the SXM peak is used for all its rows (an upper bound).
const GRAND_TETON = { gpu: 'h100-sxm', memoryBandwidthGBps: 2400, interNodeGBps: 50 };

interface TitanRow {
  id: string;
  url: string;
  quote: string;
  tokens: number;
  model: string;
  seq: number;
  gpus: number;
  fsdp: number;
  tp?: number;
  pp?: number;
  cp?: number;
  /** Sequences per data-parallel rank per step ("local batch size"). */
  local: number;
  recompute: Recompute;
  precision: Precision;
  asyncTp?: boolean;
  interleaved?: boolean;
  compile: boolean;
  hardware?: TrainingPlan['hardware'];
}

const T1 = 'Table 1 1D Parallelism (FSDP). Llama 3.1 8B model. 8 GPUs. Local batch size 2, global batch size 16. Selective activation checkpointing.';
const T2 = 'Table 2 FSDP + CP + torch.compile + Float8. Llama 3.1 8B model. 8 GPUs. Local batch size 1. Full activation checkpointing.';
const T3 = 'Table 3 1D Parallelism (FSDP). Llama 3.1 8B model. 128 GPUs. Local batch size 2, global batch size 256. Selective activation checkpointing.';
const T4 = 'Table 4 2D parallelism (FSDP + TP) + torch.compile + Float8. Llama 3.1 70B model. 256 GPUs (FSDP 32, TP 8). Local batch size 16, global batch size 512. Full activation checkpointing.';
const T5 = 'Table 5 3D parallelism (FSDP + TP + PP) + torch.compile + Float8 + AsyncTP. Llama 3.1 405B model. 512 GPUs (FSDP 8, TP 8, PP8). Local batch size 32, global batch size 256. Full activation checkpointing.';
const T6 = 'Table 6 4D parallelism (FSDP + TP + PP + CP) + torch.compile + Float8 + AsyncTP + 1F1B. Llama 3.1 405B model. 512 GPUs (TP 8, PP8). Local batch size 8. Full activation checkpointing.';
const A70 = 'Llama3 70b on 256 H100s with FSDP=32, TP=8, torch.compile, full AC, local batch size 16';
const A8 = 'Llama3 8b on 64 H100s with FSDP=8, TP=8, torch.compile, per op SAC, local batch size 12';
const u24 = TITAN_2412_URL;
const u25 = TITAN_2506_URL;

const TITAN_ROWS: TitanRow[] = [
  { id: 't1 FSDP', url: u24, quote: `${T1} | FSDP | 5,762 |`, tokens: 5762, model: LLAMA31_8B, seq: 8192, gpus: 8, fsdp: 8, local: 2, recompute: 'selective', precision: 'bf16', compile: false },
  { id: 't1 FSDP+compile', url: u24, quote: `${T1} | FSDP + torch.compile | 6,667 |`, tokens: 6667, model: LLAMA31_8B, seq: 8192, gpus: 8, fsdp: 8, local: 2, recompute: 'selective', precision: 'bf16', compile: true },
  { id: 't1 FSDP+compile+fp8', url: u24, quote: `${T1} | FSDP + torch.compile + Float8 | 8,532 |`, tokens: 8532, model: LLAMA31_8B, seq: 8192, gpus: 8, fsdp: 8, local: 2, recompute: 'selective', precision: 'fp8', compile: true },
  { id: 't2 FSDP8 CP1 32K', url: u24, quote: `${T2} | FSDP 8, CP 1 | 32768 | 3,890 |`, tokens: 3890, model: LLAMA31_8B, seq: 32768, gpus: 8, fsdp: 8, cp: 1, local: 1, recompute: 'full', precision: 'fp8', compile: true },
  { id: 't2 FSDP4 CP2 64K', url: u24, quote: `${T2} | FSDP 4, CP 2 | 65536 | 2,540 |`, tokens: 2540, model: LLAMA31_8B, seq: 65536, gpus: 8, fsdp: 4, cp: 2, local: 1, recompute: 'full', precision: 'fp8', compile: true },
  { id: 't2 FSDP2 CP4 128K', url: u24, quote: `${T2} | FSDP 2, CP 4 | 131072 | 1,071 |`, tokens: 1071, model: LLAMA31_8B, seq: 131072, gpus: 8, fsdp: 2, cp: 4, local: 1, recompute: 'full', precision: 'fp8', compile: true },
  { id: 't2 FSDP1 CP8 256K', url: u24, quote: `${T2} | FSDP 1, CP 8 | 262144 | 548 |`, tokens: 548, model: LLAMA31_8B, seq: 262144, gpus: 8, fsdp: 1, cp: 8, local: 1, recompute: 'full', precision: 'fp8', compile: true },
  { id: 't3 FSDP', url: u24, quote: `${T3} | FSDP | 5,605 |`, tokens: 5605, model: LLAMA31_8B, seq: 8192, gpus: 128, fsdp: 128, local: 2, recompute: 'selective', precision: 'bf16', compile: false },
  { id: 't3 FSDP+compile', url: u24, quote: `${T3} | FSDP + torch.compile | 6,514 |`, tokens: 6514, model: LLAMA31_8B, seq: 8192, gpus: 128, fsdp: 128, local: 2, recompute: 'selective', precision: 'bf16', compile: true },
  { id: 't3 FSDP+compile+fp8', url: u24, quote: `${T3} | FSDP + torch.compile + Float8 | 8,380 |`, tokens: 8380, model: LLAMA31_8B, seq: 8192, gpus: 128, fsdp: 128, local: 2, recompute: 'selective', precision: 'fp8', compile: true },
  { id: 't4 2D', url: u24, quote: `${T4} | 2D | 829 |`, tokens: 829, model: LLAMA31_70B, seq: 8192, gpus: 256, fsdp: 32, tp: 8, local: 16, recompute: 'full', precision: 'fp8', compile: true },
  { id: 't4 2D+AsyncTP', url: u24, quote: `${T4} | 2D + AsyncTP | 876 |`, tokens: 876, model: LLAMA31_70B, seq: 8192, gpus: 256, fsdp: 32, tp: 8, local: 16, recompute: 'full', precision: 'fp8', asyncTp: true, compile: true },
  { id: 't5 1F1B', url: u24, quote: `${T5} | 1F1B | 100 |`, tokens: 100, model: LLAMA31_405B, seq: 8192, gpus: 512, fsdp: 8, tp: 8, pp: 8, local: 32, recompute: 'full', precision: 'fp8', asyncTp: true, compile: true },
  { id: 't5 Interleaved 1F1B', url: u24, quote: `${T5} | Interleaved 1F1B | 128 |`, tokens: 128, model: LLAMA31_405B, seq: 8192, gpus: 512, fsdp: 8, tp: 8, pp: 8, local: 32, recompute: 'full', precision: 'fp8', asyncTp: true, interleaved: true, compile: true },
  { id: 't6 FSDP8 CP1 32K', url: u24, quote: `${T6} | FSDP 8, CP 1 | 32768 | 76 |`, tokens: 76, model: LLAMA31_405B, seq: 32768, gpus: 512, fsdp: 8, tp: 8, pp: 8, cp: 1, local: 8, recompute: 'full', precision: 'fp8', asyncTp: true, compile: true },
  { id: 't6 FSDP4 CP2 64K', url: u24, quote: `${T6} | FSDP 4, CP 2 | 65536 | 47 |`, tokens: 47, model: LLAMA31_405B, seq: 65536, gpus: 512, fsdp: 4, tp: 8, pp: 8, cp: 2, local: 8, recompute: 'full', precision: 'fp8', asyncTp: true, compile: true },
  { id: 't6 FSDP2 CP4 128K', url: u24, quote: `${T6} | FSDP 2, CP 4 | 131072 | 31 |`, tokens: 31, model: LLAMA31_405B, seq: 131072, gpus: 512, fsdp: 2, tp: 8, pp: 8, cp: 4, local: 8, recompute: 'full', precision: 'fp8', asyncTp: true, compile: true },
  { id: 't6 FSDP1 CP8 256K', url: u24, quote: `${T6} | FSDP 1, CP 8 | 262144 | 16 |`, tokens: 16, model: LLAMA31_405B, seq: 262144, gpus: 512, fsdp: 1, tp: 8, pp: 8, cp: 8, local: 8, recompute: 'full', precision: 'fp8', asyncTp: true, compile: true },
  { id: 'asyncTP 70B bf16 vanilla', url: u25, quote: `${A70} | None (bfloat16) | 597.3 |`, tokens: 597.3, model: LLAMA31_70B, seq: 8192, gpus: 256, fsdp: 32, tp: 8, local: 16, recompute: 'full', precision: 'bf16', compile: true },
  { id: 'asyncTP 70B bf16 async', url: u25, quote: `${A70} | None (bfloat16) | ... | 652.4 |`, tokens: 652.4, model: LLAMA31_70B, seq: 8192, gpus: 256, fsdp: 32, tp: 8, local: 16, recompute: 'full', precision: 'bf16', asyncTp: true, compile: true },
  { id: 'asyncTP 70B fp8 vanilla', url: u25, quote: `${A70} | float8 tensorwise | 809.8 |`, tokens: 809.8, model: LLAMA31_70B, seq: 8192, gpus: 256, fsdp: 32, tp: 8, local: 16, recompute: 'full', precision: 'fp8', compile: true },
  { id: 'asyncTP 70B fp8 async', url: u25, quote: `${A70} | float8 tensorwise | ... | 942.4 |`, tokens: 942.4, model: LLAMA31_70B, seq: 8192, gpus: 256, fsdp: 32, tp: 8, local: 16, recompute: 'full', precision: 'fp8', asyncTp: true, compile: true },
  { id: 'asyncTP 8B bf16 vanilla', url: u25, quote: `${A8} | None (bfloat16) | 4378 |`, tokens: 4378, model: LLAMA31_8B, seq: 8192, gpus: 64, fsdp: 8, tp: 8, local: 12, recompute: 'selective', precision: 'bf16', compile: true },
  { id: 'asyncTP 8B bf16 async', url: u25, quote: `${A8} | None (bfloat16) | ... | 4809.4 |`, tokens: 4809.4, model: LLAMA31_8B, seq: 8192, gpus: 64, fsdp: 8, tp: 8, local: 12, recompute: 'selective', precision: 'bf16', asyncTp: true, compile: true },
  { id: 'asyncTP 8B fp8 vanilla', url: u25, quote: `${A8} | float8 tensorwise | 5078.1 |`, tokens: 5078.1, model: LLAMA31_8B, seq: 8192, gpus: 64, fsdp: 8, tp: 8, local: 12, recompute: 'selective', precision: 'fp8', compile: true },
  { id: 'asyncTP 8B fp8 async', url: u25, quote: `${A8} | float8 tensorwise | ... | 5570.1 |`, tokens: 5570.1, model: LLAMA31_8B, seq: 8192, gpus: 64, fsdp: 8, tp: 8, local: 12, recompute: 'selective', precision: 'fp8', asyncTp: true, compile: true },
];

const TRAINY = 'Trainy on WhiteFiber H200 (torchtitan benchmarks)';
const TRAINY_URL = 'https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/benchmarks/llama3-8b_h200_202506_trainy-whitefiber.md';
const TRAINY_ROWS: TitanRow[] = [4, 8].map((nodes) => ({
  id: `${nodes} nodes`, url: TRAINY_URL, quote: `| ${nodes} | ${nodes === 4 ? '10938 | 47.96' : '10753 | 46.97'} |  (NUM_NODES | TPS/GPU | Memory(GiB)); --training.local_batch_size=2 --training.compile --model.converters="quantize.linear.float8"`,
  tokens: nodes === 4 ? 10938 : 10753, model: LLAMA31_8B, seq: 8192, gpus: 8 * nodes, fsdp: 8 * nodes, local: 2,
  // llama3_8b.toml at torchtitan e7c0cae: seq_len 8192, activation_checkpoint mode "selective", selective_ac_option "op".
  recompute: 'selective', precision: 'fp8', compile: true, hardware: { gpu: 'h200-sxm' },
}));

function titanRow(source: string, r: TitanRow): SourcedRow {
  const tp = r.tp ?? 1;
  const pp = r.pp ?? 1;
  const cp = r.cp ?? 1;
  // torchtitan 9dec370 pipeline_llama.py: microbatches default to the PP degree; looped schedules default to 2 stages per rank.
  const microbatches = pp > 1 ? pp : 1;
  return {
    id: `${source === TITAN ? 'titan' : 'trainy-h200'} ${r.id}`, source, url: r.url, quote: r.quote, figure: { value: r.tokens, unit: 'tokens/s/GPU' },
    plan: {
      framework: 'fsdp', fsdp: 'full-shard', model: llama(r.model, r.seq),
      parallel: { tp, pp, cp, dp: r.fsdp, vpp: r.interleaved ? 2 : 1, worldSize: r.gpus, sequenceParallel: tp > 1 },
      batch: { micro: r.local / microbatches, global: r.local * r.fsdp }, precision: r.precision, recompute: r.recompute, flashAttention: true,
      overlap: { gradReduce: true, paramGather: true, tensorParallel: r.asyncTp === true }, hardware: r.hardware ?? GRAND_TETON,
    },
    convention: 'palm',
    notes: [
      ...(r.compile ? ['torch.compile (fused elementwise kernels) is not expressible in the plan'] : []),
      ...(r.recompute === 'selective' ? ["torchtitan per-op selective AC mapped to 'selective'"] : []),
      ...(pp > 1 ? [`${microbatches} micro-batches (torchtitan default: the PP degree)${r.interleaved ? ', 2 stages per rank (default)' : ''}`] : []),
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// 5. Llama 3 paper (Dubey et al. 2024) Table 4: Llama 3 405B pre-training on H100 (Grand Teton, 700 W, 80 GB HBM3).
// ---------------------------------------------------------------------------------------------------------------------
const LLAMA3 = 'Llama 3 paper Table 4 (405B on 8K-16K H100)';
const LLAMA3_URL = 'https://arxiv.org/abs/2407.21783 (Table 4; as transcribed at https://aarnphm.xyz/thoughts/Llama-3)';
// [GPUs, TP, CP, PP, DP, seq, batch per DP, TFLOP/s per GPU, BF16 MFU %]
const LLAMA3_ROWS: [number, number, number, number, number, number, number, number, number][] = [
  [8192, 8, 1, 16, 64, 8192, 32, 430, 43], [16384, 8, 1, 16, 128, 8192, 16, 400, 41], [16384, 8, 16, 16, 8, 131072, 16, 380, 38],
];

function llama3PaperRows(): SourcedRow[] {
  return LLAMA3_ROWS.map(([gpus, tp, cp, pp, dp, seq, perDp, tflops, mfu]) => ({
    id: `llama3-405B ${gpus} GPUs seq ${seq}`, source: LLAMA3, url: LLAMA3_URL,
    quote: `GPUs ${gpus} | TP ${tp} | CP ${cp} | PP ${pp} | DP ${dp} | Seq. Len. ${seq} | Batch size/DP ${perDp} | Tokens/Batch 16M | TFLOPs/GPU ${tflops} | BF16 MFU ${mfu}%`,
    figure: { value: tflops, unit: 'TFLOP/s/GPU' },
    plan: {
      framework: 'megatron', model: llama(LLAMA31_405B, seq),
      // ASSUMPTION: 126 layers on 16 stages with the first and last stage one layer short (14 x 8 + 2 x 7).
      parallel: { tp, pp, cp, dp, vpp: 2, worldSize: gpus, sequenceParallel: true, stageLayers: [7, ...Array<number>(14).fill(8), 7] },
      batch: { micro: 1, global: perDp * dp }, precision: 'bf16', recompute: 'none', flashAttention: true, distributedOptimizer: true,
      overlap: { gradReduce: true, paramGather: true, tensorParallel: true }, hardware: { gpu: 'h100-sxm' },
    },
    // The paper reports BF16 MFU (PaLM's definition): PaLM App. B model FLOPs, 6N + 12 L H Q T (assumed; the count is not printed).
    convention: 'palm',
    notes: ['micro-batch 1, interleaving v = 2, no recomputation and the 7/8/7 stage split assumed (not printed)', 'FLOPs convention assumed PaLM App. B (MFU as defined there)'],
  }));
}

/** Rows by source (each source's rows in order, for the alternate calibration / held-out split) and rows left out with why. */
export function h100PlusSources(): { groups: SourcedRow[][]; excluded: ExcludedRow[] } {
  const groups = [
    megatronBridgeRows(),
    nemo2407Rows(),
    nemoLongSequenceRows(),
    TITAN_ROWS.map((r) => titanRow(TITAN, r)),
    TRAINY_ROWS.map((r) => titanRow(TRAINY, r)),
    llama3PaperRows(),
  ];
  const excluded: ExcludedRow[] = [
    { id: 'Megatron-Bridge GB300 / B300 rows', reason: 'GB300 and B300 are not in the accelerator catalog' },
    { id: 'Megatron-Bridge NVFP4 rows', reason: 'NVFP4 precision is not expressible in the plan' },
    { id: 'Megatron-Bridge and NeMo MoE rows (DeepSeekV3, GPT OSS, Qwen3 MoE)', reason: 'MoE rows excluded (token dropping / forced balancing not in the plan)' },
    { id: 'NeMo 24.07 GPT3-5B/20B, Nemotron rows, LoRA rows', reason: 'architectures not in the catalog; LoRA FLOPs convention not stated' },
    { id: 'NeMo long-sequence LLAMA3-8B B200 table', reason: 'GPU count does not equal TP x PP x DP x CP in the table as printed' },
    { id: 'torchtitan async-TP float8 rowwise rows', reason: 'rowwise scaling is not expressible; the source marks its low baseline as a bug (torchtitan #1207)' },
    { id: 'torchtitan docs/performance.md 405B on 128 H100 (94GB)', reason: '94 GB H100 variant not in the catalog' },
    { id: 'AMD MI300X training tables', reason: 'no source with a full configuration found in the material (ROCm performance-results page not readable past its inference tables)' },
  ];
  return { groups, excluded };
}
