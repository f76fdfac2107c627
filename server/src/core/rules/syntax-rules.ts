import type { Rule } from './rule';
import { evaluationRun } from './estimate-rules';
import { YAML12_NUMBER_RE, pyyamlFloatSpelling } from '../syntax/yaml-scalars';
import { splitPointer, type ConfigNode } from '../syntax/config-tree';
import { schemaAt, type SchemaNode } from '../schema/schema-walk';
import { schemaFor } from '../schema/schemas';
import type { Format } from '../programs/ids';
import { yamlLoaderOf } from '../programs/index';
import { duplicateKeyFatal, jsonCommentSeverity } from '../programs/json-loader';

export const parseError: Rule = {
  meta: {
    code: 'TL001',
    name: 'parse-error',
    severity: 'error',
    summary: 'The file is not valid JSON or YAML, or expands beyond the parser\'s bounds.',
    why: 'The framework stops at the first syntax error, before any training starts; what could still be read is checked anyway.',
    fix: 'No automatic fix: the message says what the parser expected at that place.',
    example: { language: 'json', text: '{\n  "train_batch_size": 32,,\n  "zero_optimization": { "stage": 2 }\n}' },
    references: ['https://www.json.org/', 'https://yaml.org/spec/1.1/'],
  },
  check(ctx) {
    for (const problem of ctx.tree.problems) {
      if (problem.kind === 'parse-error' || problem.kind === 'alias-limit') ctx.report({ range: problem.range, message: problem.message, severity: problem.uncertain ? 'info' : undefined });
    }
  },
};

export const fileTooLarge: Rule = {
  meta: {
    code: 'TL005',
    name: 'file-too-large',
    severity: 'warning',
    summary: 'The file is larger than the analysis limit and was not checked.',
    why: 'A training config is kilobytes long; multi-megabyte files are data, and parsing them on every keystroke would stall the editor.',
    fix: 'None. Exclude the file, or raise the limit if it really is a config.',
    references: [],
  },
  check(ctx) {
    for (const problem of ctx.tree.problems) {
      if (problem.kind === 'file-too-large') ctx.report({ range: problem.range, message: problem.message });
    }
  },
};

export const nestingTooDeep: Rule = {
  meta: {
    code: 'TL008',
    name: 'nesting-too-deep',
    severity: 'warning',
    summary: 'The file nests objects, arrays or shell commands deeper than TrainLint reads (100 levels of JSON or YAML, 200 of a script\'s syntax).',
    why: 'A training config is a few levels deep; a file nested hundreds of levels deep is generated or hostile, and Python\'s own json and PyYAML stop near 1,000 levels with RecursionError. What lies deeper was not checked.',
    fix: 'None. Flatten the file, or exclude it if it is no config.',
    references: ['python/cpython Modules/_json.c (Py_EnterRecursiveCall)'],
  },
  check(ctx) {
    for (const problem of ctx.tree.problems) {
      if (problem.kind === 'nesting-too-deep') ctx.report({ range: problem.range, message: problem.message });
    }
  },
};

export const fileNotRead: Rule = {
  meta: {
    code: 'TL009',
    name: 'file-not-read',
    severity: 'info',
    summary: 'A file TrainLint was asked to check, or that a config links to, could not be read: it is no regular file (a directory, a named pipe, a device, a dangling link or a link loop), it is unreadable or over the size limit, or it is encoded in UTF-16.',
    why: 'Nothing is skipped silently: a file TrainLint did not read is named with the reason. Only regular files under the size limit are opened, so a named pipe or /dev/zero never stalls a check. A UTF-16 file is a warning: DeepSpeed, json.load and PyYAML open configs as UTF-8 and fail on it.',
    fix: 'None. Make the file readable, point the link at a file, or save it as UTF-8.',
    references: ['python/cpython Lib/json/__init__.py (json.load reads the text the file object decodes)'],
  },
  // Reported by the front end that reads files (notReadAnalysis, and a linked file's `notRead`), not by a check of the text.
  check() {},
};

export const analysisFailed: Rule = {
  meta: {
    code: 'TL010',
    name: 'analysis-failed',
    severity: 'warning',
    summary: 'TrainLint failed on this file (an internal error): it was not checked, and the other files were.',
    why: 'One hostile or unusual file must not stop the check of a whole folder, nor look clean in the editor: the failure is one finding on that file.',
    fix: 'None. Please report the file (or a smaller one that shows the failure) to TrainLint.',
    references: [],
  },
  // Reported by analyze() itself when an exception escapes the analysis of a file.
  check() {},
};

export const commentInStrictJson: Rule = {
  meta: {
    code: 'TL003',
    name: 'comment-in-strict-json',
    severity: 'error',
    summary: 'A comment or trailing comma in a JSON file that Python\'s strict json.load reads.',
    why: 'DeepSpeed reads a ds_config path with hjson, which allows comments; the HF Trainer, accelerate and TrainingArguments JSON files are read with json.load, which fails with "Expecting property name enclosed in double quotes".',
    fix: 'Removing the comment or the trailing comma is safe: neither carries a value.',
    example: { language: 'json', text: '{\n  // ZeRO stage\n  "zero_optimization": { "stage": 2 },\n  "train_micro_batch_size_per_gpu": "auto"\n}' },
    references: ['deepspeedai/DeepSpeed deepspeed/runtime/config.py (hjson.load)', 'huggingface/transformers src/transformers/integrations/deepspeed.py (json.load)'],
  },
  check(ctx) {
    if (ctx.tree.language !== 'json') return;
    const severity = jsonCommentSeverity(ctx.format, ctx.consumer);
    if (!severity) return;
    const reader =
      ctx.consumer === 'unknown'
        ? 'DeepSpeed accepts it (hjson), but the HF Trainer and accelerate read ds_config files with json.load, which rejects it'
        : 'json.load, which reads this file, rejects it';
    for (const problem of ctx.tree.problems) {
      if (problem.kind !== 'comment' && problem.kind !== 'trailing-comma') continue;
      const what = problem.kind === 'comment' ? 'Comment' : 'Trailing comma';
      ctx.report({
        range: problem.range,
        severity,
        message: `${what} in JSON: ${reader}. Remove it.`,
        fixes: [{ title: `Remove the ${what.toLowerCase()}`, safe: true, edits: [{ range: problem.range, newText: '' }] }],
      });
    }
  },
};

export const duplicateKey: Rule = {
  meta: {
    code: 'TL002',
    name: 'duplicate-key',
    severity: 'warning',
    summary: 'The same key appears twice in one object.',
    why: 'DeepSpeed\'s hjson loader raises ValueError on duplicate keys; json.load and PyYAML keep the last value silently, so the first one is dead text that readers trust.',
    fix: 'No automatic fix: which of the two values was meant is the author\'s call.',
    example: { language: 'json', text: '{\n  "train_batch_size": 32,\n  "train_micro_batch_size_per_gpu": 4,\n  "train_batch_size": 64\n}' },
    references: ['deepspeedai/DeepSpeed deepspeed/runtime/config_utils.py (dict_raise_error_on_duplicate_keys)'],
  },
  check(ctx) {
    const fatal = ctx.tree.language === 'json' && duplicateKeyFatal(ctx.format, ctx.consumer);
    const evaluation = evaluationRun(ctx);
    for (const problem of ctx.tree.problems) {
      if (problem.kind !== 'duplicate-key') continue;
      ctx.report({
        range: problem.range,
        // The same value twice loses nothing where the loader keeps the last one: dead text, not a lost setting. An
        // evaluation run takes the model's arguments from its checkpoint (Megatron-DeepSpeed tasks/eval_harness/evaluate.py
        // override_args), so its dummy `--seq-length -1` beside the real one is no lost setting either.
        severity: fatal ? 'error' : problem.sameValue || evaluation ? 'info' : 'warning',
        message: fatal
          ? `${problem.message} DeepSpeed's config loader raises "Duplicate keys in DeepSpeed config" on it; keep one.`
          : problem.sameValue
            ? `${problem.message} Both occurrences hold the same value, so nothing is lost; one of them can go.`
            : `${problem.message} Only this last value is used; the earlier one is silently ignored.${evaluation ? ` This is an evaluation run (${evaluation}), which takes the model's arguments from its checkpoint.` : ''}`,
        related: problem.firstRange ? [{ message: 'first occurrence', range: problem.firstRange }] : [],
      });
    }
  },
};

/**
 * Whether pydantic's validation turns the string into a float: lax mode coerces "1e-3" for a field typed float
 * (axolotl validates the whole config, plugins' fields too). A key no model defines is dropped, so only a value inside a
 * `dict[str, Any]` field (lr_scheduler_kwargs) reaches the program as a string.
 */
function pydanticMakesFloat(format: Format, node: ConfigNode): boolean {
  const schema = schemaFor(format);
  if (!schema) return false;
  const tokens = splitPointer(node.pointer);
  const typeOf = (s: SchemaNode | undefined) => (typeof s?.description === 'string' ? (/:\s*([^.]*)/.exec(s.description)?.[1] ?? '') : undefined);
  const own = typeOf(schemaAt(schema, tokens));
  if (own !== undefined) return /\bfloat\b/.test(own) && !/\bstr\b|\bAny\b/.test(own);
  const parent = tokens.length > 1 ? typeOf(schemaAt(schema, tokens.slice(0, -1))) : undefined;
  return !(parent !== undefined && /\bAny\b/.test(parent));
}

export const yamlFloatAsString: Rule = {
  meta: {
    code: 'TL004',
    name: 'yaml-float-as-string',
    severity: 'warning',
    summary: 'A number such as `1e-4` that PyYAML (YAML 1.1) reads as a string.',
    why: 'PyYAML follows YAML 1.1: a float needs a dot and a signed exponent, so `lr: 1e-4` loads as the string "1e-4". HfArgumentParser.parse_yaml_file passes it on unconverted and the optimizer fails on a str; Megatron fails at `min_lr <= lr`; GPT-NeoX rejects it. TRL\'s TrlParser and axolotl\'s learning_rate convert it, which is why it sometimes works.',
    fix: 'Rewriting `2e-5` as `2.0e-5` is safe: every YAML loader reads that as the same float.',
    example: { language: 'yaml', text: 'learning_rate: 2e-5\nper_device_train_batch_size: 4\noutput_dir: out\nnum_train_epochs: 3\n' },
    references: ['yaml/pyyaml lib/yaml/resolver.py (float resolver)', 'hiyouga/LLaMA-Factory#4014'],
  },
  check(ctx) {
    if (ctx.tree.language !== 'yaml') return;
    // Only where PyYAML loads the file (programs/<id>/index.ts `loader`): OmegaConf (NeMo, LLaMA-Factory) reads 1e-4 as a float.
    const loader = yamlLoaderOf(ctx.format);
    const severity = loader.floatAsString;
    if (!severity) return;
    const visit = (node: ConfigNode) => {
      if (node.kind === 'scalar') {
        if (node.style === 'plain' && typeof node.value === 'string' && YAML12_NUMBER_RE.test(node.value) && !node.viaAlias) {
          if (loader.converted?.includes(String(node.key)) || (loader.pydantic && pydanticMakesFloat(ctx.format, node))) return;
          const spelling = pyyamlFloatSpelling(node.value);
          ctx.report({
            range: node.range,
            severity,
            message: `\`${String(node.key ?? '')}: ${node.value}\` is read as the string "${node.value}" by PyYAML (YAML 1.1 needs a dot and a signed exponent).${spelling ? ` Write ${spelling}.` : ''}`,
            fixes: spelling ? [{ title: `Write ${spelling}`, safe: true, edits: [{ range: node.range, newText: spelling }] }] : [],
          });
        }
        return;
      }
      for (const child of node.children) visit(child);
    };
    for (const root of ctx.roots) visit(root);
  },
};
