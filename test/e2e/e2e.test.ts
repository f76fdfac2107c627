// End-to-end tests in real clients, run as child processes by their drivers in scripts/e2e/:
// the extension-host suite in VS Code (code-server's server + headless Chromium), the packaged
// .vsix in code-server's UI, the same .vsix as a web extension in its web worker extension host, the HTML plan report in Chromium, and Neovim over `trainlint lsp --stdio`.
// A driver exits 2 with "missing: ..." when a prerequisite is absent (scripts/e2e/install.sh not
// run, no chromium, no nvim, extension not built or packaged): the test is then skipped, except
// under CI, where every prerequisite is expected and a missing one fails. TRAINLINT_E2E=0 skips them all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '../../..');
const CI = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';
const DISABLED = process.env.TRAINLINT_E2E === '0';

interface DriverRun {
  code: number | null;
  output: string;
  ms: number;
}

function runDriver(script: string, timeoutMs: number): Promise<DriverRun> {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(process.execPath, [join(REPO, 'scripts/e2e', script)], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => { output += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { output += b.toString(); });
    // The drivers stop their own servers; a driver that hangs past its budget is killed by its PID.
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, output, ms: Date.now() - started });
    });
  });
}

function summary(output: string): string {
  const lines = output.split('\n').filter((l) => /\d+ passed, \d+ failed/.test(l));
  return lines.length > 0 ? lines[lines.length - 1] : '(no summary line)';
}

function e2e(name: string, script: string, timeoutMs: number): void {
  test(name, { timeout: timeoutMs + 30000 }, async (t) => {
    if (DISABLED) {
      t.skip('TRAINLINT_E2E=0');
      return;
    }
    const run = await runDriver(script, timeoutMs);
    const missing = run.output.split('\n').find((l) => l.startsWith('missing:'));
    if (run.code === 2 && missing) {
      if (CI) assert.fail(`CI is set, so the e2e prerequisites must be installed (scripts/e2e/install.sh, npm run build, npm run package): ${missing}`);
      t.skip(missing);
      return;
    }
    t.diagnostic(`${summary(run.output)} [${(run.ms / 1000).toFixed(1)} s]`);
    for (const line of run.output.split('\n')) if (/^skip |skipped: no \.\.\/shared/.test(line)) t.diagnostic(line.trim());
    assert.equal(run.code, 0, `scripts/e2e/${script} exited ${run.code}:\n${run.output}`);
    assert.match(run.output, /\b[1-9]\d* passed, 0 failed/);
  });
}

e2e('VS Code extension host: diagnostics, hover and quick fix on corpus and fixture configs', 'run-extension-tests.mjs', 240000);
e2e('VS Code UI: the packaged .vsix shows the diagnostic in the Problems panel, the plan webview with the CLI\'s numbers, and completes a quoted JSON key', 'run-ui-test.mjs', 180000);
e2e('HTML report in Chromium: offline, its charts carry the estimate\'s numbers', 'run-report-test.mjs', 90000);
e2e('VS Code for the Web: the language server\'s browser bundle in a Web Worker answers LSP in Chromium', 'run-web-worker-test.mjs', 90000);
e2e('VS Code for the Web: the packaged .vsix as a web extension in code-server\'s web worker extension host shows the diagnostic in the Problems panel, never in the Node host', 'run-web-extension-test.mjs', 180000);
e2e('Playground in Chromium: findings, a fix, the plan with the CLI\'s numbers, the state in the URL, no request', 'run-playground-test.mjs', 120000);
e2e('Neovim 0.7: trainlint lsp --stdio publishes the expected diagnostics', 'run-nvim-test.mjs', 120000);
