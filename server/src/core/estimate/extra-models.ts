import { findModel } from '../catalog/find-model';
import { modelStateBytes, shardDegree, shardingStage } from './model-states';
import { countParameters, type ParameterCounts } from './parameters';
import type { ExtraModelSpec, TrainingPlan } from './plan';

const GIB = 2 ** 30;

/** One model besides the trained one, as counted on the most loaded GPU. */
export interface ExtraModelPart {
  role: ExtraModelSpec['role'];
  trainer?: string;
  params: number;
  /** Bytes per GPU: weights, and gradients and optimizer states when it is trained. */
  bytes: number;
  /** False where the file leaves open whether the run holds it (`onlyIf`): stated, not added to the total. */
  counted: boolean;
}

export interface ExtraModelMemory {
  /** Reference, reward and value models per GPU (the counted parts). */
  models: number;
  /** A colocated vLLM engine's reservation. */
  generationEngine: number;
  parts: ExtraModelPart[];
  assumptions: string[];
  sources: string[];
}

/** Parameters of a named model, counted from its catalog shape; undefined when the catalog does not know it. */
function namedParameters(name: string): number | undefined {
  const entry = findModel(name);
  if (!entry) return undefined;
  const counts = countParameters({ model: { ...entry.architecture, seqLength: 1 } });
  return counts.available && counts.total > 0 ? counts.total : entry.exactParams?.total ?? entry.derivedParams?.total;
}

/**
 * A sequence-classification model (AutoModelForSequenceClassification, num_labels=1) replaces the output layer with a
 * score vector of hidden size (transformers modeling_llama.py LlamaForSequenceClassification.score); a tied output
 * layer was the embedding and stays counted there.
 */
function scalarHeadParameters(total: number, lmHead: number, hidden: number): number {
  return total - lmHead + hidden;
}

function sizeOf(spec: ExtraModelSpec, plan: TrainingPlan, policy: ParameterCounts): { params?: number; what: string } {
  const hidden = plan.model?.hiddenSize ?? 0;
  if (spec.params !== undefined) return { params: spec.params, what: spec.role === 'vision' ? `${spec.name} (its ViT shape)` : `${spec.name ?? 'a model'} of the stated size` };
  if (spec.name !== undefined) {
    const entry = findModel(spec.name);
    const params = namedParameters(spec.name);
    if (params === undefined || !entry) return { what: spec.name };
    if (!spec.scalarHead) return { params, what: entry.id };
    const shape = countParameters({ model: { ...entry.architecture, seqLength: 1 } });
    return { params: scalarHeadParameters(params, shape.lmHead, entry.architecture.hiddenSize ?? 0), what: `${entry.id} with a one-score head` };
  }
  // The same architecture as the trained model, on the GPU's share of it (the pipeline stage and tensor slice it holds).
  const onGpu = policy.perGpu.firstStage;
  if (!spec.scalarHead) return { params: onGpu, what: 'a second copy of the policy' };
  return { params: scalarHeadParameters(onGpu, policy.lmHead, hidden), what: 'the policy\'s architecture with a one-score head (no model named: assumed)' };
}

function billions(params: number): string {
  return `${(params / 1e9).toFixed(params >= 1e10 ? 0 : 1)}B`;
}

/**
 * Where a frozen model lives: TRL hands it to DeepSpeed with ZeRO stage 3 when training uses stage 3, else stage 0
 * (trl/models/utils.py prepare_deepspeed: "If ZeRO-3 is used, we shard both the active and reference model"), wraps
 * it with FSDP's own sharding strategy (prepare_fsdp), and otherwise places one copy per process
 * (accelerator.prepare_model(..., evaluation_mode=True)). Weights are 16-bit: DeepSpeed's bf16/fp16 engine casts
 * them, and TRL >= 1.0 loads the reference in the policy's dtype (dpo_trainer.py ref_model_init_kwargs dtype).
 */
function frozenBytes(plan: TrainingPlan, params: number, role: ExtraModelSpec['role']): { bytes: number; how: string } {
  const fullPrecision = plan.precision === 'fp32' || plan.precision === 'tf32';
  const width = fullPrecision ? 4 : 2;
  const dtype = fullPrecision ? 'fp32' : plan.precision === 'fp16' ? 'fp16' : 'bf16';
  const stage = shardingStage(plan);
  const sharded = stage === 3 && (plan.framework === 'deepspeed' || plan.framework === 'fsdp');
  const n = shardDegree(plan);
  const under = plan.framework === 'deepspeed' ? `ZeRO-${plan.zero?.stage ?? 0}` : plan.framework === 'fsdp' ? `FSDP ${plan.fsdp ?? ''}`.trim() : 'DDP';
  const by = role === 'vision'
    // A vision tower is a submodule of the trained model: from_pretrained partitions it under ZeRO-3 (zero.Init), FSDP wraps it.
    ? (plan.framework === 'deepspeed' ? 'part of the model DeepSpeed wraps' : plan.framework === 'fsdp' ? 'part of the model FSDP wraps' : 'part of the model')
    : plan.framework === 'deepspeed' ? 'TRL prepare_deepspeed' : plan.framework === 'fsdp' ? 'TRL prepare_fsdp' : 'accelerator.prepare_model, evaluation_mode';
  if (role === 'vision' && !sharded) return { bytes: params * width, how: `replicated in ${dtype} (${by})` };
  if (sharded) return { bytes: (params * width) / n, how: `sharded over ${n} GPUs in ${dtype} under ${under} (${by})` };
  return { bytes: params * width, how: `replicated in ${dtype} under ${under} (${by}${plan.framework === 'deepspeed' ? ': ZeRO stage 0 unless stage 3' : ''})` };
}

function describeRole(spec: ExtraModelSpec): string {
  const role = { reference: 'reference model', reward: 'reward model', value: 'value model', vision: 'vision tower' }[spec.role];
  return spec.trainer ? `${spec.trainer} ${role}` : role;
}

/** vLLM reserves gpu_memory_utilization of the GPU's total memory for its weights and KV cache (vLLM EngineArgs docs). */
function generationEngineBytes(plan: TrainingPlan, assumptions: string[]): number {
  const vllm = plan.vllm;
  if (!vllm) return 0;
  if (vllm.colocate === false) {
    assumptions.push('vLLM in server mode: generation runs on GPUs of its own (trl vllm-serve), not counted here');
    return 0;
  }
  // TRL grpo_config.py: vllm_gpu_memory_utilization defaults to 0.3 and "applies to colocation mode".
  const share = vllm.gpuMemoryUtilization ?? 0.3;
  const capacity = (plan.hardware?.memoryGiB ?? 0) * GIB;
  if (vllm.colocate === undefined) {
    assumptions.push(`vLLM engine not counted: vllm_mode is not set, and TRL's default is "server" (other GPUs) up to trl 0.28 but "colocate" from 1.0; colocated it would hold ${share} of the GPU's memory, ${(share * capacity / GIB).toFixed(1)} GiB`);
    return 0;
  }
  if (vllm.sleepMode) {
    assumptions.push(`colocated vLLM engine with sleep mode: its ${Math.round(share * 100)}% share is released while the policy trains (TRL grpo_trainer.py llm.sleep), not counted`);
    return 0;
  }
  assumptions.push(`colocated vLLM engine: gpu_memory_utilization ${share} of the GPU's memory held beside training (TRL grpo_trainer.py, vLLM LLM(gpu_memory_utilization=...))`);
  return share * capacity;
}

/** Per-GPU memory of the models a run holds besides the trained one, and of a colocated generation engine. */
export function extraModelMemory(plan: TrainingPlan, policy: ParameterCounts): ExtraModelMemory {
  const assumptions: string[] = [];
  const sources = new Set<string>();
  const parts: ExtraModelPart[] = [];
  let frozen = false;
  for (const spec of plan.extraModels ?? []) {
    const role = describeRole(spec);
    const size = sizeOf(spec, plan, policy);
    if (spec.source) sources.add(spec.source);
    if (size.params === undefined) {
      assumptions.push(`${role}: ${size.what} is not in the catalog, so its memory is not counted (give its size as extraModels[].params in a plan)`);
      continue;
    }
    let bytes: number;
    let how: string;
    if (spec.trained) {
      const states = modelStateBytes(plan, size.params);
      bytes = states.weights + states.gradients + states.optimizer;
      how = 'trained with the policy: weights, gradients and optimizer states held as the policy\'s';
    } else {
      ({ bytes, how } = frozenBytes(plan, size.params, spec.role));
      frozen ||= spec.role !== 'vision';
    }
    const counted = spec.onlyIf === undefined;
    const amount = `${(bytes / GIB).toFixed(1)} GiB per GPU`;
    assumptions.push(counted
      ? `${role}: ${size.what} (${billions(size.params)}), ${how}: ${amount}`
      : `${role} not counted: ${spec.onlyIf}; it would add ${size.what} (${billions(size.params)}), ${how}: ${amount}`);
    parts.push({ role: spec.role, trainer: spec.trainer, params: size.params, bytes, counted });
  }
  const generationEngine = generationEngineBytes(plan, assumptions);
  if (plan.vllm) sources.add('huggingface/trl trl/trainer/grpo_trainer.py (vLLM colocate: LLM(gpu_memory_utilization=vllm_gpu_memory_utilization))');
  if (frozen) sources.add('huggingface/trl trl/models/utils.py prepare_deepspeed (stage 0 unless ZeRO-3), prepare_fsdp');
  const models = parts.filter((p) => p.counted).reduce((sum, p) => sum + p.bytes, 0);
  return { models, generationEngine, parts, assumptions, sources: [...sources] };
}
