#!/usr/bin/env node
// Runs the extension-host suite (test/e2e/suite/index.js, @vscode/test-electron's `run()` shape)
// inside a real VS Code: the VS Code server bundled in code-server, with its workbench opened in
// headless Chromium and the extensionDevelopmentPath/extensionTestsPath passed in the URL payload.
// The suite writes its results to a JSON file; this prints "N passed, N failed" and exits 1 on failure.
//
// Usage: node scripts/e2e/run-extension-tests.mjs [--extension-dir DIR] [--suite FILE] [--timeout SECONDS]
// Needs: scripts/e2e/install.sh done, the extension built (npm run build: dist/client.js, dist/server.js).
// Env: TRAINLINT_E2E_KEEP=1 keeps the run folder (logs, profiles); TRAINLINT_E2E_CACHE, TRAINLINT_E2E_CORPUS.
import { cpSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  QUIET_SETTINGS, REPO, cleanup, corpusPath, elapsed, freePort, isolatedEnv, launchChromium, missingForVsCode,
  poll, readJsonIfExists, runDirs, startServer, tail, tools, waitForHttp, writeJson,
} from './lib.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const extensionDir = resolve(option('--extension-dir', REPO));
const suite = resolve(option('--suite', join(REPO, 'test/e2e/suite/index.js')));
const timeoutMs = Number(option('--timeout', '180')) * 1000;

function findLogs(dir, pattern, found = []) {
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findLogs(path, pattern, found);
    else if (pattern.test(name)) found.push(path);
  }
  return found;
}

async function main() {
  const start = Date.now();
  const missing = missingForVsCode();
  if (missing.length > 0) {
    console.error(`missing: ${missing.join('; ')}`);
    return 2;
  }
  const manifest = JSON.parse((await import('node:fs')).readFileSync(join(extensionDir, 'package.json'), 'utf8'));
  const mainFile = manifest.main ? resolve(extensionDir, manifest.main) : undefined;
  if (!mainFile || !existsSync(mainFile)) {
    console.error(`missing: the built extension, ${mainFile ?? 'package.json has no "main"'} (npm run build)`);
    return 2;
  }
  if (!existsSync(suite)) {
    console.error(`missing: the suite ${suite}`);
    return 2;
  }

  const t = tools();
  const d = runDirs('exthost');
  const resultsFile = join(d.root, 'results.json');
  // The suite edits documents: it works on a copy of the fixtures, never on the repository's files.
  const fixtures = join(REPO, 'test/e2e/fixtures');
  if (existsSync(fixtures)) cpSync(fixtures, d.workspace, { recursive: true });
  writeJson(join(d.workspace, '.vscode/settings.json'), QUIET_SETTINGS);
  writeJson(join(d.userData, 'Machine/settings.json'), QUIET_SETTINGS);
  writeJson(join(d.userData, 'User/settings.json'), QUIET_SETTINGS);

  const port = await freePort();
  const serverLog = join(d.logs, 'server.log');
  const env = isolatedEnv(d, {
    PATH: `${t.node24Bin}:${process.env.PATH}`,
    TRAINLINT_E2E_RESULTS: resultsFile,
    TRAINLINT_E2E_WORKSPACE: d.workspace,
    TRAINLINT_E2E_CORPUS: corpusPath(), // The suite skips its corpus tests where this is absent.
  });
  const server = startServer(t.node24, [
    join(t.codeServer, 'lib/vscode/out/server-main.js'),
    '--host', '127.0.0.1', '--port', String(port),
    '--without-connection-token', '--accept-server-license-terms',
    '--enable-smoke-test-driver', '--disable-telemetry', '--disable-workspace-trust',
    '--user-data-dir', d.userData, '--server-data-dir', d.serverData, '--extensions-dir', d.extensions,
  ], { env, cwd: d.workspace, logFile: serverLog });

  let browser;
  let ok = false;
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/version`, { timeoutMs: 60000, server });
    console.log(`VS Code server up on ${base} (pid ${server.pid}) after ${elapsed(start)}`);
    const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
    const payload = [
      ['extensionDevelopmentPath', remote(extensionDir)],
      ['extensionTestsPath', remote(suite)],
    ];
    const url = `${base}/?folder=${encodeURIComponent(d.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

    browser = await launchChromium(d);
    const page = browser.pages()[0] ?? (await browser.newPage());
    const consoleLog = [];
    page.on('console', (m) => consoleLog.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLog.push(`[pageerror] ${e.message}`));
    await page.goto(url);

    const results = await poll('the suite\'s results', () => {
      const r = readJsonIfExists(resultsFile);
      return r && r.done ? r : undefined;
    }, { timeoutMs, interval: 200, abort: () => (server.exited ? 'the VS Code server exited' : '') }).catch((error) => {
      writeFileSync(join(d.logs, 'browser-console.log'), consoleLog.join('\n'));
      throw error;
    });
    writeFileSync(join(d.logs, 'browser-console.log'), consoleLog.join('\n'));

    for (const test of results.tests) {
      const mark = { passed: 'ok  ', failed: 'FAIL', skipped: 'skip' }[test.status];
      const notes = test.notes && test.notes.length > 0 ? ` [${test.notes.join(', ')}]` : '';
      console.log(`${mark} ${test.name} (${test.ms} ms)${notes}${test.status === 'failed' ? `\n     ${String(test.error).split('\n').join('\n     ')}` : ''}${test.status === 'skipped' ? `: ${test.reason}` : ''}`);
    }
    const count = (s) => results.tests.filter((x) => x.status === s).length;
    const skipped = count('skipped');
    console.log(`${count('passed')} passed, ${count('failed')} failed${skipped ? `, ${skipped} skipped` : ''} (extension host, VS Code ${results.vscodeVersion}, ${elapsed(start)} in all)`);
    ok = count('failed') === 0 && count('passed') > 0;
    if (count('passed') === 0 && count('failed') === 0) console.log('nothing ran');
  } catch (error) {
    console.error(`extension-host run failed: ${error.message}`);
  } finally {
    const stopping = Date.now();
    if (browser) await browser.close().catch(() => {});
    await server.stop();
    console.log(`stopped Chromium and the server in ${elapsed(stopping)}`);
    if (!ok) {
      console.error(`--- server log (tail) ---\n${tail(serverLog, 30)}`);
      const logs = [...findLogs(join(d.userData, 'logs'), /./), ...findLogs(join(d.serverData, 'data/logs'), /./)];
      for (const log of logs.filter((p) => /remoteexthost\.log$|trainlint/i.test(p))) {
        console.error(`--- ${log} (tail) ---\n${tail(log, 40)}`);
      }
    }
    cleanup(d, !ok);
  }
  return ok ? 0 : 1;
}

process.exitCode = await main();
