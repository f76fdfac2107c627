import { test } from 'node:test';
import assert from 'node:assert/strict';
import { h100PlusSources, publishedTflops } from '../../bench/accuracy-rows-h100plus';

test('tokens/s rows converted with the bench FLOPs count reproduce the TFLOP/s the source printed beside them', () => {
  const rows = h100PlusSources().groups.flat().filter((r) => r.printedTflops !== undefined);
  assert.ok(rows.length >= 30, `${rows.length} rows with a printed TFLOP/s`);
  for (const row of rows) {
    const converted = publishedTflops(row);
    // Within 0.5%: the tables round TFLOP/s to integers; a wrong architecture, sequence length or row would miss by more.
    assert.ok(Math.abs(converted / row.printedTflops! - 1) < 0.005, `${row.id}: ${converted.toFixed(1)} vs printed ${row.printedTflops}`);
  }
});

test('every H100+ row names its source, URL and quoted table row, and the rows span at least 6 sources', () => {
  const { groups } = h100PlusSources();
  const rows = groups.flat();
  assert.ok(rows.length >= 40, `${rows.length} rows`);
  assert.ok(new Set(rows.map((r) => r.source)).size >= 6);
  for (const row of rows) {
    assert.match(row.url, /^https:\/\//, row.id);
    const printed = [String(row.figure.value), row.figure.value.toLocaleString('en-US')];
    assert.ok(printed.some((figure) => row.quote.includes(figure)), `${row.id}: the quote holds the figure`);
  }
  assert.equal(new Set(rows.map((r) => r.id)).size, rows.length, 'ids are unique');
});
