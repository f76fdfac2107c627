import { findGpu } from '../catalog/find-gpu';
import type { TrainingPlan } from './plan';

/**
 * Speed of fused (Flash) attention kernels as a share of the GPU's 16-bit peak, by sequence length. Each curve is
 * share(s) = max x s / (s + sHalf), fitted (least squares on relative error, all within 2.5%) to the TFLOP/s that Shah et
 * al. 2024 (FlashAttention-3, arXiv 2407.08608) Fig. 5-6 measured on an H100 SXM5 (989 TFLOP/s BF16 peak), head dim 128,
 * 16K tokens per batch, at sequence lengths 512-16K. Those TFLOP/s count causal work once (masked half excluded).
 */
export interface KernelCurve {
  /** Asymptotic share of the 16-bit peak. */
  max: number;
  /** Sequence length at which the kernel reaches half its asymptotic speed. */
  sHalf: number;
}

export interface AttentionKernel {
  name: string;
  causalForward: KernelCurve;
  /** Unmasked blocks (the off-diagonal steps of ring attention) run at the non-causal forward speed. */
  forward: KernelCurve;
  /** The paper measured the backward pass without a mask only; it is used for causal backward passes too. */
  backward: KernelCurve;
}

// FA3 paper Fig. 5-6, FlashAttention-2 bars: causal fwd 191-335, fwd 309-370, bwd 214-322 TFLOP/s at 512-16K.
export const FLASH_ATTENTION_2_H100: AttentionKernel = {
  name: 'FlashAttention-2',
  causalForward: { max: 351 / 989, sHalf: 405 },
  forward: { max: 377 / 989, sHalf: 105 },
  backward: { max: 329 / 989, sHalf: 275 },
};

// FA3 paper Fig. 5-6, cuDNN bars: causal fwd 315-539, fwd 497-617, bwd 305-516 TFLOP/s at 512-16K.
export const CUDNN_FUSED_ATTENTION_H100: AttentionKernel = {
  name: 'cuDNN fused attention',
  causalForward: { max: 561 / 989, sHalf: 385 },
  forward: { max: 620 / 989, sHalf: 110 },
  backward: { max: 542 / 989, sHalf: 375 },
};

// FlashAttention-2 (Dao 2023): the backward pass recomputes the scores, 5 matmuls against the forward's 2 (2.5x the forward).
const FLASH_BACKWARD_RATIO = 2.5;
// FlashAttention-2 paper (Dao 2023) abstract: 50-73% of the A100's theoretical peak; the H100 curves' shape is kept.
const AMPERE_FLASH_ATTENTION_2_SHARE = 0.73;

/** Share of the peak a kernel curve gives at sequence length s. */
export function kernelShare(curve: KernelCurve, s: number): number {
  return (curve.max * s) / (s + curve.sHalf);
}

/**
 * Hopper (H100/H200/H800/GH200, sm90) and Blackwell (B100/B200/GB200/B300/GB300, sm100) parts, by catalog id: the name
 * as given is resolved first, so "NVIDIA H100 80GB HBM3" (what torch reports) counts as "h100-sxm" does.
 */
export function hopperOrLater(gpu: string | undefined): boolean {
  const id = gpu === undefined ? undefined : findGpu(gpu)?.id;
  return /^(g?h(100|200|800)|g?b(100|200|300))/i.test(id ?? '');
}

/**
 * The kernel a plan's attention runs. Megatron and NeMo go through Transformer Engine, whose get_attention_backend()
 * disables FlashAttention "to give FusedAttention preference on Hopper+" (transformer_engine/pytorch/attention/
 * dot_product_attention/utils.py). PyTorch SDPA (FSDP, HF, DeepSpeed stacks) made cuDNN opt-in after 2.5 (pytorch#138649,
 * PR #138522) and dispatches to its FlashAttention-2 backend; torchtitan's context parallelism pins that backend
 * (torchtitan utils.py get_train_context at ba24697, Dec 2024). On A100 and older parts FlashAttention-2 reaches 73% of peak.
 */
export function attentionKernel(plan: TrainingPlan): AttentionKernel {
  const hopper = hopperOrLater(plan.hardware?.gpu);
  if (hopper && plan.framework === 'megatron') return CUDNN_FUSED_ATTENTION_H100;
  if (hopper) return FLASH_ATTENTION_2_H100;
  const scale = AMPERE_FLASH_ATTENTION_2_SHARE / FLASH_ATTENTION_2_H100.causalForward.max;
  const scaled = (c: KernelCurve): KernelCurve => ({ max: Math.min(1, c.max * scale), sHalf: c.sHalf });
  const k = FLASH_ATTENTION_2_H100;
  return { name: 'FlashAttention-2 (A100)', causalForward: scaled(k.causalForward), forward: scaled(k.forward), backward: scaled(k.backward) };
}

/**
 * Seconds per forward-equivalent FLOP of causal attention on one GPU (forward, backward at 2.5x the forward's FLOPs,
 * and `recomputeForwards` repeated forwards), divided by `achieved` (the share of the kernel benchmark reached in
 * training). With context parallelism the sequence is cut into 2 cp chunks (load-balanced ring attention: Megatron/TE
 * and torchtitan): each rank's kernels see s/cp queries, and only the diagonal step (1/(2 cp) of the work) is masked.
 */
export function attentionSecondsPerFlop(kernel: AttentionKernel, seqLength: number, cp: number, recomputeForwards: number, peak16: number, achieved: number): number {
  const local = seqLength / Math.max(1, cp);
  const causalShare = cp > 1 ? 1 / (2 * cp) : 1;
  const forward = causalShare / kernelShare(kernel.causalForward, local) + (1 - causalShare) / kernelShare(kernel.forward, local);
  const backward = FLASH_BACKWARD_RATIO / kernelShare(kernel.backward, local);
  return ((1 + recomputeForwards) * forward + backward) / (peak16 * achieved);
}
