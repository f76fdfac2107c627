import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './helpers';
import { PROGRAMS } from '../server/src/core/programs/index';

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(text: string): string[] {
  const found: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) found.push(m[1] ?? m[2] ?? m[3]);
  return found;
}

/** Code without comments, so a comment that names `process` does not trip the check. */
function code(text: string): string {
  // Block comments keep their line breaks, so line numbers stay those of the file.
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, '')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const root = repoRoot();
const rel = (path: string) => relative(root, path).replace(/\\/g, '/');

test('the core is pure: no editor, file-system, process, console or timer access', () => {
  const offenders: string[] = [];
  for (const file of sources(join(root, 'server/src/core'))) {
    const text = readFileSync(file, 'utf8');
    for (const spec of importsOf(text)) {
      if (/^(node:)?(fs|path|child_process|os|net|http|https|worker_threads)(\/|$)/.test(spec) || /^vscode/.test(spec)) offenders.push(`${rel(file)} imports ${spec}`);
    }
    const body = code(text);
    for (const word of ['process.', 'console.', 'setTimeout(', 'setInterval(', 'setImmediate(', 'require(']) {
      if (body.includes(word)) offenders.push(`${rel(file)} uses ${word}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('only server/src/lsp imports vscode-languageserver; only client imports vscode', () => {
  const offenders: string[] = [];
  for (const file of [...sources(join(root, 'server/src')), ...sources(join(root, 'client'))]) {
    const path = rel(file);
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (/^vscode-languageserver/.test(spec) && !path.startsWith('server/src/lsp/')) offenders.push(`${path} imports ${spec}`);
      if (/^vscode-languageclient/.test(spec) && !path.startsWith('client/')) offenders.push(`${path} imports ${spec}`);
      if (spec === 'vscode' && !path.startsWith('client/')) offenders.push(`${path} imports vscode`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('files are read for analysis and process is touched only in the CLI and the server entry points', () => {
  const offenders: string[] = [];
  for (const file of sources(join(root, 'server/src'))) {
    const path = rel(file);
    // server/src/node/: edge helpers the CLI and the server share (the shell parser's WebAssembly is read there, not configs).
    if (path.startsWith('server/src/cli/') || path.startsWith('server/src/lsp/') || path.startsWith('server/src/node/')) continue;
    const text = readFileSync(file, 'utf8');
    if (importsOf(text).some((s) => /^(node:)?fs$/.test(s))) offenders.push(`${path} reads files`);
  }
  assert.deepEqual(offenders, []);
});

test('the core never imports the front ends', () => {
  const offenders = sources(join(root, 'server/src/core')).flatMap((file) =>
    importsOf(readFileSync(file, 'utf8'))
      .filter((spec) => /\/(cli|lsp)\//.test(spec) || /^\.\.\/(\.\.\/)*(cli|lsp)/.test(spec))
      .map((spec) => `${rel(file)} imports ${spec}`),
  );
  assert.deepEqual(offenders, []);
});

/**
 * Literals equal to a program id that name something else: a pip package, a launcher command, the estimator's public
 * `framework` vocabulary (a plan JSON names it), a FLOPs convention, a schema annotation. Keyed by file, then the
 * literal; each with why it is not a program. Code names a program through `PROGRAM` (programs/ids.ts) or asks it.
 */
const FLOPS = 'the Megatron-LM FLOPs convention (--convention, flopsConvention)';
const FW = 'a TrainingPlan.framework value (estimate/plan.ts): the estimator\'s public vocabulary, which a hand-written plan uses';
const PKG = 'a versioned framework: the pip package whose release is pinned';
const XAUTO = 'an x-auto schema annotation: which reader fills "auto" in the key';
const LAUNCHER = 'a launcher command (`deepspeed`, `accelerate launch`), which launch.ts recognises';
const NOT_A_PROGRAM: Record<string, Record<string, string>> = {
  'server/src/cli/estimate-command.ts': { megatron: FLOPS },
  'server/src/cli/main.ts': { megatron: FLOPS },
  'server/src/lsp/settings.ts': { megatron: FLOPS },
  'server/src/core/settings.ts': { megatron: FLOPS },
  'server/src/core/project-config.ts': { megatron: FLOPS },
  'server/src/core/estimate/flops.ts': { megatron: FLOPS },
  'server/src/core/estimate/activations.ts': { megatron: FW },
  'server/src/core/estimate/complete-plan.ts': { megatron: FW },
  'server/src/core/estimate/extra-models.ts': { deepspeed: FW },
  'server/src/core/estimate/findings.ts': { megatron: FW, deepspeed: FW },
  'server/src/core/estimate/what-if.ts': { megatron: FW },
  'server/src/core/estimate/memory.ts': { megatron: FW, deepspeed: FW },
  'server/src/core/estimate/model-states.ts': { megatron: FW, deepspeed: FW },
  'server/src/core/estimate/parameters.ts': { megatron: FW },
  'server/src/core/estimate/plan-fields.ts': { megatron: FW, deepspeed: FW },
  'server/src/core/estimate/plan.ts': { megatron: FW, deepspeed: FW },
  'server/src/core/estimate/attention-efficiency.ts': { megatron: FW },
  'server/src/core/estimate/step-time.ts': { megatron: FW, deepspeed: FW },
  'server/src/core/versions/key-facts.ts': { deepspeed: PKG, accelerate: PKG },
  'server/src/core/versions/pin-files.ts': { deepspeed: PKG, accelerate: PKG },
  'server/src/core/versions/version-spec.ts': { deepspeed: PKG, accelerate: PKG },
  'server/src/node/workspace-pins.ts': { accelerate: PKG },
  'server/src/core/schema/schema-walk.ts': { deepspeed: XAUTO },
  'server/src/core/plan/build-plan.ts': { deepspeed: FW },
  'server/src/core/rules/estimate-rules.ts': { megatron: FW },
  'server/src/core/suggest/space.ts': { megatron: FW, deepspeed: FW },
  'server/src/core/suggest/search.ts': { megatron: FW },
  'server/src/core/links.ts': { accelerate: LAUNCHER },
  'server/src/core/shell/launch.ts': { deepspeed: LAUNCHER, accelerate: LAUNCHER },
  'server/src/core/shell/shell-config.ts': { deepspeed: LAUNCHER, accelerate: LAUNCHER },
};

test('no file outside server/src/core/programs/ names a program: knowledge of a program lives in its module', () => {
  const ids = new Set(PROGRAMS.map((p) => p.id as string));
  const offenders: string[] = [];
  for (const file of sources(join(root, 'server/src'))) {
    const path = rel(file);
    if (path.startsWith('server/src/core/programs/')) continue;
    const lines = code(readFileSync(file, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      for (const m of line.matchAll(/(['"`])((?:\\.|(?!\1).)*?)\1/g)) {
        if (ids.has(m[2]) && NOT_A_PROGRAM[path]?.[m[2]] === undefined) offenders.push(`${path}:${i + 1}: '${m[2]}'`);
      }
    });
  }
  assert.deepEqual(offenders, []);
});
