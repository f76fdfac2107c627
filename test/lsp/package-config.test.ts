import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './lsp-session';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/trainlint-settings.schema.json'), 'utf8'));

describe('extension manifest', () => {
  it('has the settings of schemas/trainlint-settings.schema.json (run scripts/gen-package-config.mjs after editing it)', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts/gen-package-config.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  });

  it('restricts in untrusted workspaces exactly the settings the schema marks restricted', () => {
    const restricted: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual(restricted, ['trainlint.files.include', 'trainlint.files.exclude']);
    for (const key of restricted) assert.equal(pkg.contributes.configuration.properties[key].restricted, true);
    assert.ok(schema.properties.files.properties.include.restricted);
  });

  it('starts from dist/client.js, contributes every command the client registers, and adds no language or JSON validation', () => {
    assert.equal(pkg.main, './dist/client.js');
    const client = readFileSync(join(ROOT, 'client/src/extension.ts'), 'utf8');
    const registered = [...client.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]).sort();
    assert.deepEqual(pkg.contributes.commands.map((c: { command: string }) => c.command).sort(), registered);
    assert.equal(pkg.contributes.languages, undefined);
    assert.equal(pkg.contributes.jsonValidation, undefined);
    assert.match(client, /const SERVER_MODULE = 'dist\/server\.js'/);
  });

  it('type-checks the extension against the oldest VS Code API it claims (engines.vscode)', () => {
    const types = JSON.parse(readFileSync(join(ROOT, 'node_modules/@types/vscode/package.json'), 'utf8'));
    assert.equal(`^${types.version}`, pkg.engines.vscode);
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'client')], { encoding: 'utf8' });
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  });
});
