import { test } from 'node:test';
import assert from 'node:assert/strict';
import { criticalBatch, deepspeedElasticity, emaDecayFor, fixedGlobalOverWorlds, optimizerKind, paddingWaste, perDeviceOverWorlds, scalingAdvice, tokenOverheadVersusCritical, trainingLength } from '../../server/src/core/rules/research/index';

const near = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.abs(expected), `${what}: ${actual} vs ${expected}`);

test('scalingAdvice: linear for SGD, square root for Adam with Malladi et al.\'s betas and eps', () => {
  const sgd = scalingAdvice('sgd', 256, 1024, 0.1);
  assert.equal(sgd.rule, 'linear');
  assert.equal(sgd.lr, 0.4);
  assert.ok(sgd.caveats.some((c) => /warmup/.test(c)));
  // Above 8K samples the LARS caveat joins (You et al. 2017).
  assert.ok(scalingAdvice('sgd', 1024, 16384, 0.1).caveats.some((c) => /LARS/.test(c)));

  const adam = scalingAdvice('adamw_torch_fused', 32, 128, 2e-5, { beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  assert.equal(adam.rule, 'square-root');
  assert.equal(adam.lr, 4e-5);
  assert.deepEqual(adam.adam, { beta1: 0.6, beta2: 0.996, eps: 5e-9, valid: true });
  assert.ok(adam.caveats.some((c) => /first rises and then falls/.test(c)), 'the Surge caveat is always there');
  // kappa (1 - beta1) >= 1: the SDE rule leaves its regime.
  assert.equal(scalingAdvice('adam', 32, 512, 1e-4, { beta1: 0.9 }).adam?.valid, false);
  // Shrinking the batch works the same way.
  assert.equal(scalingAdvice('adam', 128, 32, 4e-5).lr, 2e-5);
});

test('scalingAdvice: none for Power/muP schedules and unknown optimizers, a warning for PPO-style training', () => {
  assert.equal(scalingAdvice('adamw', 256, 1024, 1e-3, { schedule: 'power' }).rule, 'none');
  assert.equal(scalingAdvice('adamw', 256, 1024, 1e-3, { schedule: 'mup' }).lr, undefined);
  assert.equal(scalingAdvice('muon', 256, 1024, 1e-3).rule, 'none');
  assert.equal(scalingAdvice('mystery', 256, 1024, 1e-3).rule, 'none');
  const ppo = scalingAdvice('adamw', 256, 1024, 1e-6, { algorithm: 'ppo' });
  assert.equal(ppo.rule, 'not-invariant');
  assert.equal(ppo.lr, undefined);
  assert.match(ppo.summary, /Hilton et al\./);
});

test('optimizerKind reads the names frameworks use', () => {
  const cases: Array<[string, string]> = [['adamw_torch_fused', 'adam'], ['paged_adamw_8bit', 'adam'], ['FusedAdam', 'adam'], ['mcore_distributed_optim', 'adam'], ['Lamb', 'lamb'], ['OneBitLamb', 'lamb'], ['sgd', 'sgd'], ['lion_8bit', 'lion'], ['adafactor', 'adafactor'], ['muon', 'muon'], ['rmsprop', 'adaptive'], ['LARS', 'lars']];
  for (const [name, kind] of cases) assert.equal(optimizerKind(name), kind, name);
});

test('emaDecayFor: rho^kappa (Busbridge et al. 2023)', () => {
  assert.equal(emaDecayFor(0.999, 256, 1024), 0.996006);
  assert.equal(emaDecayFor(0.9999, 1024, 256), 0.999975);
});

test('trainingLength: tokens per parameter and the over-training multiple, with no ratio called optimal', () => {
  // Gadre et al. 2024: a 1.4B model on 900B tokens is "32x over-trained".
  const t = trainingLength(900e9, 1.4e9);
  near(t.overTrainingMultiple, 32.1, 0.01, 'over-training multiple');
  near(t.tokensPerParameter, 642.9, 0.01, 'tokens per parameter');
  assert.match(t.text, /No single ratio is optimal/);
  assert.ok(t.references.some((r) => /MiniCPM/.test(r.label)));
});

test('criticalBatch: DeepSeek LLM 7B lands on its published batch (2304 x 4096) within the fit\'s spread', () => {
  // formulas.md Sec. 6: for 7B (30 layers, d 4096, 2T tokens) the fit gives about 2198 sequences of 4096.
  const cb = criticalBatch({ tokens: 2e12, nonEmbeddingParameters: 12 * 30 * 4096 * 4096, layers: 30, hiddenSize: 4096, seqLength: 4096 });
  near(cb.deepseekOptimalTokens / 4096, 2198, 0.01, 'DeepSeek B_opt in sequences');
  // Kaplan: B_crit = 2e6 x (C / PF-day)^0.24.
  near(cb.kaplanCriticalTokens, 2e6 * Math.pow((6 * 12 * 30 * 4096 * 4096 * 2e12) / 8.64e19, 0.24), 1e-9, 'Kaplan B_crit');
  assert.ok(cb.kaplanCriticalTokens > criticalBatch({ tokens: 2e11, nonEmbeddingParameters: 12 * 30 * 4096 * 4096 }).kaplanCriticalTokens, 'grows with the token budget');
  // McCandlish et al.: at B = B_crit the overhead is 1; at 3 B_crit it is 2x.
  assert.equal(tokenOverheadVersusCritical(1e6, 1e6), 1);
  assert.equal(tokenOverheadVersusCritical(3e6, 1e6), 2);
});

test('paddingWaste: expected longest of a batch from the length sample', () => {
  // Sorted [100, 100, 100, 1000], b = 2: E[max] = 100 x (3/4)^2 + 1000 x (1 - (3/4)^2) = 493.75; mean 325.
  const w = paddingWaste({ lengths: [1000, 100, 100, 100], batchSize: 2, padTo: 'longest' })!;
  near(w.slots, 987.5, 1e-9, 'slots');
  near(w.wasteShare, 1 - 325 / 493.75, 1e-9, 'waste share');
  // Padded to max_length: 1 - mean / max_length; lengths beyond it are truncated.
  near(paddingWaste({ lengths: [1000, 3000], batchSize: 4, padTo: 'max-length', maxLength: 2048 })!.wasteShare, 1 - 1524 / 2048, 1e-9, 'max-length waste');
  assert.equal(paddingWaste({ lengths: [512, 512, 512], batchSize: 8, padTo: 'longest' })!.wasteShare, 0);
  assert.equal(paddingWaste({ lengths: [], batchSize: 8, padTo: 'longest' }), undefined);
});

test('deepspeedElasticity reproduces DeepSpeed\'s own elasticity results', () => {
  // deepspeedai/DeepSpeed tests/unit/elasticity: max 10000, micro [8, 12, 16, 17], 32..1500 GPUs -> 9792 and 23 valid counts.
  const v01 = deepspeedElasticity({ maxTrainBatchSize: 10000, microBatchSizes: [8, 12, 16, 17], minGpus: 32, maxGpus: 1500, version: 0.1 })!;
  assert.equal(v01.finalBatch, 9792);
  assert.equal(v01.valid.length, 23);
  assert.equal(v01.at(33).refused, true);
  assert.equal(v01.at(34).globalBatch, 9792);
  // The example in DeepSpeed's docstring (max 2000, micro [2, 4, 6]): 1680.
  assert.equal(deepspeedElasticity({ maxTrainBatchSize: 2000, microBatchSizes: [2, 4, 6], version: 0.1 })!.finalBatch, 1680);
  // v0.2 off the valid list: a batch for the current size instead of a refusal.
  const v02 = deepspeedElasticity({ maxTrainBatchSize: 2000, microBatchSizes: [2, 4, 6], minGpus: 8, maxGpus: 64, numGpusPerNode: 8, version: 0.2 })!;
  const off = [8, 16, 24, 32, 40, 48, 56, 64].map((g) => v02.at(g)).find((o) => o.globalBatch !== v02.finalBatch);
  assert.ok(off && !off.refused && off.globalBatch !== undefined);
});

test('world-size ranges: a fixed global batch (Megatron) and a per-device batch (HF Trainer)', () => {
  const fixed = fixedGlobalOverWorlds([8, 16, 24, 32], 512, 2, 1);
  assert.deepEqual(fixed.map((r) => r.works), [true, true, false, true]);
  assert.equal(fixed[1].accumulation, 16);
  assert.deepEqual(fixedGlobalOverWorlds([12], 512, 1, 8)[0].works, false);
  assert.deepEqual(perDeviceOverWorlds([8, 16], 4, 4, 1).map((r) => r.globalBatch), [128, 256]);
});
