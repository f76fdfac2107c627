import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getLocation } from 'jsonc-parser';
import { squeezeJsonBlanks } from '../../server/src/core/syntax/json-blanks';

const pad = (n: number) => ' '.repeat(n);
// Long blank runs between tokens, inside a string (kept) and inside comments (kept), and a half-typed key.
const TEXT = `{${pad(100)}\n  "zero_optimization": {${pad(80)}"stage": 2,\n${pad(200)}"note": "a${pad(90)}b", // x${pad(70)}"\n  /* "${pad(70)} */ "act${pad(65)}\n  }\n}`;

test('squeezing long blank runs keeps every token and what jsonc-parser finds at each offset', () => {
  const s = squeezeJsonBlanks(TEXT);
  assert.ok(s.text.length < TEXT.length - 300, `${s.text.length} of ${TEXT.length}`);
  // Strings and comments keep their blanks.
  assert.ok(s.text.includes(`"a${pad(90)}b"`) && s.text.includes(`// x${pad(70)}"`) && s.text.includes(`/* "${pad(70)} */`));
  for (let offset = 0; offset <= TEXT.length; offset++) {
    const want = getLocation(TEXT, offset);
    const got = getLocation(s.text, s.toSqueezed(offset));
    assert.deepEqual(got.path, want.path, `path at ${offset}`);
    assert.equal(got.isAtPropertyKey, want.isAtPropertyKey, `key or value at ${offset}`);
    if (want.previousNode) assert.equal(s.toSource(got.previousNode!.offset), want.previousNode.offset, `token at ${offset}`);
  }
});

test('text without long runs is left as it is', () => {
  const text = '{\n  "a": 1\n}';
  const s = squeezeJsonBlanks(text);
  assert.equal(s.text, text);
  assert.equal(s.toSqueezed(5), 5);
});
