import { getChild, type ConfigNode } from '../syntax/config-tree';
import { isFormat, type Format } from '../programs/ids';
import { PROGRAMS, type Program } from '../programs/index';
import { countKeys, keysOf } from '../programs/program';

export interface Detection {
  format: Format;
  /** Why this format was chosen, for hovers and `trainlint plan`. */
  reason: string;
  /**
   * Pointers of the objects that hold the config. Usually [""] (the whole document); an application
   * config that nests TrainingArguments dicts (e.g. `training_args.cuda`) lists each nested dict.
   */
  roots: string[];
  /**
   * Set when the file is not what a program reads as written (a template another tool renders or completes first,
   * detect/templates.ts): the evidence. Such a file keeps its format but no rule runs on it.
   */
  skip?: string;
  /**
   * Set on a launch script that starts a distributed launcher or a program's entry point TrainLint could not read as a
   * supported trainer's launch (the format stays unknown): why, for `trainlint check --explain-skips` and the hover.
   */
  skippedLaunch?: string;
}

// ms-swift (swift/arguments/base_args/base_args.py, data_args.py; swift/cli/main.py reads the `ENV` section).
const MS_SWIFT_STRONG = ['tuner_type', 'train_type', 'rlhf_type', 'split_dataset_ratio', 'external_plugins', 'ENV'];

const MODELINE = /(?:#|\/\/)\s*trainlint:\s*format\s*=\s*([a-z-]+)/;

/** Reads `# trainlint: format=NAME` (or `// trainlint: ...` in JSON) from the first lines. */
export function readModeline(text: string): Format | undefined {
  const head = text.slice(0, 2000).split('\n').slice(0, 10).join('\n');
  const m = MODELINE.exec(head);
  return m && isFormat(m[1]) ? m[1] : undefined;
}

const MAX_CONFIG_KEYS = 2000;
const INSTANTIATION_KEYS = ['_target_', '_component_'];

/** Whether the top level or a section right under it names a class to build (`_target_`, `_component_`). */
function instantiates(root: ConfigNode | undefined): boolean {
  if (root?.kind !== 'object') return false;
  const here = (node: ConfigNode) => node.kind === 'object' && node.children.some((c) => INSTANTIATION_KEYS.includes(String(c.key)));
  return here(root) || root.children.some(here);
}

/**
 * Decides the format from the keys of the first document, the file name as a hint, and the modeline, asking each
 * program's recognition (programs/<id>/recognition.ts) in turn. A file that merely mentions `lr` or `fp16` scores too
 * low and stays unknown.
 */
export function detectFormat(root: ConfigNode | undefined, fileName: string, text: string): Detection {
  const forced = readModeline(text);
  if (forced) return { format: forced, reason: 'modeline', roots: [''] };
  const keys = keysOf(root);
  // A vocabulary or data file (gpt2-vocab.json: 50,257 keys) contains every config word; no training config has this many.
  if (keys.size > MAX_CONFIG_KEYS) return { format: 'unknown', reason: `${keys.size} top-level keys: a vocabulary or data file`, roots: [''] };
  const name = fileName.toLowerCase();
  for (const program of PROGRAMS) {
    const r = program.recognition;
    if (r.by === 'sections' && r.matches(root)) return found(program, r.reason);
  }
  // `_target_` (Hydra instantiate: verl, torchtitan) and `_component_` (torchtune) build objects from the config:
  // another program's configuration, whatever TrainingArguments or Megatron names it shares.
  if (instantiates(root)) return unknown('a Hydra or torchtune config (`_target_` / `_component_`)');
  // A Lightning `trainer` section without a `model` one: NeMo's inference, evaluation and export configs
  // (megatron_gpt_inference.yaml) carry Megatron names at the top level but are no training config.
  if (getChild(root, 'trainer')?.kind === 'object') return unknown('a NeMo inference or export config (`trainer` without `model`)');

  // Hydra composes a config from a `defaults:` list (DPR's conf/biencoder_train_cfg.yaml) and the program reads it with
  // OmegaConf: another program's config, unless a known format's own names fill it (three or more).
  const hydra = getChild(root, 'defaults')?.kind === 'array';
  const hydraReason = 'a Hydra config (top-level `defaults:` list) of another program: too few names of a known format';

  // ms-swift's YAML/JSON (swift/cli/main.py parse_yaml_args turns it into command-line arguments for swift's own
  // argument classes, swift/arguments/base_args/*.py): TrainingArguments and Megatron names, read by another program.
  if (countKeys(keys, MS_SWIFT_STRONG) >= 2) return unknown('an ms-swift config (tuner_type, rlhf_type, split_dataset_ratio...): swift passes it to its own argument parser');

  // axolotl and LLaMA-Factory files also carry TrainingArguments and Megatron names; two of their own keys decide.
  for (const program of PROGRAMS) {
    const r = program.recognition;
    if (r.by !== 'own-keys') continue;
    const score = r.score(keys, name);
    if (score >= 2) return hydra && r.own(keys, score) < 3 ? unknown(hydraReason) : found(program, r.reason);
  }
  const scores = PROGRAMS.flatMap((program) => {
    const r = program.recognition;
    return r.by === 'score' ? [{ program, r, score: r.score(keys, name) }] : [];
  });
  scores.sort((a, b) => b.score - a.score);
  const best = scores[0];
  // Own names, for Hydra: each strong key counted twice in the score; for TrainingArguments, its specific names.
  if (best.score >= 4) return hydra && best.r.own(keys, best.score) < 3 ? unknown(hydraReason) : found(best.program, best.r.reason);
  if (hydra) return unknown(hydraReason);

  for (const { program, r } of scores) {
    const nested = r.nested?.(root);
    if (nested) return { format: program.id, reason: nested.reason, roots: nested.roots };
  }
  return unknown(scores.map(({ r }) => r.nearMiss?.(keys)).find((reason) => reason !== undefined) ?? 'no known training-config keys');
}

function found(program: Program, reason: string): Detection {
  return { format: program.id, reason, roots: [''] };
}

function unknown(reason: string): Detection {
  return { format: 'unknown', reason, roots: [''] };
}
