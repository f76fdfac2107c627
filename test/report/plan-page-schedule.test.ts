import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimate } from '../../server/src/core/estimate/estimate';
import type { TrainingPlan } from '../../server/src/core/estimate/plan';
import { planSection } from '../../server/src/core/report/plan-page';
import { percent } from '../../server/src/core/report/units';

// A hand-written plan (`trainlint estimate --plan`) may name a zero-bubble schedule; the page drew no timeline for it.
function pageFor(schedule: 'zb-h1' | 'zb-h2' | '1f1b'): { html: string; fraction: number } {
  const plan: TrainingPlan = {
    model: { layers: 32, hiddenSize: 4096, heads: 32, vocabSize: 32000, seqLength: 4096 },
    parallel: { tp: 1, pp: 4, dp: 1, schedule },
    batch: { micro: 1, gradAccum: 8, global: 8 },
    hardware: { gpu: 'h100-sxm', memoryGiB: 80, peakTflops: 989 },
  };
  const e = estimate(plan);
  return { html: planSection({ name: 'plan.json', program: 'plan', headline: '', estimate: e, inputs: [], notes: [] }), fraction: e.bubble.fraction };
}

for (const schedule of ['zb-h1', 'zb-h2'] as const) {
  test(`the plan page draws the ${schedule} schedule with its weight-gradient passes and the estimator's idle share`, () => {
    const { html, fraction } = pageFor(schedule);
    assert.match(html, /weight gradient/);
    assert.match(html, /input gradient/);
    // 4 stages x 8 micro-batches, one weight-gradient pass each.
    assert.equal(html.match(/data-kind="W"/g)?.length, 32);
    const drawn = /idle ([\d.]+%) of stage time/.exec(html)?.[1];
    assert.equal(drawn, percent(fraction), 'the drawing idles what the estimate says');
  });
}

test('ZB-H2 idles less than ZB-H1, which idles less than 1F1B, on the same plan', () => {
  const [h1, h2, plain] = [pageFor('zb-h1'), pageFor('zb-h2'), pageFor('1f1b')];
  assert.ok(h2.fraction < h1.fraction && h1.fraction < plain.fraction, `${h2.fraction} < ${h1.fraction} < ${plain.fraction}`);
  assert.match(h2.html, /the next step fills the blank corners/);
  assert.doesNotMatch(plain.html, /data-kind="W"/);
});
