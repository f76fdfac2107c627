import type { LayoutWriter } from '../suggest/layout';
import type { Fix, Severity } from '../diagnostic';
import type { BatchFacts } from '../facts/batch-facts';
import type { PartialPlan } from '../plan/anchors';
import type { SchemaNode } from '../schema/schema-walk';
import type { Consumer, Settings } from '../settings';
import type { ConfigNode, ConfigTree } from '../syntax/config-tree';
import type { ProgramId } from './ids';
import type { VersionedFramework } from '../versions/version-spec';
import type { Pins } from '../versions/key-facts';
import type { RuleContext } from '../rules/rule';
import type { FileAnalysis } from '../analyze';
import type { ConfigLink } from '../links';
import type { ScheduleFacts } from '../facts/schedule-facts';
import type { ShellLaunchFacts } from '../shell/shell-config';
import type { CommandLine, ShellVariable } from '../shell/script';
import type { Field } from '../shell/words';
import type { ElasticLaunch } from '../facts/elastic';

/**
 * One program that reads training configs (DeepSpeed, the HF Trainer, Megatron-LM, ...): everything TrainLint knows
 * of it, in one module under `programs/<id>/`. Code elsewhere asks the program (`programOf`), never its id.
 * The rules that apply to a program are those whose `RuleMeta.programs` names it (rules/registry.ts `rulesFor`).
 */
export interface Program {
  id: ProgramId;
  /** The name messages and hovers use. */
  displayName: string;
  /** What the hover calls one of its files ("DeepSpeed config", "TrainingArguments"). */
  fileLabel: string;
  /** Who parses its file, for "not accepted by ..." messages; the display name when absent. */
  parser?: string;
  // Traits other code asks of a program instead of its id.
  /** It builds TrainingArguments from its file and runs the HF Trainer (axolotl and LLaMA-Factory too): sharding is often the launcher's, and a `deepspeed` key names a config the Trainer fills. */
  runsHfTrainer?: boolean;
  /** It pre-trains (Megatron-LM, NeMo, GPT-NeoX): the critical-batch findings apply without a token count in the settings. */
  pretraining?: boolean;
  /** Its files state the sharding and the batch themselves (a DeepSpeed config), so a Trainer file linking one is judged with it. */
  statesSharding?: boolean;
  /** The HF Trainer fills its "auto" values and compares the rest with TrainingArguments (a DeepSpeed config: HfTrainerDeepSpeedConfig). */
  filledByTrainer?: boolean;
  /** Its files state the accumulation next to the global batch (DeepSpeed, GPT-NeoX): a new micro-batch alone does not keep the global batch. */
  accumulationWithGlobal?: boolean;
  /** Its file configures the launcher itself and counts the processes (accelerate's num_processes): a launch hands it no world size. */
  configuresLauncher?: boolean;
  /** How a file is recognised as this program's, with the evidence the detection keeps as its reason. */
  recognition: Recognition;
  /** How the program loads a YAML file: the one fact that says whether `2e-5` is a float or a string. */
  loader: YamlLoader;
  /** Who reads a file of this program when the settings do not say (the root decides for DeepSpeed). */
  consumer(root: ConfigNode | undefined): Consumer;
  /** The arguments it accepts, as a JSON Schema; some programs' depend on how the file is written (tree). */
  schema?(tree: ConfigTree | undefined): SchemaNode | undefined;
  /** Every schema `schema` may return, where it picks among several (their validators are compiled at build time). */
  schemas?: SchemaNode[];
  /** Its batch identity: global = micro x accumulation x data-parallel size, and the names it spells them with. */
  batchFacts?(root: ConfigNode, settings: Settings): BatchFacts | undefined;
  /** What one of its files says about the run (model, batch, sharding, precision) for the estimator. */
  plan?(root: ConfigNode): PartialPlan;
  /** What its file adds when another file links to it but is no plan of its own (an accelerate config). */
  linkedPlan?(root: ConfigNode): PartialPlan;
  /** The files one of its files names that it reads too (a DeepSpeed config, a checkpoint's config.json). */
  /** Files its own checkout provides that its configs name relative to that checkout (LLaMA-Factory's examples/deepspeed/): a config another repository ships for it runs from there. */
  shippedFiles?: { files: ReadonlySet<string>; where: string };
  links?(root: ConfigNode, analysis: FileAnalysis): ConfigLink[];
  /** What its argument parser does beyond the schema: open sections, plugins, forks, values resolved at run time. */
  arguments?: ArgumentFacts;
  /** Which releases decide its keys, choices and validation (versions/key-facts.ts answers at the pinned version). */
  versions?: VersionFacts;
  /** Sequence packing without the per-example masking it needs (packing-without-masking): where, why, and the fix. */
  packingProblem?(root: ConfigNode, ctx: RuleContext): { node: ConfigNode; message: string; fix?: Fix } | undefined;
  /** The world size its file states for itself (NeMo's trainer.devices x num_nodes), which wins over a generic --gpus. */
  worldOf?(tree: ConfigTree): { value?: number; envDefault?: string } | undefined;
  /** elastic-batch-not-preserved: what an elastic run does to its batch, from its own config or from the launch's world sizes. */
  elasticBatch?: { by: 'config'; check(ctx: RuleContext, root: ConfigNode): void } | { by: 'launch'; check(ctx: RuleContext, root: ConfigNode, launch: ElasticLaunch): void };
  /** Where it keeps its optimizer, learning rates and step counts (rescale edits them with the batch). */
  optimizer?: OptimizerKeys;
  /** How a suggested parallel layout is written into its file (`trainlint suggest --apply`). */
  layoutWriter?: LayoutWriter;
  /** The context of a DeepSpeed config that the accelerate config its launch script passes names (the HF Trainer fills it). */
  launchedDeepSpeedContext?(root: ConfigNode, world: number | undefined): Settings | undefined;
  /** Who reads a DeepSpeed config its launch script writes with a heredoc, in what layout (shell/embedded.ts). */
  heredocDeepSpeed?(facts: ShellLaunchFacts, args: ConfigNode | undefined): Settings;
  /** Its optimizer, learning-rate schedule and training length, and how the schedule rules measure and fix them. */
  schedule?: ScheduleReader;
  /** How it shows on a launch script's command lines: the flags that are its arguments, its tools, its config options. */
  commandLine?: CommandLineFacts;
  /** Where it keeps its mixed-precision switches, and what a file that trains in full precision says. */
  precision?: PrecisionFacts;
}

/** How a program takes its arguments, where a schema alone would misjudge a key or a value. */
export interface ArgumentFacts {
  /** The file fills the program's own argument dataclasses besides the upstream ones (HfArgumentParser((ModelArguments, ..., TrainingArguments))), which may define more or redefine a field: an unknown key or value is no certain failure. */
  ownArguments?: boolean;
  /** A key written with no value (YAML null) is the field left unset (axolotl). */
  nullIsUnset?: boolean;
  /** The key listing plugins that merge arguments of their own into the config (axolotl's `plugins`). */
  pluginsKey?: string;
  /** The section whose keys each model class reads for itself (NeMo's cfg.model): an unknown key there is a note. */
  openSection?: string;
  /** `${...}` interpolations and `???` are resolved by OmegaConf when the program runs: not judged as written. */
  resolvedAtRunTime?: boolean;
  /** Its launch scripts may run a program that adds flags (extra_args_provider) or a fork: flags without a near-miss are one note. */
  extensibleFlags?: boolean;
  /** Flags an optional package adds through the core entry points' extra_args_provider (Megatron's modelopt flags): real, but only where that package is installed. */
  optionalFlags?: { flags: ReadonlySet<string>; from: string };
  /** The launch option a config key stands for, which the launching command's own option overrides (`accelerate launch`). */
  launchOption?(instancePath: string): string | undefined;
  /** The repository's own arguments file when the schema was read from another one (a fork decides its flags). */
  forkArguments?(settings: Settings, framework: string): string | undefined;
}

/** What of a program's arguments changes with its release. */
export interface VersionFacts {
  /** The frameworks whose releases decide a key (its path), and the key's name in key-ranges.json. */
  key(tokens: string[]): { frameworks: VersionedFramework[]; key: string } | undefined;
  /** Whose releases decide whether a section is validated at all (DeepSpeed's pydantic sections); keys in sections count then. */
  sectionsValidatedBy?: VersionedFramework;
  /** Whose releases decide the choices of its top-level keys (transformers' `optim`). */
  choicesBy?: VersionedFramework;
  /** When another reader of its YAML may drop what the usual one rejects: the cap and the consequence. */
  yamlRejection?(pins: Pins): { maxSeverity: Severity; consequence: string } | undefined;
}

/** How a program shows on a launch script's command lines (shell/launch.ts, shell/shell-config.ts). */
export interface CommandLineFacts {
  /** Whether a launched program's command line is this program's arguments (its entry point, `--flags`, the words). */
  recognises?(base: string, flags: Set<string>, args: Field[]): boolean;
  /** How flags become keys: HfArgumentParser takes --a-b for a_b (`underscore`). */
  keyStyle?: 'underscore';
  /** Megatron-DeepSpeed: the script hands a DeepSpeed config to DeepSpeed (its flags, or the deepspeed launcher). */
  runsDeepSpeed?(args: ConfigNode, launcher: string | undefined): boolean;
  /** File names of its entry points (`pretrain_gpt.py`): a launch of one whose flags cannot be read is a skipped launch script. */
  entryPoint?: RegExp;
  /** Its own tools that train from a YAML: `<tool> train X.yaml`. */
  tools?: string[];
  /** The processes its tool starts, where the script says. */
  toolWorld?(command: CommandLine, variables: Map<string, ShellVariable>): number | undefined;
  /** Modules that train from the YAML given first (`python -m axolotl.cli.train X.yaml`, under any launcher). */
  trainModules?: string[];
  /** The launcher option that hands it its config (`accelerate launch --config_file X.yaml`). */
  launcherConfig?: { launcher: string; option: string };
}

/** How a program's schedule is read (facts/schedule-facts.ts) and judged (rules/research/schedule-rules.ts). */
export interface ScheduleReader {
  /** Each value with the node that writes it. */
  facts(tree: ConfigTree, root: ConfigNode, settings: Settings): ScheduleFacts | undefined;
  /** The training length the decay horizon is measured against: iterations, or the horizon's own unit (Megatron: samples, tokens or iterations, as its decay is given). */
  length?: 'iterations' | 'horizon';
  /** `warmup.steps` is the warmup in the horizon's unit; otherwise the written warmup counts when its unit matches. */
  warmupInSteps?: boolean;
  /** transformers v5 reads warmup_steps below 1 as a fraction of the run. */
  warmupStepsFraction?: boolean;
  /** The fix that adds a warmup of `steps`, or of `fraction` of the run, in the spelling the program reads. */
  addWarmup?(ctx: RuleContext, facts: ScheduleFacts, steps: number | undefined, fraction: number): Fix | undefined;
}

/** The keys that hold a program's optimizer and schedule. */
export interface OptimizerKeys {
  name(root: ConfigNode): ConfigNode | undefined;
  /** The optimizer used when the file names none. */
  defaultName?: string;
  learningRates(root: ConfigNode): Array<ConfigNode | undefined>;
  /** Warmup and total steps. */
  steps(root: ConfigNode): Array<ConfigNode | undefined>;
  adam(root: ConfigNode): { beta1?: ConfigNode; beta2?: ConfigNode; eps?: ConfigNode };
}

/** A program's fp16 and bf16 switches, and what it says when both are on. */
export interface PrecisionSwitches {
  fp16?: ConfigNode;
  bf16?: ConfigNode;
  upstream: string;
}

/** A file that trains in fp32 or tf32: the key that says so and the switch that turns bf16 on. */
export interface FullPrecision {
  precision: 'fp32' | 'tf32';
  node?: ConfigNode;
  why: string;
  fixNode?: ConfigNode;
  fixValue?: string | boolean;
}

export interface PrecisionFacts {
  /** Absent where one key holds the precision (NeMo's trainer.precision). */
  switches?(root: ConfigNode): PrecisionSwitches;
  /** Undefined unless the file trains in full precision. */
  full(root: ConfigNode, ctx: RuleContext): FullPrecision | undefined;
}

/**
 * How a program's file is told apart from the others', in the order detect/detect-format.ts asks:
 * - `sections`: its top-level sections decide, before anything else (NeMo's Lightning `trainer` and `model`);
 * - `own-keys`: two of its own names decide, before any scoring (axolotl and LLaMA-Factory files also carry
 *   TrainingArguments and Megatron names);
 * - `score`: the best score of 4 or more wins, ties going to the program listed first.
 */
export type Recognition =
  | { by: 'sections'; reason: string; matches(root: ConfigNode | undefined): boolean }
  | {
      by: 'own-keys' | 'score';
      reason: string;
      /** The keys this program's own names, the strong signals. */
      strong: readonly string[];
      /** The score: `own-keys` counts its strong names; `score` counts a strong name twice and adds weaker signals. */
      score(keys: Set<string>, fileName: string): number;
      /** How many of its own names the file holds, for Hydra configs (three or more make it this program's). */
      own(keys: Set<string>, score: number): number;
      /** Dicts of this program's arguments nested deeper in another config (TrainingArguments(**dict)): their pointers. */
      nested?(root: ConfigNode | undefined): { roots: string[]; reason: string } | undefined;
      /** Why a file with some of its names is still not this program's, for the unknown file's reason. */
      nearMiss?(keys: Set<string>): string | undefined;
    };

/**
 * How a program loads its YAML: whether `2e-5` is a float (OmegaConf, YAML 1.2-style resolvers) or the string
 * "2e-5" (PyYAML, YAML 1.1), and what a string-typed number costs there. `floatAsString` is the severity of
 * yaml-float-as-string; absent where the loader reads such numbers as floats or the program converts them.
 */
export interface YamlLoader {
  loader: 'pyyaml' | 'omegaconf' | 'none';
  /** The upstream call, by file. */
  source: string;
  floatAsString?: Severity;
  /** What happens to a string where a float belongs. */
  effect: string;
  /** Keys the program converts with float() itself, so a string there is fine. */
  converted?: string[];
  /** It validates the loaded config with pydantic in lax mode, which turns "1e-3" into a float for a field typed float. */
  pydantic?: boolean;
}

/** Counts how many of `list` the keys hold. */
export function countKeys(keys: Set<string>, list: readonly string[]): number {
  let n = 0;
  for (const k of list) if (keys.has(k)) n++;
  return n;
}

/** Recognised by two or more of its own names, each counted once (axolotl, LLaMA-Factory). */
export function ownKeysRecognition(reason: string, strong: readonly string[]): Recognition {
  return { by: 'own-keys', reason, strong, score: (keys) => countKeys(keys, strong), own: (_keys, score) => score };
}

/** The keys of an object node. */
export function keysOf(node: ConfigNode | undefined): Set<string> {
  const keys = new Set<string>();
  if (node?.kind === 'object') for (const c of node.children) keys.add(String(c.key));
  return keys;
}
