import { PROGRAMS } from '../programs/index';
import { DISTRIBUTED_LAUNCHERS, type Launch } from './launch';
import type { CommandLine, ScriptFacts } from './script';
import type { ArgsOpen } from './shell-config';
import { fieldText, isKnown, type Field } from './words';

/**
 * Why a launch script of a supported trainer was not read as one. A script is such a launch when it starts a
 * distributed launcher (torchrun, torch.distributed.run/launch, deepspeed, accelerate launch) or a program's entry
 * point (`pretrain_gpt.py`), or runs a command TrainLint cannot resolve whose words or written value name one
 * (`$LAUNCHER $CMD` with LAUNCHER set in an undecided branch). Any other script that reads as no trainer's is no
 * candidate: undefined.
 */
export function skippedLaunchReason(script: ScriptFacts, text: string, best: Launch | undefined, argsOpen: ArgsOpen | undefined): string | undefined {
  if (best && (DISTRIBUTED_LAUNCHERS.has(best.launcher) || isEntryPoint(best.program))) {
    const program = best.program;
    if (!program) return `${best.launcher} is given no program to run`;
    if (!isKnown(program) && fieldText(program) === '') return `the program ${best.launcher} starts is not known statically: ${whyUnknown(program)}`;
    const name = baseName(fieldText(program));
    const flags = best.args.filter((a) => isKnown(a) && fieldText(a).startsWith('-')).length;
    // `torchrun train.py config.yaml`: the arguments are in the file, which is checked on its own.
    if (flags === 0 && best.args.some((a) => CONFIG_FILE.test(fieldText(a)))) return undefined;
    if (argsOpen && flags < 3) return `${best.launcher} runs ${name}, whose flags come from words TrainLint cannot read statically (${argsOpen.why})`;
    return `${best.launcher} runs ${name}, whose ${flags === 1 ? 'one flag is' : `${flags} flags are`} no supported trainer's (its own argument parser decides them)`;
  }
  for (const command of allCommands(script.commands)) {
    const first = command.argv[0];
    if (!first || isKnown(first)) continue;
    const written = first.flatMap((p) => (p.variable ? [script.variables.get(p.variable)] : [])).map((v) => (v ? text.slice(v.valueRange.start, v.valueRange.end) : ''));
    if ([...command.argv.slice(1).map(fieldText), ...written].some((w) => LAUNCH_WORDS.test(w))) return `the command it runs starts with a word TrainLint cannot resolve statically (${whyUnknown(first)})`;
  }
  return undefined;
}

const CONFIG_FILE = /\.(?:ya?ml|json)$/i;
// A launcher or a Python program named in a word or in a variable's written value.
const LAUNCH_WORDS = /(?:^|[\s/])(?:torchrun|deepspeed|accelerate\s+launch)(?:\s|$)|torch\.distributed\.(?:run|launch)|\.py(?:\s|$)/;

function isEntryPoint(program: Field | undefined): boolean {
  const name = baseName(program ? fieldText(program) : '');
  return name !== '' && PROGRAMS.some((p) => p.commandLine?.entryPoint?.test(name));
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function whyUnknown(field: Field): string {
  return field.find((p) => p.unknown !== undefined)?.unknown ?? 'an unknown value';
}

/** The script's commands and those of the `bash -c` scripts they run. */
function allCommands(commands: CommandLine[]): CommandLine[] {
  return commands.flatMap((c) => [c, ...allCommands(c.inline?.commands ?? [])]);
}
