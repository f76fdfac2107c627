import { fieldText, type Field } from '../../shell/words';
import type { CommandLineFacts } from '../program';

const HF_FLAGS = ['per_device_train_batch_size', 'per_device_eval_batch_size', 'gradient_accumulation_steps', 'output_dir', 'num_train_epochs', 'learning_rate', 'lr_scheduler_type', 'warmup_ratio', 'logging_steps', 'save_strategy', 'save_steps', 'evaluation_strategy', 'eval_strategy', 'model_name_or_path', 'report_to', 'max_steps', 'weight_decay', 'bf16', 'fp16', 'deepspeed', 'gradient_checkpointing'];

export const commandLine: CommandLineFacts = {
  // A bare `--deepspeed` switch is deepspeed.add_config_arguments' store_true flag (DeepSpeed-Chat's main.py and other
  // hand-written loops): HfArgumentParser's --deepspeed takes a value, so such a program is not the HF Trainer.
  recognises: (_base, flags, args) => HF_FLAGS.filter((f) => flags.has(f) || flags.has(f.replace(/_/g, '-'))).length >= 3 && !hasBareSwitch(args, 'deepspeed'),
  // HfArgumentParser takes --per-device-train-batch-size for per_device_train_batch_size.
  keyStyle: 'underscore',
};

function hasBareSwitch(args: Field[], name: string): boolean {
  const index = args.findIndex((a) => fieldText(a) === `--${name}`);
  return index !== -1 && (index === args.length - 1 || fieldText(args[index + 1]).startsWith('-'));
}
