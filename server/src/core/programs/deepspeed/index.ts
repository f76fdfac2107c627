import type { Program } from '../program';
import type { SchemaNode } from '../../schema/schema-walk';
import schema from '../../../../../schemas/deepspeed.schema.json';
import { hasTrainerAuto } from '../hf-trainer/trainer-fill';
import { recognition } from './recognition';
import { deepspeedFacts } from './schedule';
import { optimizer } from './optimizer';
import { layoutWriter } from './layout-writer';
import { elasticCheck } from './elastic';
import { precision } from './precision';
import { batchFacts } from './batch';
import { planFromDeepSpeed } from './plan';

export const deepspeed: Program = {
  id: 'deepspeed',
  displayName: 'DeepSpeed',
  fileLabel: 'DeepSpeed config',
  statesSharding: true,
  filledByTrainer: true,
  accumulationWithGlobal: true,
  recognition,
  // DeepSpeed reads JSON with hjson; it has no YAML config.
  loader: { loader: 'none', source: 'deepspeedai/DeepSpeed deepspeed/runtime/config.py (hjson.load)', effect: 'no YAML' },
  // "auto" values are the HF Trainer's (or accelerate's) to fill: such a file is handed over by it.
  consumer: (root) => (hasTrainerAuto(root) ? 'hf-trainer' : 'unknown'),
  schema: () => schema as unknown as SchemaNode,
  batchFacts,
  plan: planFromDeepSpeed,
  precision,
  versions: { key: (tokens) => (tokens.length >= 2 ? { frameworks: ['deepspeed'], key: tokens.join('.') } : undefined), sectionsValidatedBy: 'deepspeed' },
  elasticBatch: { by: 'config', check: elasticCheck },
  optimizer,
  layoutWriter,
  schedule: { facts: (_tree, root) => deepspeedFacts(root), warmupInSteps: true },
};
