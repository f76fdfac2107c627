// Published peak GPU memory of full training runs (no adapter), each as the plan that describes it, and published
// out-of-memory claims. bench/memory-accuracy.ts prints them with the adapter cases; test/estimate/memory-published
// holds the estimator to the out-of-memory checks.
import type { ModelSpec, TrainingPlan } from '../server/src/core/estimate/plan';

export interface MemoryCase {
  id: string;
  source: string;
  url: string;
  /** The published figure in `unit` (absent for an out-of-memory claim). */
  published?: number;
  /** GB = 1e9 bytes, GiB and MiB as the source's code computes them (a figure printed as "MB" from x // 1024**2 is MiB). */
  unit: 'GB' | 'GiB' | 'MiB';
  /** What the source measured: torch.cuda.max_memory_allocated / max_memory_reserved, NVML used memory, or an OOM. */
  measure: string;
  plan: TrainingPlan;
  /**
   * 'worked': the source ran it on the plan's GPU, so an estimate above the GPU's capacity is a false out-of-memory.
   * 'oom': the source says it ran out of memory there, so the estimate must exceed the capacity.
   * 'figure-only': a measured figure on a GPU other than the plan's (or a limit set below it): compared, not checked.
   */
  outcome: 'worked' | 'oom' | 'figure-only';
}

// Transformers docs "Efficient Training on a Single GPU" (v4.18-v4.26, docs/source/en/perf_train_gpu_one.mdx): BERT-large
// (AutoModelForSequenceClassification, bert-large-uncased) on a Tesla V100-SXM2 16 GB, dummy data of 512 sequences x 512
// tokens, HF Trainer defaults (AdamW, fp32, dropout 0.1, eager attention). print_gpu_utilization prints NVML
// memory used as info.used // 1024**2 "MB", i.e. MiB, read after trainer.train() returns: the CUDA context (the page
// measures 1343 MB with one tensor) plus what PyTorch's caching allocator still reserves.
const HF = 'Transformers docs, Efficient Training on a Single GPU (BERT-large on a V100 16 GB, NVML used memory)';
const HF_URL = 'https://huggingface.co/docs/transformers/v4.21.0/en/perf_train_gpu_one';
// bert-large-uncased config.json: 24 layers, hidden 1024, intermediate 4096, 16 heads, vocabulary 30522, 512 learned
// positions, LayerNorm, biases everywhere, GELU (no GLU), hidden and attention dropout 0.1. The classification model
// has no output layer over the vocabulary; the estimator still counts the vocabulary logits a language model would
// hold (8sbv bytes, 485 MiB at batch 4), which the measurement does not include.
const BERT_LARGE: ModelSpec = {
  layers: 24, hiddenSize: 1024, ffnHiddenSize: 4096, heads: 16, kvHeads: 16, vocabSize: 30522, maxPositions: 512, seqLength: 512,
  glu: false, tiedEmbeddings: true, norm: 'layernorm', positionEmbedding: 'learned', attentionBias: 'all', mlpBias: true, dropout: true,
};
function bert(micro: number, gradAccum: number, extra: Partial<TrainingPlan> = {}): TrainingPlan {
  return {
    framework: 'plain', precision: 'fp32', recompute: 'none', flashAttention: false, model: BERT_LARGE, batch: { micro, gradAccum },
    parallel: { worldSize: 1 }, hardware: { gpu: 'v100-16gb' }, optimizer: { type: 'adamw' }, ...extra,
  };
}
const AC: Partial<TrainingPlan> = { recompute: 'full' };
const FP16: Partial<TrainingPlan> = { precision: 'fp16' };
const hfCases: MemoryCase[] = [
  // "TrainingArguments(per_device_train_batch_size=4, **default_args)"
  { id: 'hf-bert-large-b4', published: 14949, plan: bert(4, 1) },
  // "per_device_train_batch_size=1, gradient_accumulation_steps=4"
  { id: 'hf-bert-large-b1-ga4', published: 8681, plan: bert(1, 4) },
  // "... gradient_checkpointing=True"
  { id: 'hf-bert-large-b1-ga4-ckpt', published: 6775, plan: bert(1, 4, AC) },
  // "per_device_train_batch_size=4, fp16=True"
  { id: 'hf-bert-large-b4-fp16', published: 13939, plan: bert(4, 1, FP16) },
  // "per_device_train_batch_size=1, gradient_accumulation_steps=4, gradient_checkpointing=True, fp16=True"
  { id: 'hf-bert-large-b1-ga4-ckpt-fp16', published: 7275, plan: bert(1, 4, { ...AC, ...FP16 }) },
  // "per_device_train_batch_size=4, optim="adafactor""
  { id: 'hf-bert-large-b4-adafactor', published: 12295, plan: bert(4, 1, { optimizer: { type: 'adafactor' } }) },
  // the same with batch 1, accumulation 4, checkpointing and fp16
  { id: 'hf-bert-large-b1-ga4-ckpt-fp16-adafactor', published: 4847, plan: bert(1, 4, { ...AC, ...FP16, optimizer: { type: 'adafactor' } }) },
  // bnb.optim.Adam8bit passed as the Trainer's optimizer, batch 4
  { id: 'hf-bert-large-b4-adam8bit', published: 13085, plan: bert(4, 1, { optimizer: { type: 'adam8bit' } }) },
  // the same with batch 1, accumulation 4, checkpointing and fp16
  { id: 'hf-bert-large-b1-ga4-ckpt-fp16-adam8bit', published: 5363, plan: bert(1, 4, { ...AC, ...FP16, optimizer: { type: 'adam8bit' } }) },
].map((c) => ({ ...c, source: HF, url: HF_URL, unit: 'MiB' as const, measure: 'NVML memory used after training (context + reserved)', outcome: 'worked' as const }));

// torchtune README "Finetuning resource requirements" at commit a95c6b9 (2024-03-21): "Peak memory per GPU is as reported
// by torch.cuda.max_memory_allocated()", measured "on A100 GPUs with GPU memory artificially limited" to the listed
// GPU's with set_per_process_memory_fraction. recipes/configs/full_finetune_single_device.yaml and
// full_finetune_distributed.yaml at that commit: llama2_7b, alpaca_dataset, batch_size 2, torch.optim.SGD with only lr
// (momentum 0: no optimizer state), gradient_accumulation_steps 1, enable_activation_checkpointing True, dtype bf16
// (weights and gradients in bf16), SDPA attention; the distributed recipe shards with FSDP FULL_SHARD per layer.
// Assumed, not stated: alpaca samples padded to 512 tokens per batch at the peak (the config sets no max length).
const TT = 'torchtune README, Finetuning resource requirements (torch.cuda.max_memory_allocated)';
const TT_URL = 'https://github.com/pytorch/torchtune/blob/a95c6b931dd12a014780ded1581ea504aa4e0129/README.md';
function torchtune(worldSize: number, gpu: string, extra: Partial<TrainingPlan> = {}): TrainingPlan {
  return {
    framework: 'plain', precision: 'bf16-pure', recompute: 'full', flashAttention: true, model: { name: 'meta-llama/Llama-2-7b-hf', seqLength: 512 },
    batch: { micro: 2, gradAccum: 1 }, parallel: { worldSize }, hardware: { gpu }, optimizer: { type: 'sgd', momentum: 0 }, ...extra,
  };
}
const torchtuneCases: MemoryCase[] = [
  // "| 1 x A6000 | Full finetune | full_finetune_single_device | 7B | 27.15 GB * |"
  { id: 'torchtune-llama2-7b-full-1xa6000', published: 27.15, plan: torchtune(1, 'rtx-a6000') },
  // "| 4 x RTX 4090 | Full finetune | full_finetune_distributed | 7B | 12.01 GB * |"
  { id: 'torchtune-llama2-7b-full-fsdp-4x4090', published: 12.01, plan: torchtune(4, 'rtx-4090', { framework: 'fsdp', fsdp: 'full-shard' }) },
].map((c) => ({ ...c, source: TT, url: TT_URL, unit: 'GB' as const, measure: 'torch.cuda.max_memory_allocated', outcome: 'worked' as const }));

// PEFT README "High performance on consumer hardware": ought/raft/twitter_complaints on "an A100 80GB GPU", full
// fine-tuning of bigscience/bloomz-7b1: "OOM GPU". The table states neither precision nor optimizer: the plan takes the
// PEFT example scripts' AdamW with batch 8 and 64 tokens (examples/causal_language_modeling); with any AdamW setting
// the model states alone (16 bytes x 7.07e9 parameters) exceed 80 GB, so the claim does not rest on these inputs.
// bloomz-7b1 is bloom-7b1 fine-tuned (the same config.json), so the plan names the catalog's bloom-7b1.
const PEFT = 'PEFT README, High performance on consumer hardware (one A100 80GB)';
const PEFT_URL = 'https://github.com/huggingface/peft/blob/main/README.md#high-performance-on-consumer-hardware';
const peftCases: MemoryCase[] = [
  {
    id: 'peft-bloomz-7b1-full-oom-a100-80gb', source: PEFT, url: PEFT_URL, unit: 'GB', measure: 'out of memory ("OOM GPU")', outcome: 'oom',
    plan: {
      framework: 'plain', precision: 'fp32', recompute: 'none', flashAttention: false, model: { name: 'bigscience/bloom-7b1', seqLength: 64 },
      batch: { micro: 8, gradAccum: 1 }, parallel: { worldSize: 1 }, hardware: { gpu: 'a100-80gb' }, optimizer: { type: 'adamw' },
    },
  },
];

export const FULL_TRAINING_MEMORY_CASES: MemoryCase[] = [...hfCases, ...torchtuneCases, ...peftCases];
