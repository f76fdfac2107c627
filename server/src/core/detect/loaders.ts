import type { Severity } from '../diagnostic';
import type { Format } from './formats';

/**
 * How each program loads its YAML: the one table that says whether `2e-5` is a float (OmegaConf, YAML 1.2-style
 * resolvers) or the string "2e-5" (PyYAML, YAML 1.1), and what a string-typed number costs there.
 * `floatAsString` is the severity of yaml-float-as-string; absent where the loader reads such numbers as floats
 * or the program converts them.
 */
export interface YamlLoader {
  loader: 'pyyaml' | 'omegaconf' | 'none';
  /** The upstream call, by file. */
  source: string;
  floatAsString?: Severity;
  /** What happens to a string where a float belongs. */
  effect: string;
}

export const YAML_LOADERS: Record<Format, YamlLoader> = {
  // DeepSpeed reads JSON with hjson; it has no YAML config.
  deepspeed: { loader: 'none', source: 'deepspeedai/DeepSpeed deepspeed/runtime/config.py (hjson.load)', effect: 'no YAML' },
  'hf-trainer': {
    loader: 'pyyaml',
    source: 'huggingface/transformers src/transformers/hf_argparser.py parse_yaml_file (yaml.safe_load); huggingface/trl trl/scripts/utils.py TrlParser.parse_args_and_config (yaml.safe_load, then argparse defaults)',
    floatAsString: 'warning',
    effect: 'parse_yaml_file keeps the string (the optimizer fails later); TrlParser sets it as an argparse default, which argparse converts',
  },
  accelerate: {
    loader: 'pyyaml',
    source: 'huggingface/accelerate src/accelerate/commands/config/config_args.py load_config_from_file (yaml.safe_load)',
    floatAsString: 'warning',
    effect: 'the dataclass keeps the string',
  },
  megatron: {
    loader: 'pyyaml',
    source: 'NVIDIA/Megatron-LM megatron/training/yaml_arguments.py load_yaml (yaml.safe_load)',
    floatAsString: 'error',
    effect: 'no conversion: `min_lr <= lr` raises TypeError',
  },
  neox: {
    loader: 'pyyaml',
    source: 'EleutherAI/gpt-neox megatron/neox_arguments/arguments.py NeoXArgs.from_ymls (yaml.load, Loader=yaml.FullLoader)',
    floatAsString: 'error',
    effect: 'validate_types rejects a string in a float field',
  },
  axolotl: {
    loader: 'pyyaml',
    source: 'axolotl-ai-cloud/axolotl src/axolotl/cli/config.py load_cfg (yaml.safe_load)',
    floatAsString: 'warning',
    effect: 'learning_rate is converted; other float fields are coerced by pydantic, int fields reject "1e3"',
  },
  nemo: {
    loader: 'omegaconf',
    source: 'NVIDIA/NeMo nemo/core/config/hydra_runner.py (Hydra composes the config with OmegaConf)',
    effect: 'OmegaConf reads 1e-4 as a float',
  },
  llamafactory: {
    loader: 'omegaconf',
    source: 'hiyouga/LLaMA-Factory src/llamafactory/hparams/parser.py read_args (OmegaConf.load)',
    effect: 'OmegaConf reads 1e-4 as a float',
  },
  unknown: { loader: 'none', source: '', effect: 'not checked' },
};
