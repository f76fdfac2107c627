import Ajv, { type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import type { SchemaNode } from './schema-walk';

// Compiling our large schemas dominates a short CLI run; skipping ajv's code optimisation halves it
// (about 600 ms -> 290 ms for all ten schemas) at no measurable cost to validation of config-sized values.
// scripts/precompile-validators.mjs compiles with the same options at build time (see usePrecompiledValidators).
// addUsedSchema false: the bundled schemas carry an $id (SchemaStore), and a program's variant of one (NeoX with dashed keys) keeps it;
// ajv would refuse the second schema with the same $id.
export const AJV_OPTIONS: Options = { allErrors: true, strict: false, verbose: true, validateSchema: false, addUsedSchema: false, code: { optimize: false } };
const ajv = new Ajv(AJV_OPTIONS);
const compiled = new WeakMap<SchemaNode, ValidateFunction>();

/** Finds the validator compiled at build time for a schema (with these options), or undefined to compile it here. */
export type PrecompiledValidators = (schema: SchemaNode, ajv: Ajv) => ValidateFunction | undefined;
let precompiled: PrecompiledValidators | undefined;

/**
 * Lets a front end hand over validators ajv generated at build time for the bundled schemas (server/src/node/
 * precompiled-validators.ts): the same code ajv.compile would generate here, without the half second it takes.
 */
export function usePrecompiledValidators(find: PrecompiledValidators | undefined): void {
  precompiled = find;
}

/** Validates a plain value; the compiled validator is kept per schema object. Never throws. */
export function validateAgainst(schema: SchemaNode, value: unknown): ErrorObject[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = precompiledFor(schema) ?? ajv.compile(schema);
    compiled.set(schema, validate);
  }
  validate(value);
  return validate.errors ? [...validate.errors] : [];
}

function precompiledFor(schema: SchemaNode): ValidateFunction | undefined {
  try {
    return precompiled?.(schema, ajv);
  } catch {
    return undefined; // A damaged file: compile instead.
  }
}

export type { ErrorObject };
