#!/usr/bin/env node
// The playground (npm run build:web -> web/dist/index.html) in headless Chromium, opened from disk: it type-checks and
// builds the page, opens it with a DeepSpeed config in the URL, and checks that the findings show with their fix, that
// the fix edits the text and the findings follow, that the plan's memory bar is `trainlint estimate`'s, that the URL
// restores the edited state, and that the page makes no request. Saves test-results/playground.png.
//
// Usage: node scripts/e2e/run-playground-test.mjs     Needs: npm run build, Chromium (scripts/e2e/install.sh).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, REPO, checklist, missing } from './lib.mjs';

const CONFIG = '{\n  "train_micro_batch_size_per_gpu": 1,\n  "gradient_accumulation_steps": 4,\n  "zero_optimization": {"stage": 2, "overlap_com": true},\n  "bf16": {"enabled": true}\n}\n';
const STATE = { name: 'ds_config.json', text: CONFIG, gpu: 'h100_sxm', nodes: 1, gpusPerNode: 8, model: 'meta-llama/Llama-3.1-8B', seqLength: '4096' };

async function main() {
  if (!existsSync(join(REPO, 'dist/cli.js'))) return missing('the CLI bundle (npm run build)');
  if (!existsSync(CHROMIUM)) return missing(`Chromium (${CHROMIUM}); run scripts/e2e/install.sh`);
  execFileSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(REPO, 'web')], { stdio: 'inherit' });
  execFileSync(process.execPath, [join(REPO, 'scripts/build-web.mjs')], { stdio: 'inherit' });
  // What the CLI estimates for the same file and settings, after the fix (the key renamed).
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-playground-'));
  writeFileSync(join(dir, 'ds_config.json'), CONFIG.replace('overlap_com', 'overlap_comm'));
  const cli = spawnSync(process.execPath, [join(REPO, 'dist/cli.js'), 'estimate', join(dir, 'ds_config.json'), '--gpu', 'h100_sxm', '--nodes', '1', '--gpus-per-node', '8', '--model', STATE.model, '--seq-length', '4096', '--format', 'json'], { encoding: 'utf8' });
  const expected = Math.round(JSON.parse(cli.stdout).memory.total);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  const { check, failures } = checklist();
  try {
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const requests = [];
    const errors = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(e.message));
    const hash = encodeURIComponent(Buffer.from(JSON.stringify(STATE)).toString('base64'));
    await page.goto(`file://${join(REPO, 'web/dist/index.html')}#${hash}`);
    const typo = page.locator('#diagnostics li', { hasText: 'unknown-key' });
    await typo.waitFor({ timeout: 10000 });
    check(/Unknown key "overlap_com" in zero_optimization/.test(await typo.innerText()), 'the URL\'s config is checked: unknown-key on overlap_com');
    await typo.locator('button', { hasText: 'overlap_comm' }).click();
    await page.waitForFunction(() => !document.querySelector('#diagnostics')?.textContent?.includes('unknown-key'), null, { timeout: 10000 });
    const text = await page.inputValue('#text');
    check(text.includes('"overlap_comm": true') && !text.includes('overlap_com"'), 'the fix renamed the key in the text, and the finding is gone');
    const bar = Number(await page.frameLocator('#plan').locator('svg.chart text[data-total]').first().getAttribute('data-total', { timeout: 10000 }));
    check(bar === expected, `the plan's memory bar is trainlint estimate's (${bar} vs ${expected} bytes)`);
    mkdirSync(join(REPO, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(REPO, 'test-results/playground.png') });
    const shared = page.url();
    const again = await browser.newPage();
    await again.goto(shared);
    check((await again.inputValue('#text')) === text, 'the URL restores the edited config (a link shares it)');
    check(requests.every((u) => u.startsWith('file://')) && errors.length === 0, `no request but the page, no script error (${requests.length} requests, errors: ${errors.join('; ') || 'none'})`);
  } finally {
    await browser.close();
  }
  console.log(`${failures.length === 0 ? 1 : 0} passed, ${failures.length === 0 ? 0 : 1} failed (playground in Chromium${failures.length ? `: ${failures.join('; ')}` : ''})`);
  return failures.length === 0 ? 0 : 1;
}


process.exitCode = await main();
