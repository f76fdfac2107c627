import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from '../../server/src/core/index';
import { differences } from '../../server/src/lsp/fix-all';

const roundTrip = (before: string, after: string) => assert.equal(applyEdits(before, differences(before, after)).text, after);

describe('fix-all differences', () => {
  it('gives one trimmed edit per changed line when the line count stays', () => {
    const edits = differences('a: 1\nlearning_rat: 2e-5\nb: 2\nlr_scheduler_typ: cosin\n', 'a: 1\nlearning_rate: 2.0e-5\nb: 2\nlr_scheduler_type: cosine\n');
    assert.equal(edits.length, 2);
    assert.deepEqual(edits[0], { range: { start: 17, end: 20 }, newText: 'e: 2.0' });
    roundTrip('a: 1\nlearning_rat: 2e-5\nb: 2\nlr_scheduler_typ: cosin\n', 'a: 1\nlearning_rate: 2.0e-5\nb: 2\nlr_scheduler_type: cosine\n');
  });

  it('gives one edit over the changed span when lines come or go, and keeps CRLF and surrogate pairs whole', () => {
    roundTrip('{\r\n  // x\r\n  "a": 1,\r\n}\r\n', '{\r\n  "a": 1\r\n}\r\n');
    assert.equal(differences('{\n  // x\n  "a": 1\n}\n', '{\n  "a": 1\n}\n').length, 1);
    const edits = differences('k: "\u{1F600}"', 'k: "\u{1F601}"');
    assert.equal(edits[0].newText, '\u{1F601}');
    roundTrip('k: "\u{1F600}"', 'k: "\u{1F601}"');
    assert.deepEqual(differences('same', 'same'), []);
  });
});
