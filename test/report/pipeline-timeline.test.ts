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
  // Zero-bubble (Qi et al.): the paper's figures hold from p (ZB-H1) and 2p - 1 (ZB-H2) micro-batches; fewer leave part
  // of the tail unfilled, which the estimator and the drawing must agree on too.
  ['zb-h1', 4, 8, 1],
  ['zb-h1', 8, 24, 1],
  ['zb-h1', 8, 5, 1],
  ['zb-h1', 4, 1, 1],
  ['zb-h2', 4, 8, 1],
  ['zb-h2', 8, 24, 1],
  ['zb-h2', 8, 12, 1],
  ['zb-h2', 4, 2, 1],
  ['zb-h2', 2, 3, 1],
];

for (const [schedule, p, m, v] of cases) {
  test(`the ${schedule} timeline for p=${p}, m=${m}, v=${v} idles exactly the estimator's bubble`, () => {
    const timeline = pipelineTimeline(schedule, p, m, v);
    assert.ok(timeline, 'a timeline');
    const bubble = pipelineBubble({ pp: p, microbatches: m, schedule, vpp: v });
    assert.ok(Math.abs(timeline.idleFraction - bubble.fraction) < 1e-9, `drawn ${timeline.idleFraction} vs estimated ${bubble.fraction}`);
    // Every micro-batch passes forward and backward (split into input and weight gradient in the zero-bubble schedules)
    // through every stage and chunk once.
    const passes = schedule.startsWith('zb') ? 3 : 2;
    assert.equal(timeline.ops.length, p * m * v * passes);
    // No stage holds more micro-batches' activations (from the forward to the last backward pass) than the estimator counts.
    for (let s = 0; s < p && v === 1; s++) {
      let held = 0;
      let most = 0;
      for (const op of timeline.ops.filter((o) => o.stage === s).sort((a, b) => a.start - b.start)) {
        if (op.kind === 'F') most = Math.max(most, ++held);
        if (op.kind === (passes === 3 ? 'W' : 'B')) held--;
      }
      assert.ok(most <= bubble.inFlight, `stage ${s} holds ${most} micro-batches, the estimator ${bubble.inFlight}`);
    }
    for (let s = 0; s < p; s++) {
      const mine = timeline.ops.filter((o) => o.stage === s).sort((a, b) => a.start - b.start);
      for (let i = 1; i < mine.length; i++) assert.ok(mine[i].start >= mine[i - 1].end - 1e-12, 'a stage runs one pass at a time');
    }
  });
}

test('the zero-bubble schedules reach the paper\'s bubble with equal passes: ZB-H1 a third of 1F1B\'s, ZB-H2 none', () => {
  const [h1, h2, plain] = (['zb-h1', 'zb-h2', '1f1b'] as const).map((s) => pipelineTimeline(s, 8, 24)!);
  // Qi et al. Sec. 3 with F = B = W = 1: 1F1B (p - 1) x 3, ZB-H1 (p - 1) x 1, ZB-H2 0 over an ideal of 3m.
  assert.equal(plain.step - 3 * 24, 7 * 3);
  assert.equal(h1.step - 3 * 24, 7);
  assert.equal(h2.step, 3 * 24);
  assert.ok(h2.makespan > h2.step, 'ZB-H2\'s later stages start and end later than the first');
  assert.ok(h1.ops.some((o) => o.kind === 'W') && !plain.ops.some((o) => o.kind === 'W'));
});

test('interleaving needs whole groups of p micro-batches: otherwise the timeline is plain 1F1B and says so', () => {
  const timeline = pipelineTimeline('interleaved', 4, 6, 2);
  assert.equal(timeline?.schedule, '1f1b');
  assert.equal(timeline?.chunks, 1);
});
