import { findModel, modelNamedWithin } from './find-model';
import { BASE_RULES } from './fine-tune-bases';
import type { CatalogModel } from './model-architectures';

export interface ResolvedModel {
  entry: CatalogModel;
  /** The rules that led from the name given to the catalog id, in order; empty when the catalog lists the name. */
  via: string[];
}

// A local checkpoint path rather than a Hugging Face id: absolute, relative, home-based, or more than org/name.
const LOCAL_PATH = /^(?:\/|\.{1,2}[\\/]|~|[A-Za-z]:[\\/])|[\\/].*[\\/]/;

/** Whether a model name is a path on some machine (a checkpoint folder) rather than a Hugging Face id. */
export function isLocalPath(name: string): boolean {
  return LOCAL_PATH.test(name.trim());
}

function lookUp(name: string): ResolvedModel | undefined {
  const entry = findModel(name);
  if (entry) return { entry, via: [] };
  // The Transformers conversions of Meta's checkpoints carry -hf (Llama-2-7b-hf); a name without it means the same model.
  const converted = findModel(`${name}-hf`);
  return converted ? { entry: converted, via: ['the -hf suffix names the Transformers conversion'] } : undefined;
}

/**
 * The catalog entry for a model name, directly or through its base (fine-tune-bases.ts): a fine-tune, a re-upload,
 * a quantized copy, a local folder named after a catalog model. A folder name that matches several entries, or none,
 * resolves to nothing rather than to a guess.
 */
export function resolveModel(name: string): ResolvedModel | undefined {
  const direct = lookUp(name);
  if (direct) return direct;
  const via: string[] = [];
  let current = name.trim().replace(/[\\/]+$/, '');
  let folder: string | undefined;
  if (isLocalPath(current)) {
    const parts = current.split(/[\\/]/);
    // A Trainer or DeepSpeed checkpoint folder (checkpoint-3000, global_step500) is named by the run that holds it.
    const step = parts.length > 1 && /^(?:checkpoint|global_step|step|epoch)[-_]?\d+$/i.test(parts[parts.length - 1]);
    current = parts[parts.length - (step ? 2 : 1)] ?? '';
    folder = current;
    via.push(step ? `a checkpoint of a run in a local folder named ${current}` : `a local folder named ${current}`);
  }
  // Each rule shortens or renames the name, so a handful of steps reaches the base or nothing.
  for (let step = 0; step < 8 && current !== ''; step++) {
    const found = lookUp(current);
    if (found) return { entry: found.entry, via: [...via, ...found.via] };
    // A derivative another organisation publishes keeps its base's name once the rules strip what it added
    // (open-r1/Qwen2.5-Math-7B-RoPE-300k): the bare name is looked up, only after a rule applied.
    const bare = current.slice(current.indexOf('/') + 1);
    const byBare = via.length > 0 && bare !== current ? lookUp(bare) : undefined;
    if (byBare) return { entry: byBare.entry, via: [...via, `${current} is named after ${byBare.entry.id}`, ...byBare.via] };
    const next = BASE_RULES.map((r) => ({ rule: r.rule, name: r.rewrite(current) })).find((r) => r.name !== undefined && r.name !== current);
    if (!next) {
      const within = folder !== undefined ? modelNamedWithin(folder) : undefined;
      return within ? { entry: within.model, via: [...via, `the folder name contains ${within.named}, the only catalog model it names`] } : undefined;
    }
    via.push(next.rule);
    current = next.name!;
  }
  return undefined;
}
