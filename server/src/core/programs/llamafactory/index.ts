import type { Program } from '../program';
import { recognition } from './recognition';
import { llamafactoryWorld } from './world';
import { addWarmupSteps, trainerFacts } from '../hf-trainer/schedule';
import { packingProblem } from './packing';
import { trainerLinks } from '../hf-trainer/links';
import { precision } from '../hf-trainer/precision';
import { batchFacts } from './batch';
import { schema } from './schema';
import { planFromTrainerArgs } from '../hf-trainer/plan';
import { llamafactoryAdapter } from './adapter';
import { LLAMAFACTORY_SHIPPED } from './shipped';

export const llamafactory: Program = {
  id: 'llamafactory',
  displayName: 'LLaMA-Factory',
  fileLabel: 'LLaMA-Factory config',
  runsHfTrainer: true,
  recognition,
  loader: {
    loader: 'omegaconf',
    source: 'hiyouga/LLaMA-Factory src/llamafactory/hparams/parser.py read_args (OmegaConf.load)',
    effect: 'OmegaConf reads 1e-4 as a float',
  },
  consumer: () => 'unknown',
  schema,
  batchFacts,
  plan: (root) => planFromTrainerArgs('llamafactory', root, llamafactoryAdapter),
  precision,
  links: trainerLinks(['model_name_or_path', 'model']),
  shippedFiles: LLAMAFACTORY_SHIPPED,
  packingProblem,
  schedule: {
    facts: (_tree, root) => trainerFacts('llamafactory', root),
    length: 'iterations',
    warmupInSteps: true,
    warmupStepsFraction: true,
    addWarmup: addWarmupSteps,
  },
  // src/llamafactory/cli.py; `lmf` is its short name.
  commandLine: { tools: ['llamafactory-cli', 'lmf'], toolWorld: llamafactoryWorld },
};
