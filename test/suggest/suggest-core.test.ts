import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, applyEdits } from '../../server/src/core/index';
import { completePlan } from '../../server/src/core/estimate/complete-plan';
import { estimate } from '../../server/src/core/estimate/estimate';
import type { TrainingPlan } from '../../server/src/core/estimate/plan';
import { suggestionEdits } from '../../server/src/core/suggest/edits';
import { planWith, type Layout } from '../../server/src/core/suggest/layout';
import { suggestLayouts } from '../../server/src/core/suggest/search';
import { searchSpace } from '../../server/src/core/suggest/space';
import { loadShellParser } from '../../server/src/node/shell-parser';
import { repoRoot } from '../helpers';

const MEGATRON_8B: TrainingPlan = {
  framework: 'megatron', model: { name: 'meta-llama/Llama-3.1-8B', seqLength: 8192 }, parallel: { tp: 2, pp: 2, worldSize: 16 },
  batch: { micro: 1, global: 64 }, precision: 'bf16', flashAttention: true, hardware: { gpu: 'h100-sxm' },
};
const MIXTRAL: TrainingPlan = {
  framework: 'megatron', model: { name: 'mistralai/Mixtral-8x7B-v0.1', seqLength: 4096 }, parallel: { tp: 4, pp: 4, ep: 2, worldSize: 64 },
  batch: { micro: 1, global: 256 }, precision: 'bf16', distributedOptimizer: true, flashAttention: true, hardware: { gpu: 'h100-sxm' },
};

test('every suggested layout keeps the rules Megatron enforces and the global batch', () => {
  for (const plan of [MEGATRON_8B, MIXTRAL]) {
    const model = completePlan(plan).plan.model!;
    const result = suggestLayouts(plan, { top: 50 });
    assert.ok(result.ok && result.suggestions.length > 0);
    for (const { layout: l } of result.suggestions) {
      const where = JSON.stringify(l);
      assert.equal(model.heads! % l.tp, 0, where);
      assert.ok(model.kvHeads! % l.tp === 0 || l.tp % model.kvHeads! === 0, where);
      assert.equal(model.seqLength! % (l.cp > 1 ? 2 * l.cp : 1), 0, where);
      assert.equal(l.tp * l.pp * l.cp * l.dp, plan.parallel!.worldSize, where);
      assert.equal(l.micro * l.accum * l.dp, plan.batch!.global, where);
      if (l.firstStageLayers === undefined) assert.equal(model.layers! % l.pp, 0, where);
      else assert.equal((model.layers! - l.firstStageLayers - l.lastStageLayers!) % (l.pp - 2), 0, where);
      if (l.vpp > 1) {
        assert.ok(l.pp > 2, where);
        assert.equal((model.layers! / l.pp) % l.vpp, 0, where);
        assert.equal(l.accum % l.pp, 0, where);
      }
      if (model.experts) {
        assert.equal(model.experts % l.ep, 0, where);
        assert.equal(plan.parallel!.worldSize! % (l.tp * l.ep * l.pp), 0, where);
      }
    }
  }
});

test('the pruned search finds the same fastest layout as timing every layout the space allows', () => {
  const base = completePlan(MEGATRON_8B).plan;
  const space = searchSpace(base, 16, 8);
  let best = Infinity;
  for (const tp of space.tp) for (const split of space.pipelines) for (const cp of space.cp) for (const sharding of space.sharding) {
    if (16 % (tp * split.pp * cp) !== 0) continue;
    const dp = 16 / (tp * split.pp * cp);
    if (64 % dp !== 0) continue;
    for (let micro = 1; micro <= 64 / dp; micro++) {
      if ((64 / dp) % micro !== 0) continue;
      const accum = 64 / dp / micro;
      for (const vpp of space.vpp(split, accum)) for (const recompute of space.recompute) {
        const layout: Layout = { tp, pp: split.pp, vpp, cp, ep: 1, dp, sharding, offload: false, micro, accum, recompute, firstStageLayers: split.first, lastStageLayers: split.last };
        const e = estimate(planWith(base, layout));
        if (e.memory.total <= 0.9 * e.memory.capacity) best = Math.min(best, e.time.iterationSeconds);
      }
    }
  }
  const found = suggestLayouts(MEGATRON_8B).suggestions[0];
  assert.ok(Number.isFinite(best));
  assert.ok(Math.abs(found.iterationSeconds - best) < 1e-9, `search ${found.iterationSeconds} s, exhaustive ${best} s`);
});

test('the sharding searched is what the program offers: Megatron has its distributed optimizer and no ZeRO-3; DeepSpeed in bf16 starts at stage 1 (BF16_Optimizer)', () => {
  const kinds = (plan: TrainingPlan) => searchSpace(completePlan(plan).plan, 8, 8).sharding.map((s) => (s.kind === 'zero' ? `zero-${s.stage}` : s.kind));
  assert.deepEqual(kinds(MEGATRON_8B), ['none', 'distributed-optimizer']);
  assert.deepEqual(kinds({ ...MEGATRON_8B, distributedOptimizer: true }), ['distributed-optimizer']);
  assert.deepEqual(kinds({ framework: 'deepspeed', precision: 'bf16', model: { name: 'meta-llama/Llama-3.1-8B' } }), ['zero-1', 'zero-2', 'zero-3']);
  assert.deepEqual(kinds({ framework: 'deepspeed', precision: 'fp16', model: { name: 'meta-llama/Llama-3.1-8B' } }), ['none', 'zero-1', 'zero-2', 'zero-3']);
  assert.deepEqual(kinds({ framework: 'fsdp', precision: 'bf16', model: { name: 'meta-llama/Llama-3.1-8B' } }), ['fsdp', 'fsdp']);
  // DeepSpeed and FSDP keep the whole model on each GPU: no tensor, pipeline or context split to search.
  const ds = searchSpace(completePlan({ framework: 'deepspeed', model: { name: 'meta-llama/Llama-3.1-8B', seqLength: 8192 } }).plan, 8, 8);
  assert.deepEqual([ds.tp, ds.pipelines.map((p) => p.pp), ds.cp], [[1], [1], [1]]);
});

test('offloading is suggested only when nothing fits on the GPUs alone', () => {
  const plan: TrainingPlan = { framework: 'deepspeed', model: { name: 'meta-llama/Llama-3.1-70B', seqLength: 2048 }, parallel: { worldSize: 8 }, batch: { micro: 1, global: 8 }, precision: 'bf16', flashAttention: true, hardware: { gpu: 'a100-40gb' } };
  const tight = suggestLayouts(plan);
  assert.ok(tight.suggestions.length > 0 && tight.suggestions.every((s) => s.layout.offload));
  assert.match(tight.notes.join(' '), /nothing fits on the GPUs alone/);
  const roomy = suggestLayouts({ ...plan, parallel: { worldSize: 64 }, batch: { micro: 1, global: 64 }, hardware: { gpu: 'h100-sxm' } });
  assert.ok(roomy.suggestions.length > 0 && roomy.suggestions.every((s) => !s.layout.offload));
});

test('a Megatron script takes a layout in place: $VAR assignments edited, missing flags inserted before --micro-batch-size, removed switches gone', async () => {
  const path = join(repoRoot(), 'test', 'fixtures', 'suggest', 'gpt3_175b.sh');
  const text = readFileSync(path, 'utf8');
  const analysis = analyze(text, { path, settings: {}, shellParser: await loadShellParser() });
  const published: Layout = { tp: 8, pp: 16, vpp: 1, cp: 1, ep: 1, dp: 12, sharding: { kind: 'none' }, offload: false, micro: 1, accum: 128, recompute: 'none' };
  const to: Layout = { ...published, tp: 4, pp: 8, vpp: 3, dp: 48, sharding: { kind: 'distributed-optimizer' }, micro: 2, accum: 16, recompute: 'full' };
  const write = suggestionEdits(analysis, analysis.settings, [], published, to, 1536, 1536);
  assert.deepEqual(write.byHand, []);
  const edited = applyEdits(text, write.files[0].edits).text;
  const expected = text
    .replace('TP_SIZE=8', 'TP_SIZE=4').replace('PP_SIZE=16', 'PP_SIZE=8').replace('MICRO_BATCH_SIZE=1', 'MICRO_BATCH_SIZE=2')
    .replace('    --micro-batch-size $MICRO_BATCH_SIZE', '    --num-layers-per-virtual-pipeline-stage 4 --use-distributed-optimizer --recompute-granularity full --recompute-method uniform --recompute-num-layers 1 --micro-batch-size $MICRO_BATCH_SIZE');
  assert.equal(edited, expected);
  // And back: the switch and the valued flags written literally are removed again.
  const back = analyze(edited, { path, settings: {}, shellParser: await loadShellParser() });
  const undo = suggestionEdits(back, back.settings, [], { ...to, sharding: { kind: 'distributed-optimizer' } }, { ...published, sharding: { kind: 'distributed-optimizer' } }, 1536, 1536);
  assert.equal(applyEdits(edited, undo.files[0].edits).text, text.replace('    --micro-batch-size', '    --use-distributed-optimizer --micro-batch-size'));
});

test('a DeepSpeed config takes the ZeRO stage and the batch split; recomputation is left by hand with the reason', () => {
  const text = '{\n  "train_batch_size": 512,\n  "train_micro_batch_size_per_gpu": 4,\n  "gradient_accumulation_steps": 8,\n  "bf16": { "enabled": true }\n}\n';
  const analysis = analyze(text, { path: 'ds.json', settings: { cluster: { worldSize: 16 } } });
  const from: Layout = { tp: 1, pp: 1, vpp: 1, cp: 1, ep: 1, dp: 16, sharding: { kind: 'zero', stage: 1 }, offload: false, micro: 4, accum: 8, recompute: 'none' };
  const to: Layout = { ...from, sharding: { kind: 'zero', stage: 3 }, micro: 8, accum: 4, recompute: 'full' };
  const write = suggestionEdits(analysis, analysis.settings, [], from, to, 512, 16);
  const edited = applyEdits(text, write.files[0].edits).text;
  assert.deepEqual(JSON.parse(edited), { train_batch_size: 512, train_micro_batch_size_per_gpu: 8, gradient_accumulation_steps: 4, bf16: { enabled: true }, zero_optimization: { stage: 3 } });
  assert.equal(write.byHand.length, 1);
  assert.match(write.byHand[0], /gradient_checkpointing: true.*activation_checkpointing section only configures deepspeed\.checkpointing/);
});

test('a Megatron --yaml-cfg file takes a layout by key: values replaced, new keys beside micro_batch_size, removed keys with their lines', () => {
  const text = '# trainlint: format=megatron\nnum_layers: 40\nnum_attention_heads: 40\nmicro_batch_size: 4\nglobal_batch_size: 512\ntensor_model_parallel_size: 4\npipeline_model_parallel_size: 4\nrecompute_granularity: full  # memory\nrecompute_method: uniform\nrecompute_num_layers: 1\nbf16: true\n';
  const analysis = analyze(text, { path: 'args.yaml', settings: { cluster: { worldSize: 64 } } });
  const from: Layout = { tp: 4, pp: 4, vpp: 1, cp: 1, ep: 1, dp: 4, sharding: { kind: 'none' }, offload: false, micro: 4, accum: 32, recompute: 'full' };
  const to: Layout = { ...from, tp: 1, pp: 2, cp: 2, dp: 16, sharding: { kind: 'distributed-optimizer' }, micro: 1, accum: 32, recompute: 'none' };
  const write = suggestionEdits(analysis, analysis.settings, [], from, to, 512, 64);
  assert.deepEqual(write.byHand, []);
  assert.equal(applyEdits(text, write.files[0].edits).text,
    '# trainlint: format=megatron\nnum_layers: 40\nnum_attention_heads: 40\nmicro_batch_size: 1\ncontext_parallel_size: 2\nuse_distributed_optimizer: true\nglobal_batch_size: 512\ntensor_model_parallel_size: 1\npipeline_model_parallel_size: 2\nbf16: true\n');
});
