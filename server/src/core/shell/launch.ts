import type { OffsetRange } from '../text/range';
import type { CommandLine, ShellVariable } from './script';
import type { ProgramId } from '../programs/ids';
import { PROGRAMS } from '../programs/index';
import { fieldText, isKnown, rangeOfField, sliceField, splitLikeShell, type Field } from './words';
import { shellScriptIndex } from './inline-text';

/** How a training program is started: the launcher, its process-layout options, and the program's own arguments. */
export interface Launch {
  /** torchrun, torch.distributed.run, torch.distributed.launch, deepspeed, accelerate, python (a plain run). */
  launcher: string;
  /** Wrappers around the launcher, outermost first (srun, mpirun, bash -c). */
  wrappers: string[];
  /** Launcher options by name with dashes normalised to underscores (`nproc_per_node`), the last one given. */
  options: Map<string, { field?: Field; nameRange: OffsetRange }>;
  /** srun's or mpirun's options, same shape. */
  wrapperOptions: Map<string, { field?: Field; nameRange: OffsetRange }>;
  /** The script (`pretrain_gpt.py`) or module (`-m pkg.mod`) that is started. */
  program?: Field;
  programIsModule: boolean;
  /** The program's arguments, after expansion. */
  args: Field[];
  range: OffsetRange;
  uncertain: boolean;
}

/** The launchers that start distributed training (a plain `python` run is not one). */
export const DISTRIBUTED_LAUNCHERS: ReadonlySet<string> = new Set(['torchrun', 'torch.distributed.run', 'torch.distributed.launch', 'deepspeed', 'accelerate']);

// Launcher switches that take no value; every other option takes one (unless written --name=value).
const TORCHRUN_SWITCHES = new Set(['standalone', 'no_python', 'run_path', 'module', 'm', 'use_env', 'virtual_local_rank']);
// deepspeed/launcher/runner.py (parse_args): its store_true options; --enable_each_rank_log and --autotuning take a value.
const DEEPSPEED_SWITCHES = new Set(['force_multi', 'no_local_rank', 'no_python', 'module', 'elastic_training', 'bind_cores_to_rank', 'no_ssh_check', 'no_ssh', 'save_pid', 'q', 'quiet']);
// accelerate/commands/launch.py (launch_command_parser): its store_true/store_false options (older releases' use_xpu, mps, tpu_use_cluster kept).
const ACCELERATE_SWITCHES = new Set(['multi_gpu', 'use_deepspeed', 'use_fsdp', 'use_megatron_lm', 'use_parallelism_config', 'use_xpu', 'cpu', 'mps', 'tpu', 'debug', 'module', 'm', 'no_python', 'quiet', 'q', 'same_network', 'tpu_cluster', 'no_tpu_cluster', 'tpu_use_cluster', 'tpu_use_sudo', 'enable_cpu_affinity', 'downcast_bf16', 'dynamo_use_fullgraph', 'dynamo_use_dynamic', 'dynamo_use_regional_compilation', 'fp8_use_autocast_during_eval']);
// Runners that start the command after their options: `uv run [opts] cmd`, `poetry run cmd`, `conda run -n env cmd`; their options that take a value.
const RUNNER_VALUED: Record<string, Set<string>> = {
  uv: new Set(['with', 'with_editable', 'with_requirements', 'python', 'p', 'project', 'directory', 'extra', 'group', 'only_group', 'no_group', 'env_file', 'index', 'default_index', 'index_url', 'i', 'extra_index_url', 'find_links', 'f', 'package', 'config_file', 'cache_dir', 'color', 'index_strategy', 'keyring_provider', 'resolution', 'prerelease', 'link_mode', 'exclude_newer', 'refresh_package', 'reinstall_package', 'upgrade_package', 'P', 'no_binary_package', 'no_build_package', 'config_setting', 'C', 'python_platform', 'no_extra']),
  poetry: new Set(['directory', 'C', 'project', 'P']),
  pipenv: new Set([]),
  conda: new Set(['n', 'name', 'p', 'prefix', 'cwd']),
  mamba: new Set(['n', 'name', 'p', 'prefix', 'cwd']),
  micromamba: new Set(['n', 'name', 'p', 'prefix', 'cwd']),
};
// Words that end one command and start the next inside a command string a wrapper runs (`-- source x.sh \&\& python train.py`).
const COMMAND_SEPARATORS = new Set(['&&', '||', ';', '|']);
// srun's options that take a value (slurm srun(1)); the ones listed in SRUN_SWITCHES take none.
const SRUN_VALUED = new Set(['A', 'account', 'acctg_freq', 'bcast', 'begin', 'cluster_constraint', 'M', 'clusters', 'comment', 'C', 'constraint', 'container', 'container_image', 'container_mounts', 'container_name', 'container_workdir', 'container_env', 'S', 'core_spec', 'cores_per_socket', 'cpu_freq', 'cpus_per_gpu', 'c', 'cpus_per_task', 'deadline', 'delay_boot', 'd', 'dependency', 'D', 'chdir', 'm', 'distribution', 'epilog', 'e', 'error', 'x', 'exclude', 'export', 'gres', 'gres_flags', 'gpu_bind', 'gpu_freq', 'G', 'gpus', 'gpus_per_node', 'gpus_per_socket', 'gpus_per_task', 'hint', 'i', 'input', 'J', 'job_name', 'jobid', 'L', 'licenses', 'mail_type', 'mail_user', 'mcs_label', 'mem', 'mem_per_cpu', 'mem_per_gpu', 'mem_bind', 'mincpus', 'mpi', 'network', 'F', 'nodefile', 'w', 'nodelist', 'N', 'nodes', 'n', 'ntasks', 'ntasks_per_core', 'ntasks_per_gpu', 'ntasks_per_node', 'ntasks_per_socket', 'open_mode', 'o', 'output', 'p', 'partition', 'power', 'prolog', 'q', 'qos', 'reservation', 'signal', 'slurmd_debug', 'sockets_per_node', 'task_epilog', 'task_prolog', 'thread_spec', 'threads_per_core', 't', 'time', 'time_min', 'tmp', 'wckey', 'cpu_bind', 'switches', 'uid', 'gid', 'W', 'wait', 'het_group']);
const SRUN_SWITCHES = new Set(['l', 'label', 'overlap', 'exclusive', 'unbuffered', 'u', 'K', 'kill_on_bad_exit', 'overcommit', 'O', 'Q', 'quiet', 'v', 'verbose', 'X', 'disable_status', 'E', 'preserve_env', 'H', 'hold', 'I', 'immediate', 'k', 'no_kill', 'Z', 'no_allocate', 'pty', 's', 'oversubscribe', 'spread_job', 'test_only', 'use_min_nodes', 'contiguous', 'exact', 'whole', 'multi_prog']);
const MPIRUN_VALUED = new Set(['np', 'n', 'c', 'N', 'npernode', 'H', 'host', 'hostfile', 'machinefile', 'x', 'map_by', 'bind_to', 'rank_by', 'wdir', 'prefix', 'ppn', 'f', 'genv', 'env']);
const PYTHON_VALUED = new Set(['W', 'X', 'c']);

const norm = (name: string) => name.replace(/-/g, '_');

function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 ? path.slice(i + 1) : path;
}

interface OptionScan {
  options: Map<string, { field?: Field; nameRange: OffsetRange }>;
  next: number;
}

/** Reads `--opt value`, `--opt=value`, `-o value` and switches until the first word that is not an option. */
function scanOptions(argv: Field[], from: number, takesValue: (name: string) => boolean, stopAtDoubleDash = true): OptionScan {
  const options = new Map<string, { field?: Field; nameRange: OffsetRange }>();
  let i = from;
  while (i < argv.length) {
    const text = fieldText(argv[i]);
    if (text === '--' && stopAtDoubleDash) return { options, next: i + 1 };
    if (!text.startsWith('-') || text === '-') break;
    const body = text.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const dashes = text.length - body.length;
    const nameRange = rangeOfField(argv[i]);
    if (eq >= 0) {
      const name = norm(body.slice(0, eq));
      options.set(name, { field: sliceText(argv[i], dashes + eq + 1), nameRange });
      i++;
      continue;
    }
    const name = norm(body);
    if (takesValue(name) && i + 1 < argv.length) {
      options.set(name, { field: argv[i + 1], nameRange });
      i += 2;
    } else {
      options.set(name, { nameRange });
      i++;
    }
  }
  return { options, next: i };
}

function sliceText(field: Field, from: number): Field {
  // Local import avoided: words.sliceField does this, kept here for clarity of offsets.
  const out: Field = [];
  let offset = 0;
  for (const piece of field) {
    const start = offset;
    offset += piece.text.length;
    if (piece.text.length === 0) {
      if (start >= from) out.push(piece);
      continue;
    }
    if (offset <= from) continue;
    const cut = Math.max(0, from - start);
    out.push(piece.verbatim ? { ...piece, text: piece.text.slice(cut), start: piece.start + cut } : { ...piece, text: piece.text.slice(cut) });
  }
  return out;
}

/** Classifies one command line; undefined when it starts no Python program. */
export function classifyCommand(command: CommandLine): Launch | undefined {
  return classify(command.argv, [], new Map(), command, 0);
}

function classify(argv: Field[], wrappers: string[], wrapperOptions: Launch['wrapperOptions'], command: CommandLine, depth: number): Launch | undefined {
  if (argv.length === 0 || depth > 4) return undefined;
  let i = 0;
  // `env A=1 B=2 cmd`, `time cmd`, `exec cmd`, `nohup cmd`, `numactl ... cmd` are transparent.
  while (i < argv.length) {
    const t = fieldText(argv[i]);
    if (t === 'env' || t === 'exec' || t === 'time' || t === 'nohup' || /^[A-Za-z_]\w*=/.test(t)) i++;
    else break;
  }
  if (i >= argv.length) return undefined;
  const name = basename(fieldText(argv[i]));
  const make = (launcher: string, options: Launch['options'], rest: Field[], programIsModule = false): Launch => {
    // A program whose arguments hold `-- cmd ...` that starts a training program is a job-submission wrapper
    // (open-instruct's `python mason.py --env X=1 --gpus 8 -- python train.py ...`): its options are its own.
    const inner = rest[0] ? afterDoubleDash(rest, 1, [...wrappers, basename(fieldText(rest[0]))], wrapperOptions, command, depth) : undefined;
    if (inner) return inner;
    return {
      launcher,
      wrappers,
      options,
      wrapperOptions,
      program: rest[0],
      programIsModule,
      args: rest.slice(1),
      range: command.range,
      uncertain: command.uncertain,
    };
  };
  if (name === 'srun' || name === 'salloc') {
    const scan = scanOptions(argv, i + 1, (n) => SRUN_VALUED.has(n) && !SRUN_SWITCHES.has(n));
    const merged = new Map([...wrapperOptions, ...scan.options]);
    return classify(argv.slice(scan.next), [...wrappers, name], merged, command, depth + 1);
  }
  if (name === 'mpirun' || name === 'mpiexec' || name === 'horovodrun') {
    const scan = scanOptions(argv, i + 1, (n) => MPIRUN_VALUED.has(n) || n === 'mca');
    const merged = new Map([...wrapperOptions, ...scan.options]);
    return classify(argv.slice(scan.next), [...wrappers, name], merged, command, depth + 1);
  }
  const scriptAt = shellScriptIndex(argv, i);
  if (scriptAt >= 0) {
    // The child shell's commands as the script read them (script.ts); the string split by hand where it could not.
    const inline = command.inline?.script === argv[scriptAt] ? command.inline.commands : undefined;
    const commands = inline ? inline.map((inner) => ({ ...inner, range: command.range, uncertain: command.uncertain || inner.uncertain })) : splitCommands(splitLikeShell(argv[scriptAt]), command);
    return best(commands, [...wrappers, `${name} -c`], wrapperOptions, depth);
  }
  if (name === 'torchrun') {
    const scan = scanOptions(argv, i + 1, (n) => !TORCHRUN_SWITCHES.has(n));
    return make('torchrun', scan.options, argv.slice(scan.next), scan.options.has('module') || scan.options.has('m'));
  }
  if (name === 'deepspeed') {
    const scan = scanOptions(argv, i + 1, (n) => !DEEPSPEED_SWITCHES.has(n));
    return make('deepspeed', scan.options, argv.slice(scan.next), scan.options.has('module'));
  }
  if (name === 'accelerate' && fieldText(argv[i + 1] ?? []) === 'launch') {
    const scan = scanOptions(argv, i + 2, (n) => !ACCELERATE_SWITCHES.has(n));
    return make('accelerate', scan.options, argv.slice(scan.next), scan.options.has('module') || scan.options.has('m'));
  }
  if (/^python(\d(\.\d+)?)?$/.test(name)) {
    let j = i + 1;
    while (j < argv.length) {
      const t = fieldText(argv[j]);
      if (t === '-m') break;
      if (!t.startsWith('-') || t === '-') break;
      j += PYTHON_VALUED.has(t.slice(1)) ? 2 : 1;
    }
    if (fieldText(argv[j] ?? []) === '-m' && argv[j + 1]) {
      const module = fieldText(argv[j + 1]);
      if (module === 'torch.distributed.run' || module === 'torch.distributed.launch') {
        const scan = scanOptions(argv, j + 2, (n) => !TORCHRUN_SWITCHES.has(n));
        return make(module, scan.options, argv.slice(scan.next));
      }
      if (module === 'deepspeed.launcher.runner') {
        const scan = scanOptions(argv, j + 2, (n) => !DEEPSPEED_SWITCHES.has(n));
        return make('deepspeed', scan.options, argv.slice(scan.next));
      }
      if (module === 'accelerate.commands.launch') {
        const scan = scanOptions(argv, j + 2, (n) => !ACCELERATE_SWITCHES.has(n));
        return make('accelerate', scan.options, argv.slice(scan.next));
      }
      return make('python', new Map(), argv.slice(j + 1), true);
    }
    return make('python', new Map(), argv.slice(j));
  }
  if (/\.py$/.test(name)) return make('python', new Map(), argv.slice(i));
  // `uv run [opts] cmd`, `poetry run cmd`, `pipenv run cmd`, `conda run -n env cmd`: the command after the runner's options.
  const runner = RUNNER_VALUED[name];
  if (runner && fieldText(argv[i + 1] ?? []) === 'run') {
    const scan = scanOptions(argv, i + 2, (n) => runner.has(n));
    return classify(argv.slice(scan.next), [...wrappers, `${name} run`], wrapperOptions, command, depth + 1);
  }
  // sbatch --wrap "python train.py ...": slurm runs the string with sh (sbatch(1) --wrap).
  if (name === 'sbatch') {
    const scan = scanOptions(argv, i + 1, (n) => n === 'wrap' || (SRUN_VALUED.has(n) && !SRUN_SWITCHES.has(n)));
    const wrap = scan.options.get('wrap')?.field;
    return wrap ? best(splitCommands(splitLikeShell(wrap), command), [...wrappers, 'sbatch --wrap'], wrapperOptions, depth) : undefined;
  }
  // Any other command with `-- cmd ...` (ray job submit ... -- python train.py, gantry run ... -- torchrun ...).
  return afterDoubleDash(argv, i + 1, [...wrappers, name], wrapperOptions, command, depth);
}

/** The words after the first `--` at or after `from`, cut into commands at `&&`, `||`, `;` and `|`, and the best training launch among them. */
function afterDoubleDash(argv: Field[], from: number, wrappers: string[], wrapperOptions: Launch['wrapperOptions'], command: CommandLine, depth: number): Launch | undefined {
  let dash = -1;
  for (let k = from; k < argv.length; k++) {
    if (fieldText(argv[k]) === '--' && isKnown(argv[k])) {
      dash = k;
      break;
    }
  }
  if (dash < 0 || dash + 1 >= argv.length) return undefined;
  return best(splitCommands(argv.slice(dash + 1), command), wrappers, wrapperOptions, depth);
}

/**
 * Cuts words a wrapper hands to a shell into commands at `&&`, `||`, `;` and `|`, also where `&&`, `||` or `;` begins or
 * ends a word (`\\&\\&python train.py`: the shell that re-reads the joined string sees `&& python`).
 */
function splitCommands(words: Field[], command: CommandLine): CommandLine[] {
  const out: Field[][] = [[]];
  for (const word of words) {
    const text = fieldText(word);
    if (!isKnown(word)) {
      out[out.length - 1].push(word);
      continue;
    }
    if (COMMAND_SEPARATORS.has(text)) {
      out.push([]);
      continue;
    }
    const lead = /^(?:&&|\|\||;)/.exec(text)?.[0].length ?? 0;
    const trail = /(?:&&|\|\||;)$/.exec(text.slice(lead))?.[0].length ?? 0;
    if (lead > 0) out.push([]);
    if (lead > 0 || trail > 0) out[out.length - 1].push(sliceField(word, lead, text.length - trail));
    else out[out.length - 1].push(word);
    if (trail > 0) out.push([]);
  }
  return out.filter((c) => c.length > 0).map((argv) => ({ ...command, argv }));
}

function best(commands: CommandLine[], wrappers: string[], wrapperOptions: Launch['wrapperOptions'], depth: number): Launch | undefined {
  let chosen: Launch | undefined;
  for (const command of commands) {
    const launch = classify(command.argv, wrappers, wrapperOptions, command, depth + 1);
    if (launch && (!chosen || trainingScore(launch) >= trainingScore(chosen))) chosen = launch;
  }
  return chosen;
}

/** How likely a launch is the script's training run: a distributed launcher and a training entry point score high. */
export function trainingScore(launch: Launch): number {
  const program = launch.program ? basename(fieldText(launch.program)) : '';
  let score = 0;
  if (launch.launcher !== 'python' || launch.wrappers.length > 0) score += 3;
  if (/(pretrain|train|finetune|fine_tune|sft|dpo|ppo|grpo|run_clm|run_mlm|main)/i.test(program)) score += 2;
  if (/\.py$/.test(program) || launch.programIsModule) score += 1;
  const flags = launch.args.filter((a) => fieldText(a).startsWith('--')).length;
  score += Math.min(flags, 30) / 10;
  if (launch.uncertain) score -= 1;
  return score;
}

/** A config file a launch command hands to its framework: `accelerate launch --config_file`, `llamafactory-cli train X.yaml`, `axolotl train X.yaml`. */
export interface LaunchConfigFile {
  /** The program that reads it. */
  kind: ProgramId;
  /** The path as expanded, with provenance. */
  field: Field;
  /** Processes the tool starts, where the script says (llamafactory-cli: NNODES x NPROC_PER_NODE). */
  world?: number;
  /** accelerate: the launcher options the command line gives (`num_processes`), which win over the config's values. */
  launchFlags?: string[];
  /** The command line that passes it. */
  command: OffsetRange;
}

/** The config files one command line passes to a framework's launcher or command-line tool. */
export function configFilesOf(command: CommandLine, variables: Map<string, ShellVariable> = new Map()): LaunchConfigFile[] {
  const out: LaunchConfigFile[] = [];
  const launch = classifyCommand(command);
  if (launch) {
    // A launcher's own config (accelerate launch --config_file X.yaml).
    for (const p of PROGRAMS) {
      const option = p.commandLine?.launcherConfig;
      const config = option && launch.launcher === option.launcher ? launch.options.get(option.option) : undefined;
      if (config?.field && fieldText(config.field) !== '') out.push({ kind: p.id, field: config.field, launchFlags: [...launch.options.keys()].filter((k) => k !== option!.option), command: command.range });
    }
    // A training module run with its YAML as first argument (python -m axolotl.cli.train X.yaml, under any launcher).
    const program = launch.program ? fieldText(launch.program) : '';
    for (const p of PROGRAMS) {
      if (p.commandLine?.trainModules?.includes(program) && launch.args[0] && /\.ya?ml$/i.test(fieldText(launch.args[0]))) out.push({ kind: p.id, field: launch.args[0], command: command.range });
    }
    return out;
  }
  // The programs' own command-line tools: `llamafactory-cli train X.yaml` (also `lmf`), `axolotl train X.yaml`.
  let i = 0;
  while (i < command.argv.length) {
    const t = fieldText(command.argv[i]);
    if (t === 'env' || t === 'exec' || t === 'time' || t === 'nohup' || /^[A-Za-z_]\w*=/.test(t)) i++;
    else break;
  }
  const tool = basename(fieldText(command.argv[i] ?? []));
  const sub = fieldText(command.argv[i + 1] ?? []);
  const file = command.argv[i + 2];
  if (!file || !/\.ya?ml$/i.test(fieldText(file))) return out;
  for (const p of PROGRAMS) {
    const cli = p.commandLine;
    if (cli?.tools?.includes(tool) && sub === 'train') out.push({ kind: p.id, field: file, command: command.range, ...(cli.toolWorld ? { world: cli.toolWorld(command, variables) } : {}) });
  }
  return out;
}
