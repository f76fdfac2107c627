// Compiles the validators of the bundled schemas at build time (run by scripts/bundle.mjs after tsc), so a CLI run or
// the language server does not spend half a second in ajv's code generation per large schema. Writes
// out/validators/<fingerprint>.json and dist/validators/<fingerprint>.json (with V8's code cache beside each, one under
// V8's own settings and one under the command line's, .cli.v8cache); server/src/node/precompiled-validators.ts
// reads them and falls back to compiling at run time when none matches the schema (see validatorFingerprint).
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const compiledSchemas = join(root, 'out/server/src/core/schema/schemas.js');
if (!existsSync(compiledSchemas)) {
  console.warn('precompile-validators: out/ not built (run tsc first); validators will be compiled at run time');
} else {
  const Ajv = require('ajv').default;
  const VALIDATED_SCHEMAS = require(compiledSchemas).validatedSchemas();
  const { AJV_OPTIONS } = require(join(root, 'out/server/src/core/schema/validate.js'));
  const { validatorFingerprint, instantiateValidator } = require(join(root, 'out/server/src/node/precompiled-validators.js'));
  const folders = [join(root, 'out/validators'), join(root, 'dist/validators')];
  for (const folder of folders) {
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
  }
  const { cacheSuffix } = require(join(root, 'out/server/src/node/precompiled-validators.js'));
  const { useCliV8Flags } = require(join(root, 'out/server/src/node/v8-flags.js'));
  const built = [];
  let written = 0;
  for (const schema of VALIDATED_SCHEMAS) {
    let source;
    // A fresh instance per schema, so the scope holds this schema's values only, at the indices its source names.
    const ajv = new Ajv({ ...AJV_OPTIONS, code: { ...AJV_OPTIONS.code, process: (code) => (source = code) } });
    ajv.compile(schema);
    const scope = {};
    let complete = true;
    for (const [prefix, names] of Object.entries(ajv.scope._values)) {
      if (!source.includes(`scope.${prefix}[`)) continue;
      const codes = [];
      for (const name of names.values()) {
        const index = Number(/\[(\d+)\]$/.exec(String(name.scopePath))?.[1]);
        if (prefix === 'schema') {
          if (index !== 0 || name.value.ref !== schema) complete = false;
          continue;
        }
        if (!Number.isInteger(index) || name.value.code === undefined) complete = false;
        else codes[index] = String(name.value.code);
      }
      if (prefix !== 'schema') scope[prefix] = codes;
    }
    if (!complete || Object.values(scope).some((codes) => codes.includes(undefined))) {
      console.warn('precompile-validators: a schema uses scope values without code; it is compiled at run time');
      continue;
    }
    const fingerprint = validatorFingerprint(schema);
    // V8's code cache of the validator after one call (so the validator's own body is compiled too); V8 checks its
    // version and flags when it reads it, and compiles the source instead when they differ.
    const { validate, script } = instantiateValidator({ source, scope }, schema, ajv);
    validate({});
    const codeCache = script.createCachedData();
    for (const folder of folders) {
      writeFileSync(join(folder, `${fingerprint}.json`), JSON.stringify({ source, scope }));
      writeFileSync(join(folder, `${fingerprint}${cacheSuffix(false)}`), codeCache);
    }
    built.push({ schema, source, scope, fingerprint });
    written++;
  }
  // The same caches under the command line's V8 settings (server/src/node/v8-flags.ts), which V8 checks when it reads one.
  useCliV8Flags();
  for (const { schema, source, scope, fingerprint } of built) {
    const ajv = new Ajv(AJV_OPTIONS);
    const { validate, script } = instantiateValidator({ source, scope }, schema, ajv);
    validate({});
    const codeCache = script.createCachedData();
    for (const folder of folders) writeFileSync(join(folder, `${fingerprint}${cacheSuffix(true)}`), codeCache);
  }
  console.log(`precompile-validators: ${written} of ${VALIDATED_SCHEMAS.length} validators written`);
}
