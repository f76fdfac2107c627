import type { Estimate } from '../estimate/estimate';
import { percent } from './units';

/** The parts of a predicted step in the order the plan page stacks them, with its palette (Tableau 10). */
export function stepParts(time: Estimate['time']): Array<{ part: string; label: string; color: string; seconds: number }> {
  const b = time.breakdown;
  const parts = [
    { part: 'compute', label: 'compute', color: '#4e79a7', seconds: b.computeSeconds },
    { part: 'tensorParallel', label: 'tensor-parallel communication', color: '#76b7b2', seconds: b.tensorParallelSeconds },
    { part: 'pipelineP2p', label: 'pipeline point-to-point', color: '#59a14f', seconds: b.pipelineP2pSeconds },
    { part: 'bubble', label: 'pipeline fill and drain', color: '#bab0ac', seconds: b.bubbleSeconds },
    { part: 'dataParallel', label: 'exposed data-parallel communication', color: '#f28e2b', seconds: b.dataParallelSeconds },
    { part: 'optimizer', label: 'optimizer step', color: '#e15759', seconds: b.optimizerSeconds },
  ];
  // The steady state's other kernels (attention, memory-bound work) are in the slowest stage's total but not split out.
  const rest = time.iterationSeconds - parts.reduce((sum, p) => sum + p.seconds, 0);
  if (rest > time.iterationSeconds * 1e-6) parts.push({ part: 'rest', label: 'other kernels (not split further)', color: '#9c755f', seconds: rest });
  return parts.filter((p) => p.seconds > 0);
}

/** The three parts that take most of the step, largest first: what to look at before trusting or changing the number. */
export function dominantTerms(time: Estimate['time']): string {
  return stepParts(time)
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, 3)
    .map((p) => `${p.label} ${percent(p.seconds / time.iterationSeconds)}`)
    .join(', ');
}
