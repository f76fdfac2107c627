import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, applyEdits } from '../../server/src/core/index';
import { differences, fixAll } from '../../server/src/lsp/fix-all';
import type { Analyzed } from '../../server/src/lsp/analyses';

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

describe('fix-all judges its result as check --fix does', () => {
  const TEXT = '{\n  "train_micro_batch_size_per_gpu": 2,\n  "steps_per_prnt": 10\n}\n';
  const analyzed = (reanalyze: (text: string) => ReturnType<typeof analyze>) =>
    ({ analysis: analyze(TEXT, { path: 'ds_config.json' }), reanalyze }) as unknown as Analyzed;

  it('applies a safe fix whose result loads', () => {
    const { applied, edits } = fixAll(analyzed((text) => analyze(text, { path: 'ds_config.json' })));
    assert.equal(applied, 1);
    assert.match(applyEdits(TEXT, edits).text, /"steps_per_print": 10/);
  });

  it('offers nothing when the result would not load as its program reads it', () => {
    // The same fix, judged by a loader that rejects the result (a stand-in for a fix that breaks the file).
    const { applied, edits } = fixAll(analyzed((text) => analyze(`${text}}`, { path: 'ds_config.json' })));
    assert.equal(applied, 0);
    assert.deepEqual(edits, []);
  });
});
