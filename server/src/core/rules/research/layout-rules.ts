import { PROGRAM } from '../../programs/ids';
import { findGpu } from '../../catalog/find-gpu';
import { estimate, type Estimate } from '../../estimate/estimate';
import type { Precision } from '../../estimate/plan';
import { flag, num } from '../../plan/anchors';
import { gib, percent, seconds } from '../../report/units';
import { getChild } from '../../syntax/config-tree';
import type { TextEdit } from '../../text/range';
import { programOf } from '../../programs/index';
import type { Rule } from '../rule';
import { addKeys, fixes, fixOf, placeOf, readingOf, setValue, withPlan } from './common';

function figures(e: Estimate | undefined): { bubble?: number; memory?: number; fits?: boolean; step?: number } {
  if (!e) return {};
  return {
    bubble: e.bubble.available ? e.bubble.fraction : undefined,
    memory: e.memory.available ? e.memory.total : undefined,
    fits: e.memory.available && e.memory.capacity > 0 ? e.memory.fits : undefined,
    step: e.time.available ? e.time.iterationSeconds : undefined,
  };
}

function beforeAfter(label: string, a: number | undefined, b: number | undefined, show: (x: number) => string): string | undefined {
  return a !== undefined && b !== undefined ? `${label} ${show(a)} -> ${show(b)}` : undefined;
}

export const pipelineMicroBatch: Rule = {
  meta: {
    code: 'TL606',
    name: 'pipeline-micro-batch',
    severity: 'info',
    summary: 'Pipeline parallelism with a micro-batch above 1 and activation recomputation on: micro-batch 1 with more micro-batches is usually the more efficient layout.',
    why: 'With p pipeline stages and m micro-batches the 1F1B bubble is (p-1)/(m+p-1) of the step (Narayanan et al. SC21); at the same global batch, micro-batch 1 gives the most micro-batches and the smallest bubble, and its smaller activations may make recomputation unnecessary. The message gives the estimator\'s bubble, memory and step time before and after.',
    finding: '"Efficient Parallelization Layouts for Large-Scale Distributed Model Training" (Hagemann et al. 2023): "we find that using a micro-batch size of 1 usually enables the most efficient training layouts. Larger micro-batch sizes necessitate activation checkpointing or higher degrees of model parallelism and also lead to larger pipeline bubbles"; their best layouts reach "a Model FLOPs utilization of 70.5% when training a Llama 13B model".',
    appliesWhen: 'Applies when the plan has more than one pipeline stage (Megatron --pipeline-model-parallel-size, NeMo model.pipeline_model_parallel_size, GPT-NeoX pipe_parallel_size, DeepSpeed pipeline.stages, LLaMA-Factory pipeline_model_parallel_size), a micro-batch above 1, and recomputation on (Megatron --recompute-granularity / --recompute-activations / --checkpoint-activations, NeMo activations_checkpoint_granularity, GPT-NeoX checkpoint_activations, HF-style gradient_checkpointing). It is usually, not always, better: kernels with very short sequences can need a larger micro-batch to fill the GPU (see compute-underutilized).',
    fix: 'Sets the micro-batch to 1 and, where the file states gradient accumulation, multiplies it so the global batch stays. Never applied automatically; drop recomputation afterwards if the estimate shows memory room.',
    example: { language: 'yaml', text: '# trainlint: format=megatron\nnum_layers: 40\nhidden_size: 5120\nnum_attention_heads: 40\nseq_length: 4096\nmax_position_embeddings: 4096\nmicro_batch_size: 4\nglobal_batch_size: 512\ntensor_model_parallel_size: 4\npipeline_model_parallel_size: 4\nrecompute_granularity: full\nrecompute_method: uniform\nrecompute_num_layers: 1\nbf16: true\nlr: 3.0e-4\nlr_warmup_iters: 2000\n', settings: { cluster: { worldSize: 64, gpu: 'a100-80gb' }, model: 'meta-llama/Llama-2-13b-hf' } },
    references: ['Hagemann et al., Efficient Parallelization Layouts for Large-Scale Distributed Model Training (2023)', 'Narayanan et al., Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM (SC21), Sec. 2.2'],
  },
  check(ctx) {
    const reading = readingOf(ctx);
    const built = reading?.built;
    const plan = reading?.completed?.plan;
    if (!built || !plan) return;
    const pp = plan.parallel?.pp ?? 1;
    const micro = built.plan.batch?.micro;
    const recompute = built.plan.recompute;
    if (pp <= 1 || micro === undefined || micro <= 1 || !recompute || recompute === 'none') return;
    const global = plan.batch?.global;
    const accum = plan.batch?.gradAccum;
    const before = reading!.estimate();
    const oneMicro = (p: typeof plan) => {
      p.batch = { micro: 1, global: global ?? undefined, gradAccum: global === undefined && accum !== undefined ? accum * micro : undefined };
    };
    const after = estimate(withPlan(built.plan, oneMicro), { convention: ctx.settings.flopsConvention });
    const noRecompute = estimate(withPlan(built.plan, (p) => { oneMicro(p); p.recompute = 'none'; }), { convention: ctx.settings.flopsConvention });
    const b = figures(before);
    const a = figures(after);
    const n = figures(noRecompute);
    const changes = [
      beforeAfter('bubble', b.bubble, a.bubble, percent),
      beforeAfter('memory', b.memory, a.memory, gib),
      beforeAfter('step', b.step, a.step, seconds),
    ].filter(Boolean);
    const dropRecompute = n.fits === true && n.memory !== undefined ? ` Without recomputation micro-batch 1 would need ${gib(n.memory)} per GPU${n.step !== undefined ? ` (${seconds(n.step)} per step)` : ''}, which fits.` : '';
    const microNode = built.anchors['batch.micro'];
    // GPT-NeoX and DeepSpeed state the accumulation next to the micro-batch (the plan builder anchors it for DeepSpeed only).
    const accumNode = built.anchors['batch.gradAccum'] ?? getChild(ctx.roots[0], 'gradient_accumulation_steps') ?? getChild(ctx.roots[0], 'gradient-accumulation-steps');
    const globalNode = built.anchors['batch.global'];
    // The global batch stays when it is written (Megatron, NeMo) or when the accumulation is rewritten with it.
    let fix;
    if (accumNode && accum !== undefined) fix = fixOf(`Set the micro-batch to 1 and accumulation to ${accum * micro} (same global batch)`, setValue(ctx, microNode, 1), setValue(ctx, accumNode, accum * micro));
    else if (globalNode && !programOf(ctx.format)?.accumulationWithGlobal) fix = fixOf(`Set the micro-batch to 1 (${(accum ?? 1) * micro} micro-batches per step, same global batch)`, setValue(ctx, microNode, 1));
    ctx.report({
      range: placeOf(ctx, microNode, built.anchors.recompute, built.anchors['parallel.pp']),
      message: `Pipeline parallelism over ${pp} stages with micro-batch ${micro} and ${recompute} recomputation: micro-batch 1 is usually the most efficient layout (Hagemann et al. 2023; 70.5% MFU on Llama 13B), with ${micro}x the micro-batches and a smaller bubble${changes.length > 0 ? `. Estimated with micro-batch 1: ${changes.join(', ')}` : ''}.${dropRecompute}`,
      fixes: fixes(fix),
    });
  },
};

// Exposed communication above this share of the step makes ZeRO-3 "communication-bound" here.
const COMMUNICATION_SHARE = 0.3;
const SMALL_MICRO_BATCH = 4;

export const zero3CommunicationBound: Rule = {
  meta: {
    code: 'TL607',
    name: 'zero3-communication-bound',
    programs: [PROGRAM.deepspeed],
    severity: 'warning',
    summary: `ZeRO-3 across nodes with a small per-GPU micro-batch where the estimated exposed communication exceeds ${100 * COMMUNICATION_SHARE}% of the step.`,
    why: 'ZeRO-3 all-gathers every parameter for the forward and the backward pass and reduce-scatters the gradients, every micro-batch (3 x the model in 16-bit per step and GPU, ZeRO Sec. 7.2.2); with little compute per micro-batch and inter-node links, that traffic is not hidden. The message gives the estimator\'s exposed communication share.',
    finding: '"ZeRO++: Extremely Efficient Collective Communication for Giant Model Training" (Wang et al. 2023): "when training on low-bandwidth clusters, or at scale which forces batch size per GPU to be small, ZeRO\'s effective throughput is limited because of high communication volume from gathering weights in forward pass, backward pass, and averaging gradients"; ZeRO++ "reduces communication volume of ZeRO by 4x, enabling up to 2.16x better throughput at 384 GPU scale".',
    appliesWhen: `Applies to DeepSpeed configs with zero_optimization.stage 3 on more than one node (world size from settings or the launch) with a micro-batch of at most ${SMALL_MICRO_BATCH}, when a model is known (from the file, a linking file or settings) so the step time can be estimated. The ZeRO++ keys are zero_optimization.zero_quantized_weights, zero_hpz_partition_size and zero_quantized_gradients (keys/deepspeed.json @ edaa7221; schemas/deepspeed.schema.json). It does not apply within one node, or when all three are already on.`,
    fix: 'Adds the ZeRO++ options to zero_optimization: quantized weight all-gathers, a secondary (hierarchical) partition of the size of one node, and quantized gradient averaging; or only the hierarchical partition, which trades memory (a second copy of the parameters per node) for inter-node traffic. Never applied automatically: quantization changes numerics.',
    example: {
      language: 'json',
      text: '{\n  "train_micro_batch_size_per_gpu": 1,\n  "gradient_accumulation_steps": 1,\n  "bf16": { "enabled": true },\n  "zero_optimization": { "stage": 3, "overlap_comm": true }\n}',
      settings: { cluster: { nodes: 16, gpusPerNode: 8, gpu: 'a100-80gb' }, model: 'meta-llama/Llama-3.1-70B', seqLength: 2048 },
    },
    references: ['Wang et al., ZeRO++: Extremely Efficient Collective Communication for Giant Model Training (2023)', 'Rajbhandari et al., ZeRO: Memory Optimizations Toward Training Trillion Parameter Models (SC20), Sec. 7.2', 'deepspeedai/DeepSpeed deepspeed/runtime/zero/config.py @ edaa7221267243c7be7fb49c5d5f5c4fb97b4641 (zero_quantized_weights, zero_hpz_partition_size, zero_quantized_gradients)'],
  },
  check(ctx) {
    const reading = readingOf(ctx);
    const plan = reading?.completed?.plan;
    if (!plan || plan.zero?.stage !== 3) return;
    const world = plan.parallel?.worldSize;
    const perNode = plan.hardware?.gpusPerNode ?? 8;
    const micro = plan.batch?.micro;
    if (world === undefined || world <= perNode || micro === undefined || micro > SMALL_MICRO_BATCH) return;
    const zero = getChild(ctx.roots[0], 'zero_optimization');
    const on = (key: string) => flag(getChild(zero, key)) === true || (key === 'zero_hpz_partition_size' && (num(getChild(zero, key)) ?? 1) > 1);
    const keys = ['zero_quantized_weights', 'zero_hpz_partition_size', 'zero_quantized_gradients'];
    if (keys.every(on)) return;
    const e = reading!.estimate();
    if (!e?.time.available || e.time.measured || e.time.iterationSeconds <= 0) return;
    const comm = e.time.breakdown.dataParallelSeconds;
    const share = comm / e.time.iterationSeconds;
    if (share < COMMUNICATION_SHARE) return;
    // ZeRO++ claims 4x less communication volume; if the exposed time shrank alike the step would lose 3/4 of it.
    const bound = e.time.iterationSeconds - 0.75 * comm;
    const value = (key: string) => (key === 'zero_hpz_partition_size' ? perNode : true);
    const editsFor = (wanted: string[]): TextEdit[] | undefined => {
      const out: TextEdit[] = [];
      const missing: Array<[string, boolean | number]> = [];
      for (const key of wanted) {
        if (on(key)) continue;
        const node = getChild(zero, key);
        if (node) {
          const edit = setValue(ctx, node, value(key));
          if (!edit) return undefined;
          out.push(edit);
        } else missing.push([key, value(key)]);
      }
      if (missing.length > 0) {
        const added = addKeys(ctx, zero, missing);
        if (!added) return undefined;
        out.push(...added);
      }
      return out.length > 0 ? out : undefined;
    };
    const stageNode = reading!.built?.anchors['zero.stage'];
    ctx.report({
      range: placeOf(ctx, stageNode, zero),
      message: `ZeRO-3 over ${world / perNode} node${world / perNode === 1 ? '' : 's'} with micro-batch ${micro}: estimated exposed communication is ${percent(share)} of each ${seconds(e.time.iterationSeconds)} step (parameter all-gathers and gradient reduce-scatters every micro-batch). ZeRO++ (Wang et al. 2023) cuts ZeRO's communication volume by 4x ("up to 2.16x better throughput at 384 GPU scale"); if the exposed time shrank alike, the step would take about ${seconds(bound)}. Options: zero_quantized_weights, zero_hpz_partition_size ${perNode} (GPUs per node), zero_quantized_gradients.`,
      fixes: fixes(
        fixOf(`Enable ZeRO++ (quantized weights, hierarchical partition of ${perNode}, quantized gradients)`, editsFor(keys)),
        fixOf(`Enable only the hierarchical partition (zero_hpz_partition_size ${perNode}; more memory, no quantization)`, editsFor(['zero_hpz_partition_size'])),
      ),
    });
  },
};

export const fp32Training: Rule = {
  meta: {
    code: 'TL611',
    name: 'fp32-training',
    severity: 'info',
    summary: 'Training in fp32 (or TF32 only) on a GPU with bf16 tensor cores.',
    why: 'bf16 mixed precision keeps fp32 master weights and optimizer states but runs the matrix multiplies on the 16-bit tensor cores, several times faster than fp32 (and about twice TF32) on A100/H100-class GPUs, with half the activation memory. The message gives the estimated step time in both precisions, or the peak ratio when no model is known.',
    finding: '"Scaling Neural Machine Translation" (Ott et al. 2018): "reduced precision and large batch training can speedup training by nearly 5x on a single 8-GPU machine with careful tuning and implementation".',
    appliesWhen: 'Applies when the GPU is known (settings or `.trainlint.yaml` cluster.gpu) and its catalog entry has a bf16 peak, and the file trains in full precision: DeepSpeed with bf16/fp16 disabled (or without either section when DeepSpeed itself reads it), HF/TRL/axolotl/LLaMA-Factory with `bf16: false` written and fp16 off (TRL resolves an unset bf16 to on, keys/trl.json @ f2cd5771; axolotl defaults to auto, keys/axolotl.json @ 067b021c), Megatron-LM without --bf16/--fp16 (both default false, keys/megatron-args.json @ d98e8a64), NeMo trainer.precision 32 (keys/nemo.json @ 8cfedd72), GPT-NeoX precision fp32. It does not apply to GPUs without bf16 (V100: use fp16 with loss scaling instead), or to runs that need fp32 for numerical reasons (some RL value heads, small-batch fine-tunes of tiny models).',
    fix: 'Turns bf16 on where the switch is written (bf16.enabled, bf16, trainer.precision bf16-mixed). Never applied automatically: check the loss curve after switching.',
    example: { language: 'yaml', text: 'model_name_or_path: meta-llama/Llama-3.1-8B\nmax_length: 2048\nper_device_train_batch_size: 4\ngradient_accumulation_steps: 8\nlearning_rate: 2.0e-5\nwarmup_steps: 100\nbf16: false\nfp16: false\n', settings: { cluster: { worldSize: 8, gpu: 'h100-sxm' } } },
    references: ['Ott et al., Scaling Neural Machine Translation (WMT 2018)', 'Micikevicius et al., Mixed Precision Training (ICLR 2018)'],
  },
  check(ctx) {
    const name = ctx.settings.cluster?.gpu;
    const gpu = name ? findGpu(name) : undefined;
    if (!gpu || gpu.peakTflops.bf16 === undefined) return;
    // Application configs may hold several TrainingArguments dicts; the step-time estimate is made for the first.
    ctx.roots.forEach((root, index) => {
      const found = programOf(ctx.format)?.precision?.full(root, ctx);
      if (!found) return;
      const peakFull = found.precision === 'tf32' ? gpu.peakTflops.tf32 : gpu.peakTflops.fp32;
      const built = index === 0 ? readingOf(ctx)?.built : undefined;
      const full = built ? estimate(withPlan(built.plan, (p) => { p.precision = found.precision as Precision; }), { convention: ctx.settings.flopsConvention }) : undefined;
      const mixed = built ? estimate(withPlan(built.plan, (p) => { p.precision = 'bf16'; }), { convention: ctx.settings.flopsConvention }) : undefined;
      let gain: string;
      if (full?.time.available && mixed?.time.available && mixed.time.iterationSeconds > 0) {
        gain = `estimated step ${seconds(full.time.iterationSeconds)} in ${found.precision} vs ${seconds(mixed.time.iterationSeconds)} in bf16 mixed precision (${(full.time.iterationSeconds / mixed.time.iterationSeconds).toFixed(1)}x faster)`;
        if (full.memory.available && mixed.memory.available) gain += `, memory ${gib(full.memory.total)} -> ${gib(mixed.memory.total)} per GPU`;
      } else if (peakFull !== undefined) {
        gain = `its bf16 tensor-core peak is ${gpu.peakTflops.bf16} TFLOP/s against ${peakFull} in ${found.precision} (${(gpu.peakTflops.bf16! / peakFull).toFixed(1)}x; name a model for a step-time estimate)`;
      } else {
        gain = `its bf16 tensor cores peak at ${gpu.peakTflops.bf16} TFLOP/s`;
      }
      ctx.report({
        range: found.node ? placeOf(ctx, found.node) : root.keyRange ?? placeOf(ctx),
        message: `This run trains in ${found.precision} (${found.why}) on the ${gpu.name}: ${gain}. Reduced precision was a large part of the "nearly 5x" speed-up of Ott et al. (2018); bf16 needs no loss scaling.`,
        fixes: fixes(found.fixNode && found.fixValue !== undefined ? fixOf(`Train in bf16 mixed precision (${found.fixNode.key === 'precision' ? 'trainer.precision bf16-mixed' : 'bf16 on'})`, setValue(ctx, found.fixNode, found.fixValue)) : undefined),
      });
    });
  },
};
