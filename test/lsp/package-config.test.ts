import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './lsp-session';
import { ACCELERATORS } from '../../server/src/core/catalog/accelerators';
import { catalogModelIds } from '../../server/src/core/catalog/find-model';
import { readEditorSettings } from '../../server/src/lsp/settings';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/trainlint-settings.schema.json'), 'utf8'));

describe('extension manifest', () => {
  it('has the settings of schemas/trainlint-settings.schema.json (run scripts/gen-package-config.mjs after editing it)', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts/gen-package-config.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  });

  it('offers the accelerator catalog as the GPU choices and suggests the model catalog, as generated (a catalog change needs regeneration)', () => {
    const gpu = pkg.contributes.configuration.properties['trainlint.cluster.gpu'];
    assert.deepEqual(gpu.enum, [null, ...ACCELERATORS.map((a) => a.id)]);
    assert.equal(gpu.enumDescriptions.length, gpu.enum.length);
    assert.match(gpu.enumDescriptions[ACCELERATORS.findIndex((a) => a.id === 'h100_sxm') + 1], /^NVIDIA H100 SXM5 80GB: 80 GiB, 989 dense BF16 TFLOP\/s$/);
    const model = pkg.contributes.configuration.properties['trainlint.model'];
    // A free string: Hugging Face ids outside the catalog are valid, so no closed enum, only suggestions.
    assert.equal(model.enum, undefined);
    assert.deepEqual(model.examples, catalogModelIds());
    assert.match(model.markdownDescription, new RegExp(`the catalog's ${catalogModelIds().length} architectures`));
  });

  it('gives the FLOPs convention a real default that still defers to the project file', () => {
    const convention = pkg.contributes.configuration.properties['trainlint.flopsConvention'];
    assert.equal(convention.default, 'default');
    assert.deepEqual(convention.enum, ['default', 'palm', 'megatron', 'narayanan']);
    assert.equal(convention.enumDescriptions.length, convention.enum.length);
    assert.equal(readEditorSettings({ flopsConvention: 'default' }).analysis.flopsConvention, undefined);
    assert.equal(readEditorSettings({ flopsConvention: 'megatron' }).analysis.flopsConvention, 'megatron');
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

  it('has a 128 x 128 PNG icon that scripts/make-icon.mjs draws', () => {
    assert.equal(pkg.icon, 'images/icon.png');
    const png = readFileSync(join(ROOT, pkg.icon));
    assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts/make-icon.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  });

  it('walks through 3 or 4 steps, each with its markdown page, naming only commands that exist', () => {
    const [walkthrough] = pkg.contributes.walkthroughs as Array<{ steps: Array<{ id: string; description: string; media: { markdown: string }; completionEvents?: string[] }> }>;
    assert.ok(walkthrough.steps.length >= 3 && walkthrough.steps.length <= 4);
    const contributed = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
    for (const step of walkthrough.steps) {
      assert.ok(existsSync(join(ROOT, step.media.markdown)), `${step.id}: ${step.media.markdown} is missing`);
      const named = [...step.description.matchAll(/\(command:([\w.]+)/g), ...(step.completionEvents ?? []).map((e) => /^onCommand:(.+)$/.exec(e) ?? [])].map((m) => m[1]).filter(Boolean);
      // TrainLint's own commands must be contributed; the others are VS Code's (workbench.*, editor.*).
      for (const command of named.filter((c) => c.startsWith('trainlint.'))) assert.ok(contributed.has(command), `${step.id} names ${command}, which is not contributed`);
      for (const command of named.filter((c) => !c.startsWith('trainlint.'))) assert.match(command, /^(workbench|editor)\./);
    }
  });

  it('ships the rule pages and the walkthrough pages in the .vsix', () => {
    const ignore = readFileSync(join(ROOT, '.vscodeignore'), 'utf8').split('\n');
    for (const kept of ['!docs/rules/*.md', '!media/walkthrough/*.md', '!images/icon.png']) assert.ok(ignore.includes(kept), `.vscodeignore lacks ${kept}`);
    const client = readFileSync(join(ROOT, 'client/src/extension.ts'), 'utf8');
    assert.match(client, /registerCommand\('trainlint\.openRuleDoc'/);
    assert.match(client, /joinPath\(context\.extensionUri, 'docs', 'rules'\)/);
  });

  it('type-checks the extension against the oldest VS Code API it claims (engines.vscode)', () => {
    const types = JSON.parse(readFileSync(join(ROOT, 'node_modules/@types/vscode/package.json'), 'utf8'));
    assert.equal(`^${types.version}`, pkg.engines.vscode);
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'client')], { encoding: 'utf8' });
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  });
});
