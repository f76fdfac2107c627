// The GPUs and regimes the step-time model is calibrated on, from the published rows of bench/accuracy.ts. It prints the
// table that server/src/core/estimate/calibration.ts holds; test/estimate/calibration.test.ts keeps the two equal.
// Run: npx tsc -p . && node out/bench/calibration-coverage.js
import { regimeOf, type CalibratedRegime } from '../server/src/core/estimate/calibration';
import { findSharedDir, predictRow, summarize, throughputRows, type RowResult } from './accuracy';

export function calibrationCoverage(results: RowResult[]): CalibratedRegime[] {
  const groups = new Map<string, RowResult[]>();
  for (const r of results) {
    const key = regimeOf(r.row.plan);
    if (key.gpu === undefined) continue;
    const id = JSON.stringify([key.gpu, key.parallel, key.precision]);
    groups.set(id, [...(groups.get(id) ?? []), r]);
  }
  return [...groups.entries()]
    .map(([id, rows]) => {
      const [gpu, parallel, precision] = JSON.parse(id) as [string, CalibratedRegime['parallel'], CalibratedRegime['precision']];
      const median = summarize(rows).medianAbsError;
      return { gpu, parallel, precision, rows: rows.length, medianErrorPercent: Number((100 * median).toFixed(1)), sources: [...new Set(rows.map((r) => r.row.source))].sort() };
    })
    .sort((a, b) => `${a.gpu} ${a.parallel} ${a.precision}`.localeCompare(`${b.gpu} ${b.parallel} ${b.precision}`));
}

function main(): void {
  const shared = findSharedDir();
  if (!shared) {
    console.log('skipped: no ../shared');
    return;
  }
  const coverage = calibrationCoverage(throughputRows(shared).rows.map((row) => predictRow(row)));
  console.log('export const CALIBRATED_REGIMES: CalibratedRegime[] = [');
  for (const c of coverage) console.log(`  ${JSON.stringify(c).replace(/"(\w+)":/g, '$1: ').replace(/,(?=\w+: |")/g, ', ').replace(/"/g, "'")},`);
  console.log('];');
}

if (require.main === module) main();
