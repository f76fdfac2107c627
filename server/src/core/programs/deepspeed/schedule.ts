import { getChild, type ConfigNode } from '../../syntax/config-tree';
import { str } from '../../plan/anchors';
import { optimizerKind } from '../../facts/lr-scaling';
import { setting, type DecayKind, type ScheduleFacts } from '../../facts/schedule-facts';

export function deepspeedFacts(root: ConfigNode): ScheduleFacts {
  const optimizer = getChild(root, 'optimizer');
  const params = getChild(optimizer, 'params');
  const scheduler = getChild(root, 'scheduler');
  const sparams = getChild(scheduler, 'params');
  const name = str(getChild(optimizer, 'type'));
  const type = str(getChild(scheduler, 'type')) ?? '';
  const betas = getChild(params, 'betas');
  const betaAt = (i: number) => (betas?.kind === 'array' ? setting(`optimizer.params.betas[${i}]`, betas.children[i]) : undefined);
  const warm = /^warmup/i.test(type);
  // deepspeed.json: warmup_num_steps defaults to 1000 for WarmupLR, WarmupDecayLR and WarmupCosineLR.
  const warmSteps = setting('scheduler.params.warmup_num_steps', getChild(sparams, 'warmup_num_steps'), warm ? 1000 : undefined);
  const total = getChild(sparams, 'total_num_steps');
  const kind: DecayKind = /^warmuplr$/i.test(type) ? 'constant' : /^warmup(decay|cosine)lr$/i.test(type) ? 'decaying' : /onecycle/i.test(type) ? 'cyclic' : scheduler ? 'unknown' : 'constant';
  return {
    format: 'deepspeed',
    root,
    lr: setting('optimizer.params.lr', getChild(params, 'lr')),
    optimizer: { kind: optimizerKind(name), name, setting: setting('optimizer.type', getChild(optimizer, 'type')), beta1: betaAt(0), beta2: betaAt(1), eps: setting('optimizer.params.eps', getChild(params, 'eps')), momentum: setting('optimizer.params.momentum', getChild(params, 'momentum')) },
    // Without a scheduler block the training code may pass its own scheduler (deepspeed.initialize(lr_scheduler=...)).
    warmup: { state: warm && (warmSteps.value ?? 0) > 0 ? 'present' : 'unknown', setting: warm ? warmSteps : undefined, steps: warm ? warmSteps.value : undefined },
    decay: {
      kind,
      style: type || 'none',
      styleSetting: setting('scheduler.type', getChild(scheduler, 'type')),
      horizon: total && kind === 'decaying' ? { ...setting('scheduler.params.total_num_steps', total), unit: 'iterations' } : undefined,
    },
    length: {},
    mup: false,
    powerSchedule: false,
  };
}

