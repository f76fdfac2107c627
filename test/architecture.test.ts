import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './helpers';

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
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
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
