import type { Program } from '../program';
import type { SchemaNode } from '../../schema/schema-walk';
import schema from '../../../../../schemas/axolotl.schema.json';
import { recognition } from './recognition';
import { addKeys, fixOf } from '../../rules/research/common';
import { trainerFacts } from '../hf-trainer/schedule';
import { packingProblem } from './packing';
import { trainerLinks } from '../hf-trainer/links';
import { precision } from '../hf-trainer/precision';
import { batchFacts } from './batch';
import { planFromTrainerArgs } from '../hf-trainer/plan';
import { axolotlAdapter } from './adapter';

export const axolotl: Program = {
  id: 'axolotl',
  displayName: 'axolotl',
  fileLabel: 'axolotl config',
  runsHfTrainer: true,
  recognition,
  loader: {
    loader: 'pyyaml',
    source: 'axolotl-ai-cloud/axolotl src/axolotl/cli/config.py load_cfg (yaml.safe_load)',
    floatAsString: 'warning',
    effect: 'learning_rate is converted; other float fields are coerced by pydantic, int fields reject "1e3"',
    // axolotl calls float() on it.
    converted: ['learning_rate'],
    // AxolotlInputConfig (and each plugin's args model) validates the whole config: lax mode coerces numeric strings.
    pydantic: true,
  },
  consumer: () => 'unknown',
  schema: () => schema as unknown as SchemaNode,
  batchFacts,
  plan: (root) => planFromTrainerArgs('axolotl', root, axolotlAdapter),
  precision,
  links: trainerLinks(['base_model']),
  packingProblem,
  arguments: { nullIsUnset: true, pluginsKey: 'plugins' },
  schedule: {
    facts: (_tree, root) => trainerFacts('axolotl', root),
    length: 'iterations',
    warmupInSteps: true,
    addWarmup: (ctx, facts, _steps, fraction) => fixOf(`Add warmup_ratio: ${fraction}`, addKeys(ctx, facts.root, [['warmup_ratio', fraction]])),
  },
  // src/axolotl/cli/main.py (`axolotl train`) and the module it runs.
  commandLine: { tools: ['axolotl'], trainModules: ['axolotl.cli.train'] },
};
