// Prints how long `trainlint suggest`'s search takes, in process, and how many layouts it estimated: Llama 3.1 405B on
// 16,384 H100s (Dubey et al. 2024 Table 4: sequence 8192, 16M tokens per step) and GPT-3 175B on 1,536 A100s
// (Narayanan et al. SC21 Table 1). Run: npx tsc -p . && node out/bench/suggest-speed.js
import { suggestLayouts } from '../server/src/core/suggest/search';
import type { TrainingPlan } from '../server/src/core/estimate/plan';

const cases: Array<{ name: string; published: string; plan: TrainingPlan }> = [
  {
    name: 'Llama 3.1 405B on 16,384 H100 SXM, global batch 2048 x 8192 tokens',
    published: 'TP8 PP16 CP1 DP128',
    plan: {
      framework: 'megatron',
      model: { name: 'meta-llama/Llama-3.1-405B', seqLength: 8192 },
      parallel: { tp: 8, pp: 16, cp: 1, worldSize: 16384, sequenceParallel: true, stageLayers: [7, ...Array(14).fill(8), 7] },
      batch: { micro: 1, global: 2048 },
      precision: 'bf16', distributedOptimizer: true, flashAttention: true, hardware: { gpu: 'h100-sxm' },
    },
  },
  {
    name: 'GPT-3 175B on 1,536 A100 80GB, global batch 1536 x 2048 tokens',
    published: 'TP8 PP16 DP12',
    plan: {
      framework: 'megatron',
      model: { layers: 96, hiddenSize: 12288, heads: 96, seqLength: 2048, vocabSize: 51200 },
      parallel: { tp: 8, pp: 16, worldSize: 1536 },
      batch: { micro: 1, global: 1536 },
      precision: 'bf16', hardware: { gpu: 'a100-80gb' },
    },
  },
];

const ms = (n: number) => `${n.toFixed(0)} ms`;
for (const { name, published, plan } of cases) {
  const runs: number[] = [];
  let result = suggestLayouts(plan);
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    result = suggestLayouts(plan);
    runs.push(performance.now() - start);
  }
  runs.sort((a, b) => a - b);
  console.log(`suggest: ${name}`);
  console.log(`  search time: median ${ms(runs[2])}, max ${ms(runs[4])} (5 runs after one warm-up); ${result.evaluated} layouts estimated`);
  for (const s of result.suggestions) {
    const l = s.layout;
    console.log(`  TP${l.tp} PP${l.pp} VPP${l.vpp} CP${l.cp} DP${l.dp} micro ${l.micro} x ${l.accum} ${l.recompute}: ${(s.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${s.iterationSeconds.toFixed(2)} s, MFU ${(100 * s.mfu).toFixed(1)}%`);
  }
  if (result.current) console.log(`  published (${published}): ${(result.current.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${result.current.iterationSeconds.toFixed(2)} s, MFU ${(100 * result.current.mfu).toFixed(1)}%`);
}
