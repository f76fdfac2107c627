import { programOf } from '../programs/index';
import type { Format } from '../programs/ids';
import type { OptimizerKeys } from '../programs/program';
import { optimizer as TRAINER_OPTIMIZER } from '../programs/hf-trainer/optimizer';
import type { FileAnalysis, LinkedFile } from '../analyze';
import { batchFactsFor, type BatchFacts } from '../facts/batch-facts';
import { formatScalar, insertPropertyAfter, replaceValue, type Language } from '../fix/edits';
import { batchIdentities } from '../hover/batch-identity';
import { scalingAdvice } from '../facts/lr-scaling';
import type { Settings } from '../settings';
import type { ConfigNode } from '../syntax/config-tree';
import type { TextEdit } from '../text/range';

/** `malladi`: the square-root rule with Adam's betas and epsilon scaled too (Malladi et al. 2022). */
export type LearningRateRule = 'auto' | 'linear' | 'sqrt' | 'malladi' | 'keep';

export interface FileEdits {
  /** The linked file's path; absent for the file the change was asked on. */
  path?: string;
  edits: TextEdit[];
}

export interface GlobalBatchChange {
  ok: boolean;
  /** What changes, or why nothing can. */
  message: string;
  files: FileEdits[];
}

const refuse = (message: string): GlobalBatchChange => ({ ok: false, message, files: [] });

function numberAt(node: ConfigNode | undefined): number | undefined {
  return typeof node?.value === 'number' && Number.isFinite(node.value) ? node.value : undefined;
}

/** Four significant digits: a rescaled learning rate needs no more. */
function round4(value: number): number {
  return Number(value.toPrecision(4));
}

/** The smallest change to micro-batch and accumulation that gives the new global batch: keep the micro-batch if it divides. */
function split(perRank: number, micro: number): { micro: number; accum: number } {
  for (let m = Math.min(micro, perRank); m >= 1; m--) if (perRank % m === 0) return { micro: m, accum: perRank / m };
  return { micro: 1, accum: perRank };
}

/** Edits that make one config state the new batch numbers, wherever it states them as numbers. */
export function batchEdits(language: Language, text: string, facts: BatchFacts, target: { global: number; micro: number; accum: number }): TextEdit[] {
  const edits: TextEdit[] = [];
  const set = (field: BatchFacts['global'], value: number) => {
    if (field && typeof field.value === 'number' && field.value !== value) edits.push(replaceValue(language, field.node, value));
  };
  set(facts.global, target.global);
  set(facts.micro, target.micro);
  set(facts.accum, target.accum);
  set(facts.perRank, target.micro * target.accum);
  // A field the config leaves out must be written when what the framework would fill in no longer holds. A launch
  // script gets no new flags: a value it derives (Megatron's accumulation) is the program's to work out.
  const anchor = (facts.micro ?? facts.global ?? facts.accum)?.node;
  if (!anchor || language === 'shell') return edits;
  const missing = (stated: BatchFacts['micro'], name: string, value: number, filled: number) => {
    if (!stated && value !== filled) edits.push(insertPropertyAfter(language, text, anchor, name, language === 'json' ? String(value) : formatScalar('yaml', value)));
  };
  if (facts.names.global === 'train_batch_size') {
    // DeepSpeed derives a missing micro-batch or accumulation from the other two; with one of them alone it uses 1 step.
    if (!(facts.global && (facts.micro || facts.accum))) missing(facts.accum, facts.names.accum, target.accum, 1);
  } else if (!facts.global) {
    // A file that states its global batch (Megatron, NeMo) derives the accumulation from it: nothing to write.
    // TrainingArguments defaults: per_device_train_batch_size 8, gradient_accumulation_steps 1 (transformers training_args.py).
    missing(facts.micro, facts.names.micro, target.micro, 8);
    missing(facts.accum, facts.names.accum, target.accum, 1);
  }
  return edits;
}

/**
 * Malladi et al. (2022) scale Adam's moments with the batch: 1 - beta -> kappa (1 - beta), eps -> eps / sqrt(kappa).
 * Edits the betas and epsilon the file writes; refuses nothing, but skips them when the rule leaves its regime.
 */
function adamEdits(language: Language, keys: OptimizerKeys, root: ConfigNode, ratio: number, name: string | undefined, notes: string[]): TextEdit[] {
  const { beta1, beta2, eps } = keys.adam(root);
  const adam = scalingAdvice(name ?? 'adam', 1, ratio, undefined, { beta1: numberAt(beta1), beta2: numberAt(beta2), eps: numberAt(eps) }).adam;
  if (!adam?.valid) {
    notes.push('betas and epsilon kept: the scaled betas would reach 1 (outside the rule\'s regime)');
    return [];
  }
  const edits: TextEdit[] = [];
  const set = (node: ConfigNode | undefined, value: number | undefined, label: string) => {
    const old = numberAt(node);
    if (!node || old === undefined || value === undefined) return;
    edits.push(replaceValue(language, node, Number(value.toPrecision(4))));
    notes.push(`${label} ${formatScalar('json', old)} → ${formatScalar('json', Number(value.toPrecision(4)))}`);
  };
  set(beta1, adam.beta1, 'beta1');
  set(beta2, adam.beta2, 'beta2');
  set(eps, adam.eps, 'epsilon');
  return edits;
}

/**
 * Learning-rate and schedule edits for one config. With `auto`, the learning rate follows the rule the literature
 * gives for the optimizer (scalingAdvice: linear for SGD, square root for Adam-family, none where no rule is
 * established); step counts shrink by k so warmup and training see the same number of tokens.
 */
function scheduleEdits(language: Language, format: Format, root: ConfigNode, ratio: number, rule: LearningRateRule, notes: string[]): TextEdit[] {
  const edits: TextEdit[] = [];
  // A program that says nothing of its optimizer keys is edited where TrainingArguments keeps them.
  const keys = programOf(format)?.optimizer ?? TRAINER_OPTIMIZER;
  const optimizerName = keys.name(root)?.value;
  const name = typeof optimizerName === 'string' ? optimizerName : keys.defaultName;
  const advised = name === undefined ? 'none' : scalingAdvice(name, 1, ratio).rule;
  const chosen = rule === 'auto' ? (advised === 'linear' ? 'linear' : advised === 'square-root' ? 'sqrt' : 'keep') : rule;
  const factor = chosen === 'linear' ? ratio : chosen === 'sqrt' || chosen === 'malladi' ? Math.sqrt(ratio) : 1;
  if (chosen === 'malladi') edits.push(...adamEdits(language, keys, root, ratio, name, notes));
  const lrNodes = keys.learningRates(root);
  for (const node of lrNodes) {
    const lr = numberAt(node);
    if (node && lr !== undefined && factor !== 1) {
      edits.push(replaceValue(language, node, round4(lr * factor)));
      notes.push(`${String(node.key)} ${formatScalar('json', lr)} → ${formatScalar('json', round4(lr * factor))} (${chosen === 'linear' ? 'linear' : 'square-root'} scaling)`);
    }
  }
  const stepNodes = keys.steps(root);
  for (const node of stepNodes) {
    const steps = numberAt(node);
    if (node && steps !== undefined && steps > 0) {
      const scaled = Math.max(1, Math.round(steps / ratio));
      if (scaled !== steps) {
        edits.push(replaceValue(language, node, scaled));
        notes.push(`${String(node.key)} ${steps} → ${scaled}`);
      }
    }
  }
  return edits;
}

/**
 * Changes the global batch of a config to `newGlobal`: the micro-batch and accumulation steps so the batch
 * identity holds for the configured data-parallel size, the learning rate by `rule`, and warmup and total steps so
 * warmup tokens and training tokens stay the same; in this file and in the DeepSpeed config it links to.
 */
export function changeGlobalBatch(analysis: FileAnalysis, settings: Settings, linked: LinkedFile[], newGlobal: number, rule: LearningRateRule): GlobalBatchChange {
  if (!Number.isInteger(newGlobal) || newGlobal < 1) return refuse('the global batch must be a positive whole number');
  const root = analysis.roots[0];
  const identity = batchIdentities(analysis, settings)[0];
  const facts = root && batchFactsFor(analysis.format, root, analysis.settings ?? settings);
  if (!root || !identity || !facts) return refuse('only DeepSpeed configs and TrainingArguments state a batch this command can change');
  const { global, micro, dataParallel } = identity;
  if ([facts.global, facts.micro, facts.accum].some((f) => f?.value === 'auto')) return refuse('this file leaves the batch to "auto": change it in the TrainingArguments or accelerate config that launches it');
  if (dataParallel.value === undefined) return refuse(`the data-parallel size is unknown (${dataParallel.source})`);
  if (global.value === undefined || micro.value === undefined) return refuse('the current global batch cannot be worked out from this file');
  if (newGlobal % dataParallel.value !== 0) return refuse(`${newGlobal} is not a multiple of the data-parallel size ${dataParallel.value}`);
  if (newGlobal === global.value) return refuse(`the global batch is already ${newGlobal}`);
  const target = { global: newGlobal, ...split(newGlobal / dataParallel.value, micro.value) };
  const ratio = newGlobal / global.value;
  const language = analysis.tree.language;
  const notes = [`global batch ${global.value} → ${newGlobal} = ${target.micro} × ${target.accum} × ${dataParallel.value}`];
  const files: FileEdits[] = [{ edits: [...batchEdits(language, analysis.text, facts, target), ...scheduleEdits(language, analysis.format, root, ratio, rule, notes)] }];
  for (const link of linked) {
    const other = link.analysis;
    const otherRoot = other?.roots[0];
    const otherFacts = other && otherRoot && batchFactsFor(other.format, otherRoot, settings);
    if (!other || !otherRoot || !otherFacts) continue;
    const edits = [...batchEdits(other.tree.language, other.text, otherFacts, target), ...scheduleEdits(other.tree.language, other.format, otherRoot, ratio, rule, notes)];
    if (edits.length > 0) files.push({ path: link.path, edits });
  }
  return { ok: true, message: notes.join('; '), files };
}
