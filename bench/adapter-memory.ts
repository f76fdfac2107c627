// Estimated vs published peak GPU memory of LoRA/QLoRA runs (bench/adapter-memory-cases.ts).
// Run: npx tsc -p . && node out/bench/adapter-memory.js
import { estimate } from '../server/src/core/estimate/estimate';
import { ADAPTER_MEMORY_CASES, QLORA_65B_ON_48GB } from './adapter-memory-cases';

const UNIT = { GB: 1e9, GiB: 2 ** 30 };

for (const c of ADAPTER_MEMORY_CASES) {
  const ours = estimate(c.plan).memory.total / UNIT[c.unit];
  const error = ours / c.published - 1;
  console.log(`${c.id.padEnd(40)} published ${String(c.published).padStart(6)} ${c.unit}  ours ${ours.toFixed(2).padStart(6)}  ${(100 * error).toFixed(1).padStart(6)}%  (${c.check})`);
}
const qlora65 = estimate(QLORA_65B_ON_48GB.plan).memory;
console.log(`${'qlora-paper-65b-single-48gb'.padEnd(40)} claim: fits 48 GB  ours ${(qlora65.total / UNIT.GiB).toFixed(2)} of ${(qlora65.capacity / UNIT.GiB).toFixed(0)} GiB`);
