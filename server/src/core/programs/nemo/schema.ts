import type { SchemaNode } from '../../schema/schema-walk';
import nemo from '../../../../../schemas/nemo.schema.json';
import { getChild, type ConfigTree } from '../../syntax/config-tree';

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

export const schemas = [nemoGpt, nemoOtherModel];

/** MegatronGPTModel's schema for a GPT model section, an open model section otherwise. */
export function schema(tree: ConfigTree | undefined): SchemaNode {
  const model = getChild(tree?.documents[0]?.root, 'model');
  return getChild(model, 'encoder_seq_length') || getChild(model, 'mcore_gpt') ? nemoGpt : nemoOtherModel;
}
