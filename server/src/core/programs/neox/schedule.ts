import { getChild, type ConfigNode } from '../../syntax/config-tree';
import { flag, str } from '../../plan/anchors';
import { optimizerKind } from '../../facts/lr-scaling';
import { megatronDecayKind, setting, type ScheduleFacts } from '../../facts/schedule-facts';

export function neoxFacts(root: ConfigNode): ScheduleFacts {
  const get = (key: string) => getChild(root, key) ?? getChild(root, key.replace(/_/g, '-'));
  const at = (key: string, fallback?: number) => setting(key, get(key), fallback);
  const optimizer = get('optimizer');
  const params = getChild(optimizer, 'params');
  const name = str(getChild(optimizer, 'type')) ?? 'adam';
  const betas = getChild(params, 'betas');
  const betaAt = (i: number) => (betas?.kind === 'array' ? setting(`optimizer.params.betas[${i}]`, betas.children[i]) : undefined);
  // neox.json: warmup is a fraction (default 0.01) of the decay iterations; lr_decay_iters defaults to train_iters.
  const warmup = at('warmup', 0.01);
  const style = str(get('lr_decay_style')) ?? 'linear';
  const decayIters = at('lr_decay_iters');
  return {
    format: 'neox',
    root,
    lr: setting('optimizer.params.lr', getChild(params, 'lr')),
    optimizer: { kind: optimizerKind(name), name, setting: setting('optimizer.type', getChild(optimizer, 'type')), beta1: betaAt(0), beta2: betaAt(1), eps: setting('optimizer.params.eps', getChild(params, 'eps')) },
    warmup: { state: (warmup.value ?? 0) > 0 ? 'present' : 'none', setting: warmup, fraction: warmup.value },
    decay: { kind: megatronDecayKind(style), style, styleSetting: at('lr_decay_style'), horizon: decayIters.node ? { ...decayIters, unit: 'iterations' } : undefined, minLr: at('min_lr', 0) },
    length: { iterations: get('train_iters') ? at('train_iters') : undefined },
    mup: flag(get('use_mup')) === true,
    powerSchedule: false,
  };
}

