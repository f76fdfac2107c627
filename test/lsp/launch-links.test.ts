import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { LspSession, positionOf, vscodeLikeCapabilities } from './lsp-session';
import { fixture } from '../helpers';

describe('launch scripts in the editor', () => {
  it('accelerate launch --config_file: the DeepSpeed config named by the accelerate config is compared with the script\'s flags', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainlint-lsp-links-'));
    mkdirSync(join(dir, 'conf'));
    writeFileSync(join(dir, 'conf', 'acc.yaml'), 'compute_environment: LOCAL_MACHINE\ndistributed_type: DEEPSPEED\ndeepspeed_config:\n  deepspeed_config_file: ds.json\nnum_processes: 4\n');
    writeFileSync(join(dir, 'conf', 'ds.json'), '{ "train_micro_batch_size_per_gpu": "auto", "gradient_accumulation_steps": 3, "zero_optimization": { "stage": 2 } }\n');
    const text = '#!/bin/bash\naccelerate launch --config_file conf/acc.yaml train.py --per_device_train_batch_size 4 --gradient_accumulation_steps 2 --output_dir out\naxolotl train conf/missing.yml\n';
    writeFileSync(join(dir, 'run.sh'), text);
    const session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: false }), folders: [dir] });
    try {
      const uri = await session.open(join(dir, 'run.sh'), text);
      const diagnostics = await session.pushedFor(uri);
      assert.ok(diagnostics.some((d) => d.code === 'TL701' && /conf\/ds.json sets gradient_accumulation_steps = 3/.test(d.message)), JSON.stringify(diagnostics.map((d) => d.message)));
    } finally {
      await session.stop();
    }
  });

  it('a repository that ships its own Megatron arguments file (a fork) decides its scripts\' flags in the editor as in the CLI', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainlint-lsp-fork-'));
    cpSync(fixture('launchers', 'megatron-fork'), dir, { recursive: true });
    mkdirSync(join(dir, '.git')); // A clone: the repository root is the folder holding .git.
    const text = readFileSync(join(dir, 'pretrain.sh'), 'utf8');
    const session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: false }), folders: [dir] });
    try {
      const uri = await session.open(join(dir, 'pretrain.sh'), text);
      const found = (await session.pushedFor(uri)).filter((d) => d.code === 'TL202' || d.code === 'TL201');
      // Notes naming the fork's file, not upstream's error.
      assert.ok(found.length > 0 && found.every((d) => d.severity === 3 && d.message.includes('megatron/training/arguments.py')), JSON.stringify(found.map((d) => [d.severity, d.message])));
    } finally {
      await session.stop();
    }
  });

  it('a path in a script under scripts/ resolves from the repository root, and the hover says which file and why', async () => {
    // A repository launched from its root (`bash scripts/train.sh`): `./scripts/zero3.json` is not scripts/scripts/zero3.json.
    const dir = mkdtempSync(join(tmpdir(), 'trainlint-lsp-root-'));
    mkdirSync(join(dir, '.git'));
    mkdirSync(join(dir, 'scripts'));
    writeFileSync(join(dir, 'scripts', 'zero3.json'), '{ "train_micro_batch_size_per_gpu": "auto", "zero_optimization": { "stage": 3 } }\n');
    const text = '#!/bin/bash\ndeepspeed train.py --deepspeed ./scripts/zero3.json --per_device_train_batch_size 4 --output_dir out\n';
    const other = text.replace('zero3.json', 'none.json');
    writeFileSync(join(dir, 'scripts', 'train.sh'), text);
    writeFileSync(join(dir, 'scripts', 'other.sh'), other);
    const session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: false }), folders: [dir] });
    try {
      const uri = await session.open(join(dir, 'scripts', 'train.sh'), text);
      const diagnostics = await session.pushedFor(uri);
      assert.ok(!diagnostics.some((d) => d.message.includes('zero3.json')), JSON.stringify(diagnostics.map((d) => d.message)));
      const hover = await session.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, './scripts/zero3.json', 3) });
      const markdown = (hover?.contents as MarkupContent | undefined)?.value ?? '';
      assert.match(markdown, /Opens `[^`]*scripts\/zero3\.json` as a DeepSpeed config, resolved from the repository root \(`\.`\)/, markdown);
      const otherUri = await session.open(join(dir, 'scripts', 'other.sh'), other);
      const none = await session.request<Hover | null>('textDocument/hover', { textDocument: { uri: otherUri }, position: positionOf(other, './scripts/none.json', 3) });
      assert.match((none?.contents as MarkupContent | undefined)?.value ?? '', /Not found: looked in `scripts`, `\.`/);
      assert.ok((await session.pushedFor(otherUri)).some((d) => /none\.json is in none of the folders a run may start from \(looked in scripts, \.\)/.test(d.message)));
    } finally {
      await session.stop();
    }
  });
});
