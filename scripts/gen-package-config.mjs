#!/usr/bin/env node
// Writes package.json's `contributes.configuration` and `capabilities.untrustedWorkspaces` from
// schemas/trainlint-settings.schema.json, the one definition of the editor settings: each leaf of the
// schema becomes a dotted `trainlint.*` key; leaves marked `restricted` are ignored in untrusted workspaces.
//
// Settings marked `x-catalog` take their choices from the catalogs (server/src/core/catalog/), read here through
// esbuild so the TypeScript is the one source: `accelerators` becomes a closed enum of the accelerator ids, `models`
// stays a free string (any Hugging Face id is valid) with the catalog's ids as `examples`, which settings.json completes.
//
// Usage: node scripts/gen-package-config.mjs [--check]   (--check: exit 1 if package.json differs)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE = join(ROOT, 'package.json');
const SCHEMA = join(ROOT, 'schemas/trainlint-settings.schema.json');

/** The accelerator and model catalogs, bundled from their TypeScript sources. */
async function loadCatalog() {
  const contents = "export { ACCELERATORS } from './server/src/core/catalog/accelerators'; export { catalogModelEntries } from './server/src/core/catalog/find-model';";
  const result = await build({ stdin: { contents, resolveDir: ROOT, loader: 'ts' }, bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'error' });
  const { ACCELERATORS, catalogModelEntries } = await import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`);
  return { accelerators: ACCELERATORS, models: catalogModelEntries() };
}

const MODELS_LISTED = 8;

/** A setting's choices from the catalog its `x-catalog` names. */
function withCatalog({ 'x-catalog': kind, ...schema }, catalog) {
  if (kind === 'accelerators') {
    const gpus = catalog.accelerators;
    return {
      ...schema,
      enum: [null, ...gpus.map((g) => g.id)],
      enumItemLabels: ['(not set)', ...gpus.map((g) => g.id)],
      enumDescriptions: ['Use .trainlint.yaml, or what the file says.', ...gpus.map((g) => `${g.name}: ${g.memoryGiB} GiB${g.peakTflops.bf16 ? `, ${g.peakTflops.bf16} dense BF16 TFLOP/s` : ''}`)],
    };
  }
  if (kind === 'models') {
    const models = catalog.models;
    const listed = models.slice(0, MODELS_LISTED).map((m) => `\`${m.id}\``).join(', ');
    return {
      ...schema,
      examples: models.map((m) => m.id),
      markdownDescription: `${schema.markdownDescription} Any Hugging Face id is accepted; the catalog's ${models.length} architectures are suggested as you type in settings.json (${listed}, ...).`,
    };
  }
  return schema;
}

/** Objects with `properties` are groups; everything else is a setting. */
function flatten(properties, prefix, out, catalog) {
  for (const [name, schema] of Object.entries(properties)) {
    const key = `${prefix}.${name}`;
    if (schema.type === 'object' && schema.properties) flatten(schema.properties, key, out, catalog);
    else out[key] = withCatalog(schema, catalog);
  }
  return out;
}

export function generate(pkg, schema, catalog) {
  const properties = flatten(schema.properties, 'trainlint', {}, catalog);
  const restricted = Object.entries(properties)
    .filter(([, s]) => s.restricted)
    .map(([key]) => key);
  return {
    ...pkg,
    contributes: { ...pkg.contributes, configuration: { title: 'TrainLint', properties } },
    capabilities: {
      ...pkg.capabilities,
      // "limited": TrainLint runs no workspace code, but path-valued settings come only from trusted places.
      untrustedWorkspaces: { supported: 'limited', description: 'TrainLint only reads files; in untrusted workspaces the settings that select files are taken from user settings only.', restrictedConfigurations: restricted },
    },
  };
}

const current = readFileSync(PACKAGE, 'utf8');
const next = `${JSON.stringify(generate(JSON.parse(current), JSON.parse(readFileSync(SCHEMA, 'utf8')), await loadCatalog()), null, 2)}\n`;
if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error('package.json is out of date with schemas/trainlint-settings.schema.json or the catalogs: run node scripts/gen-package-config.mjs');
    process.exit(1);
  }
} else if (next !== current) {
  writeFileSync(PACKAGE, next);
}
