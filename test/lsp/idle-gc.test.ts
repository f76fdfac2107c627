import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { collectWhenIdle } from '../../server/src/node/idle-gc';

test('edits schedule full garbage collections for when they stop, and a new edit postpones them', async () => {
  const full: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) full.push(performance.now());
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const edited = collectWhenIdle([60, 120]);
  const firstEdit = performance.now();
  edited();
  await new Promise((r) => setTimeout(r, 30));
  const lastEdit = performance.now();
  edited();
  await new Promise((r) => setTimeout(r, 250));
  observer.disconnect();
  const after = full.filter((at) => at >= firstEdit);
  assert.ok(after.length >= 2, `two full collections after the edits stop (saw ${after.length})`);
  assert.ok(after.every((at) => at >= lastEdit + 55), 'none before the last edit plus the first delay');
});
