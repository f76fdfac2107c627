import type { Settings } from '../../settings';

/**
 * Git blob hashes of the Megatron arguments files the bundled schemas were generated from (scripts/gen-schemas-frameworks.mjs):
 * a repository whose file has this hash runs exactly the flags its schema lists.
 */
const UPSTREAM_ARGUMENTS: Record<string, 'Megatron-LM' | 'Megatron-DeepSpeed'> = {
  // NVIDIA/Megatron-LM@d98e8a64dd megatron/training/arguments.py (schemas/megatron.schema.json)
  '50327de464b7dfd1c30a189d83b0350d1496530a': 'Megatron-LM',
  // deepspeedai/Megatron-DeepSpeed@4efb479d53 megatron/arguments.py (schemas/megatron-deepspeed.schema.json)
  fbd0a5905323d3e047c15bbaea15c6b4738da2c4: 'Megatron-DeepSpeed',
};

/**
 * The repository's own Megatron arguments file when it is not the one the schema in use was read from: the script's flags
 * and choices are that file's to decide (a fork such as sail-sg/zero-bubble-pipeline-parallelism adds MistralTokenizer).
 * Until that file is read, a flag or choice the schema lacks is at most a warning. `framework`: the schema's program.
 */
/** Whether the repository's own arguments file contains a check's message, so that it still makes the same check (a fork that kept upstream's exit). */
export function forkKeepsCheck(settings: Settings, message: string): boolean {
  return settings.megatronArguments?.text?.includes(message) === true;
}

export function megatronForkArguments(settings: Settings, framework: string): string | undefined {
  const own = settings.megatronArguments;
  if (!own) return undefined;
  return own.blob !== undefined && UPSTREAM_ARGUMENTS[own.blob] === framework ? undefined : own.path;
}
