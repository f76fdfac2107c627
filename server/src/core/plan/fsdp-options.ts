import { getChild, type ConfigNode } from '../syntax/config-tree';
import type { TrainingPlan } from '../estimate/plan';
import { flag, num, str } from './anchors';

/** What a TrainingArguments or axolotl file says about PyTorch FSDP. */
export interface FsdpOptions {
  sharding?: 'full-shard' | 'shard-grad-op';
  /** FSDP CPUOffload(offload_params=True): sharded parameters and gradients on the host, the optimizer step there too. */
  offload: boolean;
  version: 1 | 2;
  /** Accumulation micro-steps run without reduce-scatter, holding unsharded gradients until the last one. */
  noSync: boolean;
  notes: string[];
}

/** FSDP options as a list (`[full_shard, auto_wrap]`) or a space-separated string (`"full_shard auto_wrap"`). */
function optionWords(node: ConfigNode | undefined): string[] {
  if (!node) return [];
  if (node.kind === 'array') return node.children.map((c) => String(c.value ?? '').toLowerCase());
  return (str(node) ?? '').toLowerCase().split(/[\s,]+/).filter(Boolean);
}

/** A key of fsdp_config with or without its `fsdp_` prefix (transformers and axolotl strip it). */
function configKey(config: ConfigNode | undefined, name: string): ConfigNode | undefined {
  if (config?.kind !== 'object') return undefined;
  return getChild(config, name) ?? getChild(config, `fsdp_${name}`);
}

/** accelerator_config as a mapping, or as the JSON string a launch script passes. */
function syncEachBatch(root: ConfigNode): boolean {
  const config = getChild(root, 'accelerator_config');
  if (config?.kind === 'object') return flag(getChild(getChild(config, 'gradient_accumulation_kwargs') ?? config, 'sync_each_batch')) === true;
  const text = str(config);
  if (!text?.trim().startsWith('{')) return false;
  try {
    const parsed = JSON.parse(text) as { gradient_accumulation_kwargs?: { sync_each_batch?: unknown } };
    return parsed.gradient_accumulation_kwargs?.sync_each_batch === true;
  } catch {
    return false;
  }
}

/**
 * What turns FSDP on, by program: TrainingArguments' `fsdp` options (`fsdp`), those or an `fsdp_config` section alone
 * (axolotl: `fsdp-or-config`), accelerate's `distributed_type: FSDP` (`distributed_type`).
 */
export type FsdpSwitch = 'fsdp' | 'fsdp-or-config' | 'distributed_type';

function enabled(on: FsdpSwitch, root: ConfigNode, words: string[]): boolean {
  if (on === 'distributed_type') return str(getChild(root, 'distributed_type'))?.toUpperCase() === 'FSDP';
  return words.length > 0 || (on === 'fsdp-or-config' && getChild(root, 'fsdp_config')?.kind === 'object');
}

/**
 * FSDP as the HF Trainer runs it (`fsdp` options and `fsdp_config`; axolotl also enables it with `fsdp_config` alone
 * and reads `fsdp_version`; accelerate with `distributed_type: FSDP`). undefined when FSDP is off or does not shard
 * (NO_SHARD is DDP).
 */
function fsdpOptionsOf(on: FsdpSwitch, root: ConfigNode): FsdpOptions | undefined {
  const words = optionWords(getChild(root, 'fsdp'));
  const config = getChild(root, 'fsdp_config');
  if (!enabled(on, root, words)) return undefined;
  // axolotl: fsdp_config without fsdp_version means version 1; transformers and accelerate read fsdp_config's version (default 1).
  const version = (num(getChild(root, 'fsdp_version')) ?? num(configKey(config, 'version'))) === 2 ? 2 : 1;
  // accelerate stores an FSDP1 strategy name in fsdp_reshard_after_forward; FSDP2 a boolean there.
  const reshardNode = configKey(config, 'reshard_after_forward');
  const reshardText = str(reshardNode)?.toLowerCase();
  const reshardIsSwitch = typeof reshardNode?.value === 'boolean' || reshardText === 'true' || reshardText === 'false';
  const strategy = (str(configKey(config, 'sharding_strategy'))?.toLowerCase() ?? (reshardIsSwitch ? undefined : reshardText) ?? '');
  const reshard = reshardIsSwitch ? flag(reshardNode) : undefined;
  const notes: string[] = [];
  // Hybrid sharding shards within a node and replicates across nodes: counted as sharding over every data-parallel rank,
  // a lower bound on memory, so an out-of-memory finding on it holds for the real layout.
  const hybrid = words.some((w) => w.startsWith('hybrid_shard')) || strategy.startsWith('hybrid_shard');
  if (hybrid) notes.push('FSDP hybrid sharding counted as sharding over all data-parallel ranks (it shards within a node): memory is a lower bound');
  let sharding: FsdpOptions['sharding'];
  const gradOp = ['shard_grad_op', 'hybrid_shard_zero2', '2', '5'];
  const full = ['full_shard', 'hybrid_shard', '1', '4'];
  if (words.some((w) => gradOp.includes(w)) || gradOp.includes(strategy) || reshard === false) sharding = 'shard-grad-op';
  else if (words.some((w) => full.includes(w)) || full.includes(strategy) || (words.length === 0 && !strategy)) sharding = 'full-shard';
  if (!sharding) return undefined;
  const offload = words.includes('offload') || flag(configKey(config, 'offload_params')) === true;
  const synced = syncEachBatch(root);
  // torch FSDP.no_sync(): "accumulate the full model gradients (instead of gradient shards) until the eventual sync";
  // the Trainer enters it through accelerate on every accumulation micro-step. FSDP2 modules have no no_sync(), and
  // accelerate only maps it to set_requires_gradient_sync(False) from PR #3762 (2025-09): not assumed there.
  const noSync = version === 1 && !synced;
  if (version === 2 && !synced) notes.push('FSDP2: gradients counted as reduce-scattered every micro-batch (accelerate before 1.11 has no no_sync for FSDP2; set fsdpNoSync in a plan to count unsharded accumulation)');
  return { sharding, offload, version, noSync, notes };
}

/** Writes what the file says about FSDP into the plan (framework, sharding, no_sync, offload); nothing when FSDP is off. */
export function applyFsdpOptions(on: FsdpSwitch, root: ConfigNode, plan: TrainingPlan, notes: string[]): void {
  const fsdp = fsdpOptionsOf(on, root);
  if (!fsdp) return;
  plan.framework = 'fsdp';
  plan.fsdp = fsdp.sharding;
  plan.fsdpNoSync = fsdp.noSync;
  // FSDP CPUOffload moves the sharded parameters and gradients to the host and runs the optimizer step there.
  if (fsdp.offload) plan.zero = { ...plan.zero, offloadParams: 'cpu', offloadOptimizer: 'cpu' };
  notes.push(...fsdp.notes);
}
