/** The configuration formats TrainLint reads; `unknown` files are skipped without a word. */
export const FORMATS = [
  'deepspeed',
  'hf-trainer',
  'accelerate',
  'megatron',
  'nemo',
  'axolotl',
  'llamafactory',
  'neox',
  'unknown',
] as const;

export type Format = (typeof FORMATS)[number];

export function isFormat(value: unknown): value is Format {
  return typeof value === 'string' && (FORMATS as readonly string[]).includes(value);
}
