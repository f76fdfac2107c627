import type { Program } from '../program';
import { recognition } from './recognition';
import { commandLine } from './command-line';
import { addKeys, fixOf } from '../../rules/research/common';
import { megatronFacts } from './schedule';
import { heredocDeepSpeed } from './heredoc';
import { megatronForkArguments } from './fork';
import { elasticCheck } from './elastic';
import { links } from './links';
import { precision } from './precision';
import { batchFacts } from './batch';
import { optimizer } from './optimizer';
import { layoutWriter } from './layout-writer';
import { schema, schemas } from './schema';
import { flatLookup, planFromMegatronArgs, withRoot } from './plan';
import { MODELOPT_FLAGS } from './modelopt';

export const megatron: Program = {
  id: 'megatron',
  displayName: 'Megatron-LM',
  fileLabel: 'Megatron-LM arguments',
  pretraining: true,
  recognition,
  loader: {
    loader: 'pyyaml',
    source: 'NVIDIA/Megatron-LM megatron/training/yaml_arguments.py load_yaml (yaml.safe_load)',
    floatAsString: 'error',
    effect: 'no conversion: `min_lr <= lr` raises TypeError',
  },
  consumer: () => 'megatron',
  schema,
  schemas,
  batchFacts,
  optimizer,
  layoutWriter,
  plan: (root) => planFromMegatronArgs('megatron', withRoot(flatLookup(root), root)),
  precision,
  links,
  elasticBatch: { by: 'launch', check: elasticCheck },
  arguments: { extensibleFlags: true, forkArguments: megatronForkArguments, optionalFlags: MODELOPT_FLAGS },
  heredocDeepSpeed,
  schedule: {
    facts: megatronFacts,
    length: 'horizon',
    // A launch script's flags are not edited: only a --yaml-cfg file gets the key.
    addWarmup: (ctx, facts, _steps, fraction) => (ctx.tree.language === 'yaml' ? fixOf(`Add lr_warmup_fraction: ${fraction}`, addKeys(ctx, facts.root, [['lr_warmup_fraction', fraction]])) : undefined),
  },
  commandLine,
};
