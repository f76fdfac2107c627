import type { Estimate } from '../estimate/estimate';
import { dominantTerms } from './step-parts';
import { count, days, gib, percent, seconds, usd } from './units';

/** One block of an estimate as rows a person reads, shared by `trainlint estimate` and the editor hover. */
export interface ReportSection {
  title: string;
  rows: Array<[label: string, value: string]>;
  /** Why a block is unavailable, or what it rests on. */
  notes: string[];
  sources: string[];
}

function unavailable(title: string, missing: string[]): ReportSection {
  const needs = [...new Set(missing.map(howToGive))];
  return { title, rows: [], notes: [`not available: needs ${needs.join('; ') || 'inputs the file does not give'}`], sources: [] };
}

/** What the user gives for a missing input of the estimator (plan field names are the estimator's, not the user's). */
export function howToGive(missing: string): string {
  if (/^model\.seqLength\b/.test(missing)) return 'the sequence length (--seq-length N)';
  if (/^model\.|^model shape/.test(missing)) return 'the model (--model HF_ID, or model: in .trainlint.yaml)';
  if (/^hardware\./.test(missing)) return 'the GPU type (--gpu TYPE such as h100-sxm, or cluster.gpu in .trainlint.yaml)';
  if (/^parallel\.worldSize\b/.test(missing)) return 'the number of GPUs (--gpus N, or --nodes N --gpus-per-node N)';
  if (/^training\.tokens or training\.iterations/.test(missing)) return 'the training length (steps in the file, or --tokens N)';
  if (/^an iteration time/.test(missing)) return 'a step time (see "Step time and utilization")';
  if (/^batch\.global\b/.test(missing)) return 'the global batch (the file\'s, or its micro-batch and accumulation with the number of GPUs)';
  if (/^batch\.micro\b/.test(missing)) return 'the micro-batch (the file\'s per-GPU batch size)';
  return missing;
}

/** Reference, reward and value models (TRL) and a colocated vLLM engine, when the run has them. */
function otherModelRows(m: Estimate['memory']): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const counted = (m.otherModelParts ?? []).filter((p) => p.counted);
  if (counted.length > 0) {
    const roles = [...new Set(counted.map((p) => p.role))];
    const label = roles.every((r) => r === 'vision') ? 'vision tower' : roles.includes('vision') ? 'other models'
      : roles.includes('value') ? 'reference, reward and value models' : 'reference and reward models';
    rows.push([label, label === 'vision tower' ? gib(m.otherModels) : `${gib(m.otherModels)} (${roles.join(', ')})`]);
  }
  if (m.generationEngine > 0) rows.push(['vLLM engine (colocated)', gib(m.generationEngine)]);
  return rows;
}

/** Weights in one row, or with an adapter the frozen base (and its bits per weight) and the trained adapter apart. */
function weightRows(m: Estimate['memory']): Array<[string, string]> {
  const a = m.adapter;
  if (!a) return [['weights', gib(m.weights)]];
  const bits = a.baseBits >= 16 ? '16-bit' : `${Number(a.baseBits.toFixed(3))} bits per weight`;
  return [
    [`frozen base weights (${bits})`, gib(a.baseWeights)],
    [`adapter weights (${(a.trainableParams / 1e6).toFixed(1)}M trainable parameters)`, gib(a.adapterWeights)],
  ];
}

export function memorySection(e: Estimate): ReportSection {
  const m = e.memory;
  if (!m.available) return unavailable('Memory per GPU', m.missing);
  const rows: Array<[string, string]> = [
    ...weightRows(m),
    ['gradients', gib(m.gradients)],
    ['optimizer states', gib(m.optimizer)],
    ['activations', gib(m.activations)],
    ['logits and loss', gib(m.logits)],
    ['buffers (CUDA context, buckets, live parameters)', gib(m.buffers)],
    ...otherModelRows(m),
    ['total', `${gib(m.total)} of ${gib(m.capacity)} (${percent(m.capacity > 0 ? m.total / m.capacity : 0)})${m.fits ? '' : ': does not fit'}`],
  ];
  if (m.cpu) rows.push(['host memory for offload', `${gib(m.cpu.perGpu)} per GPU, ${gib(m.cpu.perNode)} per node`]);
  const stage = m.stage === 'only' ? [] : [`most loaded GPU: the ${m.stage} pipeline stage`];
  return { title: 'Memory per GPU', rows, notes: [...stage, ...m.assumptions], sources: m.sources };
}

export function bubbleSection(e: Estimate): ReportSection {
  const b = e.bubble;
  if (!b.available) return unavailable('Pipeline bubble', b.missing);
  if (b.schedule === 'none') return { title: 'Pipeline bubble', rows: [['pipeline', 'none (one stage)']], notes: [], sources: [] };
  return {
    title: 'Pipeline bubble',
    rows: [
      ['schedule', String(b.schedule)],
      ['micro-batches per step', String(b.microbatches)],
      ['idle share of the step', percent(b.fraction)],
      ['bubble over ideal time', percent(b.overIdeal)],
    ],
    notes: b.assumptions,
    sources: b.sources,
  };
}

export function throughputSection(e: Estimate): ReportSection {
  const t = e.time;
  const f = e.flops;
  if (!t.available) return unavailable('Step time and utilization', [...t.missing, ...(f.available ? [] : f.missing)]);
  return {
    title: 'Step time and utilization',
    rows: [
      ['parameters', `${count(e.parameters.total)} total${e.parameters.active !== e.parameters.total ? `, ${count(e.parameters.active)} active` : ''}`],
      ['FLOPs per token', `${count(f.perToken.model)} (${f.convention} convention)`],
      [t.measured ? 'iteration time (measured)' : 'iteration time (predicted)', seconds(t.iterationSeconds)],
      ['model TFLOP/s per GPU', t.tflopsPerGpu.toFixed(0)],
      ['MFU / HFU', `${percent(t.mfu)} / ${percent(t.hfu)}`],
      ['tokens per second', count(t.tokensPerSecond)],
      ...(t.measured ? [] : [['largest parts', dominantTerms(t)], ['confidence', `${t.confidence.level}: ${t.confidence.reason}`]] as Array<[string, string]>),
    ],
    notes: [...f.assumptions, ...t.assumptions],
    sources: [...f.sources, ...t.sources],
  };
}

export function costSection(e: Estimate): ReportSection {
  const c = e.cost;
  if (!c.available) return unavailable('Training cost', c.missing);
  const rows: Array<[string, string]> = [
    ['tokens', count(c.tokens)],
    ['iterations', count(c.iterations)],
    ['wall clock', days(c.days)],
    ['GPU-hours', count(c.gpuHours)],
  ];
  if (c.usd !== undefined) rows.push(['cost', `${usd(c.usd)}${c.examplePrice ? ` (ASSUMED example price $${c.pricePerGpuHour}/GPU-hour)` : ''}`]);
  return { title: 'Training cost', rows, notes: c.assumptions, sources: c.sources };
}

export function estimateSections(e: Estimate): ReportSection[] {
  return [memorySection(e), bubbleSection(e), throughputSection(e), costSection(e)];
}

/** The one-line summary for a code lens, a status item or the top of a hover. */
export function estimateHeadline(e: Estimate): string {
  const parts: string[] = [];
  if (e.memory.available) parts.push(`${gib(e.memory.total)}/GPU of ${gib(e.memory.capacity)}${e.memory.fits ? '' : ' (does not fit)'}`);
  if (e.bubble.available && e.bubble.schedule !== 'none') parts.push(`bubble ${percent(e.bubble.fraction)}`);
  if (e.time.available) parts.push(`${seconds(e.time.iterationSeconds)}/step, MFU ${percent(e.time.mfu)}`);
  // A dollar figure from the catalog's example price says so wherever it is shown (the code lens included).
  const price = e.cost.examplePrice ? ` at an example $${e.cost.pricePerGpuHour}/GPU-hour` : '';
  if (e.cost.available) parts.push(`${days(e.cost.days)}, ${count(e.cost.gpuHours)} GPU-hours${e.cost.usd !== undefined ? `, ${usd(e.cost.usd)}${price}` : ''}`);
  return parts.join(' · ') || 'estimate unavailable: ' + [...e.missing].slice(0, 3).join('; ');
}
