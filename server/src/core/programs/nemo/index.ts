import type { Program } from '../program';
import { recognition } from './recognition';
import { worldOf } from './world';
import { precision } from './precision';
import { batchFacts } from './batch';
import { schema } from './schema';
import { nemoLookup, planFromMegatronArgs, withRoot } from '../megatron/plan';

export const nemo: Program = {
  id: 'nemo',
  pretraining: true,
  displayName: 'NeMo',
  fileLabel: 'NeMo config',
  recognition,
  loader: {
    loader: 'omegaconf',
    source: 'NVIDIA/NeMo nemo/core/config/hydra_runner.py (Hydra composes the config with OmegaConf)',
    effect: 'OmegaConf reads 1e-4 as a float',
  },
  consumer: () => 'unknown',
  schema,
  batchFacts,
  plan: (root) => planFromMegatronArgs('nemo', withRoot(nemoLookup(root), root)),
  precision,
  worldOf,
};
