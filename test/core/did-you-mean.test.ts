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
