import type { PyLiteral } from './syntax';

/** One argument a program accepts, and where it is defined. */
export interface ProgramArgument {
  /** The field name (dataclass) or argparse dest. */
  name: string;
  /** Option strings that set it on a command line (`--lr`, `--learning-rate`, `--no_x`); for a dataclass field, the YAML key is `name`. */
  flags: string[];
  /** The annotation (dataclass) or `type=` (argparse), as written. */
  type?: string;
  choices?: PyLiteral[];
  /** argparse nargs, or '+' for a list field, '?' for a bool field (hf_argparser.py). */
  nargs?: string | number;
  /** argparse action (store_true, ...): such a flag takes no value. */
  action?: string;
  /** The class that defines it (absent for argparse options) and the file, relative to the workspace root. */
  definedIn: { className?: string; file: string };
  /** Set when an upstream class the program includes defines the same name: the program's type and choices win. */
  redefines?: boolean;
}

/** The arguments one parser of a program accepts. */
export interface ArgumentSet {
  /** How the parser is named in messages: `HfArgumentParser over (FlatArguments, ...)`, `argparse`. */
  parser: string;
  style: 'dataclass' | 'argparse';
  /** By field name (dataclass) or dest (argparse). */
  fields: Record<string, ProgramArgument>;
  /** Upstream classes it includes (TrainingArguments, DPOConfig, ...), whose fields TrainLint's hf-trainer schema knows. */
  upstream: string[];
  /** Every class was found and read: a key none of them defines is certainly unknown. */
  complete: boolean;
  /** Why not complete (an import outside the workspace, a class built at run time). */
  incompleteBecause?: string;
  /** Why unknown keys or flags do not stop the program (parse_known_args, allow_extra_keys=True). */
  acceptsUnknown?: string;
}

/**
 * What a program accepts, read from its Python source (see resolve.ts). `commandLine` parses the flags a launch script
 * passes; `configFile` reads the YAML/JSON file it is handed. Often the same parser, sometimes not: Firefly's train.py
 * takes `--train_args_file` with argparse and reads that JSON with HfArgumentParser.
 */
export interface ProgramArguments {
  /** The program file, relative to the workspace root (`open_instruct/dpo_tune_cache.py`). */
  program: string;
  commandLine?: ArgumentSet;
  configFile?: ArgumentSet;
  /** The program reads a config file itself (parse_yaml_file, parse_json_file, parse_args_and_config, ...). */
  readsConfigFile: boolean;
}

const norm = (name: string) => name.replace(/-/g, '_');

/**
 * The argument a key names. From a config file, HfArgumentParser.parse_dict matches field names exactly
 * (transformers/hf_argparser.py parse_dict); on a command line argparse matches option strings, and a unique prefix of a
 * long option too (argparse.py _parse_optional, allow_abbrev defaults to True), which `prefixOk` allows.
 */
export function findArgument(set: ArgumentSet, key: string, from: 'command-line' | 'config-file'): ProgramArgument | undefined {
  if (from === 'config-file') return Object.prototype.hasOwnProperty.call(set.fields, key) ? set.fields[key] : undefined;
  const wanted = norm(key.replace(/^-+/, ''));
  const fields = Object.values(set.fields);
  const exact = fields.find((f) => f.flags.some((flag) => norm(flag.replace(/^-+/, '')) === wanted));
  if (exact) return exact;
  // An abbreviation of exactly one long option (argparse.py _get_option_tuples); an ambiguous one is an error too, but
  // the flag is no typo then, so it is left alone.
  const prefixed = fields.filter((f) => f.flags.some((flag) => flag.startsWith('--') && wanted.length >= 2 && norm(flag.slice(2)).startsWith(wanted)));
  return prefixed.length >= 1 ? prefixed[0] : undefined;
}
