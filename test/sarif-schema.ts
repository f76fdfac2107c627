import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator, type Schema } from '@cfworker/json-schema';
import { repoRoot } from './helpers';

// The OASIS SARIF 2.1.0 schema (final, rtm.5; draft-04), as Microsoft's @microsoft/jest-sarif ships it: what GitHub
// code scanning and other SARIF consumers read.
const SCHEMA = join(repoRoot(), 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
let validator: Validator | undefined;

/** Fails with every schema error when `log` is not a valid SARIF 2.1.0 log. */
export function assertValidSarif(log: unknown): void {
  validator ??= new Validator(JSON.parse(readFileSync(SCHEMA, 'utf8')) as Schema, '4', false);
  const result = validator.validate(log);
  assert.ok(result.valid, result.errors.map((e) => `${e.instanceLocation}: ${e.error}`).join('\n'));
}
