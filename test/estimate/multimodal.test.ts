import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { findVisionTower, visionTowerParams } from '../../server/src/core/catalog/vision-towers';
import { resolveModel } from '../../server/src/core/catalog/resolve-model';
import { CLI, repoRoot } from '../helpers';

const fixture = (...parts: string[]) => join(repoRoot(), 'test', 'fixtures', 'multimodal', ...parts);

function trainlint(args: string[]) {
  const run = spawnSync(process.execPath, [CLI(), ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('vision towers count the parameters their checkpoints publish', () => {
  // CLIPVisionModel ViT-L/14: 303,179,776 at 224 px, 303,507,456 at 336 px; SigLIP so400m vision model: 428,225,600.
  assert.equal(visionTowerParams(findVisionTower('openai/clip-vit-large-patch14')!), 303_179_776);
  assert.equal(visionTowerParams(findVisionTower('openai/clip-vit-large-patch14-336')!), 303_507_456);
  assert.equal(visionTowerParams(findVisionTower('google/siglip-so400m-patch14-384')!), 428_225_600);
  assert.equal(findVisionTower('./checkpoints/clip-vit-large-patch14-336/')?.id, 'openai/clip-vit-large-patch14-336', 'a local copy named after it');
  assert.equal(findVisionTower('facebook/dinov2-large'), undefined);
});

test('a LLaVA id resolves to its language model, stated as a rule', () => {
  const resolved = resolveModel('liuhaotian/llava-v1.5-13b');
  assert.equal(resolved?.entry.id, 'meta-llama/Llama-2-13b-hf');
  assert.match(resolved!.via[0], /Vicuna v1\.5/);
});

test('a LLaVA launch counts its vision tower beside the language model, sharded like the model under ZeRO-3', () => {
  const { plan } = JSON.parse(trainlint(['plan', fixture('llava_finetune_lora.sh')]).stdout);
  assert.deepEqual(plan.extraModels.map((m: { role: string; name: string; params: number }) => [m.role, m.name, m.params]), [['vision', 'openai/clip-vit-large-patch14-336', 303_507_456]]);
  const run = trainlint(['estimate', fixture('llava_finetune_lora.sh'), '--gpu', 'A100-80GB', '--gpus', '8']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^ {2}vision tower +0\.1 GiB$/m);
  assert.match(run.stdout, /vision tower: openai\/clip-vit-large-patch14-336 \(its ViT shape\) \(0\.3B\), sharded over 8 GPUs in bf16 under ZeRO-3/);
  const one = JSON.parse(trainlint(['estimate', fixture('llava_finetune_lora.sh'), '--gpu', 'A100-80GB', '--gpus', '1', '--format', 'json']).stdout);
  assert.ok(Math.abs(one.memory.otherModels - 303_507_456 * 2) < 1e6, 'on one GPU the whole tower, in bf16');
});

test('a local checkpoint folder resolves through the one catalog model its name contains, and not when it names two', () => {
  const resolved = resolveModel('./output/adgen-chatglm2-6b-ft-1e-4/checkpoint-3000');
  assert.equal(resolved?.entry.id, 'THUDM/chatglm3-6b');
  assert.deepEqual(resolved?.via, ['a checkpoint of a run in a local folder named adgen-chatglm2-6b-ft-1e-4', 'the folder name contains chatglm2-6b, the only catalog model it names']);
  assert.equal(resolveModel('./ckpt/qwen2.5-7b-and-meta-llama-3-8b-merge'), undefined, 'two models named: no guess');
  assert.equal(resolveModel('/x/my-7b-model'), undefined, 'a size alone names no model');
});
