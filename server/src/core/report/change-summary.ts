import type { Diagnostic } from '../diagnostic';
import type { Estimate } from '../estimate/estimate';
import { count, gib, seconds, usd } from './units';

/** The figures a reviewer compares before and after a change: memory per GPU, step time, GPU-hours, cost. */
export interface RunFigures {
  memory?: string;
  fits?: boolean;
  step?: string;
  gpuHours?: string;
  cost?: string;
}

/** An estimate's headline figures in the units the rest of TrainLint prints them in; undefined without any. */
export function runFigures(e: Estimate | undefined): RunFigures | undefined {
  if (!e) return undefined;
  const figures: RunFigures = {
    ...(e.memory.available ? { memory: gib(e.memory.total), fits: e.memory.fits } : {}),
    ...(e.time.available ? { step: seconds(e.time.iterationSeconds) } : {}),
    ...(e.cost.available ? { gpuHours: count(e.cost.gpuHours) } : {}),
    // An example price says so, as everywhere it is shown.
    ...(e.cost.usd !== undefined ? { cost: `${usd(e.cost.usd)}${e.cost.examplePrice ? ' (example price)' : ''}` } : {}),
  };
  return Object.keys(figures).length > 0 ? figures : undefined;
}

/** Findings in one version and not the other, matched by rule and message (lines move with any edit above them). */
export function findingDiff(now: Diagnostic[], before: Diagnostic[]): { added: Diagnostic[]; removed: Diagnostic[] } {
  const key = (d: Diagnostic) => `${d.rule}\u0000${d.message}`;
  const unmatched = (from: Diagnostic[], against: Diagnostic[]) => {
    const left = new Map<string, number>();
    for (const d of against) left.set(key(d), (left.get(key(d)) ?? 0) + 1);
    return from.filter((d) => {
      const n = left.get(key(d)) ?? 0;
      if (n > 0) left.set(key(d), n - 1);
      return n === 0;
    });
  };
  return { added: unmatched(now, before), removed: unmatched(before, now) };
}
