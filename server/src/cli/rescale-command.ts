import { analyze, applyEdits, fromSource, mergeSettings, toSource, type Settings } from '../core/index';
import { changeGlobalBatch, type LearningRateRule } from '../core/rescale/global-batch';
import type { ShellParser } from '../core/shell/syntax';
import { UsageError } from './args';
import { analyzeInContext, projectSettingsFor } from './file-context';
import { readText } from './files';
import { writeFilesSafely, type PlannedWrite } from '../node/safe-write';
import { editProblem } from '../core/fix/edit-problem';

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
  // Every file of the change is prepared first, then all are written or none (writeFilesSafely): the Trainer YAML and
  // its DeepSpeed config never disagree. Each new text must still load as its program reads it.
  const writes: PlannedWrite[] = change.files.map((fileEdits) => {
    const path = fileEdits.path ?? file;
    const before = readText(path);
    // Edits are offsets into the text without its byte order mark, as the analysis saw it.
    const source = toSource(before);
    return { path, before, after: fromSource({ text: applyEdits(source.text, fileEdits.edits).text, hadBom: source.hadBom }) };
  });
  const loads = (write: PlannedWrite) => {
    const options = { path: write.path, settings: mergeSettings(projectSettingsFor(write.path), flags), shellParser };
    return editProblem(analyze(write.before, options), analyze(write.after, options), false);
  };
  if (!dryRun) writeFilesSafely(writes, loads);
  const written = writes.map((w) => w.path);
  return { message: change.message, written };
}
