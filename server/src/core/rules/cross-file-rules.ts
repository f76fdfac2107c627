import { PROGRAM } from '../programs/ids';
import { getChild, getPath } from '../syntax/config-tree';
import type { Rule } from './rule';
import { checkoutOutOfReach } from './checkout';
import { PROGRAMS, type Program } from '../programs/index';

export const linkedFileMissing: Rule = {
  meta: {
    code: 'TL702',
    name: 'linked-file-missing',
    severity: 'warning',
    summary: 'A config points to a file (a DeepSpeed config) that exists in none of the folders a run may start from.',
    why: 'The framework opens the path when training starts (TrainingArguments.deepspeed, accelerate\'s deepspeed_config_file, Megatron-DeepSpeed\'s --deepspeed_config) and stops with FileNotFoundError. Relative paths are opened from the working directory of the launch: the folder a script `cd`s to, else where the user starts it, usually the repository root or a sub-project root. TrainLint looks in the folder holding the script\'s program first, then the file\'s folder and each parent up to the repository root, and reports the path only when none of them holds it; the launch folder itself is not in the file: hence a warning. Not reported: a file the script writes before the launch (a redirection `> f`, `tee f`, a heredoc, or any earlier command that takes the path as an argument, such as a generator\'s `--output_file f`); a placeholder (`path/to/...`, `<your config>`); a path the user supplies (a folder from the environment or an empty variable, a file named after a training run\'s settings, which that run writes); a file in a `template/` or `templates/` folder, which a tool copies elsewhere with its siblings. An absolute path outside the repository is on the machine that runs the job, and a relative path in a script that cds to a folder the repository does not hold (`cd $WORK/code/transformers`) opens from there: one info each that it was not checked.',
    fix: 'No automatic fix: correct the path, or create the file.',
    references: ['huggingface/transformers src/transformers/integrations/deepspeed.py (HfDeepSpeedConfig)', 'huggingface/accelerate src/accelerate/utils/dataclasses.py (DeepSpeedPlugin)'],
  },
  check(ctx) {
    // A script or config in a template folder is copied elsewhere with the files it names (axolotl's
    // src/axolotl/cli/cloud/baseten/template/run.sh runs beside the train.yaml the CLI writes there).
    if (inTemplateFolder(ctx.path)) return;
    for (const linked of ctx.linked ?? []) {
      if (linked.analysis) continue;
      if (linked.notRead) {
        ctx.report({ range: linked.link.range, severity: 'info', message: `${linked.link.target} was not read (${linked.notRead}): not checked.` });
        continue;
      }
      if (linked.outsideWorkspace) {
        ctx.report({
          range: linked.link.range,
          severity: 'info',
          message: `${linked.link.target} is outside the workspace, on the machine (or container) that runs the job: not checked.`,
        });
        continue;
      }
      // A file the consuming program's own checkout ships (LLaMA-Factory's examples/deepspeed/ds_z3_config.json named by
      // the configs OpenBMB/MiniCPM ships for it, judged in bench/wild): the run starts there, so a note.
      const shipper = shippedBy(linked.link.target);
      if (shipper) {
        ctx.report({
          range: linked.link.range,
          severity: 'info',
          message: `${linked.link.target} is not in this repository; ${shipper.displayName} ships it, so it resolves in ${shipper.shippedFiles!.where}.`,
        });
        continue;
      }
      // A script that cds to a folder TrainLint cannot see ($WORK/code/transformers) opens relative paths from there.
      const checkout = checkoutOutOfReach(ctx);
      if (checkout && !/^[/~]/.test(linked.link.target)) {
        ctx.report({
          range: linked.link.range,
          severity: 'info',
          message: `${linked.link.target} is opened from the folder the script cds to (${checkout}), which TrainLint cannot see: not checked.`,
        });
        continue;
      }
      const where = linked.lookedIn && linked.lookedIn.length > 0
        ? `is in none of the folders a run may start from (looked in ${linked.lookedIn.join(', ')})`
        : `does not exist relative to this file (looked for ${linked.path})`;
      ctx.report({
        range: linked.link.range,
        message: `${linked.link.target} ${where}; the run fails with FileNotFoundError unless it is launched from a folder where the path resolves.`,
      });
    }
  },
};

/** The program whose own checkout ships a path (relative, as a config names it). */
function shippedBy(target: string): Program | undefined {
  const path = target.trim().replace(/^(?:\.\/)+/, '');
  return PROGRAMS.find((p) => p.shippedFiles?.files.has(path));
}

function inTemplateFolder(path: string): boolean {
  return /(?:^|[\\/])templates?[\\/]/i.test(path);
}

// accelerate/utils/dataclasses.py DeepSpeedPlugin: config variables that conflict with deepspeed_config_file.
const INLINE_KEYS = ['gradient_accumulation_steps', 'gradient_clipping', 'zero_stage', 'offload_optimizer_device', 'offload_param_device', 'offload_param_nvme_path', 'offload_optimizer_nvme_path', 'zero3_save_16bit_model'];

export const accelerateInlineDeepSpeedKeys: Rule = {
  meta: {
    code: 'TL703',
    name: 'accelerate-deepspeed-inline-keys',
    programs: [PROGRAM.accelerate],
    severity: 'error',
    summary: 'An accelerate config sets deepspeed_config_file together with inline DeepSpeed keys (zero_stage, gradient_accumulation_steps...).',
    why: 'accelerate\'s DeepSpeedPlugin raises "When using `deepspeed_config_file`, the following accelerate config variables will be ignored: [...]. Please specify them appropriately in the DeepSpeed config file." at launch: with a DeepSpeed file, every DeepSpeed setting must live in that file.',
    fix: 'Removing the inline key is the fix once its value is in the DeepSpeed file; not applied automatically.',
    example: { language: 'yaml', text: 'compute_environment: LOCAL_MACHINE\ndistributed_type: DEEPSPEED\ndeepspeed_config:\n  deepspeed_config_file: ds.json\n  zero_stage: 3\nnum_processes: 8\n' },
    references: ['huggingface/accelerate src/accelerate/utils/dataclasses.py (DeepSpeedPlugin.__post_init__)', 'huggingface/accelerate src/accelerate/commands/launch.py (ACCELERATE_CONFIG_DS_FIELDS)'],
  },
  check(ctx) {
    for (const root of ctx.roots) {
      const section = getChild(root, 'deepspeed_config');
      const file = getPath(root, 'deepspeed_config', 'deepspeed_config_file');
      if (!section || !file || file.value === null || file.value === '') continue;
      const inline = section.children.filter((c) => INLINE_KEYS.includes(String(c.key)) && c.value !== null);
      for (const node of inline) {
        ctx.report({
          range: node.keyRange ?? node.range,
          message: `deepspeed_config.${String(node.key)} next to deepspeed_config_file: accelerate raises "When using \`deepspeed_config_file\`, the following accelerate config variables will be ignored: [${inline.map((n) => `'${String(n.key)}'`).join(', ')}]. Please specify them appropriately in the DeepSpeed config file." Move the value into ${String(file.value)} and remove it here.`,
          related: [{ message: 'deepspeed_config_file', range: file.range }],
        });
      }
    }
  },
};
