import { programOf } from '../programs/index';
import { megatronArgs, parallelLayout } from '../programs/megatron/arguments';
import type { Fix } from '../diagnostic';
import type { Estimate } from '../estimate/estimate';
import type { Finding as EstimateFinding, Remedy } from '../estimate/findings';
import type { BuiltPlan } from '../plan/build-plan';
import { readingOf } from '../plan/reading';
import type { AnchorKey } from '../plan/anchors';
import { formatScalar } from '../fix/edits';
import { getChild, getPath, type ConfigNode } from '../syntax/config-tree';
import type { OffsetRange, TextEdit } from '../text/range';
import { gib, percent, seconds } from '../report/units';
import type { Rule, RuleContext } from './rule';

interface Evaluated {
  built: BuiltPlan;
  estimate: Estimate;
  findings: EstimateFinding[];
}

/** The plan, estimate and findings of the analysis, shared with the research rules and the hover. */
function evaluate(ctx: RuleContext): Evaluated | undefined {
  const reading = readingOf(ctx);
  const built = reading?.built;
  const est = reading?.estimate();
  return built && est ? { built, estimate: est, findings: reading!.findings() } : undefined;
}

const PLAN_PATH_TO_ANCHOR: Record<string, AnchorKey> = {
  'zero.stage': 'zero.stage',
  'batch.micro': 'batch.micro',
  'batch.gradAccum': 'batch.gradAccum',
  recompute: 'recompute',
  'parallel.vpp': 'parallel.vpp',
  'zero.offloadOptimizer': 'zero.offloadOptimizer',
};

/** How a plan value is written back into the key that holds it (a recompute switch may be a boolean). */
function valueFor(node: ConfigNode, path: string, to: unknown): string | number | boolean | undefined {
  if (path === 'recompute') return typeof node.value === 'boolean' ? to !== 'none' : String(to);
  if (typeof to === 'number' || typeof to === 'string' || typeof to === 'boolean') return to;
  return undefined;
}

/** A remedy becomes a fix when every plan field it changes is written in this file. */
function remedyFix(ctx: RuleContext, built: BuiltPlan, remedy: Remedy): Fix | undefined {
  const edits: TextEdit[] = [];
  for (const change of remedy.changes) {
    const anchor = PLAN_PATH_TO_ANCHOR[change.path];
    const node = anchor ? built.anchors[anchor] : undefined;
    if (!node || node.kind !== 'scalar' || node.viaAlias) return undefined;
    const value = valueFor(node, change.path, change.to);
    if (value === undefined) return undefined;
    const quoted = ctx.tree.language === 'shell' ? String(value) : formatScalar(ctx.tree.language === 'json' ? 'json' : 'yaml', value);
    edits.push({ range: node.range, newText: quoted });
  }
  return edits.length > 0 ? { title: `Use ${remedy.title}`, safe: false, edits } : undefined;
}

function describeRemedy(remedy: Remedy): string {
  const r = remedy.result;
  const parts: string[] = [];
  if (r.memoryBytes !== undefined) parts.push(`${gib(r.memoryBytes)}${r.fits === false ? ', still too much' : ''}`);
  if (r.bubbleFraction !== undefined && r.bubbleFraction > 0) parts.push(`bubble ${percent(r.bubbleFraction)}`);
  if (r.iterationSeconds !== undefined) parts.push(`${seconds(r.iterationSeconds)} per step`);
  return `${remedy.title} (${parts.join(', ')})`;
}

function placeFor(ctx: RuleContext, built: BuiltPlan, preferred: AnchorKey[]): OffsetRange {
  for (const key of preferred) {
    const node = built.anchors[key];
    if (node) return node.keyRange ?? node.range;
  }
  const first = ctx.roots[0]?.children[0];
  return first ? first.keyRange ?? first.range : { start: 0, end: 0 };
}

function reportFinding(ctx: RuleContext, rule: EstimateFinding['rule'], anchorsFor: (e: Estimate) => AnchorKey[]): void {
  const result = evaluate(ctx);
  if (!result) return;
  for (const finding of result.findings) {
    if (finding.rule !== rule) continue;
    const remedies = finding.remedies.map((r) => describeRemedy(r));
    const fixes = finding.remedies.map((r) => remedyFix(ctx, result.built, r)).filter((f): f is Fix => f !== undefined);
    ctx.report({
      range: placeFor(ctx, result.built, anchorsFor(result.estimate)),
      severity: finding.severity,
      message: `${finding.message}${remedies.length > 0 ? ` Options: ${remedies.join('; ')}.` : ''} Run \`trainlint estimate\` for the breakdown and its assumptions.`,
      fixes,
    });
  }
}

/** Activations and logits grow with the micro-batch; model states with the sharding. */
function memoryAnchors(e: Estimate): AnchorKey[] {
  const m = e.memory;
  const activationSide = m.activations + m.logits;
  const stateSide = m.weights + m.gradients + m.optimizer;
  return activationSide >= stateSide ? ['batch.micro', 'recompute', 'seqLength', 'zero.stage'] : ['zero.stage', 'model', 'batch.micro'];
}

/**
 * Memory is only judged when the file states how the run is distributed. A TrainingArguments, axolotl or
 * LLaMA-Factory YAML usually leaves sharding to the launcher (`accelerate launch --config_file zero3.yaml`), and
 * sharded states shrink with the data-parallel size: judging either from a guess would cry wolf on runs that train.
 */
function memoryIsJudgeable(ctx: RuleContext, built: BuiltPlan): boolean {
  const plan = built.plan;
  const trainerStyle = programOf(ctx.format)?.runsHfTrainer === true;
  const linkedSharding = ctx.linked.some((l) => l.analysis && programOf(l.analysis.format)?.statesSharding);
  if (trainerStyle && ctx.tree.language !== 'shell' && !plan.fsdp && !linkedSharding && plan.framework !== 'megatron') return false;
  const sharded = (plan.zero?.stage ?? 0) >= 1 || plan.fsdp !== undefined || plan.distributedOptimizer === true;
  return !sharded || plan.parallel?.worldSize !== undefined;
}

export const outOfMemory: Rule = {
  meta: {
    code: 'TL501',
    name: 'out-of-memory',
    severity: 'error',
    summary: 'The estimated peak memory of the most loaded GPU exceeds its capacity (warning above 90%).',
    why: 'A run that does not fit dies with "CUDA out of memory" minutes into the job, after the queue wait; the estimate counts weights, gradients (unsharded under FSDP no_sync), optimizer states (ZeRO Table 1), activations (Korthikanti et al. 2022), logits, communication buckets and the CUDA context. An estimate that rests on a guess (a vocabulary no setting gives) is a warning, not an error.',
    fix: 'Offers, each with its recomputed total: reduce-scattering every micro-batch where FSDP accumulates unsharded gradients under no_sync (accelerate\'s sync_each_batch), the next ZeRO stage (or the distributed optimizer, or FSDP offload), the frozen base of an adapter loaded in 4 bits (QLoRA), activation recomputation, or a smaller micro-batch with more accumulation at the same global batch. They change the run, so none is applied automatically.',
    example: {
      language: 'json',
      text: '{\n  "train_micro_batch_size_per_gpu": 16,\n  "gradient_accumulation_steps": 1,\n  "bf16": { "enabled": true },\n  "zero_optimization": { "stage": 1 }\n}',
      settings: { cluster: { worldSize: 8, gpu: 'a100-80gb' }, model: 'meta-llama/Llama-3.1-8B', seqLength: 4096 },
    },
    references: ['Rajbhandari et al., ZeRO (SC20), Table 1', 'Korthikanti et al., Reducing Activation Recomputation in Large Transformer Models (2022), Table 2'],
  },
  check(ctx) {
    const result = evaluate(ctx);
    if (result && memoryIsJudgeable(ctx, result.built)) reportFinding(ctx, 'out-of-memory', memoryAnchors);
  },
};

export const pipelineBubble: Rule = {
  meta: {
    code: 'TL502',
    name: 'pipeline-bubble',
    // The options it offers (interleaving, zero-bubble schedules) are a release's: from a checkout TrainLint cannot see, a note.
    judgesRelease: true,
    severity: 'warning',
    summary: 'The pipeline bubble takes more than a set share of each step (default 10%).',
    why: 'With p stages and m micro-batches, 1F1B leaves (p-1)/(m+p-1) of every step idle (Narayanan et al. SC21); every idle second is paid for on every GPU. Without an option the run can take (DeepSpeed\'s PipelineEngine runs 1F1B only; micro-batch already 1), an info; from a checkout TrainLint cannot see, whose release decides the schedules, an info.',
    fix: 'Offers more micro-batches at the same global batch, the interleaved schedule, or a zero-bubble schedule, each with its recomputed bubble. Not reported for an evaluation run (Megatron-DeepSpeed --inference, tasks/eval_harness/evaluate*.py, tasks/main.py with an evaluation --task), which has no training schedule.',
    references: ['Narayanan et al., Efficient Large-Scale Language Model Training on GPU Clusters (SC21), Sec. 2.2', 'Qi et al., Zero Bubble Pipeline Parallelism (ICLR 2024)'],
  },
  check(ctx) {
    if (evaluationRun(ctx) || layoutCannotStart(ctx)) return;
    reportFinding(ctx, 'pipeline-bubble', () => ['parallel.pp', 'batch.micro', 'batch.global']);
  },
};

/**
 * A Megatron layout whose validation stops the run before any step (world-size-not-divisible, layers-not-divisible-by-pp
 * report it): its bubble is no cost anyone pays, so the finding would only distract from the error.
 */
function layoutCannotStart(ctx: RuleContext): boolean {
  return ctx.roots.some((root) => {
    const args = megatronArgs(ctx.tree, root, ctx.settings, ctx.format);
    if (!args) return false;
    const { pp, product } = parallelLayout(args);
    const world = args.world.value;
    const layers = args.num('num_layers');
    // Uneven first/last stages and DeepSpeed's PipelineModule partition layers themselves (parallel-layout-rules.ts).
    const uneven = args.deepspeed || args.num('decoder_first_pipeline_num_layers') !== undefined || args.num('decoder_last_pipeline_num_layers') !== undefined;
    return (world !== undefined && world % product !== 0) || (layers !== undefined && pp > 1 && !uneven && layers % pp !== 0);
  });
}

// Megatron tasks/main.py: the --task values that run an evaluation loop (zeroshot_gpt/evaluate.py, orqa/evaluate_orqa.py);
// the others (RACE, GLUE, RET-FINETUNE-NQ) fine-tune (deepspeedai/Megatron-DeepSpeed and NVIDIA/Megatron-LM tasks/main.py).
const EVALUATION_TASKS = new Set(['LAMBADA', 'WIKITEXT103', 'ICT-ZEROSHOT-NQ', 'RETRIEVER-EVAL']);

/**
 * Why a launch script runs an evaluation, not a training schedule: Megatron-DeepSpeed's --inference (no optimizer,
 * forward passes only), an evaluation entry point (tasks/eval_harness/evaluate*.py, tasks/zeroshot_gpt/evaluate.py), or
 * tasks/main.py with an evaluation --task. A pipeline there runs no 1F1B training step, so it has no bubble to tune.
 */
export function evaluationRun(ctx: RuleContext): string | undefined {
  if (ctx.tree.language !== 'shell') return undefined;
  const root = ctx.tree.documents[0]?.root;
  const args = getChild(root, 'args');
  const flag = (name: string) => getChild(args, name) ?? getChild(args, name.replace(/-/g, '_'));
  const inference = flag('inference');
  if (inference && inference.value !== false) return '--inference';
  // bigscience's finetune_t0.py --eval-only True: validation passes only.
  const evalOnly = flag('eval-only');
  if (evalOnly && evalOnly.value !== false && !/^false$/i.test(String(evalOnly.value))) return '--eval-only';
  const program = String(getPath(root, 'launcher', 'program')?.value ?? '');
  if (/(?:^|\/)(?:eval_harness|zeroshot_gpt)\/[^/]*\.py$/.test(program) || /(?:^|\/)evaluate[^/]*\.py$/.test(program)) return program;
  const task = flag('task')?.value;
  if (/(?:^|\/)tasks\/main\.py$/.test(program) && typeof task === 'string' && EVALUATION_TASKS.has(task)) return `${program} --task ${task}`;
  return undefined;
}

export const computeUnderutilized: Rule = {
  meta: {
    code: 'TL503',
    name: 'compute-underutilized',
    severity: 'info',
    summary: 'Too few tokens per micro-batch per GPU to keep the matrix units busy.',
    why: 'Matrix multiplies need enough rows to reach their efficient size; a thin micro-batch runs the GPU well below its peak while memory may have room for more.',
    fix: 'Offers a larger micro-batch with fewer accumulation steps at the same global batch.',
    references: ['stas00/ml-engineering: maximum achievable matmul FLOPS by shape'],
  },
  check(ctx) {
    reportFinding(ctx, 'compute-underutilized', () => ['batch.micro', 'seqLength']);
  },
};
