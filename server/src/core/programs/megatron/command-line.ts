import type { ConfigNode } from '../../syntax/config-tree';
import type { CommandLineFacts } from '../program';

const MEGATRON_ENTRY = /^(pretrain_\w+|finetune_\w*|train_\w*mcore\w*|pretrain)\.py$|megatron/i;

// Flags that only Megatron-LM (and its forks) take.
const MEGATRON_FLAGS = ['tensor-model-parallel-size', 'pipeline-model-parallel-size', 'num-layers', 'hidden-size', 'num-attention-heads', 'micro-batch-size', 'global-batch-size', 'seq-length', 'max-position-embeddings', 'train-iters', 'train-samples', 'lr-decay-style', 'use-mcore-models', 'context-parallel-size', 'expert-model-parallel-size'];

export const commandLine: CommandLineFacts = {
  entryPoint: MEGATRON_ENTRY,
  recognises: (base, flags) => {
    const megatron = MEGATRON_FLAGS.filter((f) => flags.has(f)).length;
    return megatron >= 3 || (MEGATRON_ENTRY.test(base) && megatron >= 1);
  },
  // Megatron-DeepSpeed: --deepspeed (or its config flag) hands a DeepSpeed config to DeepSpeed, or the deepspeed launcher starts it.
  runsDeepSpeed: (args: ConfigNode, launcher) => args.children.some((c) => c.key === 'deepspeed' || c.key === 'deepspeed_config' || c.key === 'deepspeed-config') || launcher === 'deepspeed',
};
