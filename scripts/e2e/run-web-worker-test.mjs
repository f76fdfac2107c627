#!/usr/bin/env node
// The web build of the language server (dist/web-server.js, what VS Code for the Web runs in a worker) in headless
// Chromium. `@vscode/test-web` would download VS Code at run time, which cannot happen here, so a small page served
// from localhost starts the bundle in a Web Worker and speaks LSP to it over postMessage, as the browser language client
// does: initialize, open a DeepSpeed config with a misspelt key, wait for the diagnostics, ask a hover.
//
// Usage: node scripts/e2e/run-web-worker-test.mjs     Needs: npm run build, Chromium (scripts/e2e/install.sh).
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { CHROMIUM, REPO, checklist, missing } from './lib.mjs';

const PAGE = `<!DOCTYPE html><html><body><script>
const worker = new Worker('/web-server.js');
const waiting = new Map();
const notes = [];
worker.onmessage = ({ data }) => {
  if (data.id !== undefined && waiting.has(data.id)) { waiting.get(data.id)(data); waiting.delete(data.id); }
  else if (data.method) notes.push(data);
};
let next = 1;
window.request = (method, params) => new Promise((done) => { const id = next++; waiting.set(id, done); worker.postMessage({ jsonrpc: '2.0', id, method, params }); });
window.notify = (method, params) => worker.postMessage({ jsonrpc: '2.0', method, params });
window.notes = notes;
</script></body></html>`;

async function main() {
  const bundle = join(REPO, 'dist/web-server.js');
  if (!existsSync(bundle)) return missing('dist/web-server.js (npm run build)');
  if (!existsSync(CHROMIUM)) return missing(`Chromium (${CHROMIUM}); run scripts/e2e/install.sh`);
  const server = createServer((req, res) => {
    if (req.url === '/web-server.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(bundle));
    else res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${server.address().port}`;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  const { check, failures } = checklist();
  try {
    const page = await browser.newPage();
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${base}/`);
    const uri = 'vscode-vfs://github/org/repo/ds_config.json';
    const text = '{\n  "train_micro_batch_size_per_gpu": 4,\n  "zero_optimization": { "stage": 2, "overlap_com": true }\n}\n';
    const init = await page.evaluate(() => window.request('initialize', { processId: null, rootUri: null, capabilities: {} }));
    check(init.result?.capabilities?.hoverProvider === true, 'initialize answers with its capabilities');
    await page.evaluate(({ uri, text }) => {
      window.notify('initialized', {});
      window.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version: 1, text } });
    }, { uri, text });
    const diagnostics = await page.waitForFunction(() => window.notes.find((n) => n.method === 'textDocument/publishDiagnostics')?.params.diagnostics, null, { timeout: 15000 }).then((h) => h.jsonValue());
    const typo = diagnostics.find((d) => d.code === 'TL201');
    check(Boolean(typo) && /overlap_com/.test(typo.message) && typo.range.start.line === 2, `publishDiagnostics has unknown-key on line 3 (${diagnostics.map((d) => d.code).join(', ')})`);
    check(typo?.data?.fixes?.some((f) => f.edits?.[0]?.newText === '"overlap_comm"'), 'the finding carries its fix');
    const hover = await page.evaluate((uri) => window.request('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 6 } }), uri);
    check(/zero/i.test(hover.result?.contents?.value ?? ''), 'a hover on zero_optimization');
    check(requests.every((u) => u.startsWith(base)), `nothing fetched but the page and the bundle (${requests.length})`);
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`${failures.length === 0 ? 1 : 0} passed, ${failures.length === 0 ? 0 : 1} failed (web-worker language server in Chromium)`);
  return failures.length === 0 ? 0 : 1;
}


process.exitCode = await main();
