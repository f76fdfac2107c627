import { getChild, type ConfigNode, type ConfigTree } from '../syntax/config-tree';

/**
 * Files that are not the config a program reads as written: templates another tool renders or completes first.
 * Each test returns the evidence as a sentence (the detection's `reason`, shown by `trainlint plan` and the hover),
 * or undefined. Such files are skipped: what the run reads is the rendered file, which is not in the repository.
 */

// A Go-template / Helm action (`{{ .Values.x }}`, `{{- if ... }}`, `{{ end }}`) or a Jinja tag (`{% ... %}`, `{{ var }}`).
const TEMPLATE_TAG = /\{\{-?\s*[^{}\n]*?\}\}|\{%-?[^%\n]*%\}|\{#[^#\n]*#\}/g;
const GO_ACTION = /^\{\{-?\s*(?:\.|\$|if\b|else\b|end\b|range\b|with\b|include\b|template\b|define\b|toYaml\b|tpl\b|-)/;

/** Template tags written outside any scalar value: the file is markup for a template engine, not YAML or JSON yet. */
export function templateMarkup(text: string, tree: ConfigTree): string | undefined {
  if (!text.includes('{{') && !text.includes('{%')) return undefined;
  const strings: Array<{ start: number; end: number }> = [];
  const visit = (node: ConfigNode) => {
    // A quoted, block or plain string holding `{{ x }}` is a value (a chat template, a prompt), not markup.
    if (node.kind === 'scalar' && typeof node.value === 'string' && !node.missing) strings.push(node.range);
    for (const child of node.children) visit(child);
  };
  for (const doc of tree.documents) if (doc.root) visit(doc.root);
  let go = 0;
  let jinja = 0;
  let first = '';
  for (const match of text.matchAll(TEMPLATE_TAG)) {
    const at = match.index ?? 0;
    if (strings.some((r) => at >= r.start && at < r.end)) continue;
    if (isComment(text, at)) continue;
    if (GO_ACTION.test(match[0])) go++;
    else jinja++;
    first ||= match[0];
  }
  if (go + jinja === 0) return undefined;
  const engine = go >= jinja ? 'a Go/Helm template' : 'a Jinja template';
  return `${engine} (${go + jinja} template tag${go + jinja === 1 ? '' : 's'} outside any value, first \`${first.slice(0, 40)}\`): the rendered file is what runs`;
}

function isComment(text: string, at: number): boolean {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const before = text.slice(lineStart, at);
  return /^\s*(#|\/\/)/.test(before);
}

// Bare words in value position that a script substitutes: CONFIG_BATCH_SIZE, GBSIZE, ${zero_stage}, {{x}}, <PATH>.
// Upper case, or words joined by `_` from a capital (CL_1st_MIN); never Python's True/None or NaN/Infinity.
const PLACEHOLDER = /^(?:\$\{[^}\n]*\}|\{\{[^}\n]*\}\}|<[^>\n]*>|[A-Z][A-Z0-9]*|[A-Z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+)$/;
const NOT_PLACEHOLDER = /^(?:TRUE|FALSE|NULL|NONE|NAN|INF)$/;

/** Whether a bare word in a JSON file reads as a template placeholder rather than a mistyped value (`True`, `None`). */
export function isPlaceholderWord(word: string): boolean {
  return PLACEHOLDER.test(word) && !NOT_PLACEHOLDER.test(word) && (word.length > 1 || word.startsWith('$'));
}

/**
 * A JSON file whose only syntax errors are placeholders (`"train_batch_size": CONFIG_BATCH_SIZE`): a template that a
 * launch script fills with sed before DeepSpeed reads it (Megatron-DeepSpeed examples_deepspeed/*_TEMPLATE.json).
 */
export function jsonPlaceholderTemplate(tree: ConfigTree, path: string): { reason: string; words: string[] } | undefined {
  if (tree.language !== 'json') return undefined;
  const errors = tree.problems.filter((p) => p.kind === 'parse-error');
  if (errors.length === 0) return undefined;
  const words: string[] = [];
  for (const p of errors) {
    if (!p.placeholder || !isPlaceholderWord(p.placeholder)) return undefined;
    if (!words.includes(p.placeholder)) words.push(p.placeholder);
  }
  const named = /template|_temp\b|\btemp_|\.tmpl?\b/i.test(path.split('/').pop() ?? '');
  const list = words.slice(0, 4).join(', ') + (words.length > 4 ? ', ...' : '');
  return {
    words,
    reason: `a template${named ? ' by its name' : ''}, with placeholders (${list}) to fill in before the file is read`,
  };
}

/**
 * Configs that a known tool completes before anything runs, or that describe no training run, by the folder the
 * tool reads them from (evidence cited per entry).
 */
export function completedByTool(path: string, root: ConfigNode | undefined): string | undefined {
  const p = path.replace(/\\/g, '/');
  // deepspeed/autotuning/constants.py DEFAULT_TEMPLATE_PATH_ZERO_0..3; autotuner.py sets the micro-batch per experiment.
  if (/(^|\/)autotuning\/config_templates\/[^/]+\.json$/.test(p)) {
    return 'a DeepSpeed autotuner template (autotuning/config_templates/): the autotuner fills the batch sizes of each experiment';
  }
  // NeMo-Framework-Launcher auto_configurator/autoconfig/base_config.py (trainer.num_nodes, model.global_batch_size)
  // and utils.py (tensor/pipeline parallel sizes) overwrite the layout of auto_configurator/base_configs/<model>.yaml.
  if (/(^|\/)auto_configurator\/base_configs\/[^/]+\.ya?ml$/.test(p) && getChild(root, 'trainer') && getChild(root, 'model')) {
    return 'a NeMo auto-configurator base config (auto_configurator/base_configs/): the auto configurator sets its nodes, parallelism and batch before any run';
  }
  // NeMo-Framework-Launcher conf/conversion*/ stage configs (a `run` section naming the conversion): checkpoint
  // conversion, not a training run.
  if (/(^|\/)conf\/(?:conversion[^/]*|external_conversion|export)\/.+\.ya?ml$/.test(p) && getChild(root, 'run')?.kind === 'object') {
    return 'a NeMo-Framework-Launcher conversion or export stage config (conf/conversion*/): it converts a checkpoint, no training run';
  }
  return undefined;
}

// A value that is only a shell-style variable: `${BASE_MODEL}`, `$WANDB_PROJECT`.
const ENV_VALUE = /^\$(?:\{[A-Za-z_][A-Za-z0-9_]*(?::?[-=?+][^}]*)?\}|[A-Za-z_][A-Za-z0-9_]*)$/;
const MIN_ENV_VALUES = 5;

/**
 * A YAML or JSON file whose values are mostly `${VAR}` left for envsubst or a job handler to fill (axolotl's
 * .runpod/src/config/config.yaml): PyYAML and json.load keep them as text, so the program reads the rendered copy.
 * `interpolates`: the program's loader resolves `${...}` itself (OmegaConf), so such values are no template there.
 */
export function environmentTemplate(root: ConfigNode | undefined, interpolates: boolean): string | undefined {
  if (!root || interpolates) return undefined;
  let scalars = 0;
  let variables = 0;
  let first = '';
  const visit = (node: ConfigNode) => {
    if (node.kind === 'scalar') {
      if (node.value === null) return;
      scalars++;
      if (typeof node.value === 'string' && ENV_VALUE.test(node.value.trim())) {
        variables++;
        first ||= node.value;
      }
    }
    for (const child of node.children) visit(child);
  };
  visit(root);
  if (variables < MIN_ENV_VALUES || variables * 3 < scalars) return undefined;
  return `a template: ${variables} of its ${scalars} values are environment variables (first \`${first.slice(0, 40)}\`) that a script or job handler fills before the program reads the file`;
}
