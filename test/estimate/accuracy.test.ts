import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSharedDir, predictRow, summarize, throughputRows } from '../../bench/accuracy';

// A regression guard on the rows read from ../shared (groundtruth/published.json, corpus/reference-facts.json). The H100,
// H200, B200 and GB200 rows collected in bench/accuracy-rows-h100plus.ts (they carry a url) do not meet these targets
// yet; `node out/bench/accuracy.js` prints their figures by GPU generation and source (issue 13).
test('step-time model meets the accuracy targets on all and on held-out published throughput rows of ../shared', (t) => {
  const shared = findSharedDir(__dirname);
  if (!shared) return t.skip('skipped: no ../shared');
  const rows = throughputRows(shared).rows.filter((row) => row.url === undefined);
  const results = rows.map((row) => predictRow(row));
  const all = summarize(results);
  const held = summarize(results.filter((r) => r.row.split === 'held-out'));
  t.diagnostic(`all ${all.count}: median ${(100 * all.medianAbsError).toFixed(1)}%, within 15% ${(100 * all.within15).toFixed(0)}%; held-out ${held.count}: median ${(100 * held.medianAbsError).toFixed(1)}%, within 15% ${(100 * held.within15).toFixed(0)}%`);
  assert.ok(held.count >= 20, 'enough held-out rows');
  for (const [name, s] of [['all', all], ['held-out', held]] as const) {
    assert.ok(s.medianAbsError <= 0.1, `${name} median |error| ${s.medianAbsError}`);
    assert.ok(s.within15 >= 0.8, `${name} within 15%: ${s.within15}`);
  }
});
