import { getChild, type ConfigNode } from '../../syntax/config-tree';
import type { Settings } from '../../settings';
import { megatronParallelOf } from '../../shell/embedded';
import type { ShellLaunchFacts } from '../../shell/shell-config';

/** Megatron-DeepSpeed hands the DeepSpeed config its script writes to DeepSpeed itself, in Megatron's TP/PP/CP layout. */
export function heredocDeepSpeed(facts: ShellLaunchFacts, args: ConfigNode | undefined): Settings {
  const parallel = megatronParallelOf(args);
  // From a checkout TrainLint cannot see, the program may be a Megatron without DeepSpeed's pipeline engine.
  const pipelineEngine = facts.megatronDeepSpeed && !facts.checkout && getChild(args, 'no-pipeline-parallel') === undefined;
  return {
    consumer: 'deepspeed',
    parallel: { tp: parallel.tp ?? 1, pp: parallel.pp ?? 1, cp: parallel.cp ?? 1 },
    ...(pipelineEngine ? { deepspeedPipelineEngine: 'Megatron-DeepSpeed builds a DeepSpeed PipelineModule (GPTModelPipe) because --deepspeed is given without --no-pipeline-parallel' } : {}),
  };
}
