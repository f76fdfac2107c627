/**
 * What the literature says to do with the learning rate (and an EMA) when the global batch changes. Pure functions,
 * shared by the research rules, the language server's "Change global batch size" refactoring and `trainlint rescale`.
 * Every rule here is a heuristic with a stated source and caveats; none is presented as exact.
 */

/** Optimizer families as far as batch scaling is concerned. */
export type OptimizerKind = 'sgd' | 'adam' | 'lamb' | 'lars' | 'lion' | 'adafactor' | 'adaptive' | 'muon' | 'unknown';

/**
 * Maps the optimizer names frameworks use (HF `optim`, DeepSpeed `optimizer.type`, Megatron `--optimizer`, NeMo
 * `optim.name`, axolotl `optimizer`, GPT-NeoX `optimizer.type`) to a family; unknown names give 'unknown'.
 */
export function optimizerKind(name: string | undefined): OptimizerKind {
  if (!name) return 'unknown';
  const n = name.toLowerCase();
  if (/lars/.test(n)) return 'lars';
  if (/lamb/.test(n)) return 'lamb';
  if (/lion/.test(n)) return 'lion';
  if (/adafactor/.test(n)) return 'adafactor';
  if (/muon|soap|dion/.test(n)) return 'muon';
  if (/sgd|momentum/.test(n)) return 'sgd';
  // NeMo's mcore_distributed_optim is Megatron's distributed optimizer, Adam unless configured otherwise.
  if (/adam|ademamix|adan|mcore_distributed_optim/.test(n)) return 'adam';
  if (/rmsprop|adagrad|adadelta|novograd|sm3|madgrad/.test(n)) return 'adaptive';
  return 'unknown';
}

export type ScalingRule = 'linear' | 'square-root' | 'none' | 'not-invariant';

export interface ScalingOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** A schedule that claims batch-size independence (IBM's Power scheduler, with or without muP). */
  schedule?: 'power' | 'mup';
  /** Policy-optimization algorithms whose update size is not controlled by the LR alone. */
  algorithm?: 'ppo' | 'grpo' | 'rl';
}

export interface ScalingAdvice {
  rule: ScalingRule;
  kind: OptimizerKind;
  /** kappa = new global batch / old global batch. */
  ratio: number;
  /** The rescaled learning rate; absent for 'none' and 'not-invariant' or without an LR. */
  lr?: number;
  /**
   * Malladi et al.'s full square-root rule for Adam/RMSprop: 1 - beta -> kappa (1 - beta), eps -> eps / sqrt(kappa).
   * `valid` is false when kappa (1 - beta) reaches 1 (the rule leaves its regime).
   */
  adam?: { beta1?: number; beta2?: number; eps?: number; valid: boolean };
  /** One sentence: the rule and where it comes from. */
  summary: string;
  /** Why the result is a starting point for retuning, not an answer. */
  caveats: string[];
  sources: string[];
}

const GOYAL = 'Goyal et al., Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour (2017)';
const MALLADI = 'Malladi et al., On the SDEs and Scaling Rules for Adaptive Gradient Algorithms (NeurIPS 2022)';
const GRANZIOL = 'Granziol et al., Learning Rates as a Function of Batch Size: A Random Matrix Theory Approach (JMLR 2022)';
const SURGE = 'Li et al., Surge Phenomenon in Optimal Learning Rate and Batch Size Scaling (NeurIPS 2024)';
const HILTON = 'Hilton et al., Batch size-invariance for policy optimization (NeurIPS 2022)';
const POWER = 'Shen et al., Power Scheduler: A Batch Size and Token Number Agnostic Learning Rate Scheduler (2024)';
const LARS = 'You et al., Large Batch Training of Convolutional Networks (LARS, 2017)';

function round(value: number): number {
  return Number(value.toPrecision(3));
}

/**
 * The learning-rate rule that applies when the global batch goes from `oldGlobal` to `newGlobal`:
 * linear for SGD and momentum (Goyal et al.), square root for Adam-family optimizers (Malladi et al.; Granziol et al.),
 * none for schedules that claim batch-size independence (Power scheduler / muP), and a warning instead of a number for
 * PPO-style policy optimization (Hilton et al.).
 */
export function scalingAdvice(optimizer: string | OptimizerKind, oldGlobal: number, newGlobal: number, lr?: number, options: ScalingOptions = {}): ScalingAdvice {
  const known = ['sgd', 'adam', 'lamb', 'lars', 'lion', 'adafactor', 'adaptive', 'muon', 'unknown'];
  const kind: OptimizerKind = known.includes(optimizer) ? (optimizer as OptimizerKind) : optimizerKind(optimizer);
  const ratio = oldGlobal > 0 ? newGlobal / oldGlobal : NaN;
  const base = { kind, ratio };
  if (options.algorithm) {
    return {
      ...base,
      rule: 'not-invariant',
      summary: `${options.algorithm.toUpperCase()} is not batch-size invariant through the learning rate alone: it controls the size of policy updates by clipping and KL terms, so a batch change cannot be compensated by rescaling the LR (${HILTON}).`,
      caveats: ['Retune the LR, the clipping range and the KL coefficient together; outcomes also depend on the reward design (CaRL: Learning Scalable Planning Policies with Simple Rewards, 2025).'],
      sources: [HILTON],
    };
  }
  if (options.schedule) {
    return {
      ...base,
      rule: 'none',
      summary: `A Power scheduler${options.schedule === 'mup' ? ' with muP' : ''} is reported to keep one set of hyperparameters across batch sizes and token counts, so no manual rescale is suggested (${POWER}).`,
      caveats: ['The claim was measured on 3B dense and MoE models; check it on a short run at the new batch.'],
      sources: [POWER],
    };
  }
  if (!Number.isFinite(ratio) || ratio <= 0) {
    return { ...base, rule: 'none', summary: 'The batch ratio is unknown; no rescale can be computed.', caveats: [], sources: [] };
  }
  if (kind === 'sgd' || kind === 'lars') {
    // Goyal et al. 2017, Sec. 2.1: "When the minibatch size is multiplied by k, multiply the learning rate by k."
    const caveats = [`Pair the rescale with a gradual warmup (${GOYAL}, Sec. 2.2).`];
    if (newGlobal > 8192) caveats.push(`Above about 8K samples the linear rule with warmup can diverge; layer-wise scaling (LARS) went to 32K on ResNet-50 (${LARS}).`);
    return {
      ...base,
      rule: 'linear',
      lr: lr !== undefined ? round(lr * ratio) : undefined,
      summary: `Linear scaling for SGD with momentum: LR x ${round(ratio)} (${GOYAL}).`,
      caveats,
      sources: [GOYAL],
    };
  }
  if (kind === 'muon' || kind === 'unknown') {
    return {
      ...base,
      rule: 'none',
      summary: kind === 'muon' ? 'No established batch-scaling rule for orthogonalized-update optimizers (Muon, SOAP); retune the LR at the new batch.' : 'The optimizer is not known, so no scaling rule is chosen; retune the LR at the new batch.',
      caveats: [],
      sources: [],
    };
  }
  // Malladi et al. 2022, square-root scaling rule for Adam/RMSprop: eta -> sqrt(kappa) eta, 1 - beta_i -> kappa (1 - beta_i), eps -> eps / sqrt(kappa).
  const sqrt = Math.sqrt(ratio);
  let adam: ScalingAdvice['adam'];
  if (kind === 'adam' || kind === 'adaptive') {
    const scaleBeta = (beta: number | undefined) => (beta === undefined ? undefined : 1 - ratio * (1 - beta));
    const beta1 = scaleBeta(options.beta1);
    const beta2 = scaleBeta(options.beta2);
    const valid = [beta1, beta2].every((b) => b === undefined || (b > 0 && b < 1));
    adam = {
      beta1: beta1 === undefined ? undefined : Number(beta1.toPrecision(4)),
      beta2: beta2 === undefined ? undefined : Number(beta2.toPrecision(6)),
      eps: options.eps === undefined ? undefined : round(options.eps / sqrt),
      valid,
    };
  }
  const family = kind === 'lion' || kind === 'adafactor' || kind === 'lamb' ? ` (${kind === 'lamb' ? 'LAMB' : kind === 'lion' ? 'Lion' : 'Adafactor'} is treated as Adam-style; the derivation covers Adam and RMSprop)` : '';
  return {
    ...base,
    rule: 'square-root',
    lr: lr !== undefined ? round(lr * sqrt) : undefined,
    adam,
    summary: `Square-root scaling for adaptive optimizers: LR x sqrt(${round(ratio)}) = x ${round(sqrt)}${family} (${MALLADI}; ${GRANZIOL}).`,
    caveats: [
      `For Adam-style optimizers the optimal LR first rises and then falls as the batch grows, and the peak moves with training progress (${SURGE}): treat the rescale as a starting point and keep the current LR as an option.`,
      'The SDE rule holds in the noise-dominated regime (small batches relative to the gradient noise scale); near or above the critical batch the gain shrinks.',
    ],
    sources: [MALLADI, GRANZIOL, SURGE],
  };
}

/**
 * Busbridge et al., How to Scale Your EMA (NeurIPS 2023), EMA Scaling Rule: when the batch is scaled by kappa (and
 * the LR by the optimizer's rule), the model-EMA momentum becomes rho^kappa.
 */
export function emaDecayFor(decay: number, oldGlobal: number, newGlobal: number): number {
  const kappa = newGlobal / oldGlobal;
  // Busbridge et al. 2023, EMA Scaling Rule: rho_hat = rho^kappa.
  return Number(Math.pow(decay, kappa).toPrecision(6));
}

export const EMA_SOURCE = 'Busbridge et al., How to Scale Your EMA (NeurIPS 2023), the EMA Scaling Rule rho -> rho^kappa';
