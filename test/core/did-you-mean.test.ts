import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clearWinner, editDistance, rankSuggestions } from '../../server/src/core/util/did-you-mean';

test('edit distance counts insertions, deletions, substitutions and adjacent swaps', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('overlap_comm', 'overlap_com'), 1);
  assert.equal(editDistance('stage', 'stgae'), 1, 'a swap is one edit');
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('abcdef', 'uvwxyz', 2), 3, 'bounded: stops past the limit');
});

test('suggestions rank close names first and a clear winner is offered as a rename', () => {
  const candidates = ['train_micro_batch_size_per_gpu', 'train_batch_size', 'gradient_accumulation_steps', 'steps_per_print'];
  assert.deepEqual(rankSuggestions('train_micro_batch_size_per_gp', candidates).map((s) => s.candidate), ['train_micro_batch_size_per_gpu']);
  assert.equal(clearWinner(rankSuggestions('gradient_acumulation_steps', candidates)), 'gradient_accumulation_steps');
  assert.equal(clearWinner(rankSuggestions('Train-Batch-Size', candidates)), 'train_batch_size', 'case and dashes do not count');
  assert.deepEqual(rankSuggestions('completely_unrelated_name', candidates), []);
});

test('ruling candidates out by their character counts changes no ranking', () => {
  // Names with the same letters in other orders and counts, where the count bound is tight and easy to get wrong.
  const letters = ['lr', 'warmup', 'iters', 'decay', 'wsd', 'min', '_', '1', '2'];
  const names: string[] = [];
  for (let i = 0; i < 3000; i++) {
    let name = '';
    for (let k = i, parts = 0; parts < 4; parts++, k = Math.floor(k / letters.length) + parts * 7) name += letters[k % letters.length];
    names.push(name);
  }
  for (const unknown of ['lr_warmup_iters', 'lrwarmupiters2', 'decaywsdmin', 'min_lr1', 'wsddecay_lr']) {
    const max = Math.max(2, Math.floor(unknown.length / 3));
    const norm = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
    const expected = names
      .map((candidate) => ({ candidate, distance: norm(candidate) === norm(unknown) ? 0 : norm(candidate).startsWith(norm(unknown)) && norm(unknown).length >= 6 ? Math.min(max, norm(candidate).length - norm(unknown).length) : editDistance(norm(unknown), norm(candidate)) }))
      .filter((s) => s.distance <= max)
      .sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate))
      .slice(0, 50);
    assert.deepEqual(rankSuggestions(unknown, names, 50), expected, unknown);
  }
});
