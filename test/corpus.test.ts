import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { chmodSync, cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { CLI, corpusManifest, NO_SHARED, sharedDir } from './helpers';
import { runCheck } from '../server/src/cli/check';
import type { Settings } from '../server/src/core/index';
import { before } from 'node:test';
import { loadShellParser } from '../server/src/node/shell-parser';
import type { ShellParser } from '../server/src/core/shell/syntax';

// Launch scripts need the shell parser, loaded once as the CLI does.
let shellParser: ShellParser | undefined;
before(async () => {
  shellParser = await loadShellParser();
});

/** The rule each known-bad corpus file must be caught with, from the error its manifest entry quotes. */
const KNOWN_BAD: Record<string, { rule: string; flags?: Settings }> = {
  'deepspeed/got-ocr2-zero2-bf16-true.json': { rule: 'hf-deepspeed-mismatch' },
  // Manifest: 8 x V100 32GB, LLaMA-7B full fine-tune; LLaMA-Factory's cutoff_len defaulted to 1024 then.
  'deepspeed/llamafactory-readme-zero2-2023-10.json': {
    rule: 'out-of-memory',
    flags: { cluster: { worldSize: 8, gpu: 'v100-32gb' }, model: 'meta-llama/Llama-2-7b-hf', seqLength: 1024 },
  },
  'hf-trainer/alignment-handbook-zephyr-7b-dpo-qlora.yaml': { rule: 'unknown-key' },
  // Manifest: 4 x A100 40GB, Vicuna-7B from LLaMA-7B, FSDP with 16 accumulation steps: the Trainer's no_sync() holds
  // the whole model's bf16 gradients on every rank.
  'hf-trainer/fastchat-readme-vicuna7b-4xA100-40G-2023-06.sh': {
    rule: 'out-of-memory',
    flags: { cluster: { gpu: 'a100-40gb' }, model: 'meta-llama/Llama-2-7b-hf' },
  },
  'megatron-sh/megatron-gpt3-175b-distributed-rampup.sh': { rule: 'world-size-not-divisible' },
  'megatron-sh/megatron-gpt3-175b-distributed.sh': { rule: 'world-size-not-divisible' },
  'megatron-yaml/megatron-gpt-config-step-schedule.yaml': { rule: 'batch-schedule-conflict' },
  'other/ai-responder-config-fp16-and-bf16.yaml': { rule: 'fp16-and-bf16' },
};

function worldSize(entry: { world_size?: unknown }): number | undefined {
  return typeof entry.world_size === 'number' ? entry.world_size : undefined;
}

test('the CLI checks the whole corpus without crashing, and no known-good file gets an error', (t) => {
  const shared = sharedDir();
  if (!shared) return t.skip(NO_SHARED);
  const run = spawnSync(process.execPath, [CLI(), 'check', join(shared, 'corpus'), '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.ok(run.status === 0 || run.status === 1, `exit ${run.status}: ${run.stderr}`);
  const report = JSON.parse(run.stdout) as { files: Array<{ path: string; format: string; diagnostics: Array<{ rule: string; severity: string; message: string }> }> };
  const byFile = new Map(report.files.map((f) => [f.path.slice(join(shared, 'corpus').length + 1), f]));
  const problems: string[] = [];
  for (const entry of corpusManifest(shared)) {
    const file = byFile.get(entry.file);
    const errors = file?.diagnostics.filter((d) => d.severity === 'error') ?? [];
    if (entry.status === 'known-good' && errors.length > 0) problems.push(`${entry.file}: ${errors.map((e) => `${e.rule}: ${e.message}`).join(' | ')}`);
    const parseErrors = file?.diagnostics.filter((d) => d.rule === 'parse-error') ?? [];
    const parsesUpstream = !/parse error|fails/i.test(String((entry as { parse_check?: string }).parse_check ?? ''));
    if (parsesUpstream && parseErrors.length > 0) problems.push(`${entry.file}: parse error on a file that parses upstream: ${parseErrors[0].message}`);
  }
  assert.deepEqual(problems, []);
});

test('--fix on a copy of the corpus never adds a finding of a rule the file did not have, and a second run has nothing left to fix', (t) => {
  const shared = sharedDir();
  if (!shared) return t.skip(NO_SHARED);
  const copy = join(mkdtempSync(join(tmpdir(), 'trainlint-corpus-fix-')), 'corpus');
  cpSync(join(shared, 'corpus'), copy, { recursive: true });
  chmodTree(copy);
  const rulesByFile = () => {
    const run = spawnSync(process.execPath, [CLI(), 'check', copy, '--gpus', '8', '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const report = JSON.parse(run.stdout) as { files: Array<{ path: string; diagnostics: Array<{ rule: string }> }> };
    return new Map(report.files.map((f) => [f.path, new Set(f.diagnostics.map((d) => d.rule))]));
  };
  const before = rulesByFile();
  const fixed = spawnSync(process.execPath, [CLI(), 'check', copy, '--gpus', '8', '--fix'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.match(fixed.stderr, /applied \d+ safe fix/, 'some safe fixes apply to the corpus');
  const added: string[] = [];
  for (const [path, rules] of rulesByFile()) {
    for (const rule of rules) if (!before.get(path)?.has(rule)) added.push(`${path.slice(copy.length + 1)}: ${rule}`);
  }
  assert.deepEqual(added, []);
  const again = spawnSync(process.execPath, [CLI(), 'check', copy, '--gpus', '8', '--fix'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.doesNotMatch(again.stderr, /applied/);
});

/** The shared corpus is read-only; its copy must be writable for --fix. */
function chmodTree(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) chmodTree(path);
    else chmodSync(path, 0o644);
  }
}

test('every corpus file resolves to its manifest format (files of no format of ours stay unknown)', (t) => {
  const shared = sharedDir();
  if (!shared) return t.skip(NO_SHARED);
  for (const entry of corpusManifest(shared)) {
    // "other" holds an application config with nested TrainingArguments and an OpenRLHF Ray launcher.
    const expected = entry.file === 'other/ai-responder-config-fp16-and-bf16.yaml' ? 'hf-trainer' : entry.format === 'other' ? 'unknown' : entry.format.replace(/^megatron-(sh|yaml)$/, 'megatron');
    const outcome = runCheck({ paths: [join(shared, 'corpus', entry.file)], flags: {}, fix: false, failOn: 'error', shellParser });
    assert.equal(outcome.files[0]?.analysis.format ?? 'unknown', expected, entry.file);
  }
});

for (const [file, expected] of Object.entries(KNOWN_BAD)) {
  test(`known-bad ${file} is caught with ${expected.rule}`, async (t) => {
    const shared = sharedDir();
    if (!shared) return t.skip(NO_SHARED);
    const entry = corpusManifest(shared).find((e) => e.file === file);
    assert.ok(entry, `${file} is in the manifest`);
    assert.equal(entry.status, 'known-bad');
    const gpus = worldSize(entry as { world_size?: unknown });
    const flags = expected.flags ?? (gpus ? { cluster: { worldSize: gpus } } : {});
    const outcome = runCheck({ paths: [join(shared, 'corpus', file)], flags, fix: false, failOn: 'error', shellParser });
    const rules = outcome.files.flatMap((f) => f.analysis.diagnostics.map((d) => d.rule));
    assert.ok(rules.includes(expected.rule), `${file} gives ${JSON.stringify(rules)}`);
  });
}

test('every known-bad file of the manifest has an expectation here', (t) => {
  const shared = sharedDir();
  if (!shared) return t.skip(NO_SHARED);
  const bad = corpusManifest(shared).filter((e) => e.status === 'known-bad').map((e) => e.file).sort();
  assert.deepEqual(bad, Object.keys(KNOWN_BAD).sort());
});
