import type { Format } from '../detect/formats';
import type { SchemaNode } from './schema-walk';
import deepspeed from '../../../../schemas/deepspeed.schema.json';
import hfTrainingArgs from '../../../../schemas/hf-training-args.schema.json';
import accelerate from '../../../../schemas/accelerate.schema.json';
import megatronFlags from '../../../../schemas/megatron.schema.json';
import megatronDeepSpeedFlags from '../../../../schemas/megatron-deepspeed.schema.json';
import megatronYaml from '../../../../schemas/megatron-yaml.schema.json';
import axolotl from '../../../../schemas/axolotl.schema.json';
import llamafactory from '../../../../schemas/llamafactory.schema.json';
import neox from '../../../../schemas/neox.schema.json';
import nemo from '../../../../schemas/nemo.schema.json';
import { getChild } from '../syntax/config-tree';
import type { ConfigTree } from '../syntax/config-tree';
import { shellFactsOf } from '../shell/shell-config';

// Schemas are bundled as data so the core never reads files.
const SCHEMAS: Partial<Record<Format, SchemaNode>> = {
  deepspeed: deepspeed as unknown as SchemaNode,
  'hf-trainer': hfTrainingArgs as unknown as SchemaNode,
  accelerate: accelerate as unknown as SchemaNode,
};

// schemas/nemo.schema.json closes model.* with MegatronGPTModel's keys; other NeMo models (ASR, T5, ...) share only
// trainer.* and exp_manager.*, so their model section stays open.
const nemoGpt = nemo as unknown as SchemaNode;
// Only the Megatron NLP models narrow trainer.precision (torch_dtype_from_precision); the others take what Lightning takes
// (lightning/fabric/connector.py _PRECISION_INPUT: the -true, -mixed and transformer-engine spellings and 64/32/16).
const LIGHTNING_PRECISIONS = [64, 32, 16, '64', '32', '16', 'bf16', '64-true', '32-true', '16-true', 'bf16-true', '16-mixed', 'bf16-mixed', 'transformer-engine', 'transformer-engine-float16'];
const nemoTrainer = nemoGpt.properties!.trainer as SchemaNode;
const nemoOtherModel = {
  ...nemoGpt,
  properties: {
    ...nemoGpt.properties,
    trainer: { ...nemoTrainer, properties: { ...nemoTrainer.properties, precision: { ...nemoTrainer.properties!.precision, enum: LIGHTNING_PRECISIONS } } },
    model: { description: 'A NeMo model section other than MegatronGPTModel: not checked.' },
  },
} as SchemaNode;

// NeoXArgs.from_ymls replaces "-" by "_" in top-level keys, so `pipe-parallel-size` is `pipe_parallel_size`; the
// dashed spellings are marked x-spelling-of and left out of "did you mean" and completion (schema-walk.ts knownProperties).
const neoxSchema = neox as unknown as SchemaNode;
const neoxWithDashes = {
  ...neoxSchema,
  properties: {
    ...Object.fromEntries(Object.entries(neoxSchema.properties ?? {}).filter(([key]) => key.includes('_')).map(([key, sub]) => [key.replace(/_/g, '-'), { ...sub, 'x-spelling-of': key }])),
    ...neoxSchema.properties,
  },
} as SchemaNode;

/** Every schema schemaFor returns, for scripts/precompile-validators.mjs, which compiles their validators at build time. */
export const VALIDATED_SCHEMAS: SchemaNode[] = [
  ...Object.values(SCHEMAS),
  megatronFlags as unknown as SchemaNode,
  megatronDeepSpeedFlags as unknown as SchemaNode,
  megatronYaml as unknown as SchemaNode,
  nemoGpt,
  nemoOtherModel,
  axolotl as unknown as SchemaNode,
  neoxWithDashes,
  llamafactory as unknown as SchemaNode,
];

/** The schema of a format; Megatron's depends on how it is written (launch-script flags, Megatron-DeepSpeed's flags, --yaml-cfg). */
export function schemaFor(format: Format, tree?: ConfigTree): SchemaNode | undefined {
  if (format === 'megatron') {
    if (tree?.language === 'shell') return (shellFactsOf(tree)?.megatronDeepSpeed ? megatronDeepSpeedFlags : megatronFlags) as unknown as SchemaNode;
    return megatronYaml as unknown as SchemaNode;
  }
  if (format === 'nemo') {
    const model = getChild(tree?.documents[0]?.root, 'model');
    return getChild(model, 'encoder_seq_length') || getChild(model, 'mcore_gpt') ? nemoGpt : nemoOtherModel;
  }
  if (format === 'axolotl') return axolotl as unknown as SchemaNode;
  if (format === 'neox') return neoxWithDashes;
  if (format === 'llamafactory') {
    // LLaMA-Factory v1 (dist_config, model: {...}) has other keys; the schema covers the v0 argument dataclasses.
    const root = tree?.documents[0]?.root;
    if (getChild(root, 'dist_config') || getChild(root, 'model')?.kind === 'object' || getChild(root, 'cp_mode')) return undefined;
    return llamafactory as unknown as SchemaNode;
  }
  return SCHEMAS[format];
}
