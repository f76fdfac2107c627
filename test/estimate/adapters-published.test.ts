// Published LoRA/QLoRA peak memory (bench/adapter-memory-cases.ts, quoted in docs/estimates-adapters.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimate } from '../../server/src/core/estimate/estimate';
import { ADAPTER_MEMORY_CASES, QLORA_65B_ON_48GB } from '../../bench/adapter-memory-cases';
import { assertRelative } from './tolerance';

const UNIT = { GB: 1e9, GiB: 2 ** 30 };

for (const c of ADAPTER_MEMORY_CASES) {
  test(`${c.id}: ${c.published} ${c.unit} (${c.check})`, () => {
    const memory = estimate(c.plan).memory;
    assert.ok(memory.available, memory.missing.join(', '));
    const ours = memory.total / UNIT[c.unit];
    if (c.check === 'within-15%') assertRelative(ours, c.published, 0.15, c.id);
    else assert.ok(ours < c.published, `${c.id}: ${ours} is not below the published ${c.published}`);
  });
}

test('QLoRA paper: LLaMA-65B trains on one 48 GB GPU with a 4-bit base, and not with a 16-bit one', () => {
  const qlora = estimate(QLORA_65B_ON_48GB.plan).memory;
  assert.ok(qlora.fits, `${qlora.total / 2 ** 30} GiB of ${qlora.capacity / 2 ** 30}`);
  const lora = estimate({ ...QLORA_65B_ON_48GB.plan, adapter: { ...QLORA_65B_ON_48GB.plan.adapter!, type: 'lora', baseBits: 16 } }).memory;
  assert.ok(!lora.fits && lora.total > 2 * qlora.total, `${lora.total / 2 ** 30} GiB with a 16-bit base`);
});
