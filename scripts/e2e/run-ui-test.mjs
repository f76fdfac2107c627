#!/usr/bin/env node
// UI test of the packaged extension: installs the .vsix into code-server, opens a known-bad
// DeepSpeed config in the workbench (headless Chromium), opens the Problems panel and waits for
// the row with the expected diagnostic; runs "TrainLint: Show Plan" and checks the webview's memory bar
// against `trainlint estimate --format json`; then types `"act` on a new line and asks for completion. Saves
// screenshots to test-results/ and exits 1 if the row, the plan's numbers or the activation_checkpointing
// suggestion are not there.
//
// Usage: node scripts/e2e/run-ui-test.mjs [--vsix FILE] [--timeout SECONDS]
// Needs: scripts/e2e/install.sh done, and the package (npm run package: trainlint-<version>.vsix).
// Env: TRAINLINT_E2E_KEEP=1 keeps the run folder.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  QUIET_SETTINGS, REPO, cleanup, elapsed, findVsix, freePort, isolatedEnv, launchChromium, missingForVsCode,
  option, poll, runDirs, startServer, tail, tools, waitForHttp, writeJson,
} from './lib.mjs';

const timeoutMs = Number(option('--timeout', '90')) * 1000;
const FILE = 'ds_config.json';
// The fixture misspells train_micro_batch_size_per_gpu: unknown-key names the key in its message.
const EXPECTED = /train_micro_batch_size_per_gp\b/;
const SCREENSHOT_DIR = join(REPO, 'test-results');
const PROJECT_FILE = 'cluster:\n  gpu: h100-sxm\n  nodes: 1\n  gpusPerNode: 8\nmodel: meta-llama/Llama-3.1-8B\nseqLength: 4096\n';

/** The peak memory per GPU the CLI estimates for the fixture in that workspace: what the webview's chart must draw. */
function expectedMemory(workspace) {
  const run = spawnSync(process.execPath, [join(REPO, 'dist/cli.js'), 'estimate', FILE, '--format', 'json'], { cwd: workspace, encoding: 'utf8' });
  const memory = JSON.parse(run.stdout).memory;
  if (!memory?.available) throw new Error(`the CLI gives no memory estimate for the fixture: ${run.stdout.slice(0, 300)} ${run.stderr}`);
  return Math.round(memory.total);
}

/** The most recently modified source of the extension (client/, server/src/), to warn about a stale package. */
function newestSource() {
  let newest;
  const visit = (dir) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) visit(path);
      else if (!newest || st.mtimeMs > newest.mtimeMs) newest = { path: path.slice(REPO.length + 1), mtimeMs: st.mtimeMs };
    }
  };
  visit(join(REPO, 'client/src'));
  visit(join(REPO, 'server/src'));
  return newest;
}

async function main() {
  const start = Date.now();
  const missing = missingForVsCode();
  if (missing.length > 0) {
    console.error(`missing: ${missing.join('; ')}`);
    return 2;
  }
  const vsix = findVsix(option('--vsix'));
  if (!vsix) {
    console.error('missing: the packaged extension (npm run package writes trainlint-<version>.vsix)');
    return 2;
  }
  const newest = newestSource();
  if (newest && statSync(vsix).mtimeMs < newest.mtimeMs) {
    console.log(`note: ${basename(vsix)} is older than ${newest.path}; it tests what was packaged then (npm run package to refresh)`);
  }
  const t = tools();
  const d = runDirs('ui');
  cpSync(join(REPO, 'test/e2e/fixtures', FILE), join(d.workspace, FILE));
  // The project file names the GPU, the world size and the model, so the plan has numbers to draw.
  writeFileSync(join(d.workspace, '.trainlint.yaml'), PROJECT_FILE);
  const expected = expectedMemory(d.workspace);
  writeJson(join(d.userData, 'User/settings.json'), { ...QUIET_SETTINGS, 'workbench.colorTheme': 'Default Light Modern' });
  const env = isolatedEnv(d, { PATH: `${t.node24Bin}:${process.env.PATH}` });
  const entry = join(t.codeServer, 'out/node/entry.js');
  const common = ['--user-data-dir', d.userData, '--extensions-dir', d.extensions];

  const installStart = Date.now();
  const install = spawnSync(t.node24, [entry, ...common, '--install-extension', vsix], { env, cwd: d.workspace, encoding: 'utf8', timeout: 120000 });
  if (install.status !== 0) {
    console.error(`installing ${basename(vsix)} failed (exit ${install.status}):\n${install.stdout}\n${install.stderr}`);
    cleanup(d, true);
    return 1;
  }
  const installed = readdirSync(d.extensions).filter((n) => !n.startsWith('.') && n !== 'extensions.json');
  console.log(`installed ${basename(vsix)} into code-server in ${elapsed(installStart)}: ${installed.join(', ')}`);

  const port = await freePort();
  const serverLog = join(d.logs, 'code-server.log');
  const server = startServer(t.node24, [
    entry, ...common,
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--ignore-last-opened', d.workspace,
  ], { env, cwd: d.workspace, logFile: serverLog });

  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const screenshot = join(SCREENSHOT_DIR, 'ui-problems-panel.png');
  let browser;
  let page;
  let ok = false;
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/healthz`, { timeoutMs: 60000, server });
    console.log(`code-server up on ${base} (pid ${server.pid}) after ${elapsed(start)}`);
    browser = await launchChromium(d);
    page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(`${base}/?folder=${encodeURIComponent(d.workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    // The Explorer lists the workspace once the workbench has restored; then open the file from it.
    const row = page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${FILE}"]`).first();
    await row.waitFor({ timeout: 30000 });
    await row.click();
    await page.locator(`.tabs-container .tab[aria-label^="${FILE}"], .tabs-container .tab:has-text("${FILE}")`).first().waitFor({ timeout: 20000 });
    await page.locator('.monaco-editor .view-lines').first().click();
    console.log(`opened ${FILE} after ${elapsed(start)}`);

    // Problems: Ctrl+Shift+M, falling back on the command palette.
    await page.keyboard.press('Control+Shift+M');
    const panel = page.locator('.markers-panel');
    const opened = await panel.first().waitFor({ timeout: 5000 }).then(() => true, () => false);
    if (!opened) {
      await page.keyboard.press('F1');
      await page.keyboard.type('View: Focus Problems');
      await page.keyboard.press('Enter');
      await panel.first().waitFor({ timeout: 10000 });
    }
    const rows = page.locator('.markers-panel .monaco-list-row');
    const text = await poll('the expected row in the Problems panel', async () => {
      const all = await rows.allInnerTexts();
      return all.find((r) => EXPECTED.test(r));
    }, { timeoutMs, interval: 250, abort: () => (server.exited ? 'code-server exited' : '') });
    const allRows = (await rows.allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
    console.log(`Problems panel after ${elapsed(start)}:\n  ${allRows.join('\n  ')}`);
    await page.screenshot({ path: screenshot });
    console.log(`screenshot: ${screenshot}`);

    // Show Plan from the command palette: a webview beside the editor, its memory bar the CLI's figure.
    await page.keyboard.press('F1');
    await page.keyboard.type('TrainLint: Show Plan');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'TrainLint: Show Plan' }).first().waitFor({ timeout: 10000 });
    await page.keyboard.press('Enter');
    const webview = page.frameLocator('iframe.webview').frameLocator('#active-frame');
    const drawn = await poll('the memory bar in the plan webview', async () => {
      const total = await webview.locator('svg.chart text[data-total]').first().getAttribute('data-total', { timeout: 1000 }).catch(() => null);
      return total === null ? undefined : Number(total);
    }, { timeoutMs: 30000, interval: 250, abort: () => (server.exited ? 'code-server exited' : '') }).catch(() => undefined);
    const planShot = join(SCREENSHOT_DIR, 'ui-plan-webview.png');
    await page.screenshot({ path: planShot });
    const planOk = drawn === expected;
    console.log(`plan webview: memory bar ${drawn} bytes, CLI estimate ${expected} bytes: ${planOk ? 'equal' : 'DIFFERENT'}; screenshot: ${planShot}`);

    // Completion after an opening quote, as a user types it: a new line before the closing brace, `"act`, Ctrl+Space.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+1');
    // The fixture ends `  }\n}\n`: from the end, two lines up is the last member's closing brace.
    await page.keyboard.press('Control+End');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    await page.keyboard.type(',\n"act');
    await page.keyboard.press('Control+Space');
    const suggestion = await poll('activation_checkpointing in the suggest widget', async () => {
      const items = await page.locator('.suggest-widget .monaco-list-row').allInnerTexts().catch(() => []);
      return items.find((i) => i.includes('activation_checkpointing'));
    }, { timeoutMs: 20000, interval: 250, abort: () => (server.exited ? 'code-server exited' : '') }).catch(() => undefined);
    const completionShot = join(SCREENSHOT_DIR, 'ui-completion-quoted-key.png');
    await page.screenshot({ path: completionShot });
    console.log(`completion after "act: ${suggestion ? 'activation_checkpointing offered' : 'not offered'}; screenshot: ${completionShot}`);
    ok = Boolean(text) && planOk && Boolean(suggestion);
    console.log(`${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed (UI: Problems row, plan webview and quoted-key completion, packaged ${basename(vsix)}, ${elapsed(start)})`);
  } catch (error) {
    console.error(`UI test failed: ${error.message.split('\n')[0]}`);
    if (page) {
      const failShot = join(SCREENSHOT_DIR, 'ui-failure.png');
      await page.screenshot({ path: failShot }).then(() => console.error(`screenshot: ${failShot}`), () => {});
      const rows = await page.locator('.markers-panel .monaco-list-row').allInnerTexts().catch(() => []);
      console.error(`Problems rows: ${JSON.stringify(rows)}`);
    }
    console.log('0 passed, 1 failed (UI)');
  } finally {
    const stopping = Date.now();
    if (browser) await browser.close().catch(() => {});
    await server.stop();
    console.log(`stopped Chromium and code-server in ${elapsed(stopping)}`);
    if (!ok) console.error(`--- code-server log (tail) ---\n${tail(serverLog, 30)}`);
    cleanup(d, !ok);
  }
  return ok ? 0 : 1;
}

process.exitCode = await main();
