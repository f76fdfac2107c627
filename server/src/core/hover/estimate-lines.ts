import type { Estimate } from '../estimate/estimate';
import type { AnchorKey } from '../plan/anchors';
import { howToGive } from '../report/estimate-report';
import { count, days, gib, percent, seconds, usd } from '../report/units';

/**
 * The estimate in short lines, each read from the one Estimate the code lens and the full plan show
 * (report/estimate-report.ts formats the same fields as tables): nothing here computes a number.
 */
/** Memory per GPU against the GPU's capacity; `part` names the share the hovered key moves. */
export function memoryLine(e: Estimate, part?: [name: string, bytes: number]): string | undefined {
  const m = e.memory;
  if (!m.available) return undefined;
  const share = part ? `, of which ${part[0]} ${gib(part[1])}` : '';
  return `Memory per GPU: ${gib(m.total)} of ${gib(m.capacity)} (${percent(m.capacity > 0 ? m.total / m.capacity : 0)})${share}${m.fits ? '' : ': **does not fit**'}`;
}

export function stepLine(e: Estimate): string | undefined {
  const t = e.time;
  if (!t.available) return undefined;
  return `Step time: ${seconds(t.iterationSeconds)}${t.measured ? ' (measured)' : ''}, MFU ${percent(t.mfu)}`;
}

export function bubbleLine(e: Estimate): string | undefined {
  const b = e.bubble;
  if (!b.available || b.schedule === 'none') return undefined;
  return `Pipeline bubble: ${percent(b.fraction)} of the step idle (${b.microbatches} micro-batches, ${b.schedule})`;
}

/** GPU-hours and cost; a dollar figure from the catalog's example price is labelled as assumed. */
export function costLine(e: Estimate): string | undefined {
  const c = e.cost;
  if (!c.available) return undefined;
  const price = c.usd === undefined ? '' : `, ${usd(c.usd)}${c.examplePrice ? ` at an assumed example price of $${c.pricePerGpuHour}/GPU-hour` : ` at $${c.pricePerGpuHour}/GPU-hour`}`;
  return `Training: ${days(c.days)}, ${count(c.gpuHours)} GPU-hours${price}`;
}

/** Which part of the estimate a key drives: memory for what is held per GPU, time for what sets the step. */
const DRIVES: Partial<Record<AnchorKey, (e: Estimate) => string | undefined>> = {
  'batch.micro': (e) => both(memoryWith(e, 'activations', e.memory.activations), stepLine(e)),
  recompute: (e) => both(memoryWith(e, 'activations', e.memory.activations), stepLine(e)),
  seqLength: (e) => both(memoryWith(e, 'activations', e.memory.activations), stepLine(e)),
  'zero.stage': (e) => memoryWith(e, 'optimizer states', e.memory.optimizer),
  'zero.offloadOptimizer': (e) => memoryWith(e, 'optimizer states', e.memory.optimizer),
  'zero.offloadParams': (e) => memoryWith(e, 'weights', e.memory.weights),
  precision: (e) => both(memoryLine(e), stepLine(e)),
  'parallel.tp': (e) => both(memoryLine(e), stepLine(e)),
  'parallel.pp': (e) => both(memoryLine(e), bubbleLine(e) ?? stepLine(e)),
  'parallel.vpp': (e) => bubbleLine(e) ?? stepLine(e),
  'parallel.cp': (e) => both(memoryLine(e), stepLine(e)),
  'batch.gradAccum': (e) => bubbleLine(e) ?? stepLine(e),
  'batch.global': (e) => both(stepLine(e), costLine(e)),
  model: (e) => both(memoryLine(e), costLine(e)),
};

function memoryWith(e: Estimate, part: string, bytes: number): string | undefined {
  return memoryLine(e, [part, bytes]);
}

function both(a: string | undefined, b: string | undefined): string | undefined {
  return [a, b].filter(Boolean).join(' · ') || undefined;
}

/** What the estimate still needs, in what the user gives (the model, the GPU, the sequence length). */
export function missingLine(e: Estimate): string | undefined {
  const missing = [...new Set([...e.missing, ...e.memory.missing, ...e.time.missing].map(howToGive))];
  return missing.length > 0 ? `not available: needs ${missing.join('; ')}` : undefined;
}

/** The estimate line for a key that drives the estimate (or what the estimate still needs), undefined for any other key. */
export function estimateLineFor(key: AnchorKey, e: Estimate): string | undefined {
  const drives = DRIVES[key];
  return drives ? drives(e) ?? missingLine(e) : undefined;
}
