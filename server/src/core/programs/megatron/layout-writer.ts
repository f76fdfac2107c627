import { formatScalar, insertPropertyAfter, replaceValue } from '../../fix/edits';
import type { Layout, LayoutWrite, LayoutWriteContext, LayoutWriter } from '../../suggest/layout';
import type { ConfigNode } from '../../syntax/config-tree';
import type { TextEdit } from '../../text/range';
import { megatronArgs, type MegatronArgs } from './arguments';

/**
 * Writes a layout into Megatron-LM's arguments, in place: a flag's value where it is written (a `$VAR`'s assignment in
 * a launch script, as rescale does), a missing flag inserted before another Megatron flag of the same command, a flag
 * removed with its literal value; in a --yaml-cfg file the same by key. Flags are those of NVIDIA/Megatron-LM megatron/training/arguments.py
 * (_add_distributed_args, _add_training_args).
 */
// Flags a new one is written next to, the first the file states.
const ANCHORS = ['micro_batch_size', 'tensor_model_parallel_size', 'num_layers', 'global_batch_size', 'seq_length'];

class FlagWriter {
  readonly edits: TextEdit[] = [];
  readonly byHand: string[] = [];
  constructor(private readonly ctx: LayoutWriteContext, private readonly args: MegatronArgs) {}

  private get shell(): boolean {
    return this.args.style === 'shell';
  }

  /** Where a new flag goes: before a Megatron flag written on the command line (its name preceded by "--"). */
  private insertionPoint(): number | undefined {
    for (const dest of ANCHORS) {
      const at = this.args.node(dest)?.keyRange?.start;
      if (at !== undefined && this.ctx.text.slice(at - 2, at) === '--') return at - 2;
    }
    return undefined;
  }

  /** A new flag before another on the command line; in a --yaml-cfg file a top-level key after another (yaml_arguments.py reads both levels). */
  private insert(flag: string, value?: number | string): void {
    const words = value === undefined ? `--${flag}` : `--${flag} ${value}`;
    if (this.shell) {
      const at = this.insertionPoint();
      if (at === undefined) this.byHand.push(`add ${words}`);
      else this.edits.push({ range: { start: at, end: at }, newText: `${words} ` });
      return;
    }
    const anchor = ANCHORS.map((dest) => this.args.node(dest)).find((n) => n?.keyRange && n.pointer.split('/').length === 2);
    const key = flag.replace(/-/g, '_');
    if (!anchor) this.byHand.push(`add ${key}: ${value ?? 'true'}`);
    else this.edits.push(insertPropertyAfter('yaml', this.ctx.text, anchor, key, formatScalar('yaml', value ?? true)));
  }

  drop(dest: string): void {
    const node = this.args.node(dest);
    if (node) this.remove(node);
  }

  /** Removes a flag and the value written right after it (a YAML key with its line); a value held elsewhere (a variable) is left to the user. */
  private remove(node: ConfigNode): void {
    const { text } = this.ctx;
    const name = node.keyRange;
    if (!this.shell) {
      const lineStart = name ? text.lastIndexOf('\n', name.start - 1) + 1 : -1;
      const lineEnd = text.indexOf('\n', node.range.end);
      const own = name && /^[ \t]*$/.test(text.slice(lineStart, name.start)) && /^[ \t]*(?:#.*)?$/.test(text.slice(node.range.end, lineEnd === -1 ? text.length : lineEnd));
      if (own) this.edits.push({ range: { start: lineStart, end: lineEnd === -1 ? text.length : lineEnd + 1 }, newText: '' });
      else this.byHand.push(`remove ${String(node.key)}`);
      return;
    }
    if (!name || text.slice(name.start - 2, name.start) !== '--') {
      this.byHand.push(`remove --${String(node.key)}`);
      return;
    }
    const switchOnly = node.value === true && node.raw === '';
    const between = switchOnly ? '' : text.slice(name.end, node.range.start);
    if (!switchOnly && !/^(?:[ \t]+|=)$/.test(between)) {
      this.byHand.push(`remove --${String(node.key)} (its value is set elsewhere in the script)`);
      return;
    }
    let end = switchOnly ? Math.max(node.range.end, name.end) : node.range.end;
    while (text[end] === ' ' || text[end] === '\t') end++;
    this.edits.push({ range: { start: name.start - 2, end }, newText: '' });
  }

  /** Makes `dest` state `value`; `fallback` is what Megatron takes when the flag is absent. */
  setNumber(dest: string, flag: string, value: number | undefined, fallback: number | undefined): void {
    const node = this.args.node(dest);
    if (value === undefined) {
      if (node) this.remove(node);
      return;
    }
    if (!node) {
      if (value !== fallback) this.insert(flag, value);
      return;
    }
    if (node.value === value) return;
    if (node.kind !== 'scalar' || typeof node.value !== 'number') {
      this.byHand.push(`set ${this.args.name(dest)} to ${value} (the file gives ${node.raw ?? 'a value TrainLint cannot read'})`);
      return;
    }
    this.edits.push(replaceValue(this.ctx.tree.language, node, value));
  }

  setSwitch(dest: string, flag: string, on: boolean): void {
    const node = this.args.node(dest);
    if (on && !this.args.on(dest)) this.insert(flag);
    if (!on && node) this.remove(node);
  }

  setString(dest: string, flag: string, value: string | undefined): void {
    const node = this.args.node(dest);
    if (value === undefined) {
      if (node) this.remove(node);
    } else if (!node) {
      this.insert(flag, value);
    } else if (node.value !== value) {
      this.edits.push(replaceValue(this.ctx.tree.language, node, value));
    }
  }
}

function writeRecompute(w: FlagWriter, args: MegatronArgs, to: Layout): void {
  if (args.deepspeed && to.recompute === 'full') {
    // Megatron-DeepSpeed checkpoints every layer with --checkpoint-activations (its PipelineModule's activation_checkpoint_interval).
    for (const dest of ['recompute_granularity', 'recompute_method', 'recompute_num_layers']) w.drop(dest);
    w.setSwitch('checkpoint_activations', 'checkpoint-activations', true);
    return;
  }
  // The legacy switches say the same as a granularity; a layout states it one way only.
  for (const legacy of ['recompute_activations', 'checkpoint_activations']) w.drop(legacy);
  if (to.recompute === 'none') {
    for (const dest of ['recompute_granularity', 'recompute_method', 'recompute_num_layers']) w.drop(dest);
    return;
  }
  w.setString('recompute_granularity', 'recompute-granularity', to.recompute);
  // TransformerConfig: full needs a method and a layer count, selective takes neither (recompute-conflict, TL410).
  // uniform with 1 layer per chunk recomputes every layer, as the estimator's full recomputation assumes.
  w.setString('recompute_method', 'recompute-method', to.recompute === 'full' ? 'uniform' : undefined);
  if (to.recompute === 'full') w.setNumber('recompute_num_layers', 'recompute-num-layers', 1, undefined);
  else w.drop('recompute_num_layers');
}

function writeVirtualPipeline(w: FlagWriter, args: MegatronArgs, to: Layout): void {
  const layers = args.num('num_layers');
  const chunks = to.vpp > 1 ? to.vpp : undefined;
  if (args.node('num_virtual_stages_per_pipeline_rank')) {
    w.setNumber('num_virtual_stages_per_pipeline_rank', 'num-virtual-stages-per-pipeline-rank', chunks, undefined);
    return;
  }
  const perChunk = chunks && layers ? layers / to.pp / chunks : undefined;
  w.setNumber('num_layers_per_virtual_pipeline_stage', 'num-layers-per-virtual-pipeline-stage', perChunk, undefined);
}

export const layoutWriter: LayoutWriter = (ctx, from, to): LayoutWrite => {
  const args = megatronArgs(ctx.tree, ctx.root, ctx.settings, ctx.format);
  if (!args || args.nemo) return { edits: [], byHand: ['write the layout into the NeMo config by hand'] };
  const w = new FlagWriter(ctx, args);
  w.setNumber('tensor_model_parallel_size', 'tensor-model-parallel-size', to.tp, 1);
  w.setNumber('pipeline_model_parallel_size', 'pipeline-model-parallel-size', to.pp, 1);
  w.setNumber('decoder_first_pipeline_num_layers', 'decoder-first-pipeline-num-layers', to.firstStageLayers, undefined);
  w.setNumber('decoder_last_pipeline_num_layers', 'decoder-last-pipeline-num-layers', to.lastStageLayers, undefined);
  if (to.vpp !== from.vpp || to.pp !== from.pp) writeVirtualPipeline(w, args, to);
  w.setNumber('context_parallel_size', 'context-parallel-size', to.cp, 1);
  w.setNumber('expert_model_parallel_size', 'expert-model-parallel-size', to.ep, 1);
  if (from.sharding.kind !== to.sharding.kind) w.setSwitch('use_distributed_optimizer', 'use-distributed-optimizer', to.sharding.kind === 'distributed-optimizer');
  if (from.recompute !== to.recompute) writeRecompute(w, args, to);
  return { edits: w.edits, byHand: w.byHand };
};
