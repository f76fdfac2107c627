import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inScope, outcome, pinnedIn, questionFor, resolveVersion, satisfies, severityAgrees, type OracleFinding } from '../../bench/wild/oracle/questions';

// bench/wild/oracle's pure part: findings (authored here, shaped as TrainLint words them) to claims about the program.

function finding(over: Partial<OracleFinding>): OracleFinding {
  return { repo: 'o/r', commit: '0123456789abcdef', path: 'c.yaml', line: 1, column: 1, rule: 'unknown-key', severity: 'info', message: '', format: 'hf-trainer', ...over };
}

test('pins are read from the message, ranges included', () => {
  assert.equal(pinnedIn('"warmup_ratio" is deprecated. The pinned transformers 5.4.0 (../uv.lock:12) still takes it.', 'transformers'), '5.4.0');
  assert.equal(pinnedIn('at the pinned transformers >=4.32.0,<4.38.0 (../requirements.txt:1) renaming would change', 'transformers'), '>=4.32.0,<4.38.0');
  assert.equal(pinnedIn('is not in the pinned transformers 4.37.2 (a:1), TRL 0.21.0 (b:2): it', 'trl'), '0.21.0');
  assert.equal(pinnedIn('"x" is deprecated.', 'transformers'), undefined);
});

test('a version wanted resolves against the releases PyPI lists', () => {
  const releases = ['5.25.0', '5.4.0', '4.57.6', '4.38.0', '4.37.2', '4.34.0', '4.34.1', '5.0.0rc1'];
  assert.equal(resolveVersion({ latest: true }, releases), '5.25.0');
  assert.equal(resolveVersion({ latestOf: 4 }, releases), '4.57.6');
  assert.equal(resolveVersion({ pinned: '>=4.32.0,<4.38.0' }, releases), '4.37.2');
  assert.equal(resolveVersion({ pinned: '4.34' }, releases), '4.34.0');
  assert.equal(resolveVersion({ exact: '0.19.1' }, releases), undefined);
  assert.ok(satisfies('0.20.3', '~=0.20.0') && !satisfies('0.21.0', '~=0.20.0'));
});

test('a grouped note on keys no upstream class has becomes one rejection claim per key, against TrainingArguments and TRL', () => {
  const q = questionFor(finding({ message: '2 keys are not TrainingArguments or TRL fields (dataset_mixer, dataset_splits): the program that reads this file must define them in its own argument dataclasses, or HfArgumentParser rejects them at start-up.' }));
  assert.deepEqual(
    q.claims.map((c) => [c.key, c.expect, c.kind, c.framework]),
    [
      ['dataset_mixer', 'rejects', 'hf-file', 'trl'],
      ['dataset_splits', 'rejects', 'hf-file', 'trl'],
    ],
  );
});

test('a deprecation removed in v5 is a rejection at the latest, taken by the latest 4.x and at the pin', () => {
  const q = questionFor(
    finding({
      path: 'run.sh',
      rule: 'deprecated-key',
      message: '"overwrite_output_dir" is deprecated. It was removed in transformers v5; newer versions reject it. Upstream: "Removed". The pinned transformers 4.31.0 (../../requirements.txt:11) still takes it.',
    }),
  );
  assert.deepEqual(
    q.claims.map((c) => [c.kind, JSON.stringify(c.version), c.expect, c.inUse]),
    [
      ['hf-args', '{"latest":true}', 'rejects', false],
      ['hf-args', '{"latestOf":4}', 'accepts', false],
      ['hf-args', '{"pinned":"4.31.0"}', 'accepts', true],
    ],
  );
});

test('a deprecation that names the removal and the last release read asks both: the latest rejects, that release takes it, whatever the severity', () => {
  const q = questionFor(
    finding({
      path: 'train.yaml',
      severity: 'info',
      rule: 'deprecated-key',
      message: '"evaluation_strategy" is deprecated; use "eval_strategy". It was removed in transformers v4.51 (last read in 4.50); newer versions reject it. Upstream: "Removed". Which transformers/TRL release runs this file is not known (pin it); releases before the removal take the old name.',
    }),
  );
  assert.deepEqual(
    q.claims.map((c) => [JSON.stringify(c.version), c.expect, c.inUse]),
    [
      ['{"latest":true}', 'rejects', true],
      ['{"exact":"4.50"}', 'accepts', false],
    ],
  );
});

test("keys the program's own classes decide are not asked; other formats are out of scope", () => {
  const q = questionFor(finding({ path: 'train.sh', severity: 'error', message: 'Unknown flag "max_token_length": ArgumentParserPlus over (GRPOExperimentConfig, TokenizerConfig) in open_instruct/grpo_fast.py rejects it; it stops at start-up with a ValueError about unused arguments.' }));
  assert.equal(q.claims.length, 0);
  assert.match(q.skipped ?? '', /own argument classes/);
  assert.equal(inScope(finding({ format: 'megatron' })), false);
});

test('DeepSpeed and accelerate keys are dotted under their section; a versioned rejection is asked at the latest', () => {
  const ds = questionFor(finding({ format: 'deepspeed', path: 'ds.json', severity: 'warning', message: 'Unknown key "fp16_opt_level" in fp16: DeepSpeed 0.17.1 and later (not in 0.17.0) rejects it at start-up; older releases ignore it, so the default is used.' }));
  assert.deepEqual(ds.claims.map((c) => [c.key, c.expect, JSON.stringify(c.version), c.inUse]), [['fp16.fp16_opt_level', 'rejects', '{"latest":true}', false]]);
  const acc = questionFor(finding({ format: 'accelerate', severity: 'warning', message: 'Unknown key "fsdp_limit_all_gathers" in fsdp_config: accelerate ignores it silently, so the default is used.' }));
  assert.deepEqual(acc.claims.map((c) => [c.key, c.expect]), [['fsdp_config.fsdp_limit_all_gathers', 'accepts']]);
});

test('answers decide keys by the fields the parser compares with, values by the error naming them', () => {
  const [keyClaim] = questionFor(finding({ message: '1 key is not TrainingArguments or TRL fields (foo): the program must define it' })).claims;
  assert.equal(outcome(keyClaim, { accepted: false, known: { foo: [] } }), 'rejects');
  assert.equal(outcome(keyClaim, { accepted: false, known: { foo: ['SFTConfig'] } }), 'accepts');
  assert.equal(outcome(keyClaim, { accepted: null, oracle_failed: true }), 'undecided');
  const [valueClaim] = questionFor(finding({ format: 'accelerate', rule: 'invalid-value', severity: 'error', message: 'distributed_type must be one of "NO", "MULTI_GPU" (got false); accelerate stops at start-up on this value.' })).claims;
  assert.equal(outcome(valueClaim, { accepted: true }), 'accepts');
  assert.equal(outcome(valueClaim, { accepted: false, error: { type: 'ValueError', message: "False is not a valid DistributedType (distributed_type)" } }), 'rejects');
  assert.equal(severityAgrees(finding({ format: 'accelerate', severity: 'error' }), valueClaim, 'accepts'), 'disagree');
  assert.equal(severityAgrees(finding({ severity: 'info' }), keyClaim, 'rejects'), 'capped');
});
