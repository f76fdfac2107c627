import type { FileAnalysis } from '../analyze';
import { estimate, type Estimate } from '../estimate/estimate';
import { completePlan } from '../estimate/complete-plan';
import { findingsFor, type Finding } from '../estimate/findings';
import type { CompletedPlan } from '../estimate/plan';
import { scheduleFactsFor, type ScheduleFacts } from '../facts/schedule-facts';
import type { RuleContext } from '../rules/rule';
import type { ConfigNode } from '../syntax/config-tree';
import { buildPlan, type BuiltPlan } from './build-plan';

/**
 * What the estimate rules, the research rules and the hover read of one analysis: its plan (as written and
 * completed), its schedule, and the estimate with its findings, each computed once per analysis and only when asked.
 */
export interface Reading {
  built?: BuiltPlan;
  completed?: CompletedPlan;
  schedule?: ScheduleFacts;
  estimate(): Estimate | undefined;
  /** out-of-memory, pipeline-bubble and compute-underutilized findings of the estimate, with their remedies. */
  findings(): Finding[];
}

// Keyed by the first config root: the rules (which see the linked files) compute it during analysis, and the
// hover and code lens of the same analysis find it here instead of building the plan again.
const readings = new WeakMap<ConfigNode, Reading>();

type Source = Pick<RuleContext, 'format' | 'roots' | 'settings' | 'tree' | 'linked'> | FileAnalysis;

/** The reading of an analysis (the current file, or its baseline). */
export function readingOf(source: Source): Reading | undefined {
  const root = source.roots[0];
  if (!root) return undefined;
  const cached = readings.get(root);
  if (cached) return cached;
  const linked = 'linked' in source ? source.linked : [];
  const built = buildPlan({ format: source.format, roots: source.roots, tree: source.tree }, source.settings, linked);
  const completed = built ? completePlan(built.plan) : undefined;
  let est: Estimate | null | undefined;
  let findings: Finding[] | undefined;
  const reading: Reading = {
    built,
    completed,
    schedule: scheduleFactsFor(source.format, source.tree, root, source.settings),
    estimate() {
      if (est === undefined) est = built ? estimate(built.plan, { convention: source.settings.flopsConvention }) : null;
      return est ?? undefined;
    },
    findings() {
      const e = reading.estimate();
      findings ??= e ? findingsFor(e, { bubbleWarningShare: source.settings.bubbleWarnFraction }) : [];
      return findings;
    },
  };
  readings.set(root, reading);
  return reading;
}
