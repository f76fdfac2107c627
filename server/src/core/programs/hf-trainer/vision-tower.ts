import { getChild, type ConfigNode } from '../../syntax/config-tree';
import type { TrainingPlan } from '../../estimate/plan';
import { findVisionTower, visionTowerParams } from '../../catalog/vision-towers';
import { flag, str } from '../../plan/anchors';

/**
 * LLaVA-style programs (haotian-liu/LLaVA llava/train/train.py ModelArguments.vision_tower, and its forks LLaVA-NeXT,
 * ShareGPT4V, Bunny) load a vision encoder beside the language model. It is frozen (CLIPVisionTower.forward runs under
 * torch.no_grad) unless LLaVA-NeXT's `unfreeze_mm_vision_tower` or `mm_tunable_parts` with mm_vision_tower trains it.
 * Its weights are counted as a model the run holds; its activations, computed without gradient, are not.
 */
export function applyVisionTower(root: ConfigNode, plan: TrainingPlan, notes: string[]): void {
  const name = str(getChild(root, 'vision_tower'));
  if (!name) return;
  const tower = findVisionTower(name);
  if (!tower) {
    notes.push(`vision tower ${name} is not in the vision catalog: its weights are not counted`);
    return;
  }
  const trained = flag(getChild(root, 'unfreeze_mm_vision_tower')) === true || /\bmm_vision_tower\b/.test(str(getChild(root, 'mm_tunable_parts')) ?? '');
  plan.extraModels = [...(plan.extraModels ?? []), {
    role: 'vision', name: tower.id, params: visionTowerParams(tower), ...(trained ? { trained: true } : {}),
    source: `haotian-liu/LLaVA llava/model/multimodal_encoder/clip_encoder.py (loaded beside the LLM); ${tower.source}`,
  }];
}
