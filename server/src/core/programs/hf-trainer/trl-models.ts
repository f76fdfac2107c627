import { getChild, type ConfigNode } from '../../syntax/config-tree';
import type { ExtraModelSpec, TrainingPlan, VllmSpec } from '../../estimate/plan';
import { flag, num, str } from '../../plan/anchors';

/** TRL trainers told apart by the config keys only one of them defines (trl/trainer/*_config.py, trl 0.9 to 1.16). */
type TrlTrainer = 'DPO' | 'KTO' | 'CPO' | 'GRPO' | 'RLOO' | 'PPO' | 'preference';

// KTOConfig: desirable_weight, undesirable_weight. CPOConfig: cpo_alpha, simpo_gamma (SimPO is CPO's loss_type).
// RLOOConfig before its GRPO-style rewrite (trl 0.19): rloo_k with reward_model_path, normalize_reward, reward_clip_range,
// token_level_kl. PPOConfig: vf_coef, cliprange_value, num_ppo_epochs, reward_model_path, sft_model_path.
// GRPOConfig (and RLOOConfig from trl 0.21): num_generations, use_vllm; the TRL grpo script's reward_funcs.
// DPOConfig: the reference-model switches below.
const KTO_KEYS = ['desirable_weight', 'undesirable_weight'];
const CPO_KEYS = ['cpo_alpha', 'simpo_gamma'];
const LEGACY_RLOO_KEYS = ['normalize_reward', 'reward_clip_range', 'token_level_kl'];
const PPO_KEYS = ['vf_coef', 'cliprange_value', 'num_ppo_epochs', 'reward_model_path', 'sft_model_path'];
const GRPO_KEYS = ['num_generations', 'reward_funcs', 'use_vllm', 'vllm_mode', 'vllm_gpu_memory_utilization'];
const DPO_KEYS = [
  'precompute_ref_log_probs', 'reference_free', 'rpo_alpha', 'ref_model_mixup_alpha', 'ref_model_sync_steps', 'sync_ref_model',
  'force_use_ref_model', 'ref_model_init_kwargs', 'ref_adapter_name', 'model_adapter_name', 'f_divergence_type', 'use_weighting', 'ld_alpha',
];

// trl ppo_config.py / rloo_config.py (OnPolicyConfig): reward_model_path and sft_model_path default to "EleutherAI/pythia-160m".
const ON_POLICY_DEFAULT_MODEL = 'EleutherAI/pythia-160m';

const SOURCES: Record<string, string> = {
  DPO: 'huggingface/trl trl/trainer/dpo_trainer.py: a reference model unless PEFT or precompute_ref_log_probs',
  KTO: 'huggingface/trl trl/trainer/kto_trainer.py: a reference model unless PEFT or precompute_ref_log_probs',
  GRPO: 'huggingface/trl trl/trainer/grpo_trainer.py: a reference model unless beta == 0.0 (trl >= 0.16) or PEFT; reward_funcs given as model ids load AutoModelForSequenceClassification',
  RLOO: 'huggingface/trl trl/trainer/rloo_trainer.py: policy, ref_policy and reward_model (before trl 0.21); a reference model unless beta == 0.0 after',
  PPO: 'huggingface/trl trl/trainer/ppo_trainer.py (policy, ref_model, reward_model, value_model; PolicyAndValueWrapper trains the value model) and examples/scripts/ppo/ppo.py (value and reward models from reward_model_path)',
};

const has = (root: ConfigNode, keys: string[]) => keys.some((k) => getChild(root, k) !== undefined);

function trainerOf(root: ConfigNode): TrlTrainer | undefined {
  if (has(root, KTO_KEYS)) return 'KTO';
  if (has(root, CPO_KEYS)) return 'CPO';
  const rloo = getChild(root, 'rloo_k') !== undefined || has(root, LEGACY_RLOO_KEYS);
  if (has(root, GRPO_KEYS)) return rloo ? 'RLOO' : 'GRPO';
  if (rloo) return 'RLOO';
  if (has(root, PPO_KEYS)) return 'PPO';
  if (has(root, DPO_KEYS)) return 'DPO';
  if (getChild(root, 'beta') !== undefined) return 'preference';
  return undefined;
}

/** Model ids among reward_funcs: TRL's grpo script resolves names without a slash to its own reward functions. */
function rewardModelIds(root: ConfigNode): string[] {
  const node = getChild(root, 'reward_funcs');
  const values = node?.kind === 'array' ? node.children.map((c) => str(c)) : [str(node)];
  return values.filter((v): v is string => v !== undefined && v.includes('/'));
}

function vllmOf(root: ConfigNode): VllmSpec | undefined {
  if (flag(getChild(root, 'use_vllm')) !== true) return undefined;
  // Unset, the mode depends on the release (grpo_config.py: "server" up to trl 0.28, "colocate" from 1.0): left undecided.
  const mode = str(getChild(root, 'vllm_mode'));
  return {
    colocate: mode === undefined ? undefined : mode !== 'server',
    gpuMemoryUtilization: num(getChild(root, 'vllm_gpu_memory_utilization')),
    sleepMode: flag(getChild(root, 'vllm_enable_sleep_mode')) === true ? true : undefined,
  };
}

/** The reference model of an offline preference trainer (DPO, KTO), or why there is none. */
function offlineReference(trainer: 'DPO' | 'KTO', root: ConfigNode, peft: boolean, notes: string[]): ExtraModelSpec[] {
  if (peft) {
    notes.push(`${trainer} with a PEFT adapter: the reference is the base model with the adapter disabled, no second copy (TRL ${trainer.toLowerCase()}_trainer.py)`);
    return [];
  }
  if (flag(getChild(root, 'precompute_ref_log_probs')) === true) {
    notes.push(`${trainer} precompute_ref_log_probs: reference log-probs are computed once before training, no reference model is held while training (TRL ${trainer.toLowerCase()}_trainer.py; trl 1.0 and 1.1 keep it loaded, trl >= 1.2 with FSDP loads it for the precomputation and then frees it)`);
    return [];
  }
  // dpo_trainer.py (trl <= 0.28) creates the reference model whatever reference_free says; the loss only skips it.
  if (flag(getChild(root, 'reference_free')) === true) notes.push('DPO reference_free: the reference model is still created and held (TRL dpo_trainer.py up to 0.28, which removed the key); counted');
  return [{ role: 'reference', trainer, source: SOURCES[trainer] }];
}

/** GRPO/RLOO: a reference model unless beta is 0.0 or an adapter is trained; reward models named among reward_funcs. */
function onlineModels(trainer: 'GRPO' | 'RLOO', root: ConfigNode, peft: boolean, notes: string[]): ExtraModelSpec[] {
  const models: ExtraModelSpec[] = [];
  const beta = num(getChild(root, 'beta'));
  // grpo_config.py beta default: 0.04 up to trl 0.18, 0.0 from 0.19; rloo_config.py (GRPO-style, trl >= 0.21): 0.05.
  const legacy = trainer === 'RLOO' && getChild(root, 'reward_model_path') !== undefined;
  const effective = beta ?? (trainer === 'RLOO' ? 0.05 : 0);
  if (peft) notes.push(`${trainer} with a PEFT adapter: the reference is the base model with the adapter disabled, no second copy`);
  else if (effective !== 0 || legacy) models.push({ role: 'reference', trainer, source: SOURCES[trainer] });
  else if (beta === undefined) {
    models.push({
      role: 'reference', trainer, source: SOURCES.GRPO,
      onlyIf: 'beta is not set, and GRPOConfig\'s default is 0.0 (no reference model) from trl 0.19 but 0.04 (a reference model) before',
    });
  } else notes.push(`${trainer} beta = 0.0: no reference model (TRL ${trainer.toLowerCase()}_trainer.py: "If beta is 0.0, the reference model is not needed")`);
  if (legacy) models.push({ role: 'reward', trainer, name: str(getChild(root, 'reward_model_path')), scalarHead: true, source: SOURCES.RLOO });
  for (const id of rewardModelIds(root)) models.push({ role: 'reward', trainer, name: id, scalarHead: true, source: SOURCES[trainer] });
  return models;
}

function ppoModels(root: ConfigNode, peft: boolean, notes: string[]): ExtraModelSpec[] {
  const rewardPath = str(getChild(root, 'reward_model_path'));
  if (!rewardPath) notes.push(`PPO reward_model_path not set: the PPOConfig default ${ON_POLICY_DEFAULT_MODEL} sizes the reward and value models`);
  const name = rewardPath ?? ON_POLICY_DEFAULT_MODEL;
  const models: ExtraModelSpec[] = [
    { role: 'reward', trainer: 'PPO', name, scalarHead: true, source: SOURCES.PPO },
    { role: 'value', trainer: 'PPO', name, scalarHead: true, trained: true, source: SOURCES.PPO },
  ];
  if (peft) notes.push('PPO with a PEFT adapter: the reference is the policy with the adapter disabled, no second copy');
  else models.unshift({ role: 'reference', trainer: 'PPO', source: SOURCES.PPO });
  return models;
}

/**
 * The models a TRL run holds besides the policy, read from its config's keys (TRL's trainers are TrainingArguments
 * subclasses; the file does not name its class, so the keys only one config defines tell them apart). Adds to `plan`
 * and says in `notes` what was decided and why.
 */
export function applyTrlModels(root: ConfigNode, plan: TrainingPlan, notes: string[]): void {
  const trainer = trainerOf(root);
  if (!trainer) return;
  const peft = plan.adapter !== undefined;
  let models: ExtraModelSpec[] = [];
  if (trainer === 'DPO' || trainer === 'KTO') models = offlineReference(trainer, root, peft, notes);
  else if (trainer === 'CPO') notes.push('CPO/SimPO (cpo_alpha, simpo_gamma): reference-free, no second model (TRL cpo_trainer.py)');
  else if (trainer === 'GRPO' || trainer === 'RLOO') models = onlineModels(trainer, root, peft, notes);
  else if (trainer === 'PPO') models = ppoModels(root, peft, notes);
  else if (!peft && flag(getChild(root, 'precompute_ref_log_probs')) !== true) {
    models = [{
      role: 'reference',
      onlyIf: 'beta is a field of DPOConfig, KTOConfig, ORPOConfig and CPOConfig, and only DPO and KTO hold a reference model (ORPO, CPO and SimPO are reference-free)',
      source: SOURCES.DPO,
    }];
  }
  if (models.length > 0) plan.extraModels = models;
  const vllm = vllmOf(root);
  if (vllm) plan.vllm = vllm;
}
