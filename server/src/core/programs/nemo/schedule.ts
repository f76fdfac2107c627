import { getChild, getPath, type ConfigNode } from '../../syntax/config-tree';
import { num, str } from '../../plan/anchors';
import { optimizerKind } from '../../facts/lr-scaling';
import { emaOf, setting, type DecayKind, type ScheduleFacts } from '../../facts/schedule-facts';

export function nemoFacts(root: ConfigNode): ScheduleFacts | undefined {
  const model = getChild(root, 'model');
  if (!model) return undefined;
  const optim = getChild(model, 'optim');
  const sched = getChild(optim, 'sched');
  const at = (node: ConfigNode | undefined, name: string, fallback?: number) => setting(name, node, fallback);
  const name = str(getChild(optim, 'name')) ?? 'fused_adam';
  const betas = getChild(optim, 'betas');
  const betaAt = (i: number) => (betas?.kind === 'array' ? at(betas.children[i], `model.optim.betas[${i}]`) : undefined);
  const schedName = str(getChild(sched, 'name')) ?? (sched ? 'CosineAnnealing' : 'none');
  const warmSteps = at(getChild(sched, 'warmup_steps'), 'model.optim.sched.warmup_steps');
  const warmRatio = at(getChild(sched, 'warmup_ratio'), 'model.optim.sched.warmup_ratio');
  const positive = [warmSteps, warmRatio].find((s) => (s.value ?? 0) > 0);
  const s = schedName.toLowerCase();
  // nemo/core/optim/lr_scheduler.py: WarmupPolicy / WarmupHoldPolicy hold the LR after warmup; Noam and inverse-sqrt never reach a floor.
  const kind: DecayKind = !sched ? 'constant' : /^warmup(hold)?policy$/.test(s) ? 'constant' : /noam|inversesquareroot/.test(s) ? 'unbounded' : /annealing|decay/.test(s) ? 'decaying' : 'unknown';
  const schedMax = getChild(sched, 'max_steps');
  const trainerMax = getPath(root, 'trainer', 'max_steps');
  // Without trainer.max_steps Lightning's default (-1) lets max_epochs end the run: the file gives no step count
  // (megatron_gpt_config.yaml's 100000 is that YAML's value, not a default other NeMo configs inherit).
  const iterations = at(trainerMax, 'trainer.max_steps');
  return {
    format: 'nemo',
    root,
    lr: at(getChild(optim, 'lr'), 'model.optim.lr'),
    optimizer: { kind: optimizerKind(name), name, setting: at(getChild(optim, 'name'), 'model.optim.name'), beta1: betaAt(0), beta2: betaAt(1), eps: at(getChild(optim, 'eps'), 'model.optim.eps') },
    warmup: {
      state: positive ? 'present' : 'none',
      setting: positive ?? (warmSteps.node ? warmSteps : warmRatio.node ? warmRatio : undefined),
      steps: warmSteps.value,
      fraction: warmRatio.value,
      insertInto: sched,
    },
    decay: {
      kind,
      style: schedName,
      styleSetting: at(getChild(sched, 'name'), 'model.optim.sched.name'),
      // ModelPT.setup_optimization overwrites sched.max_steps with trainer.max_steps whenever that is >= 0
      // (NVIDIA/NeMo 8cfedd72 nemo/core/classes/modelPT.py:713-714): the written value counts only without one.
      horizon: schedMax && !((iterations.value ?? -1) >= 0) ? { ...at(schedMax, 'model.optim.sched.max_steps'), unit: 'iterations' } : undefined,
      holdAtEnd: num(getChild(sched, 'constant_steps')),
      minLr: at(getChild(sched, 'min_lr'), 'model.optim.sched.min_lr'),
    },
    length: { iterations: (iterations.value ?? 0) > 0 ? iterations : undefined },
    mup: false,
    powerSchedule: false,
    ema: emaOf(getPath(root, 'exp_manager', 'ema'), 'exp_manager.ema'),
  };
}

/** NeMo exp_manager.ema (EMAParams: enable, decay default 0.999; NVIDIA/NeMo 00780235 nemo/utils/exp_manager.py). */
