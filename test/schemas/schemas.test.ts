// Checks the generated framework schemas (scripts/gen-schemas.mjs) against ajv, the shared corpus
// (../shared/corpus) and a few hand-written bad configs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import YAML from 'yaml';

import deepspeedSchema from '../../schemas/deepspeed.schema.json';
import hfSchema from '../../schemas/hf-training-args.schema.json';
import accelerateSchema from '../../schemas/accelerate.schema.json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type SchemaNode = { [key: string]: unknown };

// Compiled output lives in out/test/schemas; the repo root is three levels up, ../shared beside it.
const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const SHARED = resolve(REPO_ROOT, '..', 'shared');
const CORPUS = join(SHARED, 'corpus');
const KEYS = join(SHARED, 'reference', 'keys');
const NO_SHARED = existsSync(join(CORPUS, 'manifest.json')) && existsSync(KEYS) ? false : 'skipped: no ../shared';

const SCHEMAS: Record<string, SchemaNode> = {
  deepspeed: deepspeedSchema as SchemaNode,
  'hf-trainer': hfSchema as SchemaNode,
  accelerate: accelerateSchema as SchemaNode,
};

function compile(schema: SchemaNode): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(schema);
}

const validators = Object.fromEntries(Object.entries(SCHEMAS).map(([k, s]) => [k, compile(s)]));

function validate(format: string, value: unknown): ErrorObject[] {
  const v = validators[format];
  v(value);
  return v.errors ?? [];
}

// The schema object an ajv error came from: "#/properties/a/additionalProperties" -> the object at
// "#/properties/a", where x-unknown-keys says whether the framework rejects or ignores the key.
function schemaAt(schema: SchemaNode, schemaPath: string): SchemaNode | undefined {
  let node: unknown = schema;
  for (const raw of schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    const seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node as SchemaNode | undefined;
}

function unknownKeyPolicy(schema: SchemaNode, err: ErrorObject): unknown {
  const parent = schemaAt(schema, err.schemaPath.replace(/\/additionalProperties$/, ''));
  return parent?.['x-unknown-keys'];
}

// Errors that make a known-good file fail: rejected unknown keys, wrong types, bad enum values.
function blockingErrors(format: string, errors: ErrorObject[]): ErrorObject[] {
  return errors.filter((e) => {
    if (e.keyword === 'additionalProperties') return unknownKeyPolicy(SCHEMAS[format], e) === 'error';
    return e.keyword === 'type' || e.keyword === 'enum';
  });
}

const show = (errors: ErrorObject[]) =>
  errors.map((e) => `${e.instancePath || '/'} ${e.keyword} ${JSON.stringify(e.params)} ${e.message ?? ''}`).join('\n');

interface ManifestEntry {
  file: string;
  format: string;
  status: string;
}

function loadCorpusFile(entry: ManifestEntry): { value?: Json; skipped?: string } {
  const text = readFileSync(join(CORPUS, entry.file), 'utf8');
  if (entry.format === 'deepspeed') {
    try {
      return { value: JSON.parse(text) as Json };
    } catch (e) {
      return { skipped: `not valid JSON (${(e as Error).message})` };
    }
  }
  if (!/\.ya?ml$/.test(entry.file)) return { skipped: 'not a YAML file' };
  return { value: YAML.parse(text) as Json };
}

test('every schema compiles and follows the property conventions', () => {
  for (const [format, schema] of Object.entries(SCHEMAS)) {
    assert.equal(typeof compile(schema), 'function', format);
    assert.match(String(schema.description), /@ [0-9a-f]{10,}/, `${format}: top-level description cites a commit`);
    const missing: string[] = [];
    const walk = (s: SchemaNode, at: string) => {
      const props = s.properties as Record<string, SchemaNode | boolean> | undefined;
      for (const [name, p] of Object.entries(props ?? {})) {
        if (typeof p !== 'object') continue;
        if (typeof p.description !== 'string' || !p.description) missing.push(`${at}/${name}`);
        walk(p, `${at}/${name}`);
        if (p.items && typeof p.items === 'object' && !Array.isArray(p.items)) walk(p.items as SchemaNode, `${at}/${name}/items`);
      }
      if (s.additionalProperties && typeof s.additionalProperties === 'object') walk(s.additionalProperties as SchemaNode, `${at}/*`);
    };
    walk(schema, '');
    assert.deepEqual(missing, [], `${format}: properties without description`);

    // Every closed object says how the framework treats an unknown key there.
    const unlabelled: string[] = [];
    const visit = (s: unknown, at: string) => {
      if (!s || typeof s !== 'object') return;
      const node = s as SchemaNode;
      if (node.additionalProperties === false && !['error', 'ignored'].includes(String(node['x-unknown-keys']))) unlabelled.push(at || '/');
      for (const [k, v] of Object.entries(node)) if (!k.startsWith('x-') && k !== 'enum' && k !== 'default') visit(v, `${at}/${k}`);
    };
    visit(schema, '');
    assert.deepEqual(unlabelled, [], `${format}: closed objects without x-unknown-keys`);
  }
});

test('known-good corpus files validate', { skip: NO_SHARED }, () => {
  const manifest = JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as ManifestEntry[];
  const failures: string[] = [];
  let checked = 0;
  for (const entry of manifest) {
    if (!(entry.format in SCHEMAS)) continue;
    const { value, skipped } = loadCorpusFile(entry);
    if (skipped) {
      console.log(`  skip   ${entry.file}: ${skipped}`);
      continue;
    }
    const errors = validate(entry.format, value);
    const blocking = blockingErrors(entry.format, errors);
    checked++;
    console.log(`  ${blocking.length ? 'ERRORS' : 'ok    '} ${entry.file} [${entry.status}] ${errors.length} finding(s), ${blocking.length} blocking`);
    if (entry.status === 'known-good' && blocking.length) failures.push(`${entry.file}:\n${show(blocking)}`);
  }
  assert.ok(checked > 0, 'no corpus file was checked');
  assert.deepEqual(failures, []);
});

test('known-bad and removed keys in the corpus are reported', { skip: NO_SHARED }, () => {
  const load = (file: string) => YAML.parse(readFileSync(join(CORPUS, file), 'utf8')) as Json;

  // Pre-refactor alignment-handbook keys: unknown to the current ScriptArguments, and TrlParser raises.
  const dpo = blockingErrors('hf-trainer', validate('hf-trainer', load('hf-trainer/alignment-handbook-zephyr-7b-dpo-qlora.yaml')));
  const unknown = dpo.filter((e) => e.keyword === 'additionalProperties').map((e) => e.params.additionalProperty);
  assert.deepEqual(unknown.sort(), ['dataset_mixer', 'dataset_splits']);

  // max_seq_length is a known key, but deprecated and removed (TRL 0.20 renamed it to max_length).
  const sft = load('hf-trainer/alignment-handbook-zephyr-7b-sft-full.yaml') as Record<string, Json>;
  assert.ok('max_seq_length' in sft);
  const prop = (hfSchema.properties as Record<string, SchemaNode>).max_seq_length;
  assert.equal(prop.deprecated, true);
  assert.equal(prop['x-replacement'], 'max_length');
  assert.match(String(prop['x-removed-in']), /trl v0\.20\.0/);
});

test('every key in the fact files is described by its schema', { skip: NO_SHARED }, () => {
  const factFiles: Record<string, SchemaNode> = {
    'deepspeed.json': SCHEMAS.deepspeed,
    'hf-training-args.json': SCHEMAS['hf-trainer'],
    'trl.json': SCHEMAS['hf-trainer'],
    'accelerate.json': SCHEMAS.accelerate,
  };
  for (const [file, schema] of Object.entries(factFiles)) {
    const facts = JSON.parse(readFileSync(join(KEYS, file), 'utf8')) as { keys: { path: string }[] };
    const missing: string[] = [];
    for (const { path } of facts.keys) {
      if (path === '<top-level>') continue;
      let node: SchemaNode | undefined = schema;
      // "a.b" = nested key, "<name>" = any key of a map, "x[]" = the items of array x.
      for (const seg of path.split('.')) {
        const name = seg.replace(/\[\]$/, '');
        node = (name === '<name>' ? node?.additionalProperties : (node?.properties as Record<string, SchemaNode>)?.[name]) as SchemaNode | undefined;
        if (seg.endsWith('[]')) node = node?.items as SchemaNode | undefined;
      }
      if (!node) missing.push(path);
    }
    console.log(`  ${file}: ${facts.keys.length} fact keys, ${missing.length} missing`);
    assert.deepEqual(missing, [], file);
  }
});

test('schemas/ files match the generator output', { skip: NO_SHARED }, () => {
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'gen-schemas.mjs'), '--check'], {
    encoding: 'utf8',
    env: { ...process.env, TRAINLINT_KEYS_DIR: KEYS },
  });
  assert.equal(run.status, 0, `${run.stdout}${run.stderr}\nrun: node scripts/gen-schemas.mjs`);
});

function findError(errors: ErrorObject[], keyword: string, instancePath: string): ErrorObject | undefined {
  return errors.find((e) => e.keyword === keyword && e.instancePath === instancePath);
}

test('hand-written bad configs are reported at the right place', () => {
  // Near-miss top-level DeepSpeed key: DeepSpeed ignores it silently, so it is unknown but "ignored".
  let errors = validate('deepspeed', { train_micro_batch_size_per_gp: 4, gradient_accumulation_steps: 1 });
  let e = findError(errors, 'additionalProperties', '');
  assert.equal(e?.params.additionalProperty, 'train_micro_batch_size_per_gp');
  assert.equal(unknownKeyPolicy(SCHEMAS.deepspeed, e!), 'ignored');

  // Near-miss inside the pydantic ZeRO section: rejected by DeepSpeed.
  errors = validate('deepspeed', { zero_optimization: { stage: 3, stage3_prefetch_bucket_sizes: 1000 } });
  e = findError(errors, 'additionalProperties', '/zero_optimization');
  assert.equal(e?.params.additionalProperty, 'stage3_prefetch_bucket_sizes');
  assert.equal(unknownKeyPolicy(SCHEMAS.deepspeed, e!), 'error');

  // Wrong types and values.
  errors = validate('deepspeed', { gradient_clipping: true, zero_optimization: { stage: 4, offload_optimizer: { device: 'gpu' } } });
  assert.ok(findError(errors, 'type', '/gradient_clipping'), show(errors));
  assert.ok(findError(errors, 'enum', '/zero_optimization/stage'), show(errors));
  assert.ok(findError(errors, 'enum', '/zero_optimization/offload_optimizer/device'), show(errors));

  // "auto" is accepted where the HF Trainer fills it, and nowhere else.
  assert.deepEqual(validate('deepspeed', { train_batch_size: 'auto', optimizer: { type: 'AdamW', params: { lr: 'auto' } } }), []);
  errors = validate('deepspeed', { steps_per_print: 'auto' });
  assert.ok(findError(errors, 'type', '/steps_per_print'), show(errors));

  // Optimizer params are closed per DeepSpeed optimizer type (TypeError in the constructor).
  errors = validate('deepspeed', { optimizer: { type: 'Adam', params: { lr: 1e-4, weight_decays: 0.1 } } });
  e = findError(errors, 'additionalProperties', '/optimizer/params');
  assert.equal(e?.params.additionalProperty, 'weight_decays');
  assert.equal(unknownKeyPolicy(SCHEMAS.deepspeed, e!), 'error');

  // HF / TRL: unknown keys are rejected by HfArgumentParser and TrlParser.
  errors = validate('hf-trainer', { per_device_train_batch_sz: 8, lr_scheduler_type: 'cosine_with_warmup', num_train_epochs: 'three' });
  e = findError(errors, 'additionalProperties', '');
  assert.equal(e?.params.additionalProperty, 'per_device_train_batch_sz');
  assert.equal(unknownKeyPolicy(SCHEMAS['hf-trainer'], e!), 'error');
  assert.ok(findError(errors, 'enum', '/lr_scheduler_type'), show(errors));
  assert.ok(findError(errors, 'type', '/num_train_epochs'), show(errors));

  // Renamed key: known (deprecated), so it is not reported as unknown.
  errors = validate('hf-trainer', { evaluation_strategy: 'steps' });
  assert.equal(findError(errors, 'additionalProperties', ''), undefined);
  assert.equal((hfSchema.properties as Record<string, SchemaNode>).evaluation_strategy['x-replacement'], 'eval_strategy');

  // accelerate: unknown top-level keys are rejected, typos inside fsdp_config are ignored.
  errors = validate('accelerate', {
    distributed_type: 'FSDP', num_process: 8, mixed_precision: 'bf17',
    fsdp_config: { fsdp_sharding_strategy: 'FULL_SHARD', fsdp_state_dict_typ: 'FULL_STATE_DICT' },
  });
  e = findError(errors, 'additionalProperties', '');
  assert.equal(e?.params.additionalProperty, 'num_process');
  assert.equal(unknownKeyPolicy(SCHEMAS.accelerate, e!), 'error');
  e = findError(errors, 'additionalProperties', '/fsdp_config');
  assert.equal(e?.params.additionalProperty, 'fsdp_state_dict_typ');
  assert.equal(unknownKeyPolicy(SCHEMAS.accelerate, e!), 'ignored');
  assert.ok(findError(errors, 'enum', '/mixed_precision'), show(errors));
  errors = validate('accelerate', { distributed_type: 'MULTI_GPUS' });
  assert.ok(findError(errors, 'enum', '/distributed_type'), show(errors));
  errors = validate('accelerate', { num_processes: 8 });
  assert.ok(findError(errors, 'required', ''), show(errors));
});
