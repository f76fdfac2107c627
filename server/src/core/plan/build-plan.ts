import type { FileAnalysis } from '../analyze';
import type { ModelSpec, TrainingPlan } from '../estimate/plan';
import type { ConfigLink } from '../links';
import { modelFromHfConfig } from './hf-model-config';
import type { Settings } from '../settings';
import { worldSizeOf } from '../settings';
import type { Anchors, PartialPlan } from './anchors';
import { programOf } from '../programs/index';
import { embeddedTexts } from '../shell/embedded';
import { parseJson } from '../syntax/from-json';
import { detectFormat } from '../detect/detect-format';

export interface BuiltPlan {
  plan: TrainingPlan;
  anchors: Anchors;
  /** What was read, defaulted or could not be read, as sentences (the estimator adds its own assumptions). */
  notes: string[];
}

/** What the plan builder reads of an analysis: its format, its config roots and its tree. */
export type PlanSource = Pick<FileAnalysis, 'format' | 'roots' | 'tree'>;

/** A file the analysed one links to (absent when it was not found), as the plan builder reads it. */
export interface LinkedPlanSource {
  link: Pick<ConfigLink, 'kind' | 'target'>;
  analysis?: PlanSource;
}

/** The architecture of a local checkpoint's config.json named by model_name_or_path (or base_model). */
function localModel(linked: LinkedPlanSource[], notes: string[]): ModelSpec | undefined {
  const file = linked.find((l) => l.link.kind === 'model-config' && l.analysis);
  if (!file) return undefined;
  const root = file.analysis!.tree.documents[0]?.root;
  const model = root ? modelFromHfConfig(root) : undefined;
  notes.push(model
    ? `model shape from ${file.link.target} (layer details by its model_type)`
    : `${file.link.target} does not state num_hidden_layers, hidden_size and num_attention_heads: not used`);
  return model;
}

/** DeepSpeed configs a launch script writes with heredocs: Megatron-DeepSpeed reads its ZeRO stage and precision there. */
function embeddedDeepSpeedPlans(source: PlanSource): PartialPlan[] {
  if (source.tree.language !== 'shell') return [];
  return embeddedTexts(source.tree).flatMap((text) => {
    const root = parseJson(text).documents[0]?.root;
    const program = root?.kind === 'object' ? programOf(detectFormat(root, 'embedded.json', text).format) : undefined;
    if (!root || !program?.statesSharding || !program.plan) return [];
    const plan = program.plan(root);
    // The script's own flags set the batch; the heredoc's batch keys usually repeat them through variables.
    return [{ ...plan, plan: { ...plan.plan, batch: undefined, framework: undefined }, anchors: {} }];
  });
}

/** The plan a file describes on its own, before settings and linked files add to it. */
function planOfFile(analysis: PlanSource): PartialPlan | undefined {
  const root = analysis.roots[0];
  if (!root || root.kind !== 'object') return undefined;
  return programOf(analysis.format)?.plan?.(root);
}

/** What a linked file adds: a DeepSpeed or Trainer config read as its own format, an accelerate config's sharding. */
function planOfLinkedFile(linked: LinkedPlanSource): PartialPlan[] {
  const source = linked.analysis;
  const root = source?.roots[0];
  if (!source || !root || linked.link.kind === 'model-config') return [];
  const linkedPlan = programOf(source.format)?.linkedPlan;
  if (linkedPlan) return root.kind === 'object' ? [linkedPlan(root)] : [];
  const plan = planOfFile(source);
  return plan ? [plan] : [];
}

/** Merges plan fragments field by field; later fragments fill what earlier ones left undefined. */
export function mergePlans(...plans: Array<TrainingPlan | undefined>): TrainingPlan {
  const out: Record<string, unknown> = {};
  for (const plan of plans) {
    if (!plan) continue;
    for (const [key, value] of Object.entries(plan)) {
      if (value === undefined) continue;
      const current = out[key];
      if (current && typeof current === 'object' && !Array.isArray(current) && typeof value === 'object' && !Array.isArray(value)) {
        const merged: Record<string, unknown> = { ...(current as Record<string, unknown>) };
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (merged[k] === undefined && v !== undefined) merged[k] = v;
        out[key] = merged;
      } else if (current === undefined) out[key] = value;
    }
  }
  return out as TrainingPlan;
}

/** What settings (project file, editor, CLI flags) add: the cluster, the GPU, a model, a price. */
export function planOfSettings(settings: Settings): TrainingPlan {
  const world = worldSizeOf(settings);
  const plan: TrainingPlan = {};
  if (world.value !== undefined || settings.cluster?.gpusPerNode !== undefined) plan.parallel = { worldSize: world.value };
  if (settings.parallel) plan.parallel = { ...plan.parallel, ...settings.parallel };
  const cluster = settings.cluster;
  if (cluster?.gpu || cluster?.gpusPerNode || cluster?.hardware) plan.hardware = { gpu: cluster.gpu, gpusPerNode: cluster.gpusPerNode, ...cluster.hardware };
  if (settings.pricePerGpuHour !== undefined || settings.datasetTokens !== undefined) {
    plan.training = { pricePerGpuHour: settings.pricePerGpuHour, datasetTokens: settings.datasetTokens };
  }
  return plan;
}

/**
 * Builds the training plan of a file: the file itself first, then the files it links to (a DeepSpeed JSON
 * named by TrainingArguments), then settings. A model named in settings fills in for a file that names none.
 */
export function buildPlan(analysis: PlanSource, settings: Settings, linked: LinkedPlanSource[] = []): BuiltPlan | undefined {
  const own = planOfFile(analysis);
  if (!own) return undefined;
  const others = [...embeddedDeepSpeedPlans(analysis), ...linked.flatMap(planOfLinkedFile)];
  const fromSettings = planOfSettings(settings);
  // Settings' explicit parallel sizes override; the file's own values come first otherwise.
  const plan = mergePlans(settings.parallel ? { parallel: settings.parallel } : undefined, own.plan, ...others.map((o) => o.plan), fromSettings);
  const notes = [...own.notes, ...others.flatMap((o) => o.notes)];
  // A model named in settings or flags wins: files often name a local checkpoint path the catalog cannot know.
  // Otherwise a local checkpoint's config.json gives the shape; what the file states (its sequence length) stays.
  if (settings.model) plan.model = { ...plan.model, name: settings.model };
  else {
    const local = localModel(linked, notes);
    if (local) plan.model = mergePlans({ model: plan.model }, { model: local }).model;
  }
  if (settings.seqLength && !plan.model?.seqLength) plan.model = { ...plan.model, seqLength: settings.seqLength };
  if (settings.trainingTokens && !plan.training?.iterations && !plan.training?.tokens) plan.training = { ...plan.training, tokens: settings.trainingTokens };
  else if (settings.trainingTokens) {
    const stated = plan.training?.iterations ? `${plan.training.iterations} iterations` : `${plan.training?.tokens} tokens`;
    notes.push(`training length ${settings.trainingTokens} tokens from settings not used: the file states ${stated}`);
  }
  // The script's Trainer arguments leave sharding to the launcher: a linked DeepSpeed or accelerate FSDP config says it.
  const sharded = others.find((o) => o.plan.framework === 'deepspeed' || o.plan.framework === 'fsdp');
  if (sharded && plan.framework === 'plain') plan.framework = sharded.plan.framework;
  if (plan.framework === 'plain' && own.unshardedNote) notes.push(own.unshardedNote);
  if (plan.batch?.micro === undefined && plan.batch?.global === undefined) {
    // "auto" (filled by the Trainer) or absent: the smallest micro-batch makes the memory figure a lower bound,
    // so an out-of-memory error on it holds for any micro-batch the Trainer could choose.
    plan.batch = { ...plan.batch, micro: 1 };
    notes.push('micro-batch not stated in the file ("auto" or absent): figures are for the smallest, 1, so memory is a lower bound');
  }
  return { plan, anchors: own.anchors, notes };
}
