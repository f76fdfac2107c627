import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, ruleDoc, ruleMetas, rulesIndex } from '../server/src/core/index';
import { repoRoot } from './helpers';

const docs = join(repoRoot(), 'docs', 'rules');

test('every rule has a stable code, a kebab-case name and a docs page in sync with its metadata', () => {
  const metas = ruleMetas();
  assert.equal(new Set(metas.map((m) => m.code)).size, metas.length, 'codes are unique');
  assert.equal(new Set(metas.map((m) => m.name)).size, metas.length, 'names are unique');
  for (const meta of metas) {
    assert.match(meta.name, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    assert.match(meta.code, /^TL\d{3}$/);
    const page = join(docs, `${meta.name}.md`);
    assert.ok(existsSync(page), `${page} exists (run: npx tsc -p . && node scripts/gen-docs.mjs)`);
    assert.equal(readFileSync(page, 'utf8'), ruleDoc(meta), `${meta.name}.md is out of date (run: node scripts/gen-docs.mjs)`);
  }
  assert.equal(readFileSync(join(docs, 'README.md'), 'utf8'), rulesIndex(metas));
});

test('each rule example triggers its rule', () => {
  for (const meta of ruleMetas()) {
    if (!meta.example) continue;
    const path = `example.${meta.example.language === 'json' ? 'json' : meta.example.language === 'yaml' ? 'yaml' : 'sh'}`;
    const rules = analyze(meta.example.text, { path, settings: meta.example.settings ?? { cluster: { worldSize: 8 } } }).diagnostics.map((d) => d.rule);
    assert.ok(rules.includes(meta.name), `${meta.name} example gives ${JSON.stringify(rules)}`);
  }
});
