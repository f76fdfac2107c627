import type { Program } from '../program';
import type { SchemaNode } from '../../schema/schema-walk';
import schema from '../../../../../schemas/accelerate.schema.json';
import { recognition } from './recognition';
import { launchOption } from './launch-option';
import { links } from './links';
import { planFromAccelerate } from './plan';

export const accelerate: Program = {
  id: 'accelerate',
  displayName: 'accelerate',
  fileLabel: 'accelerate config',
  configuresLauncher: true,
  recognition,
  loader: {
    loader: 'pyyaml',
    source: 'huggingface/accelerate src/accelerate/commands/config/config_args.py load_config_from_file (yaml.safe_load)',
    floatAsString: 'warning',
    effect: 'the dataclass keeps the string',
  },
  consumer: () => 'accelerate',
  schema: () => schema as unknown as SchemaNode,
  // Alone an accelerate config says nothing about the model or the batch: it adds to the training it launches.
  linkedPlan: planFromAccelerate,
  links,
  versions: { key: (tokens) => (tokens.length === 1 ? { frameworks: ['accelerate'], key: tokens[0] } : undefined) },
  arguments: { launchOption },
  // accelerate/commands/launch.py: --config_file (alias --config-file, normalised by the launch scanner).
  commandLine: { launcherConfig: { launcher: 'accelerate', option: 'config_file' } },
};
