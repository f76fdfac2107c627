import { estimate, type Estimate, type EstimateOptions } from './estimate';
import { change, changedFigures, nextShardingChange, withChanges, type ChangedFigures, type PlanChange } from './findings';
import type { TrainingPlan } from './plan';

/** One alternative to the plan as written, changed in one respect, with what the estimator makes of it. */
export interface WhatIfRow extends ChangedFigures {
  title: string;
  changes: PlanChange[];
}

function row(title: string, changes: PlanChange[], result: Estimate): WhatIfRow {
  return { title, changes, ...changedFigures(result) };
}

/** The one-respect changes worth comparing: sharding, micro-batch at the same global batch, recompute, TP, PP, offload. */
function alternatives(plan: TrainingPlan): Array<{ title: string; changes: PlanChange[] }> {
  const out: Array<{ title: string; changes: PlanChange[] }> = [];
  const sharding = nextShardingChange(plan);
  if (sharding) out.push(sharding);
  const micro = plan.batch?.micro ?? 1;
  const accum = plan.batch?.gradAccum ?? 1;
  if (micro % 2 === 0) {
    out.push({ title: `micro-batch ${micro / 2} x ${accum * 2} accumulation (same global batch)`, changes: [change(plan, 'batch.micro', micro / 2), change(plan, 'batch.gradAccum', accum * 2)] });
  }
  if (accum % 2 === 0) {
    out.push({ title: `micro-batch ${micro * 2} x ${accum / 2} accumulation (same global batch)`, changes: [change(plan, 'batch.micro', micro * 2), change(plan, 'batch.gradAccum', accum / 2)] });
  }
  for (const recompute of ['none', 'selective', 'full'] as const) {
    if (recompute !== (plan.recompute ?? 'none')) out.push({ title: `${recompute} activation recomputation`, changes: [change(plan, 'recompute', recompute)] });
  }
  // Doubling TP or PP halves the data-parallel size; twice the accumulation keeps the global batch.
  const { tp = 1, pp = 1, dp = 1 } = plan.parallel ?? {};
  const heads = plan.model?.heads;
  const layers = plan.model?.layers;
  const perNode = plan.hardware?.gpusPerNode ?? 8;
  const halveDp = (path: string, to: number) => [change(plan, path, to), change(plan, 'parallel.dp', dp / 2), change(plan, 'batch.gradAccum', accum * 2)];
  const canHalveDp = dp % 2 === 0 && plan.framework === 'megatron';
  // Megatron asserts heads % tp == 0 (megatron/core/transformer/attention.py divide()); TP stays within a node's NVLink.
  if (canHalveDp && heads !== undefined && heads % (tp * 2) === 0 && tp * 2 <= perNode) out.push({ title: `tensor parallel ${tp * 2}`, changes: halveDp('parallel.tp', tp * 2) });
  if (canHalveDp && layers !== undefined && layers % (pp * 2) === 0 && (plan.parallel?.vpp ?? 1) === 1) out.push({ title: `pipeline parallel ${pp * 2}`, changes: halveDp('parallel.pp', pp * 2) });
  return out;
}

/**
 * A what-if table: the plan as written, then each alternative changed in one respect, estimated the same way. Rows
 * whose change leaves nothing to compare (no memory and no time) are left out.
 */
export function whatIf(base: Estimate, options: EstimateOptions = {}): WhatIfRow[] {
  const rows = [row('as written', [], base)];
  for (const { title, changes } of alternatives(base.plan)) {
    const result = row(title, changes, estimate(withChanges(base.plan, changes), options));
    if (result.memoryBytes !== undefined || result.iterationSeconds !== undefined) rows.push(result);
  }
  return rows;
}
