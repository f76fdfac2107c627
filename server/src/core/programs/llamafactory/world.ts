import type { CommandLine, ShellVariable } from '../../shell/script';
import { fieldText, isKnown } from '../../shell/words';

/**
 * LLaMA-Factory's launcher (src/llamafactory/launcher.py) runs torchrun with --nnodes $NNODES (default 1) and
 * --nproc_per_node $NPROC_PER_NODE (default: every local GPU), read from the command's environment or the script's.
 */
export function llamafactoryWorld(command: CommandLine, variables: Map<string, ShellVariable>): number | undefined {
  const value = (name: string): number | undefined => {
    const variable = variables.get(name);
    const field = command.env.get(name) ?? (variable?.kind === 'string' ? variable.pieces : undefined);
    const text = field && isKnown(field) ? fieldText(field).trim() : undefined;
    return text && /^\d+$/.test(text) ? Number(text) : undefined;
  };
  const perNode = value('NPROC_PER_NODE');
  const nodes = command.env.has('NNODES') || variables.has('NNODES') ? value('NNODES') : 1;
  return perNode !== undefined && nodes !== undefined ? perNode * nodes : undefined;
}
