import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pipelineTimeline } from '../../server/src/core/report/pipeline-timeline';
import { pipelineBubble } from '../../server/src/core/estimate/bubble';
import type { PipelineSchedule } from '../../server/src/core/estimate/plan';

// The drawing simulates each schedule pass by pass; its idle share must be the bubble the estimator states.
const cases: Array<[PipelineSchedule, number, number, number]> = [
  ['gpipe', 4, 8, 1],
  ['1f1b', 4, 8, 1],
  ['1f1b', 8, 32, 1],
  ['1f1b', 16, 3, 1],
  ['interleaved', 4, 8, 2],
  ['interleaved', 8, 16, 4],
];

for (const [schedule, p, m, v] of cases) {
  test(`the ${schedule} timeline for p=${p}, m=${m}, v=${v} idles exactly the estimator's bubble`, () => {
    const timeline = pipelineTimeline(schedule, p, m, v);
    assert.ok(timeline, 'a timeline');
    const bubble = pipelineBubble({ pp: p, microbatches: m, schedule, vpp: v });
    assert.ok(Math.abs(timeline.idleFraction - bubble.fraction) < 1e-9, `drawn ${timeline.idleFraction} vs estimated ${bubble.fraction}`);
    // Every micro-batch passes forward and backward through every stage and chunk once.
    assert.equal(timeline.ops.length, p * m * v * 2);
    for (let s = 0; s < p; s++) {
      const mine = timeline.ops.filter((o) => o.stage === s).sort((a, b) => a.start - b.start);
      for (let i = 1; i < mine.length; i++) assert.ok(mine[i].start >= mine[i - 1].end - 1e-12, 'a stage runs one pass at a time');
    }
  });
}

test('interleaving needs whole groups of p micro-batches: otherwise the timeline is plain 1F1B and says so', () => {
  const timeline = pipelineTimeline('interleaved', 4, 6, 2);
  assert.equal(timeline?.schedule, '1f1b');
  assert.equal(timeline?.chunks, 1);
});
