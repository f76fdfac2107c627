import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCheck } from '../../server/src/cli/check';
import type { Settings } from '../../server/src/core/index';
import type { ShellParser } from '../../server/src/core/shell/syntax';
import { loadShellParser } from '../../server/src/node/shell-parser';
import { corpusManifest, NO_SHARED, sharedDir } from '../helpers';

let shellParser: ShellParser | undefined;
before(async () => {
  shellParser = await loadShellParser();
});

/**
 * Every research finding on a known-good corpus file, with why it is still right. A finding not listed here (or an
 * error from a research rule anywhere) fails the test: either the rule is wrong, or the list needs its justification.
 */
const KNOWN_GOOD_FINDINGS: Record<string, { rule: string; severity: string; why: string }[]> = {
  // BLOOM 176B: PP 12, micro-batch 2, --checkpoint-activations. Hagemann et al. find micro-batch 1 usually best; the
  // estimator halves the bubble at the same global batch. Advice (info), not a defect: BLOOM's team chose 2.
  'megatron-sh/bloom-tr11-176B-ml-24nodes.slurm': [{ rule: 'pipeline-micro-batch', severity: 'info', why: 'PP 12, micro-batch 2, full recomputation' }],
  'megatron-sh/bloom-tr11-176B-ml-48nodes.slurm': [{ rule: 'pipeline-micro-batch', severity: 'info', why: 'PP 12, micro-batch 2, full recomputation' }],
  // GPT-NeoX-20B: pipe_parallel_size 4, train_micro_batch_size_per_gpu 4, checkpoint_activations true: same advice.
  'neox/neox-20B.yml': [{ rule: 'pipeline-micro-batch', severity: 'info', why: 'PP 4, micro-batch 4, full recomputation' }],
};

/** With a GPU named, files that train in fp32 on it are told so (info). */
const WITH_GPU: Record<string, { rule: string; severity: string; why: string }[]> = {
  ...KNOWN_GOOD_FINDINGS,
  // LLaMA-Factory's v1 Ulysses test config writes bf16: false (a 10-step functional test): true on an A100.
  'llamafactory/llamafactory-v1-ulysses-cp.yaml': [{ rule: 'fp32-training', severity: 'info', why: 'bf16: false on a bf16-capable GPU' }],
};

function researchFindings(shared: string, flags: Settings) {
  const outcome = runCheck({ paths: [join(shared, 'corpus')], flags, fix: false, failOn: 'error', shellParser });
  const prefix = join(shared, 'corpus') + '/';
  return outcome.files.flatMap((f) => f.analysis.diagnostics.filter((d) => d.code.startsWith('TL6')).map((d) => ({ file: f.path.startsWith(prefix) ? f.path.slice(prefix.length) : f.path, rule: d.rule, severity: d.severity, message: d.message })));
}

for (const [label, flags, expected] of [
  ['no flags', {}, KNOWN_GOOD_FINDINGS],
  ['8 x A100 80GB', { cluster: { worldSize: 8, gpu: 'a100-80gb' } }, WITH_GPU],
] as const) {
  test(`corpus (${label}): research rules raise no error, and on known-good files only the justified findings`, (t) => {
    const shared = sharedDir();
    if (!shared) return t.skip(NO_SHARED);
    const status = new Map(corpusManifest(shared).map((e) => [e.file, e.status]));
    const findings = researchFindings(shared, flags as Settings);
    assert.deepEqual(findings.filter((f) => f.severity === 'error'), [], 'no research rule reports an error');
    const onGood = findings.filter((f) => status.get(f.file) === 'known-good');
    const got = onGood.map((f) => `${f.file} ${f.rule} ${f.severity}`).sort();
    const want = Object.entries(expected).flatMap(([file, list]) => list.map((e) => `${file} ${e.rule} ${e.severity}`)).sort();
    assert.deepEqual(got, want, JSON.stringify(onGood, null, 1));
  });
}
