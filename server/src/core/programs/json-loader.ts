import type { Severity } from '../diagnostic';
import type { Consumer, Format } from './ids';

/**
 * How a JSON config is loaded, by the program that reads it. DeepSpeed loads its own with hjson (comments allowed, a
 * duplicate key raises ValueError: deepspeed/runtime/config_utils.py dict_raise_error_on_duplicate_keys), and so does
 * Megatron-DeepSpeed through it; the HF Trainer and accelerate json.load it (a comment is a syntax error, the last
 * duplicate wins) and hand DeepSpeed the dict.
 */
const HJSON_READERS: readonly Consumer[] = ['deepspeed', 'megatron'];
const DICT_HANDERS: readonly Consumer[] = ['hf-trainer', 'accelerate'];

/** The severity of a comment in a JSON config; undefined where its reader accepts comments. */
export function jsonCommentSeverity(format: Format, consumer: Consumer): Severity | undefined {
  if (HJSON_READERS.includes(consumer)) return undefined;
  // Nobody said who reads a DeepSpeed config: DeepSpeed's hjson may well be the reader.
  if (consumer === 'unknown' && format === 'deepspeed') return 'warning';
  return 'error';
}

/** Whether a duplicate key stops the program: a DeepSpeed JSON that DeepSpeed itself loads. */
export function duplicateKeyFatal(format: Format, consumer: Consumer): boolean {
  return format === 'deepspeed' && !DICT_HANDERS.includes(consumer);
}
