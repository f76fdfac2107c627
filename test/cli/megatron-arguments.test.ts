import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { megatronArgumentsOf } from '../../server/src/node/repository';

test('a repository\'s own Megatron arguments file is read again once it changes, appears or goes (the language server outlives edits)', () => {
  const root = mkdtempSync(join(tmpdir(), 'trainlint-megatron-args-'));
  assert.equal(megatronArgumentsOf(root), undefined);
  const file = join(root, 'megatron', 'training', 'arguments.py');
  mkdirSync(join(root, 'megatron', 'training'), { recursive: true });
  writeFileSync(file, "def validate_args(args):\n    return args\n");
  const first = megatronArgumentsOf(root);
  assert.equal(first?.path, 'megatron/training/arguments.py');
  assert.doesNotMatch(first?.text ?? '', /no longer valid/);
  writeFileSync(file, "def validate_args(args):\n    if args.checkpoint_activations:\n        print('--checkpoint-activations is no longer valid')\n        exit()\n");
  utimesSync(file, new Date(), new Date(Date.now() + 5000));
  const second = megatronArgumentsOf(root);
  assert.match(second?.text ?? '', /no longer valid/);
  assert.notEqual(second?.blob, first?.blob);
  rmSync(file);
  assert.equal(megatronArgumentsOf(root), undefined);
});
