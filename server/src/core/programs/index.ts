import type { Format } from './ids';
import type { Program, YamlLoader } from './program';
import { deepspeed } from './deepspeed/index';
import { hfTrainer } from './hf-trainer/index';
import { accelerate } from './accelerate/index';
import { megatron } from './megatron/index';
import { nemo } from './nemo/index';
import { neox } from './neox/index';
import { axolotl } from './axolotl/index';
import { llamafactory } from './llamafactory/index';

/**
 * Every program, in the order detection asks them (detect/detect-format.ts): a `score` tie goes to the one listed
 * first, and LLaMA-Factory's own names are looked for before axolotl's.
 */
export const PROGRAMS: readonly Program[] = [nemo, llamafactory, axolotl, deepspeed, accelerate, megatron, neox, hfTrainer];

/** The program that reads a file of this format; undefined for `unknown`. */
export function programOf(format: Format): Program | undefined {
  return PROGRAMS.find((p) => p.id === format);
}

const NO_LOADER: YamlLoader = { loader: 'none', source: '', effect: 'not checked' };

/** How the format's program loads YAML (the `none` loader for an unknown file). */
export function yamlLoaderOf(format: Format): YamlLoader {
  return programOf(format)?.loader ?? NO_LOADER;
}

export type { Program } from './program';
