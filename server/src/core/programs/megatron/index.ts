import type { Program } from '../program';
import { recognition } from './recognition';
import { links } from './links';
import { precision } from './precision';
import { batchFacts } from './batch';
import { schema } from './schema';
import { flatLookup, planFromMegatronArgs, withRoot } from './plan';

export const megatron: Program = {
  id: 'megatron',
  pretraining: true,
  displayName: 'Megatron-LM',
  fileLabel: 'Megatron-LM arguments',
  recognition,
  loader: {
    loader: 'pyyaml',
    source: 'NVIDIA/Megatron-LM megatron/training/yaml_arguments.py load_yaml (yaml.safe_load)',
    floatAsString: 'error',
    effect: 'no conversion: `min_lr <= lr` raises TypeError',
  },
  consumer: () => 'megatron',
  schema,
  batchFacts,
  plan: (root) => planFromMegatronArgs('megatron', withRoot(flatLookup(root), root)),
  precision,
  links,
};
