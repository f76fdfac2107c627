import type { Severity } from './diagnostic';
import type { Consumer, Format } from './programs/ids';
import type { VersionedFramework, Versions } from './versions/version-spec';

export type { Consumer } from './programs/ids';

export type RuleSetting = Severity | 'off';

/**
 * Everything the analysis takes besides the text. The CLI fills it from flags and `.trainlint.yaml`,
 * the language server from editor settings and the same project file.
 */
export interface Settings {
  /** Forces the format instead of detecting it. */
  format?: Format;
  /** Who reads the file, when known from a linking file or the project file. */
  consumer?: Consumer;
  cluster?: {
    worldSize?: number;
    nodes?: number;
    gpusPerNode?: number;
    gpu?: string;
    /** Figures that replace the GPU catalog's (another memory size, a measured matmul ceiling, the site's network). */
    hardware?: HardwareFigures;
  };
  /** Model-parallel sizes for formats that do not state them (a ds_config does not know its TP/PP). */
  parallel?: { tp?: number; pp?: number; cp?: number };
  /** Per-rule severity or `off`, by rule name. */
  rules?: Record<string, RuleSetting>;
  /** Architecture by Hugging Face id or catalog name, when the file does not say. */
  model?: string;
  /** Sequence length in tokens, when the file does not say (a ds_config never does). */
  seqLength?: number;
  /** Training length in tokens, when the file does not give steps or iterations. */
  trainingTokens?: number;
  /** Tokens in one pass over the training data: with the file's epochs, the training length. */
  datasetTokens?: number;
  pricePerGpuHour?: number;
  flopsConvention?: 'palm' | 'megatron' | 'narayanan';
  /** Set (to the reason) when a DeepSpeed config is driven by DeepSpeed's PipelineEngine whatever its stage count (Megatron-DeepSpeed without --no-pipeline-parallel). */
  deepspeedPipelineEngine?: string;
  /** For a DeepSpeed config: what the file that points to it gives the HF Trainer (hf-deepspeed-mismatch compares both sides). */
  linkedFrom?: import('./programs/hf-trainer/trainer-values').TrainerValues;
  /**
   * The program that reads the file, when the edge found it (a launch script runs it, and passes it this file): what its
   * argument classes or argparse options accept (core/python/resolve.ts). unknown-key and invalid-value judge by it.
   */
  program?: import('./python/program-arguments').ProgramArguments;
  /** A folder a launch script `cd`s to before its launch that the workspace does not hold (a submodule, another checkout), as written: the program run there is not the one TrainLint reads. */
  unseenCheckout?: string;
  /**
   * For an accelerate config: the `accelerate launch` options (dashes as underscores) of the command that passes it with
   * --config_file. accelerate copies a config value only where the command line leaves the option unset. Undefined: no launching command is known.
   */
  launchFlags?: string[];
  /**
   * The Megatron arguments file of the repository that holds the file (`megatron/training/arguments.py`, `megatron/arguments.py`),
   * found by the front end: its path from the repository root and its git blob hash. A fork's file decides its scripts' flags.
   */
  megatronArguments?: { path: string; blob?: string; text?: string };
  /** Share of the step the pipeline bubble may take before `pipeline-bubble` warns. */
  bubbleWarnFraction?: number;
  /** Framework versions the file runs with (exact or a range), from the workspace's pins, the project file, the editor or `--versions`. */
  versions?: Versions;
  /** Where each version was read (`requirements.txt:3`, `.trainlint.yaml:4`, `--versions`), for messages. */
  versionSources?: Partial<Record<VersionedFramework, string>>;
}

/** The accelerator figures a user may override, by their plan names (decimal GB/s per GPU, one direction; dense TFLOP/s). */
export const HARDWARE_FIGURES = ['memoryGiB', 'peakTflops', 'peak16Tflops', 'matmulTflops', 'memoryBandwidthGBps', 'intraNodeGBps', 'interNodeGBps'] as const;
export type HardwareFigures = Partial<Record<(typeof HARDWARE_FIGURES)[number], number>>;

export interface WorldSize {
  value?: number;
  /** Where the number came from, for messages and hovers. */
  source: string;
}

export function worldSizeOf(settings: Settings): WorldSize {
  const cluster = settings.cluster ?? {};
  if (cluster.worldSize !== undefined) return { value: cluster.worldSize, source: 'the configured world size' };
  if (cluster.nodes !== undefined && cluster.gpusPerNode !== undefined) {
    return { value: cluster.nodes * cluster.gpusPerNode, source: `${cluster.nodes} node${cluster.nodes === 1 ? '' : 's'} x ${cluster.gpusPerNode} GPU${cluster.gpusPerNode === 1 ? '' : 's'} per node` };
  }
  return { source: 'unknown' };
}

/** Later settings override earlier ones, field by field; rule tables merge. */
export function mergeSettings(...layers: Array<Settings | undefined>): Settings {
  const out: Settings = {};
  for (const layer of layers) {
    if (!layer) continue;
    const { cluster, parallel, rules, versions, versionSources, ...rest } = layer;
    Object.assign(out, stripUndefined(rest));
    if (cluster) {
      // A layer that states the cluster as nodes x GPUs per node replaces a world size from a lower layer (and vice versa).
      const base = { ...out.cluster };
      if (cluster.nodes !== undefined && cluster.gpusPerNode !== undefined && cluster.worldSize === undefined) delete base.worldSize;
      if (cluster.worldSize !== undefined && cluster.nodes === undefined) delete base.nodes;
      out.cluster = { ...base, ...stripUndefined(cluster) };
      if (base.hardware && cluster.hardware) out.cluster.hardware = { ...base.hardware, ...cluster.hardware };
    }
    if (parallel) out.parallel = { ...out.parallel, ...stripUndefined(parallel) };
    if (rules) out.rules = { ...out.rules, ...rules };
    // Versions merge per framework; a layer's version without a source of its own drops the lower layer's source.
    if (versions) {
      out.versions = { ...out.versions, ...stripUndefined(versions) };
      const sources = { ...out.versionSources };
      for (const framework of Object.keys(stripUndefined(versions)) as VersionedFramework[]) delete sources[framework];
      out.versionSources = { ...sources, ...stripUndefined(versionSources ?? {}) };
    }
  }
  return out;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
