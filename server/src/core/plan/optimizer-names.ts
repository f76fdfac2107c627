import type { OptimizerType } from '../estimate/plan';

/**
 * Maps the optimizer names frameworks use (HF `optim`, DeepSpeed `optimizer.type`, Megatron `--optimizer`,
 * NeMo `optim.name`) to the estimator's optimizer families; unknown names give undefined.
 */
export function optimizerFamily(name: string | undefined): OptimizerType | undefined {
  if (!name) return undefined;
  const n = name.toLowerCase();
  if (/8bit|8_bit|bnb/.test(n) && /adam/.test(n)) return 'adam8bit';
  if (/lion/.test(n)) return 'lion';
  if (/adafactor/.test(n)) return 'adafactor';
  if (/muon/.test(n)) return 'muon';
  if (/sgd/.test(n)) return 'sgd';
  if (/adamw/.test(n)) return 'adamw';
  // NeMo's distributed_fused_adam and mcore_distributed_optim run Adam (with decoupled weight decay by default).
  if (/adam|lamb|distributed_optim/.test(n)) return 'adam';
  return undefined;
}
