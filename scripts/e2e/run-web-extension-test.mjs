#!/usr/bin/env node
// The packaged extension as a web extension in code-server's workbench: its `browser` entry (dist/web-client.js) runs in
// the web worker extension host and starts the language server (dist/web-server.js) in a worker of its own; no Node
// extension host is involved. The .vsix is unpacked and served over HTTP through code-server's own /proxy/<port>/ route
// (the workbench's Content-Security-Policy lets it fetch from its own origin or https only), and installed with
// "Developer: Install Extension from Location...", as a web extension is. Then a DeepSpeed config with typos is opened.
// Checks: the Problems panel shows TrainLint's unknown-key error; "Developer: Show Running Extensions" lists TrainLint
// in the web worker host; the Node extension host's log shows its own activations and never TrainLint's.
//
// Why not install the .vsix into code-server and force it into the web worker host ("remote.extensionKind":
// {"trainlint.trainlint": ["web"]})? That extension's files live on the server (vscode-remote: URIs), and VS Code's web
// worker host refuses `new Worker(...)` for them: "Activating extension 'trainlint.trainlint' failed: Creating workers
// from remote extensions is currently not supported." (code-server 4.139.1, out/vs/workbench/api/worker/
// extensionHostWorkerMain.js). A web extension, as vscode.dev installs it, has https:/same-origin URIs and no such limit.
//
// Usage: node scripts/e2e/run-web-extension-test.mjs [--vsix FILE] [--timeout SECONDS]
// Needs: scripts/e2e/install.sh done, and the package (npm run package). Env: TRAINLINT_E2E_KEEP=1 keeps the run folder.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename, join, normalize } from 'node:path';
import {
  QUIET_SETTINGS, REPO, checklist, cleanup, elapsed, findVsix, freePort, hasCommand, isolatedEnv, launchChromium,
  missing, missingForVsCode, option, poll, runDirs, startServer, tail, tools, waitForHttp, writeJson,
} from './lib.mjs';

const timeoutMs = Number(option('--timeout', '90')) * 1000;
const FILE = 'ds_zero2_typos.json';
// The example misspells overlap_comm in zero_optimization: an unknown-key error (TL201) that names it.
const EXPECTED = /Unknown key "overlap_com" in zero_optimization[\s\S]*TL201/;
const ID = 'trainlint.trainlint';
const SCREENSHOT_DIR = join(REPO, 'test-results');

/** Serves the unpacked extension folder, recording each path asked for (the bundles the browser loads). */
async function serveFolder(root, requested) {
  const types = { '.js': 'text/javascript', '.json': 'application/json', '.png': 'image/png', '.md': 'text/markdown' };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    requested.push(path);
    const file = join(root, normalize(path));
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) return void res.writeHead(404).end();
    const type = types[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return server;
}

/**
 * Runs a command from the command palette once it is listed. The workbench registers some commands only when it has
 * set up what they act on (Install Extension from Location: the browser's extension management), so it asks again.
 */
async function runCommand(page, title, abort) {
  await poll(`"${title}" in the command palette`, async () => {
    await page.keyboard.press('F1');
    await page.keyboard.type(title);
    const listed = await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first()
      .waitFor({ timeout: 3000 }).then(() => true, () => false);
    await page.keyboard.press(listed ? 'Enter' : 'Escape');
    return listed;
  }, { timeoutMs: 30000, interval: 500, abort });
}

/** The visible text of the TrainLint output channel (the client's LSP trace): whether diagnostics were published at all. */
async function outputChannel(page, abort) {
  await runCommand(page, 'Output: Show Output Channels...', abort);
  await page.keyboard.type('TrainLint');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(2000);
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'web-ext-output.png') });
  return (await page.locator('.part.panel .monaco-editor .view-lines').allInnerTexts().catch(() => [])).join('\n');
}

/** The Node extension host's log of this run (code-server writes it under the user data folder). */
function nodeHostLog(userData) {
  const found = [];
  const visit = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) visit(path);
      else if (name === 'remoteexthost.log') found.push(path);
    }
  };
  if (existsSync(join(userData, 'logs'))) visit(join(userData, 'logs'));
  return found.map((p) => readFileSync(p, 'utf8')).join('\n');
}

async function main() {
  const start = Date.now();
  const absent = missingForVsCode();
  if (absent.length > 0) return missing(absent.join('; '));
  if (!hasCommand('python3')) return missing('python3 (unpacks the .vsix); run scripts/e2e/install.sh');
  const vsix = findVsix(option('--vsix'));
  if (!vsix) return missing('the packaged extension (npm run package writes trainlint-<version>.vsix)');
  const t = tools();
  const d = runDirs('web-ext');
  cpSync(join(REPO, 'examples/deepspeed', FILE), join(d.workspace, FILE));
  writeJson(join(d.userData, 'User/settings.json'), { ...QUIET_SETTINGS, 'trainlint.trace.server': 'messages' });
  const unpacked = join(d.root, 'vsix');
  const unzip = spawnSync('python3', ['-m', 'zipfile', '-e', vsix, unpacked], { encoding: 'utf8' });
  if (unzip.status !== 0) throw new Error(`unpacking ${vsix} failed: ${unzip.stderr}`);
  const requested = [];
  const files = await serveFolder(join(unpacked, 'extension'), requested);

  const env = isolatedEnv(d, { PATH: `${t.node24Bin}:${process.env.PATH}` });
  const port = await freePort();
  const serverLog = join(d.logs, 'code-server.log');
  const server = startServer(t.node24, [
    join(t.codeServer, 'out/node/entry.js'), '--user-data-dir', d.userData, '--extensions-dir', d.extensions,
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--ignore-last-opened', d.workspace,
  ], { env, cwd: d.workspace, logFile: serverLog });

  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const { check, failures, passed } = checklist();
  const abort = () => (server.exited ? 'code-server exited' : '');
  let browser;
  let page;
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/healthz`, { timeoutMs: 60000, server });
    console.log(`code-server up on ${base} after ${elapsed(start)}`);
    browser = await launchChromium(d);
    page = browser.pages()[0] ?? (await browser.newPage());
    // The workbench logs the install and any activation failure of the extension to the console.
    const messages = [];
    page.on('console', (m) => {
      if (!m.text().includes(ID)) return;
      messages.push(m.text());
      console.log(`workbench: ${m.text().replace(/%c\s*\w+\s*color: #\w+\s*/, '').slice(0, 300)}`);
    });
    await page.goto(`${base}/?folder=${encodeURIComponent(d.workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    const row = page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${FILE}"]`).first();
    await row.waitFor({ timeout: 30000 });

    // The config is open before the extension is installed, as when a user installs it to check that file. Opened after
    // the install (TRAINLINT_E2E_OPEN_AFTER=1), about 1 run in 3 shows an empty Problems panel and no squiggle, and an
    // edit does not bring them back, although the web extension host holds the diagnostics: a client middleware logged
    // `vscode.languages.getDiagnostics(uri)` returning all 3 for the document's URI right after the server published
    // them (2026-12-07: 11 of 32 runs failed). They are lost between code-server's extension host and its marker service.
    const openConfig = async () => {
      await row.click();
      await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 20000 });
    };
    const openAfter = process.env.TRAINLINT_E2E_OPEN_AFTER === '1';
    if (!openAfter) await openConfig();
    await runCommand(page, 'Developer: Install Extension from Location...', abort);
    await page.locator('.quick-input-box input').first().waitFor({ timeout: 10000 });
    await page.keyboard.type(`${base}/proxy/${files.address().port}/`);
    await page.keyboard.press('Enter');
    const installed = await poll('the web extension to be installed', async () => messages.some((m) => /Extension installed successfully: trainlint\.trainlint/.test(m)),
      { timeoutMs: 30000, interval: 250, abort }).catch(() => false);
    check(installed, `installed ${basename(vsix)} as a web extension from ${base}/proxy/${files.address().port}/ (${elapsed(start)})`);
    if (openAfter) await openConfig();

    await page.keyboard.press('Control+Shift+M');
    const rows = page.locator('.markers-panel .monaco-list-row');
    const problem = await poll('the unknown-key row in the Problems panel', async () => (await rows.allInnerTexts()).find((r) => EXPECTED.test(r)),
      { timeoutMs, interval: 250, abort }).catch(() => undefined);
    const problemsShot = join(SCREENSHOT_DIR, 'web-ext-problems-panel.png');
    await page.screenshot({ path: problemsShot });
    if (!problem) console.log(`TrainLint output channel:\n${await outputChannel(page, abort)}`);
    check(Boolean(problem), `Problems panel: ${problem ? problem.replace(/\s+/g, ' ').trim() : `no row matching ${EXPECTED} in ${JSON.stringify(await rows.allInnerTexts())}`} (screenshot ${problemsShot})`);
    check(requested.includes('/dist/web-client.js') && requested.includes('/dist/web-server.js'),
      `the browser loaded the package's dist/web-client.js and dist/web-server.js (requests: ${[...new Set(requested)].join(' ')})`);

    // Each row of Running Extensions names its host: the server's authority for the Node host, "web worker" for the other.
    // The list draws only the rows in view: a tall window shows them all.
    await page.setViewportSize({ width: 1400, height: 2400 });
    await runCommand(page, 'Developer: Show Running Extensions', abort);
    const running = page.locator('.runtime-extensions-editor .monaco-list-row');
    const ours = await poll('TrainLint in Running Extensions', async () => (await running.allInnerTexts()).find((r) => r.startsWith('TrainLint')),
      { timeoutMs: 20000, interval: 250, abort }).catch(() => undefined);
    const runningShot = join(SCREENSHOT_DIR, 'web-ext-running-extensions.png');
    await page.screenshot({ path: runningShot });
    const others = (await running.allInnerTexts()).filter((r) => r.includes(`127.0.0.1:${port}`));
    check(Boolean(ours) && /\bweb worker\b/.test(ours) && others.length > 0,
      `Running Extensions: ${ours ? ours.replace(/\s+/g, ' ').trim() : 'no TrainLint row'}; ${others.length} extensions in the Node host (127.0.0.1:${port}) (screenshot ${runningShot})`);
    const failed = messages.find((m) => /Activating extension 'trainlint\.trainlint' failed/.test(m));
    check(!failed, `no activation failure${failed ? `: ${failed}` : ''}`);
  } catch (error) {
    check(false, `the workbench session: ${error.message.split('\n')[0]}`);
    if (page) await page.screenshot({ path: join(SCREENSHOT_DIR, 'web-ext-failure.png') }).catch(() => {});
  } finally {
    if (browser) await browser.close().catch(() => {});
    await server.stop();
    files.close();
  }
  // The Node extension host logs each activation: it ran (json-language-features etc.) but never activated TrainLint.
  const log = nodeHostLog(d.userData);
  const nodeActivations = log.match(/_doActivateExtension \S+/g) ?? [];
  check(nodeActivations.length > 0 && !nodeActivations.some((a) => a.includes(ID)),
    `the Node extension host activated ${nodeActivations.length} extensions, ${nodeActivations.some((a) => a.includes(ID)) ? 'TrainLint among them' : 'not TrainLint'}`);
  const ok = failures.length === 0;
  console.log(`${passed()} passed, ${failures.length} failed (web extension in code-server's web worker host, packaged ${basename(vsix)}, ${elapsed(start)})`);
  if (!ok) console.error(`--- code-server log (tail) ---\n${tail(serverLog, 30)}`);
  cleanup(d, !ok);
  return ok ? 0 : 1;
}

process.exitCode = await main();
