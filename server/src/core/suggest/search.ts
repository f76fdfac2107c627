import { completePlan } from '../estimate/complete-plan';
import { estimateMemory } from '../estimate/memory';
import type { TrainingPlan } from '../estimate/plan';
import { estimateStepTime } from '../estimate/step-time';
import { expertGridDivides, replicaDivides } from '../facts/layout-predicates';
import { layoutChanges, layoutOf, planWith, type Layout } from './layout';
import { divisors, searchSpace, type PipelineSplit } from './space';

/** The share of GPU memory a suggestion leaves free: the estimate is a model, and allocators fragment. */
export const DEFAULT_HEADROOM = 0.1;
/** Largest micro-batch tried: beyond it GEMMs are already wide and only memory grows. */
const MAX_MICRO = 64;

export interface Evaluated {
  layout: Layout;
  /** Peak memory per GPU (the busier pipeline stage), bytes. */
  memoryBytes: number;
  capacityBytes: number;
  iterationSeconds: number;
  mfu: number;
}

export interface Suggestion extends Evaluated {
  /** What differs from the file's layout, in words. */
  changes: string[];
}

export interface SuggestResult {
  ok: boolean;
  /** Why no search ran, when `ok` is false, and the estimator's inputs it lacked. */
  message?: string;
  missing?: string[];
  /** The file's own layout, as the estimator sees it; `problems` are the plan's conflicts (a world size that does not divide). */
  current?: Evaluated & { problems: string[] };
  suggestions: Suggestion[];
  /** The GPUs searched for, and how many the file itself runs on. */
  world: number;
  fileWorld?: number;
  gpu?: string;
  global: number;
  headroom: number;
  /** Layouts whose memory and time were computed, and how many passed the divisibility rules. */
  evaluated: number;
  notes: string[];
}

export interface SuggestOptions {
  world?: number;
  top?: number;
  headroom?: number;
}

/**
 * Memory of one layout, then its step time where `timeIf` accepts the memory, from the estimator's own blocks (estimate.ts
 * less FLOPs and cost, which ranking does not need). The base plan is already completed and `planWith` states every
 * field a layout changes (dp, world size, accumulation, schedule), so the candidate is not completed again.
 */
function measure(base: TrainingPlan, layout: Layout, timeIf: (e: Evaluated) => boolean): Evaluated | undefined {
  try {
    const plan = planWith(base, layout);
    const memory = estimateMemory(plan);
    if (!memory.available) return undefined;
    const result = { layout, memoryBytes: memory.total, capacityBytes: memory.capacity, iterationSeconds: Infinity, mfu: 0 };
    if (!timeIf(result)) return result;
    const time = estimateStepTime(plan);
    return time.available ? { ...result, iterationSeconds: time.iterationSeconds, mfu: time.mfu } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The fastest layouts that fit, by the estimator's step time, for the same model, precision, hardware and global batch.
 * Bounded by three cuts, each sound under the estimator's monotonicity (memory grows with the micro-batch and falls with
 * more recomputation; recomputation only adds time): a model split (TP, PP, CP, EP, sharding) that does not fit at
 * micro-batch 1 with full recomputation is dropped whole; for each micro-batch only the least recomputation that fits is
 * timed; and the micro-batch stops growing at the first size where nothing fits.
 */
export function suggestLayouts(input: TrainingPlan, options: SuggestOptions = {}): SuggestResult {
  const headroom = options.headroom ?? DEFAULT_HEADROOM;
  const top = options.top ?? 5;
  const completed = completePlan(input);
  const base = completed.plan;
  const world = options.world ?? base.parallel?.worldSize;
  const empty = { suggestions: [], world: world ?? 0, global: 0, headroom, evaluated: 0, notes: [] };
  if (!world) return { ...empty, ok: false, message: 'the number of GPUs is unknown: give --gpus N' };
  if (!base.hardware?.memoryGiB) return { ...empty, ok: false, message: 'the GPU type is unknown: give --gpu TYPE (e.g. h100-sxm)' };
  if (!base.model?.layers) return { ...empty, ok: false, message: `the model's shape is unknown (${completed.missing.join(', ') || 'no layers'}): give --model HF_ID` };
  const probe = estimateMemory(base);
  if (!probe.available) return { ...empty, ok: false, message: 'per-GPU memory cannot be estimated', missing: probe.missing };
  const global = base.batch?.global;
  if (!global) return { ...empty, ok: false, message: 'the global batch is unknown: the search keeps it fixed, so the file must state it' };
  const currentLayout = layoutOf(base);
  const currentEstimate = measure(base, currentLayout, () => true);
  const current = currentEstimate && { ...currentEstimate, problems: completed.conflicts };
  const space = searchSpace(base, world, base.hardware.gpusPerNode ?? 8);
  const fits = (e: Evaluated | undefined): e is Evaluated => e !== undefined && e.memoryBytes <= (1 - headroom) * e.capacityBytes;
  const found: Evaluated[] = [];
  let evaluated = 0;
  const tryLayout = (layout: Layout, withTime: boolean) => {
    evaluated++;
    return measure(base, layout, (e) => withTime && fits(e));
  };
  const search = (offload: boolean) => {
    for (const tp of space.tp) for (const split of space.pipelines) for (const cp of space.cp) for (const ep of space.ep) {
      if (!replicaDivides(world, tp, split.pp, cp) || (ep > 1 && !expertGridDivides(world, tp, ep, split.pp))) continue;
      const dp = world / (tp * split.pp * cp);
      if (global % dp !== 0) continue;
      const perRank = global / dp;
      for (const sharding of space.sharding) {
        const shape = { tp, pp: split.pp, cp, ep, dp, firstStageLayers: split.first, lastStageLayers: split.last, sharding, offload };
        const lightest: Layout = { ...shape, vpp: 1, micro: 1, accum: perRank, recompute: space.recompute[space.recompute.length - 1] };
        if (!fits(tryLayout(lightest, false))) continue;
        searchMicro(shape, split, perRank);
      }
    }
  };
  const searchMicro = (shape: Omit<Layout, 'vpp' | 'micro' | 'accum' | 'recompute'>, split: PipelineSplit, perRank: number) => {
    for (const micro of divisors(perRank, MAX_MICRO)) {
      const accum = perRank / micro;
      let anyFit = false;
      for (const vpp of space.vpp(split, accum)) {
        for (const recompute of space.recompute) {
          const result = tryLayout({ ...shape, vpp, micro, accum, recompute }, true);
          if (fits(result)) {
            found.push(result);
            anyFit = true;
            break;
          }
        }
      }
      if (!anyFit) return;
    }
  };
  search(false);
  const notes: string[] = [];
  // Offloading trades step time for memory: only where nothing fits on the GPUs alone, and only where the program can.
  if (found.length === 0 && base.framework !== 'megatron') {
    search(true);
    if (found.length > 0) notes.push('nothing fits on the GPUs alone: these layouts offload the optimizer states to CPU memory');
  }
  const ranked = found.sort((a, b) => a.iterationSeconds - b.iterationSeconds).slice(0, top);
  return {
    ok: true, current, world, fileWorld: base.parallel?.worldSize, gpu: base.hardware.gpu, global, headroom, evaluated, notes,
    suggestions: ranked.map((e) => ({ ...e, changes: layoutChanges(currentLayout, e.layout) })),
  };
}
