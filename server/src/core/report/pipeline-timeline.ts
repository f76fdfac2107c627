import type { PipelineSchedule } from '../estimate/plan';

/**
 * One pass of one micro-batch (and model chunk) on one pipeline stage, in units of one layer-stage forward: forward (F),
 * backward (B; in the zero-bubble schedules only the input gradient) and, split from it, the weight gradient (W).
 */
export interface TimelineOp {
  stage: number;
  kind: 'F' | 'B' | 'W';
  microbatch: number;
  chunk: number;
  start: number;
  end: number;
}

export interface Timeline {
  schedule: PipelineSchedule;
  stages: number;
  microbatches: number;
  chunks: number;
  ops: TimelineOp[];
  /** When the last pass ends. */
  makespan: number;
  /**
   * The step as Qi et al. count it: the longest time from a stage's first pass to its last. It is the makespan except
   * in ZB-H2, whose later stages start and end later: with the optimizer step's synchronization bypassed (Qi et al.
   * Sec. 4) the next step's passes fill those corners.
   */
  step: number;
  /** Idle share of stage-time: 1 - busy / (stages x step). */
  idleFraction: number;
}

type Pass = Pick<TimelineOp, 'kind' | 'microbatch' | 'chunk'>;

// Pass costs as the bubble formulas take them: backward = 2 x forward (Narayanan et al. SC21 Sec. 2.2, 3 GEMM passes),
// split into input and weight gradients of one forward each (Qi et al. Table 1 with s << h: F = B = W).
function cost(kind: Pass['kind'], chunks: number, split: boolean): number {
  return (kind === 'F' || split ? 1 : 2) / chunks;
}

/** 1F1B on one stage: warm-up forwards, then one forward and one backward in turn, then the remaining backwards. */
function oneFOneB(stage: number, p: number, m: number): Pass[] {
  const warm = Math.min(p - 1 - stage, m);
  const order: Pass[] = [];
  for (let i = 0; i < warm; i++) order.push({ kind: 'F', microbatch: i, chunk: 0 });
  for (let i = 0; i < m - warm; i++) order.push({ kind: 'F', microbatch: warm + i, chunk: 0 }, { kind: 'B', microbatch: i, chunk: 0 });
  for (let i = m - warm; i < m; i++) order.push({ kind: 'B', microbatch: i, chunk: 0 });
  return order;
}

/**
 * Megatron-LM's interleaved 1F1B (schedules.py forward_backward_pipelining_with_interleaving): micro-batches in groups
 * of p, each group through chunk 0..v-1; warm-up (p - stage - 1) x 2 + (v - 1) x p forwards.
 */
function interleaved(stage: number, p: number, m: number, v: number): Pass[] {
  const total = m * v;
  const pass = (k: number, backward: boolean): Pass => {
    const inGroup = k % (p * v);
    const chunk = Math.floor(inGroup / p);
    return { kind: backward ? 'B' : 'F', microbatch: Math.floor(k / (p * v)) * p + (k % p), chunk: backward ? v - 1 - chunk : chunk };
  };
  const warm = Math.min((p - stage - 1) * 2 + (v - 1) * p, total);
  const order: Pass[] = [];
  for (let k = 0; k < warm; k++) order.push(pass(k, false));
  for (let k = 0; k < total - warm; k++) order.push(pass(warm + k, false), pass(k, true));
  for (let k = total - warm; k < total; k++) order.push(pass(k, true));
  return order;
}

/**
 * The zero-bubble schedules of Qi et al. (ICLR 2024, Fig. 3) as 1F1B with the backward split: stage i runs
 * `warm` forwards, then forward and input gradient in turn, holding back its last `deferred` weight gradients, which
 * fill the tail. ZB-H1: 1F1B's warm-up and i deferred (at most p micro-batches in flight, as 1F1B's first stage); ZB-H2:
 * 2(p - 1 - i) warm-up forwards and 2i deferred (2p - 1 in flight). With F = B = W both reach the paper's bubble,
 * (p - 1)(F + B - W) and (p - 1)(F + B - 2W) (test/report/pipeline-timeline.test.ts).
 */
function zeroBubble(stage: number, p: number, m: number, h2: boolean): Pass[] {
  const warm = Math.min(h2 ? 2 * (p - 1 - stage) : p - 1 - stage, m);
  const deferred = h2 ? 2 * stage : stage;
  const order: Pass[] = [];
  const pending: number[] = [];
  for (let i = 0; i < warm; i++) order.push({ kind: 'F', microbatch: i, chunk: 0 });
  for (let i = 0; i < m; i++) {
    if (warm + i < m) order.push({ kind: 'F', microbatch: warm + i, chunk: 0 });
    order.push({ kind: 'B', microbatch: i, chunk: 0 });
    pending.push(i);
    if (pending.length > deferred) order.push({ kind: 'W', microbatch: pending.shift()!, chunk: 0 });
  }
  for (const i of pending) order.push({ kind: 'W', microbatch: i, chunk: 0 });
  return order;
}

function gpipe(m: number): Pass[] {
  return [...Array.from({ length: m }, (_, i): Pass => ({ kind: 'F', microbatch: i, chunk: 0 })), ...Array.from({ length: m }, (_, i): Pass => ({ kind: 'B', microbatch: i, chunk: 0 }))];
}

const key = (stage: number, pass: Pass) => `${stage}:${pass.kind}:${pass.microbatch}:${pass.chunk}`;

/** The pass this one waits for on another stage (or earlier on its own), per the data flow of a pipeline. */
function dependency(stage: number, pass: Pass, p: number, v: number): string | undefined {
  const { microbatch, chunk } = pass;
  if (pass.kind === 'W') return key(stage, { kind: 'B', microbatch, chunk });
  if (pass.kind === 'F') {
    if (stage > 0) return key(stage - 1, pass);
    return chunk > 0 ? key(p - 1, { kind: 'F', microbatch, chunk: chunk - 1 }) : undefined;
  }
  if (stage < p - 1) return key(stage + 1, pass);
  return chunk < v - 1 ? key(0, { kind: 'B', microbatch, chunk: chunk + 1 }) : key(stage, { kind: 'F', microbatch, chunk });
}

/**
 * The schedule as it runs with equal stages: each stage takes its passes in its schedule's order, each pass as soon as
 * the pass it depends on has ended. Undefined for invalid sizes.
 */
export function pipelineTimeline(schedule: PipelineSchedule, p: number, m: number, v = 1): Timeline | undefined {
  if (!(p >= 2 && m >= 1 && Number.isInteger(p) && Number.isInteger(m))) return undefined;
  const chunks = schedule === 'interleaved' && v > 1 && m % p === 0 ? v : 1;
  const split = schedule === 'zb-h1' || schedule === 'zb-h2';
  const orders: Pass[][] = [];
  for (let s = 0; s < p; s++) {
    if (split) orders.push(zeroBubble(s, p, m, schedule === 'zb-h2'));
    else if (schedule === 'gpipe') orders.push(gpipe(m));
    else if (chunks > 1) orders.push(interleaved(s, p, m, chunks));
    else orders.push(oneFOneB(s, p, m));
  }
  const ended = new Map<string, number>();
  const next = new Array<number>(p).fill(0);
  const free = new Array<number>(p).fill(0);
  const ops: TimelineOp[] = [];
  let progress = true;
  while (progress) {
    progress = false;
    for (let s = 0; s < p; s++) {
      while (next[s] < orders[s].length) {
        const pass = orders[s][next[s]];
        const waits = dependency(s, pass, p, chunks);
        const ready = waits === undefined ? 0 : ended.get(waits);
        if (ready === undefined) break;
        const start = Math.max(free[s], ready);
        const end = start + cost(pass.kind, chunks, split);
        ops.push({ stage: s, ...pass, start, end });
        ended.set(key(s, pass), end);
        free[s] = end;
        next[s]++;
        progress = true;
      }
    }
  }
  return summarize(chunks > 1 ? 'interleaved' : schedule === 'interleaved' ? '1f1b' : schedule, p, m, chunks, ops, orders.reduce((n, o) => n + o.length, 0));
}

/** The timeline of the passes laid out; a deadlock (fewer passes than the schedule has) draws nothing rather than a wrong picture. */
function summarize(schedule: PipelineSchedule, p: number, m: number, chunks: number, ops: TimelineOp[], expected: number): Timeline | undefined {
  if (ops.length !== expected) return undefined;
  const first = new Array<number>(p).fill(Infinity);
  const last = new Array<number>(p).fill(0);
  let busy = 0;
  for (const op of ops) {
    first[op.stage] = Math.min(first[op.stage], op.start);
    last[op.stage] = Math.max(last[op.stage], op.end);
    busy += op.end - op.start;
  }
  const makespan = Math.max(...last);
  const step = Math.max(...last.map((end, s) => end - first[s]));
  return { schedule, stages: p, microbatches: m, chunks, ops, makespan, step, idleFraction: 1 - busy / (p * step) };
}
