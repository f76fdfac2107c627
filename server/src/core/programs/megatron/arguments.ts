import { getChild, type ConfigNode, type ConfigTree } from '../../syntax/config-tree';
import type { RelatedLocation } from '../../diagnostic';
import type { Settings } from '../../settings';
import { worldSizeOf } from '../../settings';
import { schemaFor } from '../../schema/schemas';
import type { SchemaNode } from '../../schema/schema-walk';
import { shellFactsOf } from '../../shell/shell-config';
import { isSwitchOn } from '../../facts/values';

/**
 * Megatron-LM's arguments read by argparse dest name, whatever the file: a launch script (flags as written,
 * aliases included; the last one given wins, as in argparse), or a --yaml-cfg file (dest names at the top
 * level or in model_parallel / language_model, as yaml_arguments.py flattens them).
 */
export interface MegatronArgs {
  root: ConfigNode;
  /** 'shell' for launch scripts, 'yaml' for --yaml-cfg. */
  style: 'shell' | 'yaml';
  /** Megatron-DeepSpeed rather than Megatron-LM. */
  deepspeed: boolean;
  node(dest: string): ConfigNode | undefined;
  num(dest: string): number | undefined;
  /** A store_true flag given (shell) or a truthy value (YAML). */
  on(dest: string): boolean;
  /** The flag or key as the user would write it, for messages. */
  name(dest: string): string;
  /** Where to point for a value: the value's range (the variable assignment in a script). */
  at(dest: string): RelatedLocation | undefined;
  world: { value?: number; source: string; related: RelatedLocation[] };
  /**
   * Set for a NeMo 1.x model config: NeMo never runs Megatron-LM's validate_args; it builds megatron.core's TransformerConfig
   * and parallel groups, and its legacy (non-mcore) modules assert on their own. `mcore`: model.mcore_gpt/mcore_bert/mcore_t5.
   */
  nemo?: { mcore: boolean };
}

const destIndex = new WeakMap<SchemaNode, Map<string, string[]>>();

/** dest -> every flag (without dashes) that sets it, from the x-dest annotations of the flag schema. */
function flagsByDest(schema: SchemaNode): Map<string, string[]> {
  let index = destIndex.get(schema);
  if (index) return index;
  index = new Map();
  for (const [flag, sub] of Object.entries(schema.properties ?? {})) {
    const dest = (sub as { 'x-dest'?: string })['x-dest'];
    if (!dest) continue;
    const list = index.get(dest) ?? [];
    list.push(flag);
    index.set(dest, list);
  }
  destIndex.set(schema, index);
  return index;
}

// yaml_arguments.py: TransformerConfig names that differ from the argparse dest.
const YAML_RENAMES: Record<string, string[]> = { num_experts: ['num_moe_experts'] };

// NeMo 1.x names (model.*) for Megatron's argparse dests (nemo.json).
const NEMO_NAMES: Record<string, string> = {
  seq_length: 'encoder_seq_length',
  num_experts: 'num_moe_experts',
  num_virtual_stages_per_pipeline_rank: 'virtual_pipeline_model_parallel_size',
  recompute_granularity: 'activations_checkpoint_granularity',
  recompute_method: 'activations_checkpoint_method',
  recompute_num_layers: 'activations_checkpoint_num_layers',
};

/** Follows a Hydra/OmegaConf interpolation written inside the file (`${model.x}`, `${.x}`); resolvers such as `${multiply:...}` are not evaluated. */
export function resolveInterpolation(root: ConfigNode | undefined, node: ConfigNode | undefined, depth = 0): ConfigNode | undefined {
  if (!node || !root || depth > 8 || node.kind !== 'scalar' || typeof node.value !== 'string') return node;
  const m = /^\$\{([A-Za-z0-9_.]+)\}$/.exec(node.value.trim());
  if (!m) return node;
  const ref = m[1];
  let tokens: string[];
  if (ref.startsWith('.')) {
    const up = /^\.+/.exec(ref)![0].length;
    const base = node.pointer.split('/').slice(1, -up);
    tokens = [...base.map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~')), ...ref.slice(up).split('.')];
  } else tokens = ref.split('.');
  let target: ConfigNode | undefined = root;
  for (const token of tokens) target = getChild(target, token);
  return target ? resolveInterpolation(root, target, depth + 1) : undefined;
}

export function megatronArgs(tree: ConfigTree, root: ConfigNode, settings: Settings, format = 'megatron'): MegatronArgs | undefined {
  if (root.kind !== 'object') return undefined;
  const shell = shellFactsOf(tree);
  const style: 'shell' | 'yaml' = tree.language === 'shell' ? 'shell' : 'yaml';
  if (format === 'nemo') return nemoArgs(root, settings);
  const schema = schemaFor('megatron', tree);
  const index = style === 'shell' && schema ? flagsByDest(schema) : undefined;
  // A script's flags by name, each at its last occurrence (argparse keeps the last one given); built on the first ask.
  let lastOf: Map<string, number> | undefined;
  const node = (dest: string): ConfigNode | undefined => {
    if (style === 'shell') {
      if (!lastOf) {
        lastOf = new Map();
        root.children.forEach((child, i) => lastOf!.set(String(child.key), i));
      }
      let last = -1;
      for (const name of index?.get(dest) ?? [dest.replace(/_/g, '-')]) last = Math.max(last, lastOf.get(name) ?? -1);
      return last >= 0 ? root.children[last] : undefined;
    }
    for (const name of [dest, ...(YAML_RENAMES[dest] ?? [])]) {
      const found = getChild(root, name) ?? getChild(getChild(root, 'model_parallel'), name) ?? getChild(getChild(root, 'language_model'), name);
      if (found) return found;
    }
    return undefined;
  };
  const num = (dest: string) => {
    const n = node(dest);
    return n && typeof n.value === 'number' && Number.isFinite(n.value) ? n.value : undefined;
  };
  const name = (dest: string) => {
    const n = node(dest);
    if (style === 'shell') return `--${n ? String(n.key) : (index?.get(dest)?.[0] ?? dest.replace(/_/g, '-'))}`;
    return n ? String(n.key) : dest;
  };
  const at = (dest: string): RelatedLocation | undefined => {
    const n = node(dest);
    return n ? { message: `${name(dest)} ${n.kind === 'scalar' && n.raw !== '' ? String(n.value) : ''}`.trim(), range: n.range } : undefined;
  };
  const world = worldSizeOf(settings);
  const related: RelatedLocation[] = [];
  if (shell) {
    if (shell.nprocPerNode.range && shell.nprocPerNode.value !== undefined) related.push({ message: `${shell.nprocPerNode.value} processes per node`, range: shell.nprocPerNode.range });
    if (shell.nnodes.range && shell.nnodes.value !== undefined) related.push({ message: `${shell.nnodes.value} node${shell.nnodes.value === 1 ? '' : 's'}`, range: shell.nnodes.range });
  }
  const fromScript = shell?.world.value !== undefined && shell.world.value === world.value;
  return {
    root,
    style,
    deepspeed: shell?.megatronDeepSpeed ?? false,
    node,
    num,
    on: (dest) => {
      const n = node(dest);
      if (!n) return false;
      return style === 'shell' ? n.value !== false : isSwitchOn(n);
    },
    name,
    at,
    world: { value: world.value, source: fromScript ? `the launch: ${shell!.world.source}` : world.source, related },
  };
}

/** TP, PP, CP and the derived data-parallel size, as validate_args computes them. */
export function parallelLayout(args: MegatronArgs): { tp: number; pp: number; cp: number; product: number; dp?: number } {
  const tp = args.num('tensor_model_parallel_size') ?? 1;
  const pp = args.num('pipeline_model_parallel_size') ?? 1;
  const cp = args.num('context_parallel_size') ?? (args.deepspeed ? args.num('ds_sequence_parallel_size') ?? 1 : 1);
  const product = tp * pp * cp;
  const world = args.world.value;
  return { tp, pp, cp, product, dp: world !== undefined && world % product === 0 ? world / product : undefined };
}

function nemoArgs(root: ConfigNode, settings: Settings): MegatronArgs | undefined {
  const model = getChild(root, 'model');
  if (!model) return undefined;
  const node = (dest: string) => {
    const raw = getChild(model, NEMO_NAMES[dest] ?? dest);
    const resolved = resolveInterpolation(root, raw);
    return resolved && resolved.kind === 'scalar' && typeof resolved.value === 'string' && resolved.value.includes('${') ? undefined : resolved;
  };
  const num = (dest: string) => {
    const n = node(dest);
    return n && typeof n.value === 'number' && Number.isFinite(n.value) ? n.value : undefined;
  };
  const name = (dest: string) => `model.${NEMO_NAMES[dest] ?? dest}`;
  const world = worldSizeOf(settings);
  return {
    root: model,
    style: 'yaml',
    deepspeed: false,
    node,
    num,
    on: (dest) => isSwitchOn(node(dest)),
    name,
    at: (dest) => {
      const n = node(dest);
      return n ? { message: `${name(dest)} ${String(n.value ?? '')}`.trim(), range: n.range } : undefined;
    },
    world: { value: world.value, source: world.source === 'the configured world size' ? 'trainer.devices x trainer.num_nodes' : world.source, related: [] },
    // megatron_gpt_model.py: self.mcore_gpt = cfg.get('mcore_gpt', False) (likewise mcore_bert, mcore_t5).
    nemo: { mcore: ['mcore_gpt', 'mcore_bert', 'mcore_t5'].some((k) => isSwitchOn(getChild(model, k))) },
  };
}
