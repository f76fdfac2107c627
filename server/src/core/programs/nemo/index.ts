import type { Program } from '../program';
import { recognition } from './recognition';
import { addKeys, fixOf } from '../../rules/research/common';
import { nemoFacts } from './schedule';
import { worldOf } from './world';
import { precision } from './precision';
import { batchFacts } from './batch';
import { schema, schemas } from './schema';
import { nemoLookup, planFromMegatronArgs, withRoot } from '../megatron/plan';

export const nemo: Program = {
  id: 'nemo',
  displayName: 'NeMo',
  fileLabel: 'NeMo config',
  pretraining: true,
  recognition,
  loader: {
    loader: 'omegaconf',
    source: 'NVIDIA/NeMo nemo/core/config/hydra_runner.py (Hydra composes the config with OmegaConf)',
    effect: 'OmegaConf reads 1e-4 as a float',
  },
  consumer: () => 'unknown',
  schema,
  schemas,
  batchFacts,
  plan: (root) => planFromMegatronArgs('nemo', withRoot(nemoLookup(root), root)),
  precision,
  worldOf,
  arguments: { openSection: 'model', resolvedAtRunTime: true },
  schedule: {
    facts: (_tree, root) => nemoFacts(root),
    length: 'iterations',
    warmupInSteps: true,
    addWarmup: (ctx, facts, steps) => (steps !== undefined ? fixOf(`Add warmup_steps: ${steps} to model.optim.sched`, addKeys(ctx, facts.warmup.insertInto, [['warmup_steps', steps]])) : undefined),
  },
};
