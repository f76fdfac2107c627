import { PROGRAM } from '../programs/ids';
import { getPath, type ConfigNode } from '../syntax/config-tree';
import { readNumberField, numericValue } from '../facts/values';
import { replaceValue } from '../fix/edits';
import type { Fix } from '../diagnostic';
import type { Rule, RuleContext } from './rule';

function zeroStage(root: ConfigNode): { node?: ConfigNode; stage?: number } {
  const node = getPath(root, 'zero_optimization', 'stage');
  return { node, stage: numericValue(readNumberField(node)) };
}

function forEachDeepSpeedRoot(ctx: RuleContext, visit: (root: ConfigNode) => void): void {
  for (const root of ctx.roots) if (root.kind === 'object') visit(root);
}

export const invalidZeroStage: Rule = {
  meta: {
    code: 'TL305',
    name: 'invalid-zero-stage',
    programs: [PROGRAM.deepspeed],
    severity: 'error',
    summary: 'zero_optimization.stage is not 0, 1, 2 or 3.',
    why: 'DeepSpeed validates the stage against its ZeroStageEnum and refuses to start on any other value.',
    fix: 'Offers the nearest valid stage; the change affects memory, so it is not applied automatically.',
    example: { language: 'json', text: '{ "train_batch_size": 8, "zero_optimization": { "stage": 4 } }' },
    references: ['deepspeedai/DeepSpeed deepspeed/runtime/zero/config.py (ZeroStageEnum)'],
  },
  check(ctx) {
    forEachDeepSpeedRoot(ctx, (root) => {
      const { node } = zeroStage(root);
      if (!node || node.kind !== 'scalar' || node.value === 'auto' || node.value === null) return;
      const value = node.value;
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 3) return;
      const nearest = typeof value === 'number' && Number.isFinite(value) ? Math.min(3, Math.max(0, Math.round(value))) : undefined;
      const fixes: Fix[] = nearest !== undefined ? [{ title: `Set the ZeRO stage to ${nearest}`, safe: false, edits: [replaceValue(ctx.tree.language, node, nearest)] }] : [];
      ctx.report({
        range: node.range,
        message: `ZeRO stage ${JSON.stringify(value)} does not exist: DeepSpeed accepts 0 (off), 1 (optimizer states), 2 (+gradients) or 3 (+parameters).`,
        fixes,
      });
    });
  },
};

const OFFLOAD_DEVICES = new Set(['cpu', 'nvme']);

function offloadDevice(root: ConfigNode, section: 'offload_optimizer' | 'offload_param'): ConfigNode | undefined {
  const device = getPath(root, 'zero_optimization', section, 'device');
  if (device?.kind === 'scalar' && typeof device.value === 'string' && OFFLOAD_DEVICES.has(device.value.toLowerCase())) return device;
  return undefined;
}

export const offloadRequiresZero: Rule = {
  meta: {
    code: 'TL304',
    name: 'offload-requires-zero',
    programs: [PROGRAM.deepspeed],
    severity: 'error',
    summary: 'An offload setting without the ZeRO stage it needs: optimizer offload needs stage 1 or more, parameter offload and partial offload need stage 3.',
    why: 'DeepSpeed asserts "Partial offloading only supported for ZeRO Stage 3."; below the stage it needs, an offload block is silently ignored, so the memory the user counted on is still used on the GPU.',
    fix: 'Offers raising the ZeRO stage (changes communication and memory, not applied automatically).',
    example: { language: 'json', text: '{\n  "train_micro_batch_size_per_gpu": 1,\n  "zero_optimization": { "stage": 2, "offload_param": { "device": "cpu" } }\n}' },
    references: ['deepspeedai/DeepSpeed deepspeed/runtime/zero/config.py', 'deepspeedai/DeepSpeed deepspeed/runtime/zero/offload_config.py'],
  },
  check(ctx) {
    forEachDeepSpeedRoot(ctx, (root) => {
      const { node: stageNode, stage: written } = zeroStage(root);
      if (stageNode?.value === 'auto') return; // accelerate fills the stage from its own config.
      const stage = written ?? 0;
      const raise = (to: number): Fix[] =>
        stageNode ? [{ title: `Set the ZeRO stage to ${to}`, safe: false, edits: [replaceValue(ctx.tree.language, stageNode, to)] }] : [];
      const optimizer = offloadDevice(root, 'offload_optimizer');
      if (optimizer && stage < 1) {
        ctx.report({
          range: optimizer.range,
          severity: 'warning',
          message: `Optimizer offload to ${String(optimizer.value)} needs ZeRO stage 1 or more; at stage ${stage} it is ignored and the optimizer states stay on the GPU.`,
          fixes: raise(1),
        });
      }
      const param = offloadDevice(root, 'offload_param');
      if (param && stage < 3) {
        ctx.report({
          range: param.range,
          severity: 'warning',
          message: `Parameter offload to ${String(param.value)} is a ZeRO-3 feature; at stage ${stage} it is ignored and the parameters stay on the GPU.`,
          fixes: raise(3),
        });
      }
      const ratio = getPath(root, 'zero_optimization', 'offload_optimizer', 'ratio');
      const ratioValue = numericValue(readNumberField(ratio));
      if (ratio && optimizer && ratioValue !== undefined && ratioValue < 1 && stage !== 3) {
        ctx.report({
          range: ratio.range,
          message: `Partial optimizer offload (ratio ${ratioValue}) needs ZeRO stage 3; DeepSpeed asserts "Partial offloading only supported for ZeRO Stage 3." at stage ${stage}.`,
          fixes: raise(3),
        });
      }
    });
  },
};

export const zeroWithPipeline: Rule = {
  meta: {
    code: 'TL303',
    name: 'zero-with-pipeline',
    programs: [PROGRAM.deepspeed],
    severity: 'error',
    summary: 'ZeRO stage 2 or 3 combined with pipeline parallelism.',
    why: 'DeepSpeed\'s PipelineEngine asserts "ZeRO-2 and ZeRO-3 are incompatible with pipeline parallelism": gradient and parameter partitioning conflict with the pipeline\'s micro-batch schedule.',
    fix: 'Offers ZeRO stage 1, which the pipeline engine supports (more memory per GPU; not applied automatically).',
    example: { language: 'json', text: '{\n  "train_micro_batch_size_per_gpu": 1,\n  "pipeline": { "stages": 4 },\n  "zero_optimization": { "stage": 3 }\n}' },
    references: ['deepspeedai/DeepSpeed deepspeed/runtime/pipe/engine.py'],
  },
  check(ctx) {
    forEachDeepSpeedRoot(ctx, (root) => {
      const { node: stageNode, stage } = zeroStage(root);
      if (!stageNode || stage === undefined || stage < 2) return;
      const stagesNode = getPath(root, 'pipeline', 'stages');
      const fromConfig = numericValue(readNumberField(stagesNode));
      const pp = ctx.settings.parallel?.pp ?? fromConfig;
      const engine = ctx.settings.deepspeedPipelineEngine;
      if (engine && (pp === undefined || pp <= 1)) {
        // DeepSpeed's PipelineEngine asserts the stage whatever the number of stages (Megatron-DeepSpeed GPTModelPipe).
        ctx.report({
          range: stageNode.range,
          message: `ZeRO stage ${stage} under DeepSpeed's pipeline engine: ${engine}, and the PipelineEngine asserts "ZeRO-2 and ZeRO-3 are incompatible with pipeline parallelism" even with one stage. Add --no-pipeline-parallel to the Megatron flags, or use ZeRO stage 0 or 1.`,
          fixes: [{ title: 'Set the ZeRO stage to 1', safe: false, edits: [replaceValue(ctx.tree.language, stageNode, 1)] }],
        });
        return;
      }
      if (pp === undefined || pp <= 1) return;
      const where = ctx.settings.parallel?.pp ? 'the configured pipeline-parallel size' : 'pipeline.stages';
      ctx.report({
        range: stageNode.range,
        message: `ZeRO stage ${stage} with ${pp} pipeline stages (${where}): DeepSpeed's pipeline engine asserts "ZeRO-2 and ZeRO-3 are incompatible with pipeline parallelism". Use stage 1, or drop pipeline parallelism.`,
        fixes: [{ title: 'Set the ZeRO stage to 1', safe: false, edits: [replaceValue(ctx.tree.language, stageNode, 1)] }],
        related: stagesNode ? [{ message: `pipeline.stages = ${String(stagesNode.value)}`, range: stagesNode.range }] : [],
      });
    });
  },
};

