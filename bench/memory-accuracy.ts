// Estimated vs published peak GPU memory: full training runs (bench/memory-cases.ts) and LoRA/QLoRA runs
// (bench/adapter-memory-cases.ts), with the out-of-memory checks. Run: npx tsc -p . && node out/bench/memory-accuracy.js
import { estimate } from '../server/src/core/estimate/estimate';
import { ADAPTER_MEMORY_CASES, QLORA_65B_ON_48GB } from './adapter-memory-cases';
import { FULL_TRAINING_MEMORY_CASES, type MemoryCase } from './memory-cases';

const UNIT = { GB: 1e9, GiB: 2 ** 30, MiB: 2 ** 20 };

/** The adapter cases are runs their sources made on the plan's GPU. */
const adapterCases: MemoryCase[] = ADAPTER_MEMORY_CASES.map((c) => ({ ...c, outcome: 'worked' }));
const qloraClaim: MemoryCase = {
  id: 'qlora-paper-65b-single-48gb', source: 'QLoRA paper (Dettmers et al. 2023): 65B on one 48 GB GPU', url: QLORA_65B_ON_48GB.url,
  unit: 'GB', measure: 'claim: fits', plan: QLORA_65B_ON_48GB.plan, outcome: 'worked',
};
export const MEMORY_CASES: MemoryCase[] = [...FULL_TRAINING_MEMORY_CASES, ...adapterCases, qloraClaim];

export interface CaseResult {
  case: MemoryCase;
  /** Estimate in the case's unit. */
  ours: number;
  /** ours / published - 1, where a figure was published. */
  error?: number;
  overCapacity: boolean;
}

export function evaluate(c: MemoryCase): CaseResult {
  const memory = estimate(c.plan).memory;
  const ours = memory.total / UNIT[c.unit];
  return { case: c, ours, error: c.published === undefined ? undefined : ours / c.published - 1, overCapacity: memory.total > memory.capacity };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summary(label: string, results: CaseResult[]): string {
  const errors = results.flatMap((r) => (r.error === undefined ? [] : [Math.abs(r.error)]));
  const within = errors.filter((e) => e <= 0.15).length;
  return `${label.padEnd(36)} cases ${String(errors.length).padStart(3)}  median |error| ${(100 * median(errors)).toFixed(1).padStart(5)}%  within 15%: ${(100 * within / errors.length).toFixed(0).padStart(3)}%`;
}

function main(): void {
  const results = MEMORY_CASES.map(evaluate);
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
  for (const r of results) {
    const c = r.case;
    const published = c.published === undefined ? c.measure.padStart(10) : `${String(c.published).padStart(7)} ${c.unit.padEnd(3)}`;
    const check = r.error === undefined ? '' : pct(r.error).padStart(7);
    const flag = c.outcome === 'worked' && r.overCapacity ? '  FALSE OOM' : c.outcome === 'oom' && !r.overCapacity ? '  MISSED OOM' : '';
    console.log(`${c.id.padEnd(44)} published ${published}  ours ${r.ours.toFixed(2).padStart(8)} ${c.unit.padEnd(3)} ${check}${flag}`);
  }
  console.log('');
  console.log(summary('all cases with a figure', results));
  console.log(summary('full training (no adapter)', results.filter((r) => !r.case.plan.adapter)));
  for (const source of [...new Set(results.map((r) => r.case.source))]) {
    const of = results.filter((r) => r.case.source === source);
    if (of.some((r) => r.error !== undefined)) console.log(summary(`  ${source.slice(0, 34)}`, of));
  }
  const falseOom = results.filter((r) => r.case.outcome === 'worked' && r.overCapacity).length;
  const missedOom = results.filter((r) => r.case.outcome === 'oom' && !r.overCapacity).length;
  console.log(`false out-of-memory: ${falseOom} of ${results.filter((r) => r.case.outcome === 'worked').length} runs published as working`);
  console.log(`missed OOM: ${missedOom} of ${results.filter((r) => r.case.outcome === 'oom').length} published out-of-memory runs`);
}

if (require.main === module) main();
