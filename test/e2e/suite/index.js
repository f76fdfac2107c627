// Extension-host integration suite for the TrainLint VS Code extension.
// Shape: @vscode/test-electron's extensionTestsPath contract, a CommonJS module whose `run()`
// resolves when every test passed and rejects otherwise; it uses the full `vscode` API.
// Plain JavaScript on purpose: it imports `vscode`, which the root tsconfig (Node only) must not see,
// and it needs no build step. Here it is driven by scripts/e2e/run-extension-tests.mjs inside
// code-server's VS Code server; unchanged, it runs under @vscode/test-electron where VS Code can be downloaded.
//
// Env (all optional): TRAINLINT_E2E_RESULTS (JSON results file), TRAINLINT_E2E_WORKSPACE (a copy of
// test/e2e/fixtures to edit), TRAINLINT_E2E_CORPUS (defaults to ../shared/corpus next to the repository).
'use strict';
const vscode = require('vscode');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '../../..');
const CORPUS = process.env.TRAINLINT_E2E_CORPUS || path.resolve(REPO, '../shared/corpus');
const HAS_CORPUS = fs.existsSync(CORPUS);
const NO_CORPUS = 'skipped: no ../shared';
const DIAGNOSTIC_TIMEOUT_MS = 30000;
const TEST_TIMEOUT_MS = 60000;

const RULES = {
  fp16AndBf16: { name: 'fp16-and-bf16', code: 'TL302' },
  autoOutsideTrainer: { name: 'auto-outside-trainer', code: 'TL301' },
  unknownKey: { name: 'unknown-key', code: 'TL201' },
  unknownModel: { name: 'unknown-model', code: 'TL504' },
};

const tests = [];
function test(name, fn, { skip } = {}) {
  tests.push({ name, fn, skip });
}

/** Timings and facts a test records along the way; the driver prints them under the test. */
let notes = [];
function note(text) {
  notes.push(text);
}
async function timed(label, promise) {
  const started = Date.now();
  const value = await promise;
  note(`${label}: ${Date.now() - started} ms`);
  return value;
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function poll(what, probe, timeoutMs, describe) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe ? `; ${describe()}` : ''}`);
    await sleep(100);
  }
}

function codeOf(diagnostic) {
  const code = diagnostic.code;
  if (code === undefined || code === null) return '';
  return String(typeof code === 'object' ? code.value : code);
}

/**
 * A diagnostic is a rule's when its code is the rule's code (TL201) or name, when its code's link
 * (codeDescription.href, the rule's docs page .../docs/rules/<name>.md) names the rule, or its message does.
 */
function isRule(diagnostic, rule) {
  const code = codeOf(diagnostic);
  const target = diagnostic.code && typeof diagnostic.code === 'object' && diagnostic.code.target ? diagnostic.code.target.toString() : '';
  return code === rule.code || code === rule.name || target.includes(`/${rule.name}`) || diagnostic.message.includes(rule.name);
}

function describeDiagnostics(uri) {
  const list = vscode.languages.getDiagnostics(uri);
  if (list.length === 0) return 'no diagnostics at all';
  return `present: ${list.map((d) => `[${codeOf(d)}] ${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message.slice(0, 80)}`).join(' | ')}`;
}

function waitForDiagnostic(uri, rule, timeoutMs = DIAGNOSTIC_TIMEOUT_MS) {
  return poll(
    `a diagnostic of rule ${rule.name} on ${path.basename(uri.fsPath)}`,
    () => vscode.languages.getDiagnostics(uri).find((d) => isRule(d, rule)),
    timeoutMs,
    () => describeDiagnostics(uri),
  );
}

async function open(fsPath) {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(fsPath));
  await vscode.window.showTextDocument(document, { preview: false });
  return document;
}

/** The position just inside the first occurrence of `needle` in the document. */
function positionOf(document, needle, into = 1) {
  const offset = document.getText().indexOf(needle);
  assert(offset >= 0, `"${needle}" not found in ${path.basename(document.uri.fsPath)}`);
  return document.positionAt(offset + into);
}

function hoverText(hovers) {
  const parts = [];
  for (const hover of hovers || []) {
    for (const content of hover.contents) {
      if (typeof content === 'string') parts.push(content);
      else if (content && typeof content.value === 'string') parts.push(content.value);
    }
  }
  return parts.join('\n');
}

/** The fixture to edit: the driver's copy, or a fresh temporary copy (never the repository's file). */
function fixture(name) {
  const fromDriver = process.env.TRAINLINT_E2E_WORKSPACE && path.join(process.env.TRAINLINT_E2E_WORKSPACE, name);
  if (fromDriver && fs.existsSync(fromDriver)) return fromDriver;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlint-e2e-fixture-'));
  const copy = path.join(dir, name);
  fs.copyFileSync(path.join(__dirname, '..', 'fixtures', name), copy);
  return copy;
}

// ---------------------------------------------------------------------------------------------

test('the extension is installed and activates', async () => {
  const extension = vscode.extensions.all.find((e) => e.packageJSON && e.packageJSON.name === 'trainlint');
  assert(extension, `no trainlint extension among ${vscode.extensions.all.length} extensions`);
  await timed('activate', extension.activate());
  assert(extension.isActive, 'the extension did not activate');
});

test('corpus: HF TrainingArguments YAML with fp16 and a truthy bf16 string gets an fp16-and-bf16 error', async () => {
  const document = await open(path.join(CORPUS, 'other/ai-responder-config-fp16-and-bf16.yaml'));
  const diagnostic = await timed('open to diagnostic', waitForDiagnostic(document.uri, RULES.fp16AndBf16));
  assert(diagnostic.severity === vscode.DiagnosticSeverity.Error, `severity is ${vscode.DiagnosticSeverity[diagnostic.severity]}, expected Error`);
  const line = document.lineAt(diagnostic.range.start.line).text;
  assert(/\b(fp16|bf16)\b/.test(line), `the diagnostic sits on "${line.trim()}", not on the fp16 or bf16 key`);
}, { skip: HAS_CORPUS ? undefined : NO_CORPUS });

test('corpus: DeepSpeed JSON with fp16.auto_cast "auto" gets an auto-outside-trainer note (who reads it is a guess from its "auto" values; another reader may fill them), and keys have hovers', async () => {
  const document = await open(path.join(CORPUS, 'deepspeed/codealpaca-ds-config-zero3.json'));
  const diagnostic = await timed('open to diagnostic', waitForDiagnostic(document.uri, RULES.autoOutsideTrainer));
  assert(diagnostic.severity === vscode.DiagnosticSeverity.Information, `severity is ${vscode.DiagnosticSeverity[diagnostic.severity]}, expected Information`);
  const line = document.lineAt(diagnostic.range.start.line).text;
  assert(line.includes('auto_cast'), `the diagnostic sits on "${line.trim()}", not on auto_cast`);

  const position = positionOf(document, '"zero_optimization"', 2);
  const hovers = await timed('hover', vscode.commands.executeCommand('vscode.executeHoverProvider', document.uri, position));
  const text = hoverText(hovers);
  assert(text.trim().length > 0, 'no hover text on "zero_optimization"');
  assert(/zero/i.test(text), `the hover on "zero_optimization" does not mention ZeRO: ${JSON.stringify(text.slice(0, 200))}`);
}, { skip: HAS_CORPUS ? undefined : NO_CORPUS });

test('fixture: a misspelled DeepSpeed key gets an unknown-key warning, a hover, and a quick fix that renames the key', async () => {
  const document = await open(fixture('ds_config.json'));
  const diagnostic = await timed('open to diagnostic', waitForDiagnostic(document.uri, RULES.unknownKey));
  const keyLine = document.lineAt(diagnostic.range.start.line).text;
  assert(keyLine.includes('train_micro_batch_size_per_gp'), `unknown-key sits on "${keyLine.trim()}"`);
  assert(diagnostic.severity === vscode.DiagnosticSeverity.Warning, `severity is ${vscode.DiagnosticSeverity[diagnostic.severity]}, expected Warning (DeepSpeed ignores unknown top-level keys)`);

  // Hover works on the fixture too, so it is covered where ../shared is absent.
  const hovers = await timed('hover', vscode.commands.executeCommand('vscode.executeHoverProvider', document.uri, positionOf(document, '"zero_optimization"', 2)));
  assert(/zero/i.test(hoverText(hovers)), `the hover on "zero_optimization" does not mention ZeRO: ${JSON.stringify(hoverText(hovers).slice(0, 200))}`);
  note(`hover text: ${JSON.stringify(hoverText(hovers).replace(/\s+/g, ' ').slice(0, 70))}`);

  const actions = await timed('code actions', vscode.commands.executeCommand(
    'vscode.executeCodeActionProvider', document.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value, 10,
  ));
  const titles = (actions || []).map((a) => a.title);
  const fix = (actions || []).find((a) => /train_micro_batch_size_per_gpu/.test(a.title));
  assert(fix, `no quick fix naming train_micro_batch_size_per_gpu; offered: ${JSON.stringify(titles)}`);
  if (fix.edit) {
    assert(await vscode.workspace.applyEdit(fix.edit), 'workspace.applyEdit refused the quick fix');
  } else {
    const command = fix.command && typeof fix.command === 'object' ? fix.command : fix;
    assert(command && command.command, `the quick fix "${fix.title}" has neither an edit nor a command`);
    await vscode.commands.executeCommand(command.command, ...(command.arguments || []));
  }
  await poll('the renamed key in the document', () => document.getText().includes('"train_micro_batch_size_per_gpu": 4'), 5000,
    () => `text now: ${JSON.stringify(document.getText().slice(0, 120))}`);
  assert(!document.getText().includes('"train_micro_batch_size_per_gp"'), 'the misspelled key is still there');
  await timed('edit to updated diagnostics', poll('the unknown-key diagnostic to go away after the fix',
    () => !vscode.languages.getDiagnostics(document.uri).some((d) => isRule(d, RULES.unknownKey)),
    DIAGNOSTIC_TIMEOUT_MS, () => describeDiagnostics(document.uri)));
  await vscode.commands.executeCommand('workbench.action.files.revert');
});

// Last: it writes a .trainlint.yaml into the fixture's folder.
test('fixture: an unknown model offers "Choose the architecture...": the picker lists the catalog and the pick lands in .trainlint.yaml', async () => {
  const file = fixture('unknown_model.yaml');
  const document = await open(file);
  const diagnostic = await waitForDiagnostic(document.uri, RULES.unknownModel);
  const actions = await timed('code actions', vscode.commands.executeCommand('vscode.executeCodeActionProvider', document.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value));
  const choose = (actions || []).find((a) => a.title === 'Choose the architecture...');
  assert(choose && choose.command, `no "Choose the architecture..." action: ${(actions || []).map((a) => a.title).join(' | ')}`);
  // The command opens a quick pick over the catalog; type an id and accept it as a user would.
  const running = vscode.commands.executeCommand(choose.command.command, ...(choose.command.arguments || []));
  await sleep(1500);
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  await running;
  const projectFile = path.join(path.dirname(file), '.trainlint.yaml');
  const written = await timed('pick to project file', poll('the project file to name a model',
    () => vscode.workspace.textDocuments.find((d) => d.uri.fsPath === projectFile && /^model: \S+\/\S+$/m.test(d.getText())), DIAGNOSTIC_TIMEOUT_MS,
    () => `open documents: ${vscode.workspace.textDocuments.map((d) => d.uri.fsPath).join(', ')}`));
  note(`written: ${written.getText().trim()}`);
});

test('fixture: "Change Global Batch Size" on a Megatron launch script edits GLOBAL_BATCH, --lr, --min-lr, warmup and --train-iters in place, and the script stays valid bash', async () => {
  const file = fixture('pretrain_gpt.sh');
  const before = fs.readFileSync(file, 'utf8');
  const document = await open(file);
  await vscode.window.showTextDocument(document);
  await timed('rescale', vscode.commands.executeCommand('trainlint.changeGlobalBatchSize', { globalBatch: 1024, learningRate: 'auto' }));
  const expected = before.replace('GLOBAL_BATCH=512', 'GLOBAL_BATCH=1024').replace('--train-iters 100000', '--train-iters 50000')
    .replace('--lr 3.0e-4', '--lr 4.243e-4').replace('--min-lr 3.0e-5', '--min-lr 4.243e-5').replace('--lr-warmup-iters 2000', '--lr-warmup-iters 1000');
  await poll('the rescaled script', () => document.getText() === expected || undefined, DIAGNOSTIC_TIMEOUT_MS,
    () => `the document reads:\n${document.getText()}`);
  await document.save();
  const check = require('child_process').spawnSync('bash', ['-n', file], { encoding: 'utf8' });
  assert(check.status === 0, `bash -n fails on the rescaled script: ${check.stderr}`);
  note('GLOBAL_BATCH=1024, --lr 4.243e-4, --lr-warmup-iters 1000, --train-iters 50000; bash -n passes');
});

// ---------------------------------------------------------------------------------------------

async function run() {
  const resultsFile = process.env.TRAINLINT_E2E_RESULTS || path.join(os.tmpdir(), 'trainlint-e2e-results.json');
  const results = { done: false, vscodeVersion: vscode.version, tests: [] };
  const write = () => fs.writeFileSync(`${resultsFile}.partial`, JSON.stringify(results, null, 2));
  for (const { name, fn, skip } of tests) {
    const started = Date.now();
    if (skip) {
      results.tests.push({ name, status: 'skipped', reason: skip, ms: 0 });
      continue;
    }
    let timer;
    notes = [];
    try {
      await Promise.race([
        fn(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`test timed out after ${TEST_TIMEOUT_MS} ms`)), TEST_TIMEOUT_MS); }),
      ]);
      results.tests.push({ name, status: 'passed', ms: Date.now() - started, notes });
    } catch (error) {
      results.tests.push({ name, status: 'failed', error: error && error.stack ? error.stack : String(error), ms: Date.now() - started, notes });
    } finally {
      clearTimeout(timer);
    }
    write();
  }
  results.done = true;
  write();
  fs.renameSync(`${resultsFile}.partial`, resultsFile); // The driver never reads a half-written file.
  const failed = results.tests.filter((t) => t.status === 'failed');
  const passed = results.tests.filter((t) => t.status === 'passed').length;
  console.log(`${passed} passed, ${failed.length} failed`);
  if (failed.length > 0) throw new Error(`${failed.length} failed: ${failed.map((t) => t.name).join('; ')}`);
}

module.exports = { run };
