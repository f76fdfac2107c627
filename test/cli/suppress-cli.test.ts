import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, readFixture } from '../helpers';

function trainlint(args: string[], cwd: string) {
  const run = spawnSync(process.execPath, [CLI(), ...args], { encoding: 'utf8', cwd });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

// A DeepSpeed config with a misspelt section: DeepSpeed ignores `optimzer` silently (unknown-key).
const DS = '{\n  "train_micro_batch_size_per_gpu": 4,\n  "zero_optimization": { "stage": 1 },\n  "optimzer": { "type": "AdamW" }\n}\n';

/** A project: two identical DeepSpeed configs, one silenced by an override, and the YAML with suppression comments. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trainlint-suppress-cli-'));
  mkdirSync(join(dir, 'ds'));
  writeFileSync(join(dir, 'ds', 'silenced.json'), DS);
  writeFileSync(join(dir, 'ds', 'checked.json'), DS);
  writeFileSync(join(dir, 'sft.yaml'), readFixture('suppress', 'sft.yaml'));
  writeFileSync(join(dir, '.trainlint.yaml'), 'overrides:\n  - files: ["ds/silenced.json"]\n    rules: { unknown-key: off }\n');
  return dir;
}

interface JsonReport {
  files: Array<{ path: string; diagnostics: Array<{ rule: string; range: { start: { line: number } } }> }>;
}

test('check: a JSON file is silenced per path from .trainlint.yaml; YAML comments silence their lines; the JSON output omits what is silenced', () => {
  const dir = project();
  const run = trainlint(['check', '.', '--gpus', '8', '--format', 'json'], dir);
  const report = JSON.parse(run.stdout) as JsonReport;
  const found = Object.fromEntries(report.files.map((f) => [f.path, f.diagnostics.map((d) => `${d.rule}@${d.range.start.line + 1}`)]));
  assert.deepEqual(found, {
    'ds/checked.json': ['unknown-key@4'],
    'ds/silenced.json': [],
    'sft.yaml': ['unused-suppression@8', 'unknown-suppressed-rule@10', 'unused-suppression@10', 'unknown-key@11'],
  });
});

test('check: SARIF results leave silenced findings out and describe the suppression rules', () => {
  const dir = project();
  const log = JSON.parse(trainlint(['check', '.', '--gpus', '8', '--format', 'sarif'], dir).stdout);
  const results = (log.runs[0].results as Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>).map(
    (r) => `${r.locations[0].physicalLocation.artifactLocation.uri} ${r.ruleId}`,
  );
  assert.deepEqual(results, ['ds/checked.json unknown-key', 'sft.yaml unused-suppression', 'sft.yaml unknown-suppressed-rule', 'sft.yaml unused-suppression', 'sft.yaml unknown-key']);
  const rules = (log.runs[0].tool.driver.rules as Array<{ id: string; properties: { code: string } }>).map((r) => `${r.properties.code} ${r.id}`);
  assert.ok(rules.includes('TL006 unused-suppression') && rules.includes('TL007 unknown-suppressed-rule'), rules.join(', '));
});
