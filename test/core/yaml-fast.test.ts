import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseYamlFast } from '../../server/src/core/syntax/from-yaml-fast';
import { parseYamlCareful } from '../../server/src/core/syntax/from-yaml';
import { DEFAULT_LIMITS } from '../../server/src/core/syntax/limits';
import type { ConfigTree } from '../../server/src/core/syntax/config-tree';
import { repoRoot, sharedDir } from '../helpers';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? yamlFiles(path) : /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** Every node of every document, as the rules see it: pointer, kind, value, style, value range, key range. */
function flatten(tree: ConfigTree): string[] {
  return tree.documents.flatMap((doc, i) =>
    [...doc.index.values()].map((n) => JSON.stringify([i, n.pointer, n.kind, n.kind === 'scalar' ? n.value : null, n.style, n.kind === 'scalar' ? n.range : null, n.keyRange ?? null])),
  );
}

test('the fast YAML path builds exactly the tree the careful path builds, or declines', () => {
  const dirs = [join(repoRoot(), 'test', 'fixtures'), join(repoRoot(), 'examples')];
  const shared = sharedDir();
  if (shared) dirs.push(join(shared, 'corpus'));
  let compared = 0;
  for (const path of dirs.flatMap(yamlFiles)) {
    const text = readFileSync(path, 'utf8').replace(/^\ufeff/, '');
    for (const resolver of ['pyyaml', 'omegaconf'] as const) {
      const fast = parseYamlFast(text, resolver, DEFAULT_LIMITS);
      if (!fast) continue;
      assert.deepEqual(flatten(fast), flatten(parseYamlCareful(text, resolver, DEFAULT_LIMITS)), path);
      compared++;
    }
  }
  assert.ok(compared > 50, `${compared} files compared`);
});

test('the fast path declines what it cannot build faithfully: syntax errors and duplicate keys', () => {
  assert.equal(parseYamlFast('a: [1, 2\nb: 3\n', 'pyyaml', DEFAULT_LIMITS), undefined);
  assert.equal(parseYamlFast('a: 1\na: 2\n', 'pyyaml', DEFAULT_LIMITS), undefined);
  assert.ok(parseYamlFast('a: &x {b: 1}\nc:\n  <<: *x\n  d: 2\n', 'pyyaml', DEFAULT_LIMITS));
});

test('a flow collection that starts a line (a whole-file {...} as GPT-NeoX writes, `- [1, 2]`, a value below its key) is one node, as the careful path reads it', () => {
  for (const text of ['{\n  "a": 1,\n  # comment\n  "b": [[["flash"], 2]],\n}\n', '- [1, 2]\n- {a: 1}\n', 'a:\n  [1]\nb:\n  {c: [[1]]}\n', '[[1, 2]]\n']) {
    const fast = parseYamlFast(text, 'pyyaml', DEFAULT_LIMITS);
    assert.ok(fast, text);
    assert.deepEqual(flatten(fast), flatten(parseYamlCareful(text, 'pyyaml', DEFAULT_LIMITS)), text);
  }
});
