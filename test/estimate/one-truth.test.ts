import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { planFor, runEstimate } from '../../server/src/cli/estimate-command';
import { analyzeInContext } from '../../server/src/cli/file-context';
import { UsageError } from '../../server/src/cli/args';
import { fileSummary } from '../../server/src/core/hover/file-summary';
import { hoverAt } from '../../server/src/core/hover/hover';
import { planPageFile } from '../../server/src/core/report/plan-file';
import { estimateHeadline } from '../../server/src/core/report/estimate-report';
import type { Settings } from '../../server/src/core/index';
import { loadShellParser } from '../../server/src/node/shell-parser';
import { corpusManifest, fixture, NO_SHARED, repoRoot, sharedDir } from '../helpers';

// One truth: for every fixture, example and corpus file, the editor's summary (code lens, status item, first-line hover)
// and plan page show the estimate `trainlint estimate` computes, on a cluster that gives every file a GPU and a size.
const FLAGS: Settings = { cluster: { nodes: 2, gpusPerNode: 8, gpu: 'h100-sxm' } };

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : /\.(json|ya?ml|sh|bash|slurm)$/.test(name) ? [path] : [];
  });
}

function corpusFiles(): string[] {
  const shared = sharedDir();
  return shared ? corpusManifest(shared).map((e) => join(shared, 'corpus', e.file)) : [];
}

test('the code lens, the hover, the plan page and trainlint estimate give one estimate for each file', async (t) => {
  if (!sharedDir()) t.diagnostic(NO_SHARED);
  const shellParser = await loadShellParser();
  const files = [...filesUnder(fixture()), ...filesUnder(join(repoRoot(), 'examples')), ...corpusFiles()];
  let compared = 0;
  let estimated = 0;
  const differences: string[] = [];
  for (const file of files) {
    let cli;
    try {
      const { plan } = planFor({ file }, FLAGS, shellParser);
      cli = runEstimate(plan, undefined, undefined);
    } catch (error) {
      if (error instanceof UsageError) continue; // no plan in this file: nothing to compare
      throw error;
    }
    const context = analyzeInContext(file, FLAGS, shellParser);
    const input = { analysis: context.analysis, settings: context.analysis.settings, linked: context.linked };
    const editor = fileSummary(input).estimate;
    const figures = (e: typeof cli | undefined) => e && [e.memory.available ? Math.round(e.memory.total) : 'n/a', e.time.available ? e.time.iterationSeconds.toPrecision(9) : 'n/a', e.cost.available ? e.cost.gpuHours.toPrecision(9) : 'n/a'].join(' ');
    if (figures(editor) !== figures(cli)) {
      differences.push(`${file}: editor ${figures(editor)} vs estimate ${figures(cli)}`);
      continue;
    }
    compared++;
    // With no block available the summary says what is missing instead of a headline.
    if (!editor || !(cli.memory.available || cli.time.available || cli.cost.available)) continue;
    estimated++;
    const headline = estimateHeadline(cli);
    assert.ok(fileSummary(input).headline.includes(headline), `${file}: the code lens carries the estimate's headline`);
    const page = planPageFile(input, file);
    assert.equal(page.headline, fileSummary(input).headline, `${file}: the plan page's headline is the code lens's`);
    const hover = hoverAt(input, 0)?.markdown ?? '';
    if (cli.memory.available && hover.includes('Memory per GPU')) assert.ok(hover.includes(headline.split(' · ')[0].split('/GPU')[0]), `${file}: the first-line hover shows the peak memory`);
  }
  t.diagnostic(`${compared} files agree (${estimated} with an estimate); ${differences.length} differ`);
  assert.deepEqual(differences, []);
  assert.ok(estimated >= 20, `compared ${estimated} estimates`);
});
