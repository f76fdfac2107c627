import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { boundYamlNesting } from '../../server/src/core/syntax/yaml-depth';
import { parseYaml } from '../../server/src/core/syntax/from-yaml';
import { toPlain } from '../../server/src/core/syntax/config-tree';

const flow = (depth: number) => `train_batch_size: 8\nx: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
const block = (depth: number) => `train_batch_size: 8\nx:\n${Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}- `).join('\n')}y\nzero_optimization:\n  stage: 2\n`;

test('YAML nested 2,000 deep, flow then block, in a fresh process: nesting-too-deep each time, not a fatal error', () => {
  // Both parsers recurse per level; near the end of the stack V8 cannot compile a regular expression and aborts the
  // process (FATAL ERROR: RegExpCompiler Allocation failed), which no try/catch sees.
  const script = `const { parseYaml } = require(${JSON.stringify(join(__dirname, '../../server/src/core/syntax/from-yaml'))});
    for (const text of ${JSON.stringify([flow(2000), block(2000)])}) console.log(parseYaml(text).problems.map((p) => p.kind).join(','));`;
  const run = spawnSync(process.execPath, ['-'], { input: script, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr.slice(0, 300));
  assert.deepEqual(run.stdout.trim().split('\n'), ['nesting-too-deep', 'nesting-too-deep']);
});

test('what lies past the bound is blanked in place: offsets, the shallow keys and quoted brackets are kept', () => {
  const text = block(500);
  const bounded = boundYamlNesting(text);
  assert.equal(bounded.text.length, text.length);
  assert.equal(bounded.text.split('\n').length, text.split('\n').length);
  assert.deepEqual((toPlain(parseYaml(text).documents[0].root) as Record<string, unknown>).zero_optimization, { stage: 2 });

  const quoted = `a: "${'['.repeat(300)}"\nb: '${'{'.repeat(300)}'\nc: 1 # ${'['.repeat(300)}\n`;
  assert.deepEqual(boundYamlNesting(quoted), { text: quoted }, 'brackets in quotes and comments open nothing');
  assert.deepEqual(parseYaml(quoted).problems, []);

  const deepFlow = boundYamlNesting(flow(150));
  assert.equal(deepFlow.text, `train_batch_size: 8\nx: ${'['.repeat(100)}${' '.repeat(100)}${']'.repeat(100)}\n`);
  assert.deepEqual(deepFlow.cut, { start: 23 + 100, end: 23 + 150 + 50 });
});
