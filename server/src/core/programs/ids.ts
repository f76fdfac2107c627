/**
 * The programs TrainLint knows, by the id a detection, a modeline (`# trainlint: format=ID`), the settings and the
 * JSON output name them with. Only `server/src/core/programs/` spells these ids (test/architecture.test.ts): other
 * code asks the program (programs/index.ts) or names it through `PROGRAM` below.
 */
export const PROGRAM_IDS = ['deepspeed', 'hf-trainer', 'accelerate', 'megatron', 'nemo', 'axolotl', 'llamafactory', 'neox'] as const;

export type ProgramId = (typeof PROGRAM_IDS)[number];

/** The configuration formats TrainLint reads: one per program; `unknown` files are skipped without a word. */
export const FORMATS = [...PROGRAM_IDS, 'unknown'] as const;

export type Format = ProgramId | 'unknown';

export function isFormat(value: unknown): value is Format {
  return typeof value === 'string' && (FORMATS as readonly string[]).includes(value);
}

/** The programs that read a file handed to them (a DeepSpeed JSON read by the HF Trainer), as settings and links name them. */
export const CONSUMERS = ['deepspeed', 'hf-trainer', 'accelerate', 'megatron', 'unknown'] as const;

/** Which program will read the file; it decides JSON strictness and where "auto" is legal. */
export type Consumer = (typeof CONSUMERS)[number];

/** A program's id by name, for the data that states which programs something concerns (`RuleMeta.programs`). */
export const PROGRAM = {
  deepspeed: 'deepspeed',
  hfTrainer: 'hf-trainer',
  accelerate: 'accelerate',
  megatron: 'megatron',
  nemo: 'nemo',
  axolotl: 'axolotl',
  llamafactory: 'llamafactory',
  neox: 'neox',
} as const satisfies Record<string, ProgramId>;
