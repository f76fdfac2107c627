#!/usr/bin/env node
// Writes package.json's `contributes.configuration` and `capabilities.untrustedWorkspaces` from
// schemas/trainlint-settings.schema.json, the one definition of the editor settings: each leaf of the
// schema becomes a dotted `trainlint.*` key; leaves marked `restricted` are ignored in untrusted workspaces.
//
// Usage: node scripts/gen-package-config.mjs [--check]   (--check: exit 1 if package.json differs)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE = join(ROOT, 'package.json');
const SCHEMA = join(ROOT, 'schemas/trainlint-settings.schema.json');

/** Objects with `properties` are groups; everything else is a setting. */
function flatten(properties, prefix, out) {
  for (const [name, schema] of Object.entries(properties)) {
    const key = `${prefix}.${name}`;
    if (schema.type === 'object' && schema.properties) flatten(schema.properties, key, out);
    else out[key] = schema;
  }
  return out;
}

export function generate(pkg, schema) {
  const properties = flatten(schema.properties, 'trainlint', {});
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
const next = `${JSON.stringify(generate(JSON.parse(current), JSON.parse(readFileSync(SCHEMA, 'utf8'))), null, 2)}\n`;
if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error('package.json is out of date with schemas/trainlint-settings.schema.json: run node scripts/gen-package-config.mjs');
    process.exit(1);
  }
} else if (next !== current) {
  writeFileSync(PACKAGE, next);
}
