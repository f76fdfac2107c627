import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, findLinks, type LinkedFile } from '../../server/src/core/index';
import type { ShellParser } from '../../server/src/core/shell/syntax';
import { loadShellParser } from '../../server/src/node/shell-parser';
import { NO_SHARED, sharedDir } from '../helpers';

let parser: ShellParser;
before(async () => {
  const loaded = await loadShellParser();
  assert.ok(loaded);
  parser = loaded;
});

const RULE = 'megatron-deepspeed-batch-mismatch';

function script(global: number, micro = 4): string {
  return [
    '#!/bin/bash',
    'GLOBAL_BATCH=64',
    'cat <<EOT > ds.json',
    '{ "train_batch_size": $GLOBAL_BATCH, "train_micro_batch_size_per_gpu": 4 }',
    'EOT',
    `deepspeed pretrain_gpt.py --micro-batch-size ${micro} --global-batch-size ${global} --deepspeed --deepspeed_config ds.json`,
    '',
  ].join('\n');
}

test('Megatron-DeepSpeed: --global-batch-size against train_batch_size of the heredoc config (TL704, warning)', () => {
  const text = script(1024);
  const a = analyze(text, { path: 'run.sh', shellParser: parser, settings: { cluster: { worldSize: 8 } } });
  const found = a.diagnostics.filter((d) => d.rule === RULE);
  assert.equal(found.length, 1);
  const [d] = found;
  assert.equal(d.code, 'TL704');
  assert.equal(d.severity, 'warning');
  assert.equal(text.slice(d.range.start, d.range.end), '1024');
  assert.match(d.message, /--global-batch-size 1024 but train_batch_size = 64/);
  assert.match(d.message, /set_train_batch_size/);
  // The related location is where 64 is written: the GLOBAL_BATCH assignment.
  assert.equal(text.slice(d.related[0].range.start, d.related[0].range.end), '64');
});

test('Megatron-DeepSpeed: agreeing values, or a value the environment fills, are quiet', () => {
  const quiet = (text: string) => analyze(text, { path: 'run.sh', shellParser: parser, settings: { cluster: { worldSize: 8 } } }).diagnostics.filter((d) => d.rule === RULE);
  assert.deepEqual(quiet(script(64)), []);
  assert.deepEqual(quiet(script(1024).replace('GLOBAL_BATCH=64', 'GLOBAL_BATCH=$1')), []);
});

test('Megatron-DeepSpeed: --micro-batch-size against a linked --deepspeed_config file', () => {
  const text = 'deepspeed pretrain_gpt.py --micro-batch-size 2 --global-batch-size 64 --deepspeed --deepspeed_config conf/ds.json\n';
  const first = analyze(text, { path: 'run.sh', shellParser: parser, settings: { cluster: { worldSize: 8 } } });
  const [link] = findLinks(first);
  assert.equal(link.target, 'conf/ds.json');
  const ds = analyze('{ "train_batch_size": 64, "train_micro_batch_size_per_gpu": 4 }', { path: 'conf/ds.json', settings: link.context });
  const linked: LinkedFile[] = [{ link, path: 'conf/ds.json', analysis: ds }];
  const a = analyze(text, { path: 'run.sh', shellParser: parser, settings: { cluster: { worldSize: 8 } }, linked });
  const found = a.diagnostics.filter((d) => d.rule === RULE);
  assert.equal(found.length, 1);
  assert.match(found[0].message, /--micro-batch-size 2 but train_micro_batch_size_per_gpu = 4 in conf\/ds.json/);
  assert.equal(found[0].related[0].path, 'conf/ds.json');
});

test('Megatron-DeepSpeed corpus: the 2022 example (--global-batch-size 1024 vs GLOBAL_BATCH=64) is caught', { skip: sharedDir() ? false : NO_SHARED }, () => {
  const text = readFileSync(join(sharedDir()!, 'corpus', 'megatron-sh', 'mds-run-deepspeed-example-2022.sh'), 'utf8');
  const a = analyze(text, { path: 'mds-run-deepspeed-example-2022.sh', shellParser: parser, settings: { cluster: { worldSize: 8 } } });
  const d = a.diagnostics.find((x) => x.rule === RULE);
  assert.ok(d);
  assert.match(d.message, /--global-batch-size 1024 but train_batch_size = 64/);
});
