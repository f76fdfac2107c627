// Writes docs/rules/<rule>.md and docs/rules/README.md from the rule metadata (run after `tsc -p .`).
// test/docs.test.ts fails when the checked-in pages differ from what this writes.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const core = require('../out/server/src/core/index.js');
const dir = new URL('../docs/rules/', import.meta.url);
mkdirSync(dir, { recursive: true });
const metas = core.ruleMetas();
const names = new Set(metas.map((m) => `${m.name}.md`));
for (const file of readdirSync(dir)) if (file.endsWith('.md') && file !== 'README.md' && !names.has(file)) rmSync(new URL(file, dir));
for (const meta of metas) writeFileSync(new URL(`${meta.name}.md`, dir), core.ruleDoc(meta));
writeFileSync(new URL('README.md', dir), core.rulesIndex(metas));
console.log(`wrote ${metas.length} rule pages to docs/rules/`);
