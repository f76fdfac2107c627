#!/usr/bin/env node
// The HTML plan report in headless Chromium: writes `trainlint report --html` for the shipped Megatron and
// DeepSpeed examples, opens it from disk with every network request recorded, and checks that the page makes
// none, that its memory bars, capacity line and step-time parts carry the numbers of `trainlint estimate
// --format json`, and that it has the schedule and what-if table. Saves screenshots of each to test-results/.
//
// Usage: node scripts/e2e/run-report-test.mjs     Needs: npm run build, Chromium (scripts/e2e/install.sh).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM, REPO, runDirs, cleanup, checklist, missing } from './lib.mjs';

const CLI = join(REPO, 'dist/cli.js');
const FLAGS = ['--gpu', 'h100-sxm', '--nodes', '2', '--gpus-per-node', '8', '--model', 'meta-llama/Llama-3.1-8B', '--seq-length', '8192'];
const FILES = ['examples/megatron/pretrain_llama_8b.sh', 'examples/deepspeed/ds_zero3_llama8b.json'];
const SCREENSHOTS = join(REPO, 'test-results');

function cli(args) {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`trainlint ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return run.stdout;
}

async function main() {
  if (!existsSync(CLI)) return missing('the CLI bundle (npm run build)');
  if (!existsSync(CHROMIUM)) return missing(`Chromium (${CHROMIUM}); run scripts/e2e/install.sh`);
  const { chromium } = await import('playwright-core');
  const d = runDirs('report');
  const out = join(d.root, 'plan.html');
  cli(['report', ...FILES, ...FLAGS, '--html', out]);
  const estimates = FILES.map((file) => JSON.parse(cli(['estimate', file, ...FLAGS, '--format', 'json'])));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  const { check, failures, passed: checksPassed } = checklist();
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${out}`);
    const sections = page.locator('main > section');
    check((await sections.count()) === FILES.length, `one section per file (${FILES.length})`);
    for (const [i, estimate] of estimates.entries()) {
      const section = sections.nth(i);
      const name = FILES[i].split('/').pop();
      const totals = (await section.locator('svg.chart text[data-total]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-total')))));
      check(Math.max(...totals) === Math.round(estimate.memory.total), `${name}: the tallest memory bar is the estimate's peak (${Math.max(...totals)} vs ${Math.round(estimate.memory.total)} bytes)`);
      const capacity = Number(await section.locator('svg.chart line.capacity').getAttribute('data-capacity'));
      check(capacity === Math.round(estimate.memory.capacity), `${name}: the capacity line is the GPU's ${estimate.memory.capacity} bytes`);
      const parts = await section.locator('svg.chart rect[data-seconds]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seconds'))));
      const sum = parts.reduce((a, b) => a + b, 0);
      check(Math.abs(sum - estimate.time.iterationSeconds) < 1e-6 * estimate.time.iterationSeconds, `${name}: the step-time parts add up to the estimate's ${estimate.time.iterationSeconds.toFixed(3)} s (${sum.toFixed(3)})`);
      await section.locator('svg.chart').first().screenshot({ path: join(SCREENSHOTS, `report-memory-${i}.png`) });
      await section.locator('table.what-if').screenshot({ path: join(SCREENSHOTS, `report-what-if-${i}.png`) });
      check((await section.locator('table.what-if tbody tr').count()) >= 2, `${name}: a what-if table with alternatives`);
    }
    const timeline = sections.nth(0).locator('svg.chart[aria-label^="Pipeline schedule"]');
    check((await timeline.count()) === 1, 'the Megatron example (pipeline of 3 stages) has a schedule timeline');
    if ((await timeline.count()) === 1) await timeline.screenshot({ path: join(SCREENSHOTS, 'report-schedule.png') });
    await page.screenshot({ path: join(SCREENSHOTS, 'report-page.png'), fullPage: true });
    check(requests.length === 1 && requests[0].startsWith('file://'), `no request but the page itself (${requests.length}: ${requests.slice(0, 3).join(', ')})`);
    const dark = await browser.newPage({ viewport: { width: 1100, height: 900 }, colorScheme: 'dark' });
    await dark.goto(`file://${out}`);
    await dark.screenshot({ path: join(SCREENSHOTS, 'report-page-dark.png') });
    const colors = await dark.evaluate(() => [getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]);
    check(colors[0] !== colors[1], `the dark scheme has distinct text and background (${colors.join(' on ')})`);
  } finally {
    await browser.close();
    cleanup(d, failures.length > 0);
  }
  console.log(`screenshots: ${SCREENSHOTS}/report-*.png`);
  console.log(`${failures.length === 0 ? 1 : 0} passed, ${failures.length === 0 ? 0 : 1} failed (HTML report in Chromium: ${checksPassed()} checks${failures.length ? `; failed: ${failures.join('; ')}` : ''})`);
  return failures.length === 0 ? 0 : 1;
}


process.exitCode = await main();
