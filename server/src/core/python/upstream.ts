import hfTrainingArgs from '../../../../schemas/hf-training-args.schema.json';
import { everHad } from '../versions/key-facts';

/**
 * Classes of installed packages whose fields TrainLint knows: schemas/hf-training-args.schema.json merges
 * TrainingArguments (transformers/training_args.py) with TRL's SFTConfig, DPOConfig, GRPOConfig, ModelConfig,
 * ScriptArguments and DatasetMixtureConfig. Any other class of an installed package is unknown, which makes a program
 * that uses it incomplete (no key of it can be called unknown).
 */
const UPSTREAM: Record<string, { packages: string[]; extra?: string[] }> = {
  TrainingArguments: { packages: ['transformers'] },
  // transformers/training_args_seq2seq.py: five fields on top of TrainingArguments.
  Seq2SeqTrainingArguments: { packages: ['transformers'], extra: ['sortish_sampler', 'predict_with_generate', 'generation_max_length', 'generation_num_beams', 'generation_config'] },
  SFTConfig: { packages: ['trl'] },
  DPOConfig: { packages: ['trl'] },
  GRPOConfig: { packages: ['trl'] },
  ModelConfig: { packages: ['trl'] },
  ScriptArguments: { packages: ['trl'] },
  DatasetMixtureConfig: { packages: ['trl'] },
};

const SCHEMA_FIELDS = new Set(Object.keys((hfTrainingArgs as { properties?: Record<string, unknown> }).properties ?? {}));

/** The upstream class `module.name` is (`transformers`, `TrainingArguments`; `trl.trainer.dpo_config`, `DPOConfig`), if TrainLint knows its fields. */
export function upstreamClass(module: string, name: string): string | undefined {
  const entry = Object.prototype.hasOwnProperty.call(UPSTREAM, name) ? UPSTREAM[name] : undefined;
  return entry && entry.packages.includes(module.split('.')[0]) ? name : undefined;
}

/**
 * Whether an upstream class defines the key (with `classes`, one of those). Classes of transformers alone
 * (HfArgumentParser((ModelArguments, DataArguments, TrainingArguments))) take only what some transformers release read has
 * (key-ranges.json): a TRL field there (beta, max_seq_length, dataset_text_field) is rejected. With a TRL class among them,
 * any field of the merged schema counts, since TRL's classes differ by release.
 */
export function upstreamDefines(key: string, classes?: string[]): boolean {
  const named = classes ?? Object.keys(UPSTREAM);
  if (named.length > 0 && named.every((c) => UPSTREAM[c]?.packages.includes('transformers'))) {
    return everHad('transformers', key) || named.some((c) => UPSTREAM[c]?.extra?.includes(key));
  }
  if (SCHEMA_FIELDS.has(key)) return true;
  return named.some((c) => UPSTREAM[c]?.extra?.includes(key));
}
