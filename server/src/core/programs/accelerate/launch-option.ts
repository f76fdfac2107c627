import { splitPointer } from '../../syntax/config-tree';

/**
 * The `accelerate launch` option that replaces an accelerate config value, if any: top-level attributes by their own name
 * (except the three launch.py handles apart), `fsdp_config.X` as `fsdp_X`, `fp8_config.X` as `fp8_X`, `dynamo_config.X` as
 * `dynamo_X`, `deepspeed_config.X` as `X` (accelerate/commands/launch.py, _validate_launch_command).
 */
export function launchOption(instancePath: string): string | undefined {
  const parts = splitPointer(instancePath).map(String);
  if (parts.length === 1) return ['compute_environment', 'distributed_type'].includes(parts[0]) ? undefined : parts[0];
  if (parts.length !== 2) return undefined;
  const [section, key] = parts;
  const prefix = ({ fsdp_config: 'fsdp_', fp8_config: 'fp8_', dynamo_config: 'dynamo_', deepspeed_config: '' } as Record<string, string>)[section];
  if (prefix === undefined) return undefined;
  return key.startsWith(prefix) ? key : prefix + key;
}
