import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './helpers';
import { checkCase } from '../bench/fuzz/check-case';
import { loadShellParser } from '../server/src/node/shell-parser';
import type { ShellParser } from '../server/src/core/shell/syntax';

// Every reproducer the fuzzer saved (bench/fuzz/run.ts) goes through the fuzzer's own checks again: analysis, plan,
// estimate, and safe fixes that keep the file loading and converge.
const dir = join(repoRoot(), 'test', 'fuzz-regressions');
// Sidecars are ID.case.json beside the text ID.<ext>, so a JSON reproducer and its sidecar never share a name.
const sidecars = readdirSync(dir).filter((name) => name.endsWith('.case.json'));

let shellParser: ShellParser | undefined;
before(async () => {
  shellParser = await loadShellParser();
});

test('the fuzz regressions folder holds reproducers, each with its text', () => {
  assert.ok(sidecars.length > 0);
  for (const sidecar of sidecars) {
    const { name } = JSON.parse(readFileSync(join(dir, sidecar), 'utf8')) as { name: string };
    const ext = name.slice(name.lastIndexOf('.'));
    assert.ok(readdirSync(dir).includes(sidecar.replace(/\.case\.json$/, ext)), `${sidecar} has no text file`);
  }
});

for (const sidecar of sidecars) {
  test(`fuzz reproducer ${sidecar} passes every check`, () => {
    const { name, kind } = JSON.parse(readFileSync(join(dir, sidecar), 'utf8')) as { name: string; kind: string };
    const text = readFileSync(join(dir, sidecar.replace(/\.case\.json$/, name.slice(name.lastIndexOf('.')))), 'utf8');
    assert.equal(checkCase(text, name, shellParser), undefined, `once failed with ${kind}`);
  });
}
