import { validatedAtPin } from '../../versions/key-facts';
import type { VersionFacts } from '../program';

export const versions: VersionFacts = {
  key: (tokens) => (tokens.length === 1 ? { frameworks: ['transformers', 'trl'], key: tokens[0] } : undefined),
  choicesBy: 'transformers',
  yamlRejection: (pins) => {
    // TrlParser reads YAML (--config); only a pinned TRL says it may be the reader, and then HfArgumentParser's rejection is not certain.
    const validated = validatedAtPin('trl', 'config-file', pins);
    if (validated?.status === 'no') return { maxSeverity: 'warning', consequence: `HfArgumentParser rejects it at start-up, but if TrlParser reads the file, the pinned ${validated.pin} drops it silently (TrlParser raises in ${validated.where})` };
    return undefined;
  },
};
