import type { FileAnalysis } from '../analyze';
import { scalingAdvice } from '../facts/lr-scaling';
import { trainingLength } from '../facts/training-length';
import { fmt, readingOf } from '../rules/research/common';
import type { ConfigNode } from '../syntax/config-tree';

/**
 * What the research literature says at the key under the pointer: on the learning rate, the batch-scaling rule for
 * this optimizer with its caveats; on the training length, tokens per parameter and the over-training multiple.
 */
export function researchHover(analysis: FileAnalysis, node: ConfigNode): string | undefined {
  const reading = readingOf(analysis);
  const schedule = reading?.schedule;
  if (!reading || !schedule) return undefined;
  if (schedule.lr?.node === node && schedule.lr.value !== undefined) {
    const advice = scalingAdvice(schedule.optimizer.name ?? schedule.optimizer.kind, 1, 2, schedule.lr.value, { algorithm: schedule.rl });
    const lines = [`**Learning rate and batch size** (${schedule.optimizer.name ?? schedule.optimizer.kind})`, '', advice.summary];
    if (advice.lr !== undefined) lines.push('', `If the global batch doubles: ${fmt(schedule.lr.value)} → ${fmt(advice.lr)}.`);
    if (advice.caveats.length > 0) lines.push('', ...advice.caveats.map((c) => `- ${c}`));
    lines.push('', `Sources: ${advice.sources.join('; ')}.`);
    return lines.join('\n');
  }
  const length = schedule.length;
  const isLengthKey = [length.iterations, length.samples, length.tokens, length.epochs].some((s) => s?.node === node);
  const completed = reading.completed;
  const tokens = completed?.plan.training?.tokens;
  if (isLengthKey && tokens) {
    const parameters = reading.estimate()?.parameters;
    const count = parameters?.available ? parameters.active || parameters.total : undefined;
    if (count) return `**Training length**\n\n${trainingLength(tokens, count).text}`;
  }
  return undefined;
}
