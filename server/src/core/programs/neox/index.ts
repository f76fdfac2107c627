import type { Program } from '../program';
import { recognition } from './recognition';
import { addKeys, fixOf } from '../../rules/research/common';
import { neoxFacts } from './schedule';
import { precision } from './precision';
import { batchFacts } from './batch';
import { neoxWithDashes } from './schema';
import { neoxLookup, planFromMegatronArgs, withRoot } from '../megatron/plan';

export const neox: Program = {
  id: 'neox',
  displayName: 'GPT-NeoX',
  fileLabel: 'GPT-NeoX config',
  pretraining: true,
  accumulationWithGlobal: true,
  recognition,
  loader: {
    loader: 'pyyaml',
    source: 'EleutherAI/gpt-neox megatron/neox_arguments/arguments.py NeoXArgs.from_ymls (yaml.load, Loader=yaml.FullLoader)',
    floatAsString: 'error',
    effect: 'validate_types rejects a string in a float field',
  },
  consumer: () => 'unknown',
  schema: () => neoxWithDashes,
  batchFacts,
  plan: (root) => planFromMegatronArgs('neox', withRoot(neoxLookup(root), root)),
  precision,
  versions: { key: (tokens) => (tokens.length === 1 ? { frameworks: ['gpt-neox'], key: tokens[0].replace(/-/g, '_') } : undefined) },
  schedule: {
    facts: (_tree, root) => neoxFacts(root),
    length: 'iterations',
    addWarmup: (ctx, facts, _steps, fraction) => fixOf(`Add warmup: ${fraction}`, addKeys(ctx, facts.root, [['warmup', fraction]])),
  },
};
