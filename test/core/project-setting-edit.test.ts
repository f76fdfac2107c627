import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectOverrideEdits, projectSettingEdits } from '../../server/src/core/project-setting-edit';
import { parseProjectConfig, settingsForPath } from '../../server/src/core/project-config';
import { applyEdits } from '../../server/src/core/fix/apply';
import { closestModels } from '../../server/src/core/catalog/suggest-model';

const write = (text: string | undefined, value: string) => {
  const edits = projectSettingEdits(text, 'model', value);
  return edits && applyEdits(text ?? '', edits).text;
};

test('the project file gets model: set, replaced or appended, never doubled', () => {
  assert.equal(write(undefined, 'meta-llama/Llama-2-7b-hf'), 'model: meta-llama/Llama-2-7b-hf\n');
  assert.equal(write('cluster: { nodes: 2 }\nmodel: x/y # old\n', 'Qwen/Qwen2.5-7B'), 'cluster: { nodes: 2 }\nmodel: Qwen/Qwen2.5-7B # old\n');
  assert.equal(write('rules: { pipeline-bubble: off }', 'Qwen/Qwen2.5-7B'), 'rules: { pipeline-bubble: off }\nmodel: Qwen/Qwen2.5-7B\n');
  assert.equal(write('- a\n- b\n', 'Qwen/Qwen2.5-7B'), undefined, 'a list is no project file to edit');
  assert.equal(write('model: { name: x }\n', 'Qwen/Qwen2.5-7B'), undefined, 'a mapping under model: is not replaced by a scalar');
  assert.equal(write('{cluster: {gpu: h100}}\n', 'Qwen/Qwen2.5-7B'), undefined, 'a key after a flow mapping would not load in PyYAML');
});

test('closest catalog models share the family, version and size words', () => {
  assert.equal(closestModels('my-org/llama2-7b-sft-v3')[0], 'meta-llama/Llama-2-7b-hf');
  assert.equal(closestModels('acme/qwen2.5-14b-distilled')[0], 'Qwen/Qwen2.5-14B');
  assert.deepEqual(closestModels('zzzz'), []);
});

test('an override that turns one rule off for one file: the file anchored, appended to the list or starting it', () => {
  const turnedOff = (text: string | undefined, file: string) => {
    const edits = projectOverrideEdits(text, 'configs/ds.json', 'unknown-key');
    assert.ok(edits, 'an edit');
    const config = parseProjectConfig(applyEdits(text ?? '', edits).text);
    assert.deepEqual(config.problems, []);
    return settingsForPath(config, file).rules?.['unknown-key'];
  };
  assert.equal(turnedOff(undefined, 'configs/ds.json'), 'off');
  assert.equal(turnedOff('model: meta-llama/Llama-3.1-8B', 'configs/ds.json'), 'off');
  assert.equal(turnedOff('overrides:\n    - files: ["a/**"]\n      rules: {deprecated-key: off}\nmodel: x\n', 'configs/ds.json'), 'off');
  // Anchored at the project's root: another file of that name elsewhere keeps the rule.
  assert.equal(turnedOff(undefined, 'other/configs/ds.json'), undefined);
  // A flow list or a root that is no mapping would break: no edit.
  assert.equal(projectOverrideEdits('overrides: [{files: [a], rules: {x: off}}]\n', 'configs/ds.json', 'unknown-key'), undefined);
  assert.equal(projectOverrideEdits('- a\n', 'configs/ds.json', 'unknown-key'), undefined);
  assert.equal(projectOverrideEdits(undefined, 'configs/*.json', 'unknown-key'), undefined);
});
