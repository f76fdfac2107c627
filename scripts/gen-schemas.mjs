#!/usr/bin/env node
// Generates schemas/{deepspeed,hf-training-args,accelerate}.schema.json (JSON Schema draft-07)
// from the fact files in ../shared/reference/keys/ (override with TRAINLINT_KEYS_DIR).
//
// Conventions the TrainLint engine relies on:
//   description / default / type / enum on every property, x-source where known;
//   additionalProperties:false on closed objects plus x-unknown-keys "error" | "ignored";
//   deprecated + x-replacement (bare key = sibling, "/a/b" = JSON pointer) + x-deprecated-message
//   (+ x-removed-in when the framework now raises);
//   x-auto "trainer" | "deepspeed" on keys that may hold the string "auto";
//   no constraint inside allOf/anyOf (the engine treats "Of/" schema paths as branch details), so
//   per-type and per-class closures are if/then/else chains.
// Other x- annotations are extra data: x-enum (+ x-case-insensitive / x-open-enum) where a pattern
// carries the value set, x-string-coercion where pydantic converts strings, x-config, x-validation.
// Facts not in the fact files are added in SUPPLEMENT tables below, each with its upstream source.
//
// Usage: node scripts/gen-schemas.mjs [--check]   (--check: fail if the committed files differ)

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withId } from './schema-id.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KEYS_DIR = process.env.TRAINLINT_KEYS_DIR ?? path.resolve(ROOT, '../shared/reference/keys');
const OUT_DIR = path.join(ROOT, 'schemas');
const DRAFT07 = 'http://json-schema.org/draft-07/schema#';

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

const readFacts = (name) => JSON.parse(fs.readFileSync(path.join(KEYS_DIR, name), 'utf8'));
const short = (commit) => String(commit).slice(0, 10);
const clone = (v) => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
const uniq = (xs) => [...new Set(xs)];
const sameJson = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function sentence(text) {
  const t = String(text ?? '').trim();
  if (!t) return '';
  return /[.!?)]$/.test(t) ? t : `${t}.`;
}

function fmtValue(v) {
  if (typeof v === 'string') return `"${v}"`;
  return JSON.stringify(v);
}

// Split on `sep` outside [...] so "array[number,number]|null" splits correctly.
function splitTop(spec, sep) {
  const out = [];
  let depth = 0;
  let cur = '';
  for (const ch of spec) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === sep && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

// ---------------------------------------------------------------------------
// Type specs ("integer|null", "array[string]|string", ...) -> JSON Schema fragments
// ---------------------------------------------------------------------------

const JSON_TYPES = ['object', 'array', 'string', 'integer', 'number', 'boolean', 'null'];
const SCALARS = new Set(['string', 'integer', 'number', 'boolean']);
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Case-insensitive literal without regex flags (JSON Schema patterns have none): "Warn" -> "[Ww][Aa][Rr][Nn]".
const ciLiteral = (s) =>
  [...s].map((c) => (c.toLowerCase() !== c.toUpperCase() ? `[${c.toUpperCase()}${c.toLowerCase()}]` : escapeRe(c))).join('');
// Space-separated token lists ("full_shard auto_wrap"), empty allowed.
const tokenRe = (tokens) => {
  const t = `(?:${tokens.map(escapeRe).join('|')})`;
  return `\\s*(?:${t}(?:\\s+${t})*)?\\s*`;
};

// Strings pydantic v2 converts in lax mode (checked with pydantic 2.13): "2", " +2_000 ", "2.0" for int;
// "2e-5", "inf", "nan" for float; true/false/yes/no/on/off/t/f/y/n/1/0 in any case for bool.
const DIGITS = '\\d+(?:_\\d+)*';
const INT_STRING = `\\s*[+-]?${DIGITS}(?:\\.0*)?\\s*`;
const NUM_STRING = `\\s*[+-]?(?:(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?\\d+)?|[Ii][Nn][Ff](?:[Ii][Nn][Ii][Tt][Yy])?|[Nn][Aa][Nn])\\s*`;
const BOOL_STRING = ['true', 'false', 'yes', 'no', 'on', 'off', 't', 'f', 'y', 'n'].map((w) => ciLiteral(w)).concat('1', '0').join('|');
const LAX_PATTERNS = new Set([INT_STRING, NUM_STRING, BOOL_STRING]);


function parseAlt(alt) {
  const m = /^array(?:\[(.*)\])?$/.exec(alt);
  if (!m) return { kind: alt };
  if (!m[1]) return { kind: 'array' };
  const parts = splitTop(m[1], ',');
  return parts.length > 1 ? { kind: 'array', tuple: parts } : { kind: 'array', item: parts[0] };
}

/**
 * @param spec   fact type string
 * @param o.enum closed value set; o.openEnum keeps it as x-enum only
 * @param o.ci   strings compared case-insensitively by the framework
 * @param o.tokens  a string value is split on spaces and each token checked
 * @param o.auto    allow the literal "auto"
 * @param o.stringValues  the only strings allowed (e.g. ["auto"] for "string|integer" fields)
 * @param o.laxStrings  pydantic lax mode: int/float/bool fields also take the strings pydantic converts
 * @param o.classMap  python class names in type specs -> JSON type (null: not expressible)
 */
function valueSchema(spec, o = {}) {
  const types = new Set();
  let items;
  let tuple;
  for (const alt of splitTop(spec, '|')) {
    const a = parseAlt(alt);
    if (a.kind === 'any') return {};
    if (a.kind === 'array') {
      types.add('array');
      if (a.tuple) tuple = a.tuple.map((t) => valueSchema(t, { classMap: o.classMap }));
      else if (a.item) items = valueSchema(a.item, { classMap: o.classMap });
    } else if (JSON_TYPES.includes(a.kind)) types.add(a.kind);
    else if (o.classMap?.[a.kind]) types.add(o.classMap[a.kind]);
  }

  let closed = o.enum && !o.openEnum ? o.enum : null;
  // pydantic lax mode also takes "3" for an int enum member (ZeroStageEnum).
  if (o.laxStrings && closed && !types.has('string') && closed.some(Number.isInteger)) {
    types.add('string');
    closed = [...closed, ...closed.filter(Number.isInteger).map(String)];
  }
  if (closed?.some((v) => typeof v === 'boolean')) types.add('boolean');
  const enumStrings = (closed ?? []).filter((v) => typeof v === 'string');
  const enumOthers = (closed ?? []).filter((v) => typeof v !== 'string' && v !== null);

  if (closed && items?.type === 'string' && enumStrings.length) items = { ...items, enum: enumStrings };

  // Constraints on the string branch: a literal list and/or regex alternatives.
  let strEnum = null;
  const strRegex = [];
  if (closed && types.has('string')) {
    if (o.tokens) strRegex.push(tokenRe(enumStrings));
    else if (o.ci) strRegex.push(...enumStrings.map(ciLiteral));
    else strEnum = [...enumStrings];
  }
  if (o.stringValues && types.has('string')) strEnum = [...o.stringValues];
  if (o.laxStrings && !closed && !types.has('string')) {
    const lax = types.has('number') ? NUM_STRING : types.has('integer') ? INT_STRING : types.has('boolean') ? BOOL_STRING : null;
    if (lax) {
      types.add('string');
      strRegex.push(lax);
    }
  }
  if (o.auto) {
    if (!types.has('string')) {
      types.add('string');
      strEnum = ['auto'];
    } else if (strEnum) {
      if (!strEnum.includes('auto')) strEnum.push('auto');
    } else if (strRegex.length) strRegex.push('auto');
  }

  const s = {};
  const typeList = JSON_TYPES.filter((t) => types.has(t) && !(t === 'integer' && types.has('number')));
  if (typeList.length) s.type = typeList.length === 1 ? typeList[0] : typeList;
  if (tuple) Object.assign(s, { items: tuple, minItems: tuple.length, maxItems: tuple.length });
  else if (items) s.items = items;

  // One `enum` can express the set only if every non-null type is fully enumerated.
  const nonNull = typeList.filter((t) => t !== 'null');
  const enumerated = (t) =>
    t === 'string'
      ? strEnum !== null && strRegex.length === 0
      : enumOthers.some((v) => (t === 'boolean' ? typeof v === 'boolean' : typeof v === 'number'));
  if ((closed || strEnum) && nonNull.length && nonNull.every((t) => SCALARS.has(t) && enumerated(t))) {
    s.enum = [...enumOthers, ...(strEnum ?? [])];
    if (types.has('null')) s.enum.push(null);
  } else if (types.has('string') && (strEnum || strRegex.length)) {
    s.pattern = `^(?:${[...(strEnum ?? []).map(escapeRe), ...strRegex].join('|')})$`;
  }
  if (o.enum && (o.openEnum || o.ci || o.tokens || s.pattern)) {
    s['x-enum'] = o.enum;
    if (o.ci) s['x-case-insensitive'] = true;
    if (o.openEnum) s['x-open-enum'] = true;
  }
  if (o.laxStrings && (strRegex.some((r) => LAX_PATTERNS.has(r)) || closed !== o.enum)) {
    s['x-string-coercion'] = 'pydantic-lax';
  }
  return s;
}

// Numeric bounds stated in the facts' validation text (only the few unambiguous phrasings).
function boundsFrom(validation, schema) {
  const t = String(validation ?? '');
  const types = [].concat(schema.type ?? []);
  const numeric = types.includes('integer') || types.includes('number');
  if (!numeric || !t) return {};
  const isInt = types.includes('integer') && !types.includes('number');
  if (/^>= ?0\b|(?:^|; )>= ?0$/.test(t) || /negative values raise/.test(t)) return { minimum: 0 };
  if (/^asserted > 0/.test(t) || /must be a positive int/.test(t)) return isInt ? { minimum: 1 } : { exclusiveMinimum: 0 };
  if (/^(?:0(?:\.0)?\.\.1(?:\.0)?|0\.0 <= \w+ <= 1\.0)\b/.test(t)) return { minimum: 0, maximum: 1 };
  return {};
}

// Properties read first in the output, so the generated files are easy to scan.
const KEY_ORDER = ['description', 'type', 'items', 'minItems', 'maxItems', 'enum', 'const', 'pattern', 'minimum',
  'exclusiveMinimum', 'maximum', 'default', 'deprecated'];
function ordered(schema) {
  const out = {};
  for (const k of KEY_ORDER) if (k in schema) out[k] = schema[k];
  for (const k of Object.keys(schema).sort((a, b) => rank(a) - rank(b))) if (!(k in out)) out[k] = schema[k];
  return out;
  function rank(k) {
    if (k.startsWith('x-')) return 3;
    if (k === 'properties' || k === 'additionalProperties' || k === 'patternProperties') return 1;
    return 2;
  }
}

// A default that is a description of a default ("<SAGEMAKER_PYTORCH_VERSION>", "FULL_SHARD (v1) / false (v2)").
const descriptiveDefault = (d) => typeof d === 'string' && (/^<.*>$/.test(d) || /\(.*\)/.test(d));

function allowsNull(schema) {
  return [].concat(schema.type ?? []).includes('null') || (Array.isArray(schema.enum) && schema.enum.includes(null));
}

function withDefault(schema, dflt) {
  if (dflt === undefined || descriptiveDefault(dflt)) return;
  if (dflt === null && !allowsNull(schema)) return; // "unset" is said in the description instead
  schema.default = dflt;
}

function describe(text, dflt) {
  let d = sentence(text);
  if (dflt !== undefined && !/\bdefault/i.test(d)) {
    d += dflt === null ? ' Default: unset.' : ` Default: ${descriptiveDefault(dflt) ? dflt : fmtValue(dflt)}.`;
  }
  return d.trim();
}

// unknownKeyBehaviour text -> "error" | "ignored" | "free" (free: keys are forwarded or stored, no closure)
function classifyPolicy(text) {
  if (!text) return undefined;
  const t = text.toLowerCase();
  if (/forwarded|verbatim|free-form/.test(t)) return 'free';
  if (/^rejected|raises?\b/.test(t)) return 'error';
  if (/ignored|never looked at|kept as|passed to|merged into|carried along|only .* (?:is|are) read/.test(t)) return 'ignored';
  return undefined;
}

function closeObject(schema, policy) {
  if (policy === 'error' || policy === 'ignored') {
    schema.additionalProperties = false;
    schema['x-unknown-keys'] = policy;
  }
}

// "a.b.c" -> "/a/b/c"
const pointerOf = (dotted) => `/${dotted.split('.').join('/')}`;
const parentOf = (dotted) => dotted.split('.').slice(0, -1).join('.');

/**
 * Replacement text from a fact -> {replacement, value}. A bare key is a sibling of the
 * deprecated key; otherwise a JSON pointer from the document root. Text that names no
 * known key gives no replacement (it stays in the message).
 */
function resolveReplacement(text, deprecatedPath, knownPaths) {
  if (!text) return {};
  const m = /^([A-Za-z_][A-Za-z0-9_.]*)(?::\s*(.*))?/.exec(text.trim());
  if (!m) return {};
  const token = m[1].replace(/\.$/, '');
  const parent = parentOf(deprecatedPath);
  const candidates = [token, parent ? `${parent}.${token}` : null].filter(Boolean);
  const found = candidates.find((c) => knownPaths.has(c));
  if (!found) return {};
  const out = { replacement: parentOf(found) === parent ? found.split('.').pop() : pointerOf(found) };
  const raw = m[2]?.trim();
  if (raw && /^[A-Za-z0-9_.-]+$/.test(raw)) out.value = raw;
  else if (raw && /^\[[A-Za-z0-9_, -]*\]$/.test(raw)) out.value = raw.slice(1, -1).split(',').map((x) => x.trim()).filter(Boolean);
  return out;
}

function applyReplacement(schema, rep) {
  if (rep.replacement) schema['x-replacement'] = rep.replacement;
  if (rep.value !== undefined) schema['x-replacement-value'] = rep.value;
}

// Count every property schema (recursively, including array items' properties).
function countKeys(schema) {
  let n = 0;
  const walk = (s) => {
    if (!s || typeof s !== 'object') return;
    if (s.properties) {
      for (const v of Object.values(s.properties)) {
        if (v !== true && v !== false) n++;
        walk(v);
      }
    }
    if (s.items && !Array.isArray(s.items)) walk(s.items);
    if (s.additionalProperties && typeof s.additionalProperties === 'object') walk(s.additionalProperties);
  };
  walk(schema);
  return n;
}

// Generic tree of dotted fact paths ("a.b.c"; "<name>" = any key; "x[]" = items of array x).
function buildTree(keys) {
  const root = { name: '', path: '', facts: [], children: new Map() };
  for (const fact of keys) {
    if (fact.path === '<top-level>') {
      root.facts.push(fact);
      continue;
    }
    let node = root;
    for (const seg of fact.path.split('.')) {
      if (!node.children.has(seg)) {
        const p = node.path ? `${node.path}.${seg}` : seg;
        node.children.set(seg, { name: seg, path: p, facts: [], children: new Map() });
      }
      node = node.children.get(seg);
    }
    node.facts.push(fact);
  }
  return root;
}

// ---------------------------------------------------------------------------
// DeepSpeed
// ---------------------------------------------------------------------------

// Where each top-level section is parsed, at the fact commit (checked against the DeepSpeed
// tree; every file here is also in the fact file's source list).
const DS_SECTION_FILES = {
  '': 'deepspeed/runtime/config.py',
  zero_optimization: 'deepspeed/runtime/zero/config.py',
  'zero_optimization.offload_param': 'deepspeed/runtime/zero/offload_config.py',
  'zero_optimization.offload_optimizer': 'deepspeed/runtime/zero/offload_config.py',
  'zero_optimization.zenflow': 'deepspeed/runtime/zenflow/zenflow_config.py',
  'zero_optimization.leaf_module': 'deepspeed/runtime/zero/leaf_module_config.py',
  fp16: 'deepspeed/runtime/precision_config.py',
  bf16: 'deepspeed/runtime/precision_config.py',
  bfloat16: 'deepspeed/runtime/precision_config.py',
  optimizer: 'deepspeed/runtime/config.py',
  'optimizer.params': 'deepspeed/runtime/engine.py',
  scheduler: 'deepspeed/runtime/config.py',
  'scheduler.params': 'deepspeed/runtime/lr_schedules.py',
  activation_checkpointing: 'deepspeed/runtime/activation_checkpointing/config.py',
  comms_logger: 'deepspeed/comm/config.py',
  tensorboard: 'deepspeed/monitor/config.py',
  wandb: 'deepspeed/monitor/config.py',
  csv_monitor: 'deepspeed/monitor/config.py',
  comet: 'deepspeed/monitor/config.py',
  flops_profiler: 'deepspeed/profiling/config.py',
  autotuning: 'deepspeed/autotuning/config.py',
  elasticity: 'deepspeed/elasticity/config.py',
  aio: 'deepspeed/runtime/swap_tensor/aio_config.py',
  nebula: 'deepspeed/nebula/config.py',
  datastates_ckpt: 'deepspeed/datastates/config.py',
  checkpoint: 'deepspeed/runtime/config.py',
  'checkpoint.writer': 'deepspeed/runtime/model_checkpointing/config.py',
  data_efficiency: 'deepspeed/runtime/data_pipeline/config.py',
  curriculum_learning: 'deepspeed/runtime/data_pipeline/config.py',
  compression_training: 'deepspeed/compression/config.py',
  compile: 'deepspeed/compile/config.py',
  tensor_parallel: 'deepspeed/runtime/tensor_parallel/config.py',
  expert_parallel: 'deepspeed/module_inject/auto_ep_config.py',
  timers: 'deepspeed/utils/config.py',
  weight_quantization: 'deepspeed/inference/config.py',
  hybrid_engine: 'deepspeed/runtime/config.py',
};

// deepspeed.json notes[0]: sections backed by DeepSpeedConfigModel (pydantic v2, extra='forbid').
const DS_PYDANTIC_ROOTS = ['zero_optimization', 'fp16', 'bf16', 'bfloat16', 'comms_logger', 'tensorboard', 'wandb',
  'csv_monitor', 'comet', 'timers.throughput', 'compile', 'tensor_parallel', 'weight_quantization', 'hybrid_engine'];
// Free dicts inside pydantic models (Dict-typed fields).
const DS_PYDANTIC_FREE = ['zero_optimization.zeropp_loco_param', 'weight_quantization.quantized_initialization',
  'weight_quantization.post_init_quant', 'tensor_parallel.partition_config'];

const DS_POLICY_OVERRIDES = {
  // "keys other than 'throughput' are ignored; inside throughput: rejected"
  timers: 'ignored',
  'timers.throughput': 'error',
  // These descriptions list keys that are passed through untouched (random_ltd, layer_reduction).
  'data_efficiency.data_routing.random_ltd': 'free',
  'compression_training.layer_reduction': 'free',
};

// "the parser pops 'enabled' unconditionally and raises KeyError otherwise" (deepspeed.json notes).
const DS_REQUIRED = { amp: ['enabled'], progressive_layer_drop: ['enabled'], curriculum_learning: ['enabled'] };

// "auto" that the HF Trainer / accelerate replace before DeepSpeed sees the config
// (auto-fill.md, section 4 "Linter checklist"; from/match from the tables of sections 1 and 2).
const DS_TRAINER_AUTO = {
  train_micro_batch_size_per_gpu: ['per_device_train_batch_size', true, 'both'],
  train_batch_size: ['world_size * per_device_train_batch_size * gradient_accumulation_steps', true, 'both'],
  gradient_accumulation_steps: ['gradient_accumulation_steps', true, 'both'],
  gradient_clipping: ['max_grad_norm (accelerate alone: 1.0)', true, 'both'],
  'optimizer.params.lr': ['learning_rate', true, 'both'],
  'optimizer.params.betas': ['[adam_beta1, adam_beta2]', true, 'transformers'],
  'optimizer.params.eps': ['adam_epsilon', true, 'transformers'],
  'optimizer.params.weight_decay': ['weight_decay', true, 'both'],
  'scheduler.params.warmup_min_lr': ['0', false, 'both'],
  'scheduler.params.warmup_max_lr': ['learning_rate', true, 'both'],
  'scheduler.params.warmup_num_steps': ['TrainingArguments.get_warmup_steps(num_training_steps)', true, 'both'],
  'scheduler.params.total_num_steps': ['num_training_steps', true, 'both'],
  'fp16.enabled': ['fp16 or fp16_full_eval (accelerate: mixed_precision == "fp16")', true, 'both'],
  'bf16.enabled': ['bf16 or bf16_full_eval (accelerate: mixed_precision in bf16/fp8)', true, 'both'],
  'zero_optimization.reduce_bucket_size': ['hidden_size * hidden_size', false, 'both'],
  'zero_optimization.stage3_prefetch_bucket_size': ['int(0.9 * hidden_size * hidden_size), ZeRO-3 only', false, 'both'],
  'zero_optimization.stage3_param_persistence_threshold': ['10 * hidden_size, ZeRO-3 only', false, 'both'],
  'zero_optimization.stage': ['accelerate DeepSpeedPlugin.zero_stage (default 2)', false, 'both'],
  'zero_optimization.offload_optimizer.device': ['accelerate offload_optimizer_device (default "none")', false, 'both'],
  'zero_optimization.offload_optimizer.nvme_path': ['accelerate offload_optimizer_nvme_path (default "none")', false, 'both'],
  'zero_optimization.offload_param.device': ['accelerate offload_param_device (default "none")', false, 'both'],
  'zero_optimization.offload_param.nvme_path': ['accelerate offload_param_nvme_path (default "none")', false, 'both'],
  'zero_optimization.stage3_gather_16bit_weights_on_model_save': ['accelerate zero3_save_16bit_model (default false)', false, 'both'],
};
// Keys whose legitimate value is "auto", resolved by DeepSpeed itself (auto-fill.md 2.3, deepspeed.json).
// "string|integer" fields here accept no other string.
const DS_SELF_AUTO = {
  'zero_optimization.zenflow.select_strategy': null,
  'zero_optimization.zenflow.select_interval': ['auto'],
  'zero_optimization.zenflow.update_interval': ['auto'],
  'pipeline.stages': ['auto'],
  'expert_parallel.score_apply': null,
  'expert_parallel.combine_impl': null,
  'expert_parallel.score_func': null,
  'expert_parallel.top_k': ['auto'],
  'expert_parallel.routed_scaling_factor': ['auto'],
};

const DS_LR_SCHEDULES = 'deepspeed/runtime/lr_schedules.py';
// Facts missing from deepspeed.json, read from the DeepSpeed tree at the fact commit.
const DS_SUPPLEMENT = [
  {
    path: 'scheduler.params.decay_lr_rate', type: 'number', default: 0.0, whenType: ['OneCycle'],
    description: 'OneCycle: LR decay rate applied after the cycle.', source: DS_LR_SCHEDULES,
  },
  {
    path: 'zero_optimization.zenflow.steps_per_epoch', type: 'integer|null', default: null,
    description: 'Initialised by DeepSpeed during execution; not meant to be set by users.',
    source: 'deepspeed/runtime/zenflow/zenflow_config.py',
  },
];
// tensor_parallel.tensor_parallel (alias tp) is the nested pydantic TPConfig; its fields are named in the
// fact's description and read from deepspeed/runtime/tensor_parallel/config.py.
DS_SUPPLEMENT.push(
  { path: 'tensor_parallel.tensor_parallel.tp_size', type: 'integer', default: 1,
    description: 'Devices the model is split across with tensor parallelism.', source: 'deepspeed/runtime/tensor_parallel/config.py' },
  { path: 'tensor_parallel.tensor_parallel.tp_grain_size', type: 'integer', default: 1,
    description: 'MLP/lm_head TP size granularity (not yet active in training).', source: 'deepspeed/runtime/tensor_parallel/config.py' },
  { path: 'tensor_parallel.tensor_parallel.mpu', type: 'any', default: null,
    description: 'Model-parallelism unit object; only meaningful when set from Python.', source: 'deepspeed/runtime/tensor_parallel/config.py' },
  { path: 'tensor_parallel.tensor_parallel.tp_group', type: 'any', default: null,
    description: 'Tensor-parallel process group; only meaningful when set from Python.', source: 'deepspeed/runtime/tensor_parallel/config.py' },
);

// compression_training.<technique>.different_groups.<name>: params / modules / related_modules are read
// for every technique (deepspeed/compression/config.py, constants DIFFERENT_GROUPS_*).
for (const tech of ['weight_quantization', 'activation_quantization', 'sparse_pruning', 'row_pruning', 'head_pruning',
  'channel_pruning']) {
  const base = `compression_training.${tech}.different_groups.<name>`;
  DS_SUPPLEMENT.push(
    { path: `${base}.params`, type: 'object', default: null, description: 'Technique parameters for this group.',
      source: 'deepspeed/compression/config.py', optional: true },
    { path: `${base}.modules`, type: 'array[string]|string', default: '*',
      description: 'Module-name patterns the group applies to.', source: 'deepspeed/compression/config.py' },
    { path: `${base}.related_modules`, type: 'array|null', default: null,
      description: 'Related module-name patterns (e.g. for head/channel pruning).', source: 'deepspeed/compression/config.py' },
  );
}

// Descriptions for objects that exist only as path prefixes in the facts.
const DS_SYNTHESIZED = {
  'timers.throughput': 'Throughput timer (DeepSpeedThroughputTimerConfig).',
  'checkpoint.parallel_write': 'Parallel checkpoint writing options.',
  'quantize_training.eigenvalue': 'Eigenvalue-based MoQ settings (the only part of quantize_training that is read).',
  shared_parameters: 'Settings shared by every group of this compression technique.',
  fp16_mixed_quantize: 'Gradual transition from fp16 to quantized values.',
  '<name>': 'One named group: params, modules and related_modules.',
};
// Legacy section names read with the fields of another section (deepspeed.json: bf16 aliases ["bfloat16"]).
const DS_SECTION_ALIASES = { bfloat16: 'bf16' };
// Replacements the facts give only in prose.
const DS_REPLACEMENTS = { eigenvalue: 'quantize_training.eigenvalue' };

// CPU Lion (used with optimizer offload) also takes fp32_optimizer_states (deepspeed/ops/lion/cpu_lion.py).
const DS_WHEN_TYPE_EXTRA = { 'optimizer.params.fp32_optimizer_states': ['lion'] };

// Params accepted per DeepSpeed optimizer: a name outside the set raises TypeError in the constructor.
// adagrad/mu* are left open: they build torch.optim / mup optimizers whose kwargs depend on those versions.
// muon silently drops anything but its accepted keys (engine.py _configure_basic_optimizer).
const DS_OPTIMIZER_CLOSURE = {
  adam: 'error', adamw: 'error', lamb: 'error', onebitadam: 'error', zerooneadam: 'error', onebitlamb: 'error',
  lion: 'error', muon: 'ignored',
};

// "a.b.c" + "d" -> "a.b.d"
const siblingPath = (dotted, name) => (parentOf(dotted) ? `${parentOf(dotted)}.${name}` : name);

// Every fact path, every alias spelling, and every intermediate object ("timers.throughput").
function dsKnownPaths(keys) {
  const set = new Set();
  for (const k of keys) {
    const segs = k.path.split('.');
    for (let i = 1; i <= segs.length; i++) set.add(segs.slice(0, i).join('.'));
    for (const a of k.aliases ?? []) set.add(siblingPath(k.path, a));
  }
  return set;
}

function buildDeepSpeed() {
  const facts = readFacts('deepspeed.json');
  const src = facts.source;
  const keys = [...facts.keys];
  for (const s of DS_SUPPLEMENT) {
    if (s.optional && keys.some((k) => k.path === s.path)) continue;
    keys.push({ ...s, supplement: true });
  }
  for (const k of keys) {
    const extra = DS_WHEN_TYPE_EXTRA[k.path];
    if (extra && k.whenType) k.whenType = uniq([...k.whenType, ...extra]);
  }
  const known = dsKnownPaths(keys);
  const tree = buildTree(keys);
  const sourceOf = (p) => {
    let q = p;
    while (!(q in DS_SECTION_FILES)) q = parentOf(q);
    return `${src.repo} ${DS_SECTION_FILES[q]} @ ${short(src.commit)}`;
  };
  const isPydantic = (p) =>
    DS_PYDANTIC_ROOTS.some((r) => p === r || p.startsWith(`${r}.`)) &&
    !DS_PYDANTIC_FREE.some((r) => p === r || p.startsWith(`${r}.`));

  function leaf(node, name, factsForNode) {
    // Several facts for one path differ only by optimizer/scheduler type (whenType).
    const f0 = factsForNode[0];
    const p = siblingPath(node.path, name);
    const specs = uniq(factsForNode.flatMap((f) => splitTop(f.type, '|')));
    const trainerAuto = DS_TRAINER_AUTO[p];
    const selfAuto = p in DS_SELF_AUTO;
    let s;
    if (f0.type === 'torch.dtype') {
      // Typed torch.dtype in a pydantic model: nothing a JSON config can hold validates.
      s = { not: {}, 'x-json-settable': false };
    } else {
      s = valueSchema(specs.join('|'), {
        enum: f0.enum,
        openEnum: f0.openEnum,
        ci: /lower-cased|upper-cased|case-insensitiv/i.test(`${f0.validation ?? ''} ${f0.description}`),
        auto: Boolean(trainerAuto),
        stringValues: selfAuto ? DS_SELF_AUTO[p] ?? undefined : undefined,
        laxStrings: isPydantic(p),
      });
    }
    Object.assign(s, boundsFrom(f0.validation, s));
    const defaults = uniq(factsForNode.map((f) => JSON.stringify(f.default)));
    const dflt = defaults.length === 1 ? f0.default : undefined;
    let desc = factsForNode.length > 1
      ? factsForNode.map((f) => `${f.whenType.join('/')}: ${sentence(f.description)} Default: ${fmtValue(f.default)}.`).join(' ')
      : describe(f0.description, dflt);
    if (trainerAuto) {
      desc += ` "auto" is filled from ${trainerAuto[0]}${trainerAuto[2] === 'transformers' ? ' by the HF Trainer only (plain accelerate raises on it)' : ''}.`;
    }
    s.description = desc;
    withDefault(s, dflt);
    if (trainerAuto) {
      s['x-auto'] = 'trainer';
      s['x-auto-from'] = trainerAuto[0];
      s['x-auto-must-match'] = trainerAuto[1];
      s['x-auto-filled-by'] = trainerAuto[2] === 'both' ? ['transformers', 'accelerate'] : ['transformers'];
    } else if (selfAuto) {
      s['x-auto'] = 'deepspeed';
      s.description += ' Through the HF Trainer or accelerate an explicit "auto" here raises ValueError; leave the key out for the same default.';
    }
    if (factsForNode.some((f) => f.whenType)) s['x-when-type'] = uniq(factsForNode.flatMap((f) => f.whenType ?? []));
    if (f0.whenMode) s['x-when-mode'] = f0.whenMode;
    if (factsForNode.length > 1) s['x-defaults-by-type'] = Object.fromEntries(
      factsForNode.flatMap((f) => f.whenType.map((t) => [t, f.default])));
    deprecate(s, f0, p);
    if (f0.validation) s['x-validation'] = f0.validation;
    if (f0.note) s['x-note'] = f0.note;
    s['x-source'] = f0.source ? `${src.repo} ${f0.source} @ ${short(src.commit)}` : sourceOf(p);
    return s;
  }

  function deprecate(s, f, p) {
    if (!f.deprecated && !f.status) return;
    s.deprecated = true;
    applyReplacement(s, resolveReplacement(f.deprecated?.replacement ?? DS_REPLACEMENTS[p] ?? '', p, known));
    s['x-deprecated-message'] = sentence(f.description);
    if (f.status === 'rejected') s['x-removed-in'] = `deepspeed <= ${src.version.split(' ')[0]} (raises at engine init)`;
    if (f.status === 'ignored') s['x-ignored'] = true;
  }

  function objectNode(node, inheritedPolicy) {
    const f = node.facts[0] ??
      { type: 'object', description: DS_SYNTHESIZED[node.path] ?? DS_SYNTHESIZED[node.name] ?? `${node.name} settings.` };
    const p = node.path;
    const s = valueSchema(f.type, {});
    if (!s.type) s.type = 'object';
    s.description = describe(f.description, f.default);
    if (f.default !== null && f.default !== undefined && typeof f.default === 'object') s.default = f.default;
    // Pydantic models forbid extra keys (deepspeed.json notes) unless the fact says otherwise.
    const policy = DS_POLICY_OVERRIDES[p] ?? classifyPolicy(f.unknownKeyBehaviour) ??
      (p && isPydantic(p) ? 'error' : inheritedPolicy);
    const props = {};
    const dependencies = {};
    for (const [name, child] of node.children) {
      if (name === '<name>') continue;
      Object.assign(props, emit(child, policy === 'free' ? 'ignored' : policy, dependencies));
    }
    if (Object.keys(props).length) s.properties = props;
    if (Object.keys(dependencies).length) s.dependencies = dependencies;
    if (node.children.has('<name>')) s.additionalProperties = emit(node.children.get('<name>'), policy)['<name>'];
    else if (Object.keys(props).length) closeObject(s, policy);
    if (DS_REQUIRED[p]) s.required = DS_REQUIRED[p];
    deprecate(s, f, p);
    if (f.validation) s['x-validation'] = f.validation;
    if (f.note) s['x-note'] = f.note;
    if (p === 'zero_optimization') s['x-deprecated-types'] = { boolean: 'legacy form: true -> stage 1, false -> stage 0' };
    if (p && s.properties) s['x-parser'] = isPydantic(p) ? 'pydantic' : 'dict.get';
    // DeepSpeedConfigModel drops "auto" values before validation (field keeps its default) when
    // DeepSpeed reads the config itself; HF/accelerate raise on "auto" outside their fill list.
    if (p && s.properties && isPydantic(p)) s['x-auto-dropped'] = true;
    if (p) s['x-source'] = sourceOf(p);
    return s;
  }

  // Returns {name: schema} (plus alias spellings). `deps` collects pydantic alias conflicts.
  function emit(node, inheritedPolicy, deps = {}) {
    if (DS_SECTION_ALIASES[node.path] && node.children.size === 0) node = aliasedSection(node);
    const f0 = node.facts[0];
    const isObject = node.children.size > 0 || (f0 && /^object/.test(f0.type) && !node.path.endsWith('.params'));
    if (node.path === 'optimizer.params' || node.path === 'scheduler.params') return { params: paramsNode(node) };
    const out = { [node.name]: isObject || !f0 ? objectNode(node, inheritedPolicy) : leaf(node, node.name, node.facts) };
    for (const alias of f0?.aliases ?? []) {
      if (DS_SECTION_ALIASES[siblingPath(node.path, alias)]) continue; // has its own fact (bfloat16)
      // Pydantic populate_by_name: the alias takes the same value; only trainer "auto" is per spelling.
      const a = isObject ? clone(out[node.name]) : leaf(node, alias, node.facts);
      a['x-alias-of'] = node.name;
      out[alias] = a;
      deps[alias] = { not: { required: [node.name] } };
    }
    if (f0?.aliases) out[node.name]['x-aliases'] = f0.aliases;
    return out;
  }

  // A section that has a fact of its own but takes another section's fields (bfloat16 -> bf16).
  // Its fields get their own paths, so trainer "auto" (keyed by path) does not carry over.
  function aliasedSection(node) {
    const relabel = (n, p) => ({
      ...n, path: p, facts: n.facts.map((f) => ({ ...f, path: p })),
      children: new Map([...n.children].map(([k, c]) => [k, relabel(c, `${p}.${k}`)])),
    });
    const target = tree.children.get(DS_SECTION_ALIASES[node.path]);
    return { ...node, children: relabel(target, node.path).children };
  }

  // optimizer.params / scheduler.params: every documented param, plus a closed set per type.
  function paramsNode(node) {
    const f = node.facts[0];
    const s = { type: 'object', description: describe(f.description, undefined) };
    const props = {};
    for (const [name, child] of node.children) props[name] = leaf(child, name, child.facts);
    s.properties = props;
    if (f.validation) s['x-validation'] = f.validation;
    s['x-unknown-keys-note'] = f.unknownKeyBehaviour;
    s['x-source'] = sourceOf(node.path);
    return s;
  }

  // Types are mutually exclusive, so the closures form one if/then/else chain. A chain (rather than
  // allOf) keeps every error's schemaPath free of "Of/", which the engine reads as a branch detail.
  function typeClosures(kind, params) {
    const branches = [];
    const byType = new Map();
    for (const [name, p] of Object.entries(params)) for (const t of p['x-when-type'] ?? []) {
      if (!byType.has(t)) byType.set(t, []);
      byType.get(t).push(name);
    }
    // Deprecated/rejected params (max_grad_norm) stay in every set so only their deprecation is reported.
    const everywhere = Object.entries(params).filter(([, p]) => p.deprecated && !p['x-when-type']).map(([n]) => n);
    for (const [t, typeNames] of byType) {
      const names = [...typeNames, ...everywhere];
      const policy = kind === 'optimizer' ? DS_OPTIMIZER_CLOSURE[t] : 'error';
      if (!policy) continue;
      // DeepSpeed optimizer names are matched case-insensitively; scheduler names exactly.
      const typeCond = kind === 'optimizer' ? { pattern: `^${ciLiteral(t)}$` } : { const: t };
      const cond = { properties: { type: typeCond }, required: ['type'] };
      if (t === 'adam' || t === 'adamw') {
        // torch_adam: true builds torch.optim.Adam/AdamW, whose kwargs are torch's.
        cond.properties.params = { not: { properties: { torch_adam: { const: true } }, required: ['torch_adam'] } };
      }
      const required = kind === 'scheduler' ? typeNames.filter((n) => params[n]['x-required-for']?.includes(t)) : [];
      const then = {
        properties: {
          params: {
            properties: Object.fromEntries(names.map((n) => [n, true])),
            additionalProperties: false,
            'x-unknown-keys': policy,
            ...(required.length ? { required } : {}),
          },
        },
        ...(kind === 'scheduler' ? { required: ['params'] } : {}),
      };
      branches.push({ if: cond, then });
    }
    return branches.reduceRight((rest, b) => (rest ? { ...b, else: rest } : b), null);
  }

  const schema = objectNode(tree, 'ignored');
  const root = tree.facts[0];
  schema.description =
    `DeepSpeed ds_config. Source: ${src.repo} ${src.files.slice(0, 3).join(', ')} (and ${src.files.length - 3} more files) @ ${src.commit} (${src.version}).`;
  schema['x-unknown-keys'] = 'ignored';
  schema['x-unknown-keys-note'] = root.unknownKeyBehaviour;

  // Per-type closures for optimizer and scheduler params; required scheduler params per type.
  for (const f of keys.filter((k) => k.path.startsWith('scheduler.params.') && k.required)) {
    const p = schema.properties.scheduler.properties.params.properties[f.path.split('.').pop()];
    p['x-required-for'] = uniq([...(p['x-required-for'] ?? []), ...f.whenType]);
  }
  for (const kind of ['optimizer', 'scheduler']) {
    const sec = schema.properties[kind];
    Object.assign(sec, typeClosures(kind, sec.properties.params.properties));
  }
  return { schema: finalize(schema), facts };
}

// Apply key ordering to every schema object in the tree.
function finalize(s) {
  if (Array.isArray(s)) return s.map(finalize);
  if (!s || typeof s !== 'object') return s;
  const out = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'properties' || k === 'dependencies') out[k] = Object.fromEntries(Object.entries(v).map(([n, x]) => [n, finalize(x)]));
    else if (k === 'enum' || k === 'default' || k === 'x-enum' || k.startsWith('x-')) out[k] = v;
    else out[k] = finalize(v);
  }
  return ordered(out);
}

// ---------------------------------------------------------------------------
// Hugging Face TrainingArguments + TRL configs (one flat mapping, as TrlParser reads it)
// ---------------------------------------------------------------------------

const TRL_FILES = {
  _BaseConfig: 'trl/trainer/base_config.py',
  SFTConfig: 'trl/trainer/sft_config.py',
  DPOConfig: 'trl/trainer/dpo_config.py',
  GRPOConfig: 'trl/trainer/grpo_config.py',
  ModelConfig: 'trl/trainer/model_config.py',
  ScriptArguments: 'trl/scripts/utils.py',
  DatasetMixtureConfig: 'trl/scripts/utils.py',
  DatasetConfig: 'trl/scripts/utils.py',
  TrlParser: 'trl/scripts/utils.py',
};

const HANDBOOK = { repo: 'huggingface/alignment-handbook', commit: '925acdfe4b2b4e38c3dabd1851bc418f0b656351' };
const handbookSrc = `${HANDBOOK.repo} src/alignment/configs.py @ ${short(HANDBOOK.commit)}`;

// alignment-handbook fields (named in trl.json's notes; types/defaults read from src/alignment/configs.py).
// ScriptArguments.__post_init__ reads dataset_mixture with dict.get(), so extra keys there are ignored.
const HANDBOOK_SUPPLEMENT = {
  chat_template: {
    description: 'alignment-handbook SFTConfig/DPOConfig/ORPOConfig: chat template (Jinja string) set on the tokenizer.',
    type: ['string', 'null'],
    default: null,
    'x-config': ['alignment-handbook SFTConfig', 'alignment-handbook DPOConfig', 'alignment-handbook ORPOConfig'],
    'x-source': handbookSrc,
  },
  dataset_mixture: {
    description: 'alignment-handbook ScriptArguments: datasets to load and mix; either dataset_name or dataset_mixture is required (ValueError). Default: unset.',
    type: ['object', 'null'],
    default: null,
    required: ['datasets'],
    properties: {
      datasets: {
        description: 'Datasets of the mixture (must be a list, ValueError otherwise).',
        type: 'array',
        items: {
          type: 'object',
          description: 'One dataset of the mixture; read with dict.get().',
          properties: {
            id: { description: 'Hub dataset id or path (passed to load_dataset). Default: unset (then loading fails).', type: 'string' },
            config: { description: 'Dataset configuration name. Default: unset.', type: ['string', 'null'], default: null },
            split: { description: 'Split to load. Default: "train".', type: 'string', default: 'train' },
            columns: {
              description: 'Columns kept; must be the same set for every dataset of the mixture (ValueError). Default: unset (all).',
              type: ['array', 'null'], items: { type: 'string' }, default: null,
            },
            weight: { description: 'Fraction of the dataset used. Default: 1.0.', type: ['number', 'null'], default: 1.0 },
          },
          required: ['id'],
          additionalProperties: false,
          'x-unknown-keys': 'ignored',
        },
      },
      seed: { description: 'Shuffle seed for the mixture. Default: 0.', type: 'integer', default: 0 },
      test_split_size: {
        description: 'If set, split the mixture with train_test_split(test_size=...). Default: unset.',
        type: ['number', 'null'], default: null,
      },
    },
    additionalProperties: false,
    'x-unknown-keys': 'ignored',
    'x-config': ['alignment-handbook ScriptArguments'],
    'x-source': handbookSrc,
  },
};

// Seq2SeqTrainingArguments(TrainingArguments) adds these fields; Seq2SeqTrainer scripts (run_summarization.py,
// run_translation.py, LLaMA-Factory's sft stage) parse them with HfArgumentParser.
const SEQ2SEQ_SRC = 'huggingface/transformers src/transformers/training_args_seq2seq.py @ v4.46.0';
const SEQ2SEQ_SUPPLEMENT = {
  sortish_sampler: { description: 'Seq2SeqTrainingArguments: use a SortishSampler. Default: false.', type: 'boolean', default: false },
  predict_with_generate: { description: 'Seq2SeqTrainingArguments: use generate to compute generative metrics (ROUGE, BLEU). Default: false.', type: 'boolean', default: false },
  generation_max_length: { description: "Seq2SeqTrainingArguments: max_length for generate in evaluation; defaults to the model configuration's.", type: ['integer', 'null'], default: null },
  generation_num_beams: { description: "Seq2SeqTrainingArguments: num_beams for generate in evaluation; defaults to the model configuration's.", type: ['integer', 'null'], default: null },
  generation_config: { description: 'Seq2SeqTrainingArguments: a GenerationConfig to load (model id or folder). Default: unset.', type: ['string', 'null'], default: null },
};
for (const s of Object.values(SEQ2SEQ_SUPPLEMENT)) Object.assign(s, { 'x-config': ['Seq2SeqTrainingArguments'], 'x-source': SEQ2SEQ_SRC });

// Removals missing from trl.json, read from the TRL git history (first tag containing the commit).
const TRL_REMOVED_SUPPLEMENT = [
  {
    path: 'max_prompt_length', type: 'any', default: null, status: 'removed', config: 'ORPOConfig',
    description: 'Former ORPOConfig field (used by alignment-handbook ORPO recipes), deleted from the dataclass.',
    deprecated: { replacement: null, since: 'v0.28.0', removedBy: '22ad7e6b3' },
    source: 'trl/experimental/orpo/orpo_config.py',
  },
];

// `trl sft|dpo|grpo|... --config x.yaml` forwards keys no dataclass claims to `accelerate launch` (trl.json
// notes; trl/cli/commands/training.py). TRL's docs/source/clis.md uses these in recipe YAML files.
// User scripts that call TrlParser with defaults (alignment-handbook) raise on them instead.
const TRL_CLI_SRC = `huggingface/trl trl/cli/commands/training.py, trl/cli/accelerate_config.py @ f2cd57710a`;
const TRL_CLI_ONLY = 'Only with the trl CLI (trl <command> --config), which forwards it to accelerate launch; TrlParser in user scripts raises on it.';
const TRL_CLI_SUPPLEMENT = {
  accelerate_config: {
    description: `accelerate config for the launch: a file path or a config shipped with TRL. ${TRL_CLI_ONLY}`,
    type: 'string',
    'x-enum': ['fsdp1', 'fsdp2', 'multi_gpu', 'single_gpu', 'zero1', 'zero2', 'zero3'],
    'x-open-enum': true,
  },
  config_file: { description: `accelerate launch --config_file. ${TRL_CLI_ONLY}`, type: 'string' },
  num_processes: { description: `accelerate launch --num_processes (total processes). ${TRL_CLI_ONLY}`, type: 'integer', minimum: 1 },
  mixed_precision: {
    description: `accelerate launch --mixed_precision. ${TRL_CLI_ONLY}`,
    type: 'string', enum: ['no', 'fp16', 'bf16', 'fp8'],
  },
};

// Enum values accepted by older releases that known recipes still use, read from the TRL git history.
const TRL_ENUM_HISTORY = {
  packing_strategy: {
    ffd: {
      'x-replacement': 'bfd',
      'x-removed-in': 'trl v0.20.0',
      'x-deprecated-message':
        "Renamed to 'bfd' in trl v0.20.0 (commit 0353d6766); current trl raises ValueError('Invalid packing strategy ...') in pack_dataset.",
      'x-source': 'huggingface/trl trl/trainer/sft_config.py @ v0.19.1',
    },
    'bfd-requeue': {
      'x-replacement': 'bfd_split',
      'x-deprecated-message':
        'The `bfd-requeue` packing strategy has been renamed to `bfd_split` ... will be removed in v2.0.0 (FutureWarning).',
      'x-source': 'huggingface/trl trl/trainer/sft_config.py @ f2cd57710a',
    },
  },
};

// Where each HF dict field is free-form (kwargs for some callee) vs. a known key set.
const HF_FREE_DICTS = new Set(['lr_scheduler_kwargs', 'gradient_checkpointing_kwargs', 'liger_kernel_config',
  'model_init_kwargs', 'generation_kwargs', 'chat_template_kwargs', 'transformers_continuous_batching_config', 'env',
  'deepspeed', 'accelerator_config.gradient_accumulation_kwargs', 'fsdp_config.xla_fsdp_settings']);

function hfFactsByName() {
  const hf = readFacts('hf-training-args.json');
  const trl = readFacts('trl.json');
  const tf = hf.source.files.find((f) => f.path.endsWith('training_args.py')).commit;
  const entries = [];
  for (const k of hf.keys) {
    const cfg = k.path.startsWith('accelerator_config.') ? 'AcceleratorConfig' : 'TrainingArguments';
    const file = cfg === 'AcceleratorConfig'
      ? 'src/transformers/trainer_pt_utils.py'
      : `src/transformers/training_args.py @ ${short(tf)}`;
    entries.push({ ...k, fw: 'transformers', cfg, src: `${hf.source.repo} ${file}` });
  }
  for (const k of [...trl.keys, ...TRL_REMOVED_SUPPLEMENT]) {
    const cfg = k.config.split(' ')[0];
    entries.push({
      ...k, fw: 'trl', cfg,
      src: `${trl.source.repo} ${k.source ?? TRL_FILES[cfg] ?? 'trl/scripts/utils.py'} @ ${short(trl.source.commit)}`,
    });
  }
  return { hf, trl, entries };
}

// The releases scripts/gen-version-facts.py read: the first one without a key is when it went (evaluation_strategy left
// in 4.51, though the reference keys, read at a v5 commit, only say "removed").
const KEY_RANGES = JSON.parse(fs.readFileSync(path.join(ROOT, 'server/src/core/versions/key-ranges.json'), 'utf8')).frameworks;

function versionOfRemoval(e) {
  const since = e.deprecated?.since ?? '';
  if (e.fw !== 'transformers') return `trl ${since}`;
  const { releases, keys } = KEY_RANGES.transformers;
  const ranged = keys[e.path];
  const last = Array.isArray(ranged?.[0]) ? ranged.at(-1)[1] : ranged?.[1];
  const next = last ? releases[releases.indexOf(last) + 1] : undefined;
  return next ? `transformers v${next.split('.').slice(0, 2).join('.')}` : 'transformers v5';
}

function removalMessage(e) {
  const rep = e.deprecated?.replacement;
  const how = e.fw === 'transformers'
    ? "HfArgumentParser raises ValueError('Some keys are not used by the HfArgumentParser')"
    : "TrlParser raises ValueError('Unknown arguments from config file'); TRL example scripts drop it silently";
  const commit = e.deprecated?.removedBy && e.deprecated.removedBy !== 'n/a' ? ` (commit ${e.deprecated.removedBy})` : '';
  return `Removed from ${e.cfg} in ${versionOfRemoval(e)}${commit}${rep ? `; use ${rep}` : ''}${e.deprecated?.note ? ` (${e.deprecated.note})` : ''}. ${how}.`;
}

// Merge the facts for one flat key (TrainingArguments and/or several TRL configs).
function hfProperty(name, facts, known) {
  const live = facts.filter((f) => f.status !== 'removed');
  const removed = facts.filter((f) => f.status === 'removed');
  if (!live.length) {
    const s = {
      description: `Removed key: ${removed.map((r) => `${r.cfg} dropped it in ${versionOfRemoval(r)}`).join('; ')}.${
        withRepText(removed)}`,
      deprecated: true,
    };
    const withRep = removed.find((r) => r.deprecated?.replacement);
    if (withRep) applyReplacement(s, resolveReplacement(withRep.deprecated.replacement, name, known));
    s['x-deprecated-message'] = removed.map(removalMessage).join(' ');
    // The version after which no config accepts the key any more.
    s['x-removed-in'] = removed.map(versionOfRemoval).sort(cmpVersion).pop();
    if (removed.length > 1) s['x-removed-from'] = removed.map((r) => ({ config: r.cfg, version: versionOfRemoval(r) }));
    s['x-config'] = uniq(removed.map((r) => r.cfg));
    s['x-source'] = uniq(removed.map((r) => r.src)).join('; ');
    return s;
  }
  const specs = uniq(live.flatMap((f) => splitTop(f.type, '|')));
  const allEnum = live.every((f) => f.enum) ? uniq(live.flatMap((f) => f.enum)) : undefined;
  const anyText = live.map((f) => `${f.validation ?? ''} ${f.description}`).join(' ');
  const base = live.find((f) => f.cfg === 'TrainingArguments') ?? live[0];
  const s = valueSchema(specs.join('|'), {
    enum: allEnum,
    tokens: /split on spaces/.test(anyText),
    ci: /case-insensitiv/.test(anyText),
    classMap: { DatasetConfig: 'object' },
  });
  Object.assign(s, boundsFrom(base.validation, s));
  const defaults = new Map(live.map((f) => [f.cfg, f.default]));
  const distinct = uniq(live.map((f) => JSON.stringify(f.default)));
  const dflt = base.cfg === 'TrainingArguments' || distinct.length === 1 ? base.default : undefined;
  // Same key, different meaning per trainer (loss_type, beta, ...): say what it does in each.
  const texts = uniq(live.map((f) => sentence(f.description)));
  let desc = base.cfg !== 'TrainingArguments' && texts.length > 1
    ? live.map((f) => `${f.cfg}: ${sentence(f.description)}`).join(' ')
    : sentence(base.description);
  if (distinct.length > 1) {
    desc += ` Defaults: ${live.map((f) => `${f.cfg} ${fmtValue(f.default)}`).join(', ')}.`;
  } else desc = describe(desc, dflt);
  s.description = desc;
  withDefault(s, dflt);
  if (distinct.length > 1) s['x-defaults'] = Object.fromEntries(defaults);
  const dep = live.every((f) => f.status === 'deprecated') ? live[0] : null;
  if (dep) {
    s.deprecated = true;
    applyReplacement(s, resolveReplacement(dep.deprecated?.replacement, name, known));
    s['x-deprecated-message'] = sentence(dep.description);
    const planned = dep.deprecated?.removalAnnounced ?? dep.deprecated?.removal;
    if (planned) s['x-removal-planned'] = `${dep.fw} ${planned}`;
  }
  if (removed.length) s['x-removed-from'] = removed.map((r) => ({ config: r.cfg, version: versionOfRemoval(r) }));
  const validations = uniq(live.filter((f) => f.validation).map((f) => f.validation));
  if (validations.length) s['x-validation'] = validations.join(' | ');
  const notes = uniq(live.filter((f) => f.note).map((f) => f.note));
  if (notes.length) s['x-note'] = notes.join(' | ');
  s['x-config'] = uniq(live.map((f) => f.cfg));
  s['x-source'] = uniq(live.map((f) => f.src)).join('; ');
  return s;
}

function withRepText(removed) {
  const rep = removed.find((r) => r.deprecated?.replacement)?.deprecated.replacement;
  return rep ? ` Use ${rep} instead.` : '';
}

function cmpVersion(a, b) {
  const num = (v) => (v.match(/\d+/g) ?? []).map(Number);
  const [x, y] = [num(a), num(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

function buildHf() {
  const { hf, trl, entries } = hfFactsByName();
  const known = new Set(entries.map((e) => e.path).concat(Object.keys(HANDBOOK_SUPPLEMENT), Object.keys(TRL_CLI_SUPPLEMENT), Object.keys(SEQ2SEQ_SUPPLEMENT)));
  const flat = new Map();
  const nested = new Map(); // parent -> [entries]
  for (const e of entries) {
    if (e.path === '<top-level>') continue;
    const m = /^([a-z_]+)(?:\[\])?\.(.+)$/.exec(e.path);
    if (m) {
      if (!nested.has(m[1])) nested.set(m[1], []);
      nested.get(m[1]).push({ ...e, path: m[2] });
    } else {
      if (!flat.has(e.path)) flat.set(e.path, []);
      flat.get(e.path).push(e);
    }
  }
  const props = {};
  for (const [name, facts] of flat) props[name] = hfProperty(name, facts, known);

  // Nested objects.
  const acc = props.accelerator_config;
  acc.properties = Object.fromEntries(nested.get('accelerator_config').map((e) => [e.path, hfProperty(e.path, [e], known)]));
  closeObject(acc, classifyPolicy(hf.keys.find((k) => k.path === 'accelerator_config').unknownKeyBehaviour));

  // fsdp_config: "'fsdp_'-prefixed keys are stripped of the prefix", so both spellings are read.
  const fsdp = props.fsdp_config;
  fsdp.properties = {};
  for (const e of nested.get('fsdp_config')) {
    fsdp.properties[e.path] = hfProperty(e.path, [e], known);
    fsdp.properties[`fsdp_${e.path}`] = { ...hfProperty(e.path, [e], known), 'x-alias-of': e.path };
  }
  closeObject(fsdp, classifyPolicy(hf.keys.find((k) => k.path === 'fsdp_config').unknownKeyBehaviour));

  // TRL DatasetMixtureConfig.datasets: entries become DatasetConfig(**entry) (TypeError on unknown keys).
  const ds = props.datasets;
  ds.items = {
    type: 'object',
    description: 'One dataset of the mixture (DatasetConfig, matching datasets.load_dataset arguments).',
    properties: Object.fromEntries(nested.get('datasets').map((e) => [e.path, hfProperty(e.path, [e], known)])),
    required: nested.get('datasets').filter((e) => e.required).map((e) => e.path),
    additionalProperties: false,
    'x-unknown-keys': 'error',
  };

  // SFTConfig.dataset_kwargs: "only skip_prepare_dataset is honoured" -> other keys are ignored.
  props.dataset_kwargs.properties = {
    skip_prepare_dataset: {
      description: 'Skip TRL dataset preparation (tokenization, packing). Default: false.',
      type: 'boolean', default: false, 'x-source': props.dataset_kwargs['x-source'],
    },
  };
  closeObject(props.dataset_kwargs, 'ignored');

  // ParallelismConfig is a class: a YAML mapping is passed through unconverted (hf-training-args.json).
  props.parallelism_config['x-note'] =
    'Typed as accelerate.ParallelismConfig; parse_yaml_file/TrlParser do not build it from a mapping, so only null is usable from a config file (set parallelism in the accelerate config instead).';
  props.deepspeed['x-schema'] = 'deepspeed.schema.json';
  props.model_init_kwargs['x-unknown-keys-note'] = 'forwarded to from_pretrained(**kwargs)';

  // TRL's DPO loss_type: "a single string is wrapped into a list" (trl.json).
  for (const [name, hist] of Object.entries(TRL_ENUM_HISTORY)) {
    const p = props[name];
    p.enum = uniq([...p.enum, ...Object.keys(hist)]);
    p['x-enum-deprecated'] = hist;
  }

  for (const [name, s] of Object.entries(HANDBOOK_SUPPLEMENT)) props[name] = clone(s);
  for (const [name, s] of Object.entries(SEQ2SEQ_SUPPLEMENT)) props[name] ??= clone(s);
  for (const [name, s] of Object.entries(TRL_CLI_SUPPLEMENT)) {
    props[name] = { ...s, 'x-config': ['trl CLI (accelerate launch flag)'], 'x-source': TRL_CLI_SRC };
  }

  const trlNotes = trl.notes;
  const rootFact = hf.keys.find((k) => k.path === '<top-level>');
  const schema = {
    $schema: DRAFT07,
    title: 'Hugging Face TrainingArguments / TRL recipe (flat YAML/JSON mapping)',
    description:
      `TrainingArguments from ${hf.source.repo} src/transformers/training_args.py @ ${hf.source.files[0].commit} (v5 layout), ` +
      `merged with TRL SFTConfig, DPOConfig, GRPOConfig, ModelConfig, ScriptArguments and DatasetMixtureConfig from ${trl.source.repo} ` +
      `${['trl/trainer/sft_config.py', 'dpo_config.py', 'grpo_config.py', 'model_config.py', 'trl/scripts/utils.py'].join(', ')} @ ${trl.source.commit} (${trl.source.version}), ` +
      `plus alignment-handbook fields from ${HANDBOOK.repo} src/alignment/configs.py @ ${HANDBOOK.commit}.`,
    type: 'object',
    properties: Object.fromEntries(Object.entries(props).sort(([a], [b]) => a.localeCompare(b))),
    additionalProperties: false,
    'x-unknown-keys': 'error',
    'x-unknown-keys-note': `${rootFact.unknownKeyBehaviour}. ${trlNotes.find((n) => n.startsWith('Unknown keys with TrlParser'))}`,
  };
  for (const [name, s] of Object.entries(schema.properties)) {
    if (HF_FREE_DICTS.has(name)) continue;
    if (s.properties && !('additionalProperties' in s)) closeObject(s, 'ignored');
  }
  return { schema: finalize(schema), hf, trl };
}

// ---------------------------------------------------------------------------
// accelerate config files
// ---------------------------------------------------------------------------

const ACC_TOP = 'src/accelerate/commands/config/config_args.py';
const ACC_NESTED_FILES = {
  deepspeed_config: 'src/accelerate/commands/launch.py; src/accelerate/utils/dataclasses.py',
  fsdp_config: 'src/accelerate/commands/launch.py; src/accelerate/utils/dataclasses.py',
  fp8_config: 'src/accelerate/commands/launch.py; src/accelerate/utils/dataclasses.py',
  dynamo_config: 'src/accelerate/commands/launch.py',
  parallelism_config: 'src/accelerate/commands/launch.py; src/accelerate/parallelism_config.py',
  megatron_lm_config: 'src/accelerate/commands/launch.py; src/accelerate/utils/dataclasses.py',
  mpirun_config: 'src/accelerate/commands/launch.py',
};
const SAGEMAKER = 'SageMakerConfig (compute_environment: AMAZON_SAGEMAKER)';

// Facts corrected against the accelerate tree at the fact commit.
const ACC_OVERRIDES = {
  // cluster.py writes the wizard answer as a string ("no"), and utils/launch.py tests it for truthiness.
  downcast_bf16: {
    type: ['boolean', 'string'],
    description: 'TPU: downcast float64 to bf16 too. The accelerate wizard writes the string "no"/"yes"; launch only tests truthiness, so any non-empty string (even "no") counts as true. Default: false.',
    'x-source': 'huggingface/accelerate src/accelerate/commands/config/config_args.py, src/accelerate/commands/config/cluster.py, src/accelerate/utils/launch.py @ 16cb6eb80d',
  },
  // The launcher exports FSDP_VERSION as an environment string, read back with int().
  'fsdp_config.fsdp_version': { enum: [1, 2, '1', '2'] },
};

function buildAccelerate() {
  const facts = readFacts('accelerate.json');
  const src = facts.source;
  const at = (file) => `${src.repo} ${file} @ ${short(src.commit)}`;
  const known = new Set(facts.keys.map((k) => k.path));
  for (const k of facts.keys) {
    for (const a of [k.acceptsUnprefixed, k.launchArg]) if (a) known.add(`${parentOf(k.path)}.${a}`);
  }

  function prop(k, name = k.path) {
    const s = valueSchema(k.type, {
      enum: k.enum,
      ci: /case-insensitiv/.test(`${k.validation ?? ''} ${k.description}`),
    });
    s.description = describe(k.description, k.default);
    withDefault(s, k.default);
    if (k.deprecated) {
      s.deprecated = true;
      applyReplacement(s, resolveReplacement(k.deprecated.replacement, name, known));
      s['x-deprecated-message'] = sentence(k.description);
      if (k.status === 'ignored') s['x-ignored'] = true;
    }
    if (k.validation) s['x-validation'] = k.validation;
    if (k.note) s['x-note'] = k.note;
    if (k.conflictsWithConfigFile) {
      s['x-conflicts-with'] = '/deepspeed_config/deepspeed_config_file';
      s['x-conflict-message'] = k.conflictsWithConfigFile;
    }
    if (k.configClass) s['x-config'] = k.configClass.split(' ')[0];
    const parent = name.includes('.') ? name.split('.')[0] : null;
    s['x-source'] = at(parent ? ACC_NESTED_FILES[parent] : ACC_TOP);
    Object.assign(s, ACC_OVERRIDES[k.path] ?? {});
    return s;
  }

  const top = facts.keys.filter((k) => k.path !== '<top-level>' && !k.path.includes('.'));
  const nested = facts.keys.filter((k) => k.path.includes('.'));
  const props = {};
  for (const k of top) {
    const isSage = k.configClass?.startsWith('SageMaker');
    if (props[k.path]) {
      // Same key in ClusterConfig and SageMakerConfig: keep the ClusterConfig fact, mention the other default.
      if (isSage) {
        if (!sameJson(k.default, props[k.path].default)) {
          props[k.path].description += ` SageMaker default: ${fmtValue(k.default)}.`;
        }
        if (props[k.path]['x-config']) props[k.path]['x-config'] = [props[k.path]['x-config'], 'SageMakerConfig'];
      }
      continue;
    }
    props[k.path] = prop(k);
  }

  // Nested *_config mappings: keys copied onto the launch namespace; unknown ones are never read.
  for (const k of nested) {
    const [parent, key] = [k.path.split('.')[0], k.path.split('.').slice(1).join('.')];
    const obj = props[parent];
    obj.properties ??= {};
    obj.properties[key] = prop(k, k.path);
    // fsdp_/dynamo_/fp8_ prefixes are added by launch when missing, so both spellings are read.
    for (const alias of [k.acceptsUnprefixed, k.launchArg]) {
      if (alias && alias !== key) obj.properties[alias] = { ...prop(k, k.path), 'x-alias-of': key };
    }
  }
  for (const parent of Object.keys(ACC_NESTED_FILES)) {
    const obj = props[parent];
    if (obj?.properties) closeObject(obj, classifyPolicy(facts.keys.find((k) => k.path === parent && k.unknownKeyBehaviour)?.unknownKeyBehaviour));
    if (obj) obj['x-source'] = at(ACC_NESTED_FILES[parent]);
  }

  // deepspeed_config_file excludes the accelerate-side DeepSpeed knobs (DeepSpeedPlugin raises ValueError).
  const dsc = props.deepspeed_config;
  const conflicting = Object.entries(dsc.properties).filter(([, v]) => v['x-conflicts-with']).map(([n]) => n);
  dsc.if = { properties: { deepspeed_config_file: { type: 'string' } }, required: ['deepspeed_config_file'] };
  dsc.then = { properties: Object.fromEntries(conflicting.map((n) => [n, false])) };

  const distributed = facts.keys.find((k) => k.path === 'distributed_type');
  const localTypes = distributed.enum;
  const sageTypes = distributed.sagemakerEnum;
  // Union here; each config class narrows it in the branches below.
  props.distributed_type.enum = uniq([...localTypes, ...sageTypes]);

  const rootFact = facts.keys.find((k) => k.path === '<top-level>');
  const required = top.filter((k) => k.required && !k.configClass).map((k) => k.path);
  const sageRequired = top.filter((k) => k.required && k.configClass?.startsWith('SageMaker')).map((k) => k.path);
  const keysOf = (pred) => uniq(top.filter(pred).map((k) => k.path));
  const baseKeys = keysOf((k) => !k.configClass);
  const clusterKeys = [...baseKeys, ...keysOf((k) => k.configClass?.startsWith('ClusterConfig'))];
  const sageKeys = [...baseKeys, ...keysOf((k) => k.configClass?.startsWith('SageMaker'))];
  const allowed = (names) => Object.fromEntries(names.map((n) => [n, true]));
  // The root lists every key with its schema. Which keys are accepted depends on compute_environment
  // (ClusterConfig vs SageMakerConfig, each raising on the other's keys), so the closure lives in the
  // if/then/else branches; a closed root as well would report each unknown key twice.
  const schema = {
    $schema: DRAFT07,
    title: 'accelerate config file (accelerate config / --config_file)',
    description: `accelerate config file. Source: ${src.repo} ${src.files.slice(0, 4).join(', ')} (and ${src.files.length - 4} more) @ ${src.commit} (${src.version}).`,
    type: 'object',
    properties: props,
    required,
    if: { properties: { compute_environment: { const: 'AMAZON_SAGEMAKER' } }, required: ['compute_environment'] },
    then: {
      description: SAGEMAKER,
      properties: { ...allowed(sageKeys), distributed_type: { enum: sageTypes } },
      required: sageRequired,
      additionalProperties: false,
      'x-unknown-keys': 'error',
    },
    else: {
      description: 'ClusterConfig (compute_environment: LOCAL_MACHINE, the default)',
      properties: { ...allowed(clusterKeys), distributed_type: { enum: localTypes } },
      additionalProperties: false,
      'x-unknown-keys': 'error',
      // "mixed_precision must be absent/null when deepspeed_config.deepspeed_config_file is used":
      // launch reports it in ACCELERATE_CONFIG_DS_FIELDS and DeepSpeedPlugin raises ValueError.
      if: {
        properties: { deepspeed_config: { properties: { deepspeed_config_file: { type: 'string' } }, required: ['deepspeed_config_file'] } },
        required: ['deepspeed_config'],
      },
      then: {
        properties: {
          mixed_precision: {
            type: 'null',
            'x-consequence':
              'beside deepspeed_config_file any mixed_precision from the config file, "no" included, is sent to the run in ACCELERATE_CONFIG_DS_FIELDS, and DeepSpeedPlugin raises "When using `deepspeed_config_file`, the following accelerate config variables will be ignored" (accelerate commands/launch.py, utils/dataclasses.py); set the precision in the DeepSpeed file and remove the key, or pass --mixed_precision to accelerate launch',
          },
        },
      },
    },
    'x-unknown-keys': 'error',
    'x-unknown-keys-note': `${rootFact.unknownKeyBehaviour}. Closed per config class in then/else.`,
  };
  return { schema: finalize(schema), facts };
}

// ---------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------

function main() {
  const check = process.argv.includes('--check');
  const outputs = {
    'deepspeed.schema.json': buildDeepSpeed().schema,
    'hf-training-args.schema.json': buildHf().schema,
    'accelerate.schema.json': buildAccelerate().schema,
  };
  outputs['deepspeed.schema.json'] = { $schema: DRAFT07, title: 'DeepSpeed ds_config', ...outputs['deepspeed.schema.json'] };
  let stale = 0;
  fs.mkdirSync(OUT_DIR, { recursive: true });
  for (const [file, schema] of Object.entries(outputs)) {
    const text = `${JSON.stringify(withId(file, schema), null, 2)}\n`;
    const target = path.join(OUT_DIR, file);
    if (check) {
      const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
      if (current !== text) {
        console.error(`stale: schemas/${file}`);
        stale++;
      }
    } else fs.writeFileSync(target, text);
    console.log(`${file}: ${countKeys(schema)} keys`);
  }
  if (stale) process.exit(1);
}

main();
