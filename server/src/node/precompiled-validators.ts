import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { AJV_OPTIONS, usePrecompiledValidators } from '../core/schema/validate';
import type { SchemaNode } from '../core/schema/schema-walk';
import { cliV8Flags } from './v8-flags';

/**
 * Validators ajv generated at build time for the bundled schemas (scripts/precompile-validators.mjs writes them beside
 * the bundles, in dist/validators/, and in out/validators/). Compiling the DeepSpeed schema alone takes about half a
 * second, most of a short `trainlint check`. Each file is named by a fingerprint of ajv's version, the options and the
 * schema's content, so a schema changed since the build is simply compiled at run time, as before.
 */

/** What the build writes per schema: ajv's generated source and the scope values it reads, as code (the schema aside). */
export interface PrecompiledValidator {
  source: string;
  /** Per scope prefix (`pattern`, `func`), the code of each value; `schema` holds the schema itself and is not written. */
  scope: Record<string, string[]>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const AJV_VERSION = (require('ajv/package.json') as { version: string }).version;

export function validatorFingerprint(schema: SchemaNode): string {
  return createHash('sha256').update(JSON.stringify({ ajv: AJV_VERSION, options: AJV_OPTIONS, schema })).digest('hex').slice(0, 32);
}

const FOLDERS = [join(__dirname, 'validators'), join(__dirname, '..', '..', '..', 'validators')];

/** The code cache written under the V8 settings this thread runs with (v8-flags.ts): V8 rejects any other. */
export function cacheSuffix(cli = cliV8Flags()): string {
  return cli ? '.cli.v8cache' : '.v8cache';
}

function read(fingerprint: string): { found: PrecompiledValidator; cachedData?: Buffer } | undefined {
  for (const folder of FOLDERS) {
    let found: PrecompiledValidator;
    try {
      found = JSON.parse(readFileSync(join(folder, `${fingerprint}.json`), 'utf8')) as PrecompiledValidator;
    } catch {
      continue; // Not built there: try the next folder.
    }
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(join(folder, `${fingerprint}${cacheSuffix()}`));
    } catch {
      // No code cache: V8 compiles the source.
    }
    return { found, cachedData };
  }
  return undefined;
}

/**
 * Instantiates a validator as ajv.compile does (its generated source called with the instance and the scope values). With
 * `cachedData` (V8's code cache, written at build time by the same Node), V8 skips parsing and compiling the source,
 * hundreds of milliseconds for the large schemas; a cache another V8 wrote is rejected and the source compiled instead.
 */
export function instantiateValidator(found: PrecompiledValidator, schema: SchemaNode, ajv: Ajv, cachedData?: Buffer): { validate: ValidateFunction; script: Script } {
  const scope: Record<string, unknown[]> = { schema: [schema] };
  for (const [prefix, codes] of Object.entries(found.scope)) scope[prefix] = new Function(`return [${codes.join(',')}];`)() as unknown[];
  const script = new Script(`(function (self, scope) {\n${found.source}\n})`, { filename: 'trainlint-validator.js', cachedData });
  const validate = (script.runInThisContext() as (self: Ajv, scope: Record<string, unknown[]>) => ValidateFunction)(ajv, scope);
  validate.errors = null;
  return { validate, script };
}

/** The build's validator for a schema, instantiated as ajv.compile instantiates its own; undefined when none matches. */
export function findPrecompiledValidator(schema: SchemaNode, ajv: Ajv): ValidateFunction | undefined {
  const built = read(validatorFingerprint(schema));
  return built ? instantiateValidator(built.found, schema, ajv, built.cachedData).validate : undefined;
}

/** Called once by each front end (CLI, language server). */
export function installPrecompiledValidators(): void {
  usePrecompiledValidators(findPrecompiledValidator);
}
