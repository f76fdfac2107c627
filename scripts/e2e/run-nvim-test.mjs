#!/usr/bin/env node
// Headless Neovim smoke test: `nvim --headless -i NONE -u test/nvim/init.lua FILE` starts
// `node dist/cli.js lsp --stdio` through vim.lsp.start_client (Neovim 0.7 API), waits for
// publishDiagnostics with the expected rule, and prints them as JSON. Prints "N passed, N failed".
//
// Usage: node scripts/e2e/run-nvim-test.mjs [--server-cmd JSON-ARRAY]
// Needs: nvim (apt-get install neovim) and dist/cli.js (npm run build). Corpus cases are skipped
// with "skipped: no ../shared" where ../shared is absent.
import { spawn } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, atInterrupt, cleanup, corpusDir, elapsed, hasCommand, isolatedEnv, runDirs, tail } from './lib.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const serverCmd = option('--server-cmd', JSON.stringify([process.execPath, join(REPO, 'dist/cli.js'), 'lsp', '--stdio']));
const TIMEOUT_MS = 20000;

function nvim(file, expect, d) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn('nvim', ['--headless', '-i', 'NONE', '-u', join(REPO, 'test/nvim/init.lua'), file], {
      cwd: REPO,
      env: isolatedEnv(d, { TRAINLINT_LSP_CMD: serverCmd, TRAINLINT_EXPECT: expect, TRAINLINT_TIMEOUT_MS: String(TIMEOUT_MS) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => { stdout += b; });
    child.stderr.on('data', (b) => { stderr += b; });
    // A hung nvim is killed (by its PID) well after init.lua's own timeout.
    const killer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS + 15000);
    const forget = atInterrupt(() => child.kill('SIGKILL'));
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      forget();
      const line = stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{')).pop();
      let json;
      try { json = line ? JSON.parse(line) : undefined; } catch { json = undefined; }
      resolve({ code, signal, json, stdout, stderr, ms: Date.now() - started });
    });
  });
}

async function main() {
  const start = Date.now();
  if (!hasCommand('nvim')) {
    console.error('missing: nvim (apt-get install neovim, or scripts/e2e/install.sh)');
    return 2;
  }
  // dist/server.js is the language server's own bundle; bundle.mjs writes it once server/src/lsp/main.ts exists.
  if (!option('--server-cmd') && !(existsSync(join(REPO, 'dist/cli.js')) && existsSync(join(REPO, 'dist/server.js')))) {
    console.error('missing: the built language server, dist/cli.js and dist/server.js (npm run build)');
    return 2;
  }
  const corpus = corpusDir();
  const d = runDirs('nvim');
  cpSync(join(REPO, 'test/e2e/fixtures'), d.workspace, { recursive: true });
  const cases = [
    { name: 'fixture DeepSpeed JSON with a misspelled key', file: join(d.workspace, 'ds_config.json'), expect: 'unknown-key,TL201' },
    { name: 'corpus HF YAML with fp16 and bf16', file: corpus && join(corpus, 'other/ai-responder-config-fp16-and-bf16.yaml'), expect: 'fp16-and-bf16,TL302', corpus: true },
    { name: 'corpus DeepSpeed JSON with auto_cast "auto"', file: corpus && join(corpus, 'deepspeed/codealpaca-ds-config-zero3.json'), expect: 'auto-outside-trainer,TL301', corpus: true },
  ];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const c of cases) {
    if (c.corpus && !corpus) {
      console.log(`skip ${c.name}: skipped: no ../shared`);
      skipped += 1;
      continue;
    }
    const r = await nvim(c.file, c.expect, d);
    if (r.code === 0 && r.json && !r.json.error) {
      passed += 1;
      console.log(`ok   ${c.name} (${r.ms} ms, first matching publish after ${r.json.elapsed_ms} ms)`);
      for (const x of r.json.diagnostics.slice(0, 6)) console.log(`     ${x.line}:${x.character} [${x.code}] ${x.message.slice(0, 90)}`);
      if (r.json.diagnostics.length > 6) console.log(`     ... ${r.json.diagnostics.length - 6} more`);
    } else {
      failed += 1;
      console.log(`FAIL ${c.name} (exit ${r.code ?? r.signal}, ${r.ms} ms)`);
      console.log(`     ${r.json ? JSON.stringify(r.json) : `stdout: ${r.stdout.slice(-2000)}`}`);
      if (r.stderr.trim()) console.log(`     stderr: ${r.stderr.slice(-2000)}`);
    }
  }
  const lspLog = join(d.cache, 'nvim', 'lsp.log');
  if (failed > 0 && existsSync(lspLog)) console.log(`--- ${lspLog} (tail) ---\n${tail(lspLog, 20)}`);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''} (Neovim, ${elapsed(start)})`);
  cleanup(d, failed > 0);
  return failed === 0 && passed > 0 ? 0 : 1;
}

process.exitCode = await main();
