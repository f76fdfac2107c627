import { applyEdits, fromSource, toSource, type Settings } from '../core/index';
import { changeGlobalBatch, type LearningRateRule } from '../core/rescale/global-batch';
import type { ShellParser } from '../core/shell/syntax';
import { UsageError } from './args';
import { analyzeInContext } from './file-context';
import { readText, writeAtomically } from './files';

export interface RescaleOutcome {
  message: string;
  /** Paths written (or that would be, with a dry run). */
  written: string[];
}

/**
 * `trainlint rescale FILE --global-batch N`: the batch fields, the learning rate by the rule that fits the optimizer,
 * and warmup and total steps (so their tokens stay the same), in the file and in the DeepSpeed config it links to.
 */
export function runRescale(file: string, newGlobal: number, rule: LearningRateRule, flags: Settings, dryRun: boolean, shellParser?: ShellParser): RescaleOutcome {
  const context = analyzeInContext(file, flags, shellParser);
  const change = changeGlobalBatch(context.analysis, context.analysis.settings, context.linked, newGlobal, rule);
  if (!change.ok) throw new UsageError(`${file}: ${change.message}`);
  const written: string[] = [];
  for (const fileEdits of change.files) {
    const path = fileEdits.path ?? file;
    // Edits are offsets into the text without its byte order mark, as the analysis saw it.
    const source = toSource(readText(path));
    const { text } = applyEdits(source.text, fileEdits.edits);
    if (!dryRun) writeAtomically(path, fromSource({ text, hadBom: source.hadBom }));
    written.push(path);
  }
  return { message: change.message, written };
}
