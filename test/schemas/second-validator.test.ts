// The schemas as other editors and SchemaStore read them: each a draft-07 document with a stable $id, and a second
// JSON Schema implementation (@cfworker/json-schema, not ajv) agreeing with ajv on every example and corpus file of
// the schema's format: the same files valid, the same places invalid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { Validator } from '@cfworker/json-schema';
import YAML from 'yaml';
import { corpusManifest, NO_SHARED, repoRoot, sharedDir } from '../helpers';

const SCHEMA_FORMATS: Record<string, string> = {
  'deepspeed.schema.json': 'deepspeed',
  'hf-training-args.schema.json': 'hf-trainer',
  'accelerate.schema.json': 'accelerate',
  'axolotl.schema.json': 'axolotl',
  'llamafactory.schema.json': 'llamafactory',
  'neox.schema.json': 'neox',
  'megatron-yaml.schema.json': 'megatron-yaml',
  'nemo.schema.json': 'nemo',
};
const EXAMPLES: Record<string, string> = { deepspeed: 'examples/deepspeed', 'hf-trainer': 'examples/hf', accelerate: 'examples/accelerate' };

const schemaOf = (file: string) => JSON.parse(readFileSync(join(repoRoot(), 'schemas', file), 'utf8')) as Record<string, unknown>;

test('every framework schema is draft-07 with a stable $id where it is served, and a title', () => {
  for (const file of Object.keys(SCHEMA_FORMATS)) {
    const schema = schemaOf(file);
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#', file);
    assert.equal(schema.$id, `https://raw.githubusercontent.com/trainlint/trainlint/main/schemas/${file}`, file);
    assert.equal(typeof schema.title, 'string', file);
  }
});

/** The files of a format: the examples and the shared corpus (read in place), parsed as their program reads them. */
function filesOf(format: string): Array<{ name: string; value: unknown }> {
  const paths: string[] = [];
  if (EXAMPLES[format]) for (const name of readdirSync(join(repoRoot(), EXAMPLES[format]))) paths.push(join(repoRoot(), EXAMPLES[format], name));
  const shared = sharedDir();
  if (shared) for (const e of corpusManifest(shared)) if (e.format === format && /\.(json|ya?ml)$/.test(e.file)) paths.push(join(shared, 'corpus', e.file));
  return paths.flatMap((path) => {
    try {
      const text = readFileSync(path, 'utf8');
      return [{ name: path.slice(path.lastIndexOf('/', path.lastIndexOf('/') - 1) + 1), value: path.endsWith('.json') ? JSON.parse(text) : YAML.parse(text, { version: '1.1' }) }];
    } catch {
      return []; // not parseable as a plain document (a template, several documents): the rules report it, not a schema
    }
  });
}

test('a second validator agrees with ajv on every example and corpus file', (t) => {
  if (!sharedDir()) t.diagnostic(NO_SHARED);
  let compared = 0;
  const disagreements: string[] = [];
  for (const [file, format] of Object.entries(SCHEMA_FORMATS)) {
    const schema = schemaOf(file);
    const ajv = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const second = new Validator(schema as never, '7', false);
    for (const { name, value } of filesOf(format)) {
      ajv(value);
      // The document locations each finds invalid, as JSON Pointers (cfworker writes "#/a/b", ajv "/a/b").
      const byAjv = new Set((ajv.errors ?? []).filter((e) => ['additionalProperties', 'type', 'enum', 'required'].includes(e.keyword)).map((e) => e.instancePath));
      const result = second.validate(value);
      const bySecond = new Set(result.errors.filter((e) => ['additionalProperties', 'type', 'enum', 'required'].includes(e.keyword)).map((e) => e.instanceLocation.replace(/^#/, '')));
      compared++;
      const missing = [...byAjv].filter((p) => !bySecond.has(p));
      if (result.valid !== ((ajv.errors ?? []).length === 0) || missing.length > 0) disagreements.push(`${name}: ajv ${[...byAjv].join(', ') || 'valid'}; second ${[...bySecond].join(', ') || 'valid'}`);
    }
  }
  t.diagnostic(`${compared} files compared`);
  assert.deepEqual(disagreements, []);
  assert.ok(compared >= 3, `compared ${compared}`);
});
