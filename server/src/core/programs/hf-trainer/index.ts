import type { Program } from '../program';
import type { SchemaNode } from '../../schema/schema-walk';
import schema from '../../../../../schemas/hf-training-args.schema.json';
import { recognition } from './recognition';
import { commandLine } from './command-line';
import { addWarmupSteps, trainerFacts } from './schedule';
import { optimizer } from './optimizer';
import { elasticCheck } from './elastic';
import { packingProblem } from './packing';
import { versions } from './versions';
import { launchedDeepSpeedContext, trainerLinks } from './links';
import { precision } from './precision';
import { batchFacts } from './batch';
import { planFromTrainerArgs } from './plan';
import { trainerAdapter } from './adapter';

export const hfTrainer: Program = {
  id: 'hf-trainer',
  displayName: 'HF Trainer',
  fileLabel: 'TrainingArguments',
  parser: 'HfArgumentParser/TrlParser',
  runsHfTrainer: true,
  recognition,
  loader: {
    loader: 'pyyaml',
    source: 'huggingface/transformers src/transformers/hf_argparser.py parse_yaml_file (yaml.safe_load); huggingface/trl trl/scripts/utils.py TrlParser.parse_args_and_config (yaml.safe_load, then argparse defaults)',
    floatAsString: 'warning',
    effect: 'parse_yaml_file keeps the string (the optimizer fails later); TrlParser sets it as an argparse default, which argparse converts',
  },
  consumer: () => 'hf-trainer',
  schema: () => schema as unknown as SchemaNode,
  batchFacts,
  plan: (root) => planFromTrainerArgs('hf-trainer', root, trainerAdapter),
  precision,
  links: trainerLinks(['model_name_or_path']),
  versions,
  packingProblem,
  elasticBatch: { by: 'launch', check: elasticCheck },
  arguments: { ownArguments: true },
  optimizer,
  launchedDeepSpeedContext,
  // The Trainer the script starts reads the DeepSpeed config it writes (--deepspeed ds.json).
  heredocDeepSpeed: () => ({ consumer: 'hf-trainer' }),
  schedule: {
    facts: (_tree, root) => trainerFacts('hf-trainer', root),
    length: 'iterations',
    warmupInSteps: true,
    warmupStepsFraction: true,
    addWarmup: addWarmupSteps,
  },
  commandLine,
};
