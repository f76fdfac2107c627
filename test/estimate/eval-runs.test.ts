import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/index';
import type { ShellParser } from '../../server/src/core/shell/syntax';
import { loadShellParser } from '../../server/src/node/shell-parser';
import { readFixture } from '../helpers';

let parser: ShellParser;
before(async () => {
  const loaded = await loadShellParser();
  assert.ok(loaded, 'tree-sitter-bash loads');
  parser = loaded;
});

const bubbles = (text: string) => analyze(text, { path: 'run.slurm', shellParser: parser }).diagnostics.filter((d) => d.rule === 'pipeline-bubble');

test('pipeline-bubble: an evaluation run (--inference, an eval entry point, tasks/main.py with an eval task) has no training schedule', () => {
  const text = readFixture('rules', 'pipeline-bubble', 'eval-harness.sh');
  assert.deepEqual(bubbles(text), [], 'tasks/eval_harness/evaluate.py --inference');
  // The same command line as a training run: 8 stages, one micro-batch, 87.5% idle.
  const training = text.replace('./tasks/eval_harness/evaluate.py', 'pretrain_gpt.py').replace('    --inference \\\n', '').replace('    --task_list arc_challenge,arc_easy', '    --train-iters 1000 --lr 1e-4');
  assert.equal(bubbles(training).length, 1, 'the training run keeps its bubble');
  const zeroshot = training.replace('pretrain_gpt.py', 'tasks/main.py').replace('--train-iters 1000', '--task LAMBADA');
  assert.deepEqual(bubbles(zeroshot), [], 'tasks/main.py --task LAMBADA evaluates');
  const finetune = training.replace('pretrain_gpt.py', 'tasks/main.py').replace('--train-iters 1000', '--task MNLI');
  assert.equal(bubbles(finetune).length, 1, 'tasks/main.py --task MNLI fine-tunes (glue/finetune.py)');
});
