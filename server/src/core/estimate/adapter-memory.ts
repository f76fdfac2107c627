import { queryWidth, type ParameterCounts } from './parameters';
import type { AdapterSpec, TrainingPlan } from './plan';

// bitsandbytes 4-bit (Params4bit, functional.quantize_4bit): two 4-bit codes per byte and one fp32 absmax per block of
// 64 weights (transformers' bnb integration uses blocksize 64): 32/64 = 0.5 bits of constants per weight.
const NF4_CONSTANT_BITS = 32 / 64;
// QLoRA (Dettmers et al. 2023, Sec. 3 "Double Quantization"): the absmax constants quantized to 8 bits in blocks of
// 256 with one fp32 second-level constant each: 8/64 + 32/(64 x 256) = 0.127 bits per weight.
const NF4_DOUBLE_QUANT_CONSTANT_BITS = 8 / 64 + 32 / (64 * 256);
// LLM.int8 (Dettmers et al. 2022; bitsandbytes Int8Params): int8 weights with one fp32 scale per output row (SCB), under
// 0.01 bit per weight at LLM widths: counted as 8 bits.
const INT8_BITS = 8;
// AutoGPTQ QuantLinear, group_size 128 (Qwen-7B-Chat-Int4 quantize_config.json): per group of 128 weights one fp16
// scale and one 4-bit zero point per output row: (16 + 4) / 128 bits per weight beside the 4-bit codes.
const GPTQ_CONSTANT_BITS = (16 + 4) / 128;

/** How the frozen base weights are held on the GPU. */
export interface FrozenBase {
  /** Bytes per parameter averaged over the whole model (quantized linear layers, 16-bit embeddings and output layer). */
  bytesPerParam: number;
  /** Bits per weight of the quantized linear layers, block constants included (16 without quantization). */
  linearBits: number;
  /**
   * Bytes per parameter (averaged like bytesPerParam) of the 4-bit block constants. bitsandbytes keeps them in the
   * weight's QuantState, a tensor attribute and not a parameter: FSDP neither shards nor offloads them, so every GPU
   * holds all of its layers' constants.
   */
  constantsPerParam: number;
  /** ZeRO-3 / FSDP full shard divides them over the data-parallel ranks. */
  sharded: boolean;
  assumptions: string[];
}

/** Bits per base weight of an adapter's frozen linear layers. */
export function baseBitsOf(adapter: AdapterSpec): number {
  return adapter.baseBits ?? (adapter.type === 'qlora' ? 4 : 16);
}

/** Frozen base weights: quantized linear layers (bitsandbytes replaces every nn.Linear but lm_head), 16-bit embeddings. */
export function frozenBase(plan: TrainingPlan, counts: ParameterCounts): FrozenBase | undefined {
  const adapter = plan.adapter;
  if (!adapter) return undefined;
  const bits = baseBitsOf(adapter);
  const assumptions: string[] = [];
  if (bits >= 16) return { bytesPerParam: 2, linearBits: 16, constantsPerParam: 0, sharded: true, assumptions: ['LoRA base: frozen weights in 16 bits'] };
  let dataBits = INT8_BITS;
  let constantBits = 0;
  if (bits === 4 && adapter.gptq) {
    dataBits = 4;
    constantBits = GPTQ_CONSTANT_BITS;
    assumptions.push(`4-bit GPTQ base: linear layers at ${(4 + constantBits).toFixed(3)} bits per weight (group size 128, fp16 scales and 4-bit zero points), embeddings and output layer at 16 bits`);
  } else if (bits === 4) {
    const doubleQuant = adapter.doubleQuant ?? true;
    dataBits = 4;
    constantBits = doubleQuant ? NF4_DOUBLE_QUANT_CONSTANT_BITS : NF4_CONSTANT_BITS;
    assumptions.push(`4-bit base: linear layers at ${(4 + constantBits).toFixed(3)} bits per weight (NF4 with ${doubleQuant ? 'double-quantized' : 'fp32'} block constants${adapter.doubleQuant === undefined ? ', double quantization assumed' : ''}; the constants on every GPU), embeddings and output layer at 16 bits`);
  } else {
    assumptions.push('8-bit base: linear layers in LLM.int8 (8 bits per weight), embeddings and output layer at 16 bits');
  }
  // transformers' FSDP-QLoRA integration: FSDP flattens a layer's parameters into one tensor of one dtype, so the packed
  // 4-bit weights are sharded only when stored in the float dtype of the rest (bnb_4bit_quant_storage, PEFT docs
  // accelerate/fsdp.md); bitsandbytes' default uint8 storage cannot be sharded with them.
  // A GPTQ layer's codes, scales and zeros are buffers (AutoGPTQ QuantLinear register_buffer), which neither ZeRO-3 nor
  // FSDP shards.
  const sharded = !adapter.gptq && (bits !== 4 || (adapter.quantStorage !== undefined && adapter.quantStorage !== 'uint8'));
  if (adapter.gptq && (plan.fsdp === 'full-shard' || plan.zero?.stage === 3)) {
    assumptions.push('GPTQ weights are buffers, not parameters: counted unsharded on every GPU');
  } else if (!sharded && (plan.fsdp === 'full-shard' || plan.zero?.stage === 3)) {
    assumptions.push('4-bit weights in uint8 storage (bnb_4bit_quant_storage not set to a float dtype): counted unsharded on every GPU');
  }
  const linear = counts.total - counts.embedding - counts.lmHead;
  const total = Math.max(1, counts.total);
  const bytes = linear * (dataBits / 8) + (counts.embedding + counts.lmHead) * 2;
  return { bytesPerParam: bytes / total, linearBits: dataBits + constantBits, constantsPerParam: (linear * constantBits) / 8 / total, sharded, assumptions };
}

/**
 * The quantized base is dequantized into the compute dtype one weight matrix at a time (bitsandbytes matmul_4bit /
 * MatMul8bitLt, forward and backward): the largest linear weight in 16 bits is live during each GEMM. DoRA also forms
 * W + BA and its column norms each step (PEFT tuners/lora/dora.py DoraLinearLayer.get_weight_norm): two more.
 */
export function dequantizedWeightBytes(plan: TrainingPlan): number {
  const adapter = plan.adapter;
  if (!adapter) return 0;
  const model = plan.model ?? {};
  const h = model.hiddenSize ?? 0;
  const largest = h * Math.max(model.ffnHiddenSize ?? 4 * h, model.moeFfnHiddenSize ?? 0, queryWidth(model));
  const copies = (baseBitsOf(adapter) < 16 ? 1 : 0) + (adapter.dora ? 2 : 0);
  return copies * largest * 2;
}

/**
 * What LoRA adds to one layer's stored activations: PEFT's LoRA forward computes lora_B(lora_A(dropout(x))), so with
 * lora_dropout > 0 each adapted module keeps its own dropped-out copy of its input (16 bits) and the mask (1 byte)
 * for the backward pass; the rank-r intermediate is negligible. Without dropout lora_A reuses the base layer's input.
 */
export function loraLayerActivationBytes(plan: TrainingPlan): number {
  const adapter = plan.adapter;
  if (!adapter || !(adapter.dropout && adapter.dropout > 0)) return 0;
  const model = plan.model ?? {};
  const h = model.hiddenSize ?? 0;
  const inputs: Record<string, number> = {
    q_proj: h, k_proj: h, v_proj: h, o_proj: queryWidth(model), gate_proj: model.glu ? h : 0, up_proj: h, down_proj: model.ffnHiddenSize ?? 4 * h,
  };
  const modules = adapter.targetModules ?? ['q_proj', 'v_proj'];
  const names = modules.includes('all-linear') ? Object.keys(inputs) : modules;
  const width = names.reduce((sum, name) => sum + (inputs[name] ?? 0), 0);
  const tokens = (model.seqLength ?? 0) * (plan.batch?.micro ?? 1);
  return 3 * tokens * width;
}
