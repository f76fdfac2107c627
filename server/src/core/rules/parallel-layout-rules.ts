import { PROGRAM } from '../programs/ids';
import { forkKeepsCheck, megatronForkArguments } from '../programs/megatron/fork';
import type { Fix, RelatedLocation } from '../diagnostic';
import { megatronArgs, parallelLayout, type MegatronArgs } from '../programs/megatron/arguments';
import { replaceValue } from '../fix/edits';
import type { ConfigNode } from '../syntax/config-tree';
import type { Rule, RuleContext } from './rule';
import { checkoutOutOfReach } from './checkout';
import { expertGridDivides, expertsSplit, headsSplit, interleavedPipelineAllowed, kvGroupsFit, layersSplit, replicaDivides, sequenceSplitsForCp, unevenMiddleLayers, virtualChunksSplit } from '../facts/layout-predicates';

const MLM = 'NVIDIA/Megatron-LM@d98e8a64dd';
const MDS = 'deepspeedai/Megatron-DeepSpeed@4efb479d53';

/**
 * Visits the Megatron arguments of each root. NeMo 1.x configs are visited only by rules that check something NeMo's own code
 * path enforces (those whose `programs` name NeMo): NeMo never calls Megatron-LM's validate_args; it builds megatron.core's TransformerConfig
 * (NVIDIA/NeMo@8cfedd7203 nemo/collections/nlp/models/language_modeling/megatron_base_model.py:557-611, from megatron_gpt_model.py:340) and its
 * parallel groups (nemo/collections/nlp/parts/nlp_overrides.py:164, parallel_state.initialize_model_parallel).
 */
function forEachMegatron(ctx: RuleContext, visit: (args: MegatronArgs) => void): void {
  for (const root of ctx.roots) {
    const args = megatronArgs(ctx.tree, root, ctx.settings, ctx.format);
    // A size of zero or less divides nothing: Megatron stops on it (ZeroDivisionError, an assert), and no split can be
    // judged; nor can one past 2^53 (1e+308 nodes), which no count of GPUs or layers reaches.
    if (args && LAYOUT_SIZES.every((dest) => wholeSize(args.num(dest) ?? 1))) visit(args);
  }
}

// The sizes the layout rules divide by or into.
const LAYOUT_SIZES = ['tensor_model_parallel_size', 'pipeline_model_parallel_size', 'context_parallel_size', 'ds_sequence_parallel_size', 'expert_model_parallel_size', 'expert_tensor_parallel_size', 'num_layers', 'num_attention_heads', 'num_query_groups', 'num_key_value_heads', 'num_experts', 'num_layers_per_virtual_pipeline_stage', 'num_virtual_stages_per_pipeline_rank'];

function rangeOf(args: MegatronArgs, ...dests: string[]) {
  for (const dest of dests) {
    const node = args.node(dest);
    if (node) return node.range;
  }
  return { start: args.root.range.start, end: args.root.range.start + 1 };
}

function related(args: MegatronArgs, ...dests: string[]): RelatedLocation[] {
  return dests.map((d) => args.at(d)).filter((r): r is RelatedLocation => r !== undefined);
}

function setTo(ctx: RuleContext, node: ConfigNode | undefined, value: number, note: string): Fix | undefined {
  if (!node || node.kind !== 'scalar' || typeof node.value !== 'number' || node.value === value) return undefined;
  return { title: `Set ${String(node.key)} to ${value} (${note})`, safe: false, edits: [replaceValue(ctx.tree.language, node, value)] };
}

function wholeSize(n: number): boolean {
  return n > 0 && Number.isSafeInteger(n);
}

// Sizes past this get no suggested divisors: finding them would take a million trial divisions or more.
const MAX_DIVIDED = 1e12;

/** The first 64 divisors of a whole number, smallest first, by trial division up to its square root. */
function divisors(n: number): number[] {
  if (!wholeSize(n) || n > MAX_DIVIDED) return [];
  const small: number[] = [];
  const large: number[] = [];
  for (let d = 1; d * d <= n && small.length < 64; d++) {
    if (n % d !== 0) continue;
    small.push(d);
    if (d * d !== n) large.push(n / d);
  }
  return [...small, ...large.reverse()].slice(0, 64);
}

export const worldSizeNotDivisible: Rule = {
  meta: {
    code: 'TL401',
    name: 'world-size-not-divisible',
    judgesRelease: true,
    programs: [PROGRAM.megatron, PROGRAM.nemo],
    severity: 'error',
    summary: 'The number of GPUs is not a multiple of tensor x pipeline x context parallel size (or of the expert grid).',
    why: 'Megatron-LM\'s validate_args asserts "world size (W) is not divisible by total_model_size (total_model_size=TP*PP*CP)" on every rank before anything is built; with experts, megatron.core.parallel_state also needs the world size divisible by expert-tensor x expert x pipeline parallel size.',
    fix: 'Offers the pipeline or tensor sizes that divide the world size; launching more nodes is the other way out. Not applied automatically.',
    example: { language: 'yaml', text: 'language_model:\n  num_layers: 96\nmodel_parallel:\n  tensor_model_parallel_size: 8\n  pipeline_model_parallel_size: 16\nmicro_batch_size: 1\nglobal_batch_size: 1536\n' },
    references: [`${MLM} megatron/training/arguments.py (validate_args: world size divisible by total_model_size)`, `${MDS} megatron/arguments.py:104`, `${MLM} megatron/core/parallel_state.py (expert grid)`],
  },
  check(ctx) {
    forEachMegatron(ctx, (args) => {
      const world = args.world.value;
      if (world === undefined || !wholeSize(world)) return;
      const { tp, pp, cp, product } = parallelLayout(args);
      // A parallel size of zero or less divides nothing (Megatron stops on it with a ZeroDivisionError or an assert).
      if (!(product > 0)) return;
      const cpName = args.deepspeed ? 'sequence parallel size' : 'context parallel size';
      if (!replicaDivides(world, tp, pp, cp)) {
        const anchor = args.node('pipeline_model_parallel_size') && pp > 1 ? 'pipeline_model_parallel_size' : 'tensor_model_parallel_size';
        const ppNode = args.node('pipeline_model_parallel_size');
        const fixes: Fix[] = [];
        const maxPp = Math.max(...divisors(world).filter((d) => (world / d) % (tp * cp) === 0 && d <= pp));
        if (Number.isFinite(maxPp) && maxPp >= 1) {
          const fix = setTo(ctx, ppNode, maxPp, `the largest pipeline size that fits ${world} GPUs with TP ${tp}; the model must still fit`);
          if (fix) fixes.push(fix);
        }
        const upstream = args.deepspeed
          ? ` asserts "world size (${world}) is not divisible by tensor parallel size (${tp}) times pipeline parallel size (${pp}) times seqence parallel size (${cp})"`
          : args.nemo
            ? `'s parallel_state.initialize_model_parallel, which NeMo calls, raises "world_size (${world}) is not divisible by ${product}"`
            : ` asserts "world size (${world}) is not divisible by total_model_size (total_model_size=${product})"`;
        ctx.report({
          range: rangeOf(args, anchor, 'tensor_model_parallel_size'),
          message: `${world} GPUs (${args.world.source}) cannot be split into model replicas of tensor ${tp} x pipeline ${pp}${cp > 1 ? ` x ${cpName} ${cp}` : ''} = ${product} GPUs: Megatron${upstream}. Use a multiple of ${product} GPUs or smaller parallel sizes.`,
          fixes,
          related: [...related(args, 'tensor_model_parallel_size', 'pipeline_model_parallel_size', 'context_parallel_size'), ...args.world.related],
        });
        return;
      }
      // Experts: ETP x EP x PP must divide the world size (parallel_state.initialize_model_parallel).
      const ep = args.num('expert_model_parallel_size') ?? 1;
      if (ep > 1 && !args.deepspeed) {
        const etp = args.num('expert_tensor_parallel_size') ?? tp;
        const grid = etp * ep * pp;
        if (!expertGridDivides(world, etp, ep, pp)) {
          ctx.report({
            range: rangeOf(args, 'expert_model_parallel_size'),
            message: `${world} GPUs (${args.world.source}) do not divide into the expert grid expert-tensor ${etp} x expert ${ep} x pipeline ${pp} = ${grid}: megatron.core.parallel_state raises "world_size (${world}) is not divisible by expert_tensor_model_pipeline_parallel size (${grid})". Use a multiple of ${grid} GPUs or a smaller expert or pipeline size.`,
            related: [...related(args, 'expert_model_parallel_size', 'pipeline_model_parallel_size', 'expert_tensor_parallel_size'), ...args.world.related],
          });
        }
      }
      // NeMo: nlp_overrides.py:164 calls megatron.core parallel_state.initialize_model_parallel, which raises on both (parallel_state.py:823, :883).
    });
  },
};

export const layersNotDivisibleByPp: Rule = {
  meta: {
    code: 'TL402',
    name: 'layers-not-divisible-by-pp',
    programs: [PROGRAM.megatron, PROGRAM.nemo],
    severity: 'error',
    summary: 'The layers do not split evenly over the pipeline stages (or the virtual pipeline chunks), or the interleaved schedule is used with too few stages.',
    why: 'validate_args asserts "Number of layers should be divisible by the pipeline-model-parallel size" and, with a virtual pipeline, that layers per stage divide into chunks. Older versions and forks skipped some of these checks and silently built fewer layers (Megatron-LM #468: 80 layers, PP 16, VP 2 trained 64; #1304: 30 layers on PP 4 built 28).',
    fix: 'Offers a pipeline size that divides the layer count. Not applied automatically: it changes memory per GPU.',
    example: { language: 'yaml', text: '# trainlint: format=megatron\ntensor_model_parallel_size: 2\npipeline_model_parallel_size: 4\nnum_layers: 30\nmicro_batch_size: 1\nglobal_batch_size: 64\n' },
    references: [`${MLM} megatron/training/arguments.py (validate_args: layers and pipeline stages)`, `${MDS} megatron/arguments.py:173-179`, 'NVIDIA/Megatron-LM#468', 'NVIDIA/Megatron-LM#1304'],
  },
  check(ctx) {
    forEachMegatron(ctx, (args) => {
      const layers = args.num('num_layers');
      const { pp } = parallelLayout(args);
      if (layers === undefined) return;
      const first = args.num('decoder_first_pipeline_num_layers');
      const last = args.num('decoder_last_pipeline_num_layers');
      const perVirtual = args.num('num_layers_per_virtual_pipeline_stage');
      const virtualStages = args.num('num_virtual_stages_per_pipeline_rank');
      const layout = args.node('pipeline_model_parallel_layout');
      if (layout) return;
      // Megatron-DeepSpeed's pipeline is DeepSpeed's PipelineModule, which partitions layers itself
      // (--pp-partition-method, 'parameters' by default): uneven splits are legal there.
      if (args.deepspeed && perVirtual === undefined) return;
      const ppNode = args.node('pipeline_model_parallel_size');
      const ppFix = () => {
        const candidates = divisors(layers).filter((d) => d <= Math.max(pp, 1) * 2 && d > 1);
        const nearest = candidates.sort((a, b) => Math.abs(a - pp) - Math.abs(b - pp))[0];
        const fix = nearest ? setTo(ctx, ppNode, nearest, `${layers / nearest} layers per stage; check the world size still divides`) : undefined;
        return fix ? [fix] : [];
      };
      if (first !== undefined || last !== undefined) {
        if (pp <= 1) {
          ctx.report({
            range: rangeOf(args, 'decoder_first_pipeline_num_layers', 'decoder_last_pipeline_num_layers'),
            severity: 'warning',
            message: `Uneven pipeline stage sizes with pipeline size ${pp}: the first/last-stage layer counts still change the model Megatron builds and the FLOPs it reports (Megatron-LM #1778). Drop them, or use pipeline parallelism.`,
            related: related(args, 'num_layers', 'pipeline_model_parallel_size'),
          });
          return;
        }
        const middleStages = pp - (first !== undefined ? 1 : 0) - (last !== undefined ? 1 : 0);
        const middle = layers - (first ?? 0) - (last ?? 0);
        if (unevenMiddleLayers(layers, pp, first, last) === undefined) {
          ctx.report({
            range: rangeOf(args, 'decoder_first_pipeline_num_layers', 'decoder_last_pipeline_num_layers'),
            message: `${layers} layers minus ${first ?? 0} on the first stage and ${last ?? 0} on the last leave ${middle} for ${middleStages} middle stage(s), which does not divide: TransformerConfig raises "number of middle layers: ${middle} must be divisible by middle pipeline_model_parallel_size ${middleStages}".`,
            related: related(args, 'num_layers', 'pipeline_model_parallel_size'),
          });
        }
        return;
      }
      if (!layersSplit(layers, pp)) {
        const built = Math.floor(layers / pp) * pp;
        // NeMo: its legacy transformer asserts (NVIDIA/NeMo@8cfedd7203 nemo/collections/nlp/modules/common/megatron/transformer.py:1101); with
        // mcore models megatron.core's TransformerBlock takes num_layers // pp per stage (transformer_block.py:159) and builds fewer layers.
        const message = args.nemo
          ? args.nemo.mcore
            ? `${layers} layers do not split over ${pp} pipeline stages (${(layers / pp).toFixed(2)} per stage): megatron.core builds num_layers // pp per stage without a check, so the model NeMo trains has ${built} layers, not ${layers}.`
            : `${layers} layers do not split over ${pp} pipeline stages (${(layers / pp).toFixed(2)} per stage): NeMo's transformer asserts "num_layers must be divisible by pipeline_model_parallel_size".`
          : `${layers} layers do not split over ${pp} pipeline stages (${(layers / pp).toFixed(2)} per stage): Megatron asserts "Number of layers should be divisible by the pipeline-model-parallel size"; versions without the check silently build ${built} layers.`;
        ctx.report({
          range: rangeOf(args, 'num_layers'),
          ...(args.nemo?.mcore ? { severity: 'warning' as const } : {}),
          message,
          fixes: ppFix(),
          related: related(args, 'pipeline_model_parallel_size'),
        });
        return;
      }
      // The virtual-pipeline checks below are validate_args' and TransformerConfig's for Megatron-LM's names; NeMo is not judged on them.
      if (args.nemo) return;
      const perStage = layers / pp;
      if (perVirtual !== undefined || virtualStages !== undefined) {
        const vpp = virtualStages ?? (perVirtual ? perStage / perVirtual : undefined);
        if (perVirtual !== undefined && !virtualChunksSplit(perStage, perVirtual)) {
          ctx.report({
            range: rangeOf(args, 'num_layers_per_virtual_pipeline_stage'),
            message: `${perStage} layers per pipeline stage (${layers} / ${pp}) do not split into virtual chunks of ${perVirtual}: Megatron asserts "number of layers per pipeline stage must be divisible number of layers per virtual pipeline stage"; older versions silently dropped layers (Megatron-LM #468, #326).`,
            related: related(args, 'num_layers', 'pipeline_model_parallel_size'),
          });
          return;
        }
        if (virtualStages !== undefined && !virtualChunksSplit(perStage, virtualStages)) {
          ctx.report({
            range: rangeOf(args, 'num_virtual_stages_per_pipeline_rank'),
            message: `${perStage} layers per pipeline stage do not split into ${virtualStages} virtual stages: TransformerConfig raises on the uneven split.`,
            related: related(args, 'num_layers', 'pipeline_model_parallel_size'),
          });
          return;
        }
        if (vpp !== undefined && vpp > 1) {
          const overlap = args.on('overlap_p2p_comm');
          if (!interleavedPipelineAllowed(pp, overlap)) {
            ctx.report({
              range: rangeOf(args, 'num_layers_per_virtual_pipeline_stage', 'num_virtual_stages_per_pipeline_rank'),
              message: overlap
                ? `The interleaved schedule needs pipeline size > 1: Megatron asserts "When interleaved schedule is used, pipeline-model-parallel size should be greater than 1".`
                : `The interleaved schedule needs pipeline size > 2 (got ${pp}): Megatron asserts "When interleaved schedule is used and p2p communication overlap is disabled, pipeline-model-parallel size should be greater than 2".`,
              related: related(args, 'pipeline_model_parallel_size'),
            });
          }
        }
      }
    });
  },
};

export const headsNotDivisibleByTp: Rule = {
  meta: {
    code: 'TL403',
    name: 'heads-not-divisible-by-tp',
    programs: [PROGRAM.megatron, PROGRAM.nemo],
    severity: 'error',
    summary: 'The attention heads do not split evenly over the tensor-parallel ranks, or the hidden size over the heads.',
    why: 'TransformerConfig.__post_init__ raises "num_attention_heads (H) must be a multiple of tensor_model_parallel_size (TP)"; validate_args asserts hidden_size % num_attention_heads == 0 when --kv-channels is not given.',
    fix: 'Offers the tensor-parallel sizes that divide the head count.',
    example: { language: 'yaml', text: '# trainlint: format=megatron\ntensor_model_parallel_size: 8\npipeline_model_parallel_size: 1\nnum_layers: 24\nnum_attention_heads: 28\nhidden_size: 3584\n' },
    references: [`${MLM} megatron/core/transformer/transformer_config.py (__post_init__)`, `${MLM} megatron/training/arguments.py (validate_args: hidden_size % num_attention_heads)`],
  },
  check(ctx) {
    forEachMegatron(ctx, (args) => {
      const heads = args.num('num_attention_heads');
      const hidden = args.num('hidden_size');
      const { tp } = parallelLayout(args);
      if (heads === undefined || !(heads > 0) || !(tp > 0)) return;
      if (!headsSplit(heads, tp)) {
        const valid = divisors(heads).filter((d) => d <= 16);
        const tpNode = args.node('tensor_model_parallel_size');
        const nearest = valid.filter((d) => d < tp).pop();
        const fix = nearest ? setTo(ctx, tpNode, nearest, 'divides the head count') : undefined;
        ctx.report({
          range: rangeOf(args, 'tensor_model_parallel_size', 'num_attention_heads'),
          message: `${heads} attention heads do not split over tensor-parallel size ${tp}: TransformerConfig raises "num_attention_heads (${heads}) must be a multiple of tensor_model_parallel_size (${tp})". Tensor-parallel sizes that work: ${valid.join(', ')}.`,
          fixes: fix ? [fix] : [],
          related: related(args, 'num_attention_heads'),
        });
      }
      // validate_args' check; NeMo's legacy transformer asserts the same (NVIDIA/NeMo@8cfedd7203 nemo/collections/nlp/modules/common/megatron/transformer.py:185),
      // megatron.core's TransformerConfig does not (kv_channels = hidden_size // num_attention_heads).
      if (hidden !== undefined && args.node('kv_channels') === undefined && hidden % heads !== 0 && !args.nemo?.mcore) {
        ctx.report({
          range: rangeOf(args, 'hidden_size'),
          message: `hidden size ${hidden} is not a multiple of ${heads} attention heads: validate_args asserts hidden_size % num_attention_heads == 0 when --kv-channels is not given (a bare assert, no message).`,
          related: related(args, 'num_attention_heads'),
        });
      }
      // NeMo: TransformerConfig.__post_init__ raises on heads % TP (built by megatron_base_model.py:611).
    });
  },
};

export const kvHeadsVsTp: Rule = {
  meta: {
    code: 'TL404',
    name: 'kv-heads-vs-tp',
    programs: [PROGRAM.megatron, PROGRAM.nemo],
    severity: 'error',
    summary: 'The key/value head groups (GQA) are neither a multiple nor a divisor of the tensor-parallel size, or do not divide the attention heads.',
    why: 'TransformerConfig raises "num_query_groups (G) must be a multiple or divisor of tensor_model_parallel_size (TP)"; attention heads not divisible by the groups is accepted and then fails deep inside the model with a shape error (Megatron-LM #5755).',
    fix: 'No automatic fix: the number of key/value heads is part of the model architecture.',
    example: { language: 'yaml', text: '# trainlint: format=megatron\ntensor_model_parallel_size: 4\npipeline_model_parallel_size: 1\nnum_layers: 24\nnum_attention_heads: 48\nnum_query_groups: 6\n' },
    references: [`${MLM} megatron/core/transformer/transformer_config.py (__post_init__: num_query_groups)`, 'NVIDIA/Megatron-LM#5755'],
  },
  check(ctx) {
    forEachMegatron(ctx, (args) => {
      const heads = args.num('num_attention_heads');
      const { tp } = parallelLayout(args);
      // --num-query-groups only counts with --group-query-attention (core_transformer_config_from_args); Megatron-DeepSpeed spells it --num-key-value-heads.
      const groups = args.deepspeed ? args.num('num_key_value_heads') : args.on('group_query_attention') || args.style === 'yaml' ? args.num('num_query_groups') : undefined;
      if (groups === undefined) return;
      const dest = args.deepspeed ? 'num_key_value_heads' : 'num_query_groups';
      if (!kvGroupsFit(groups, tp)) {
        ctx.report({
          range: rangeOf(args, dest),
          message: `${groups} key/value groups with tensor-parallel size ${tp}: TransformerConfig raises "num_query_groups (${groups}) must be a multiple or divisor of tensor_model_parallel_size (${tp})".`,
          related: related(args, 'tensor_model_parallel_size'),
        });
      }
      if (heads !== undefined && heads % groups !== 0) {
        ctx.report({
          range: rangeOf(args, dest),
          message: `${heads} attention heads are not a multiple of ${groups} key/value groups: Megatron accepts it and then fails with a shape error inside attention (Megatron-LM #5755). Use a number of groups that divides ${heads}.`,
          related: related(args, 'num_attention_heads'),
        });
      }
      // NeMo: model.num_query_groups reaches TransformerConfig (megatron_base_model.py:599, `elif field.name in cfg`), which raises.
    });
  },
};

export const seqNotDivisibleByCp: Rule = {
  meta: {
    code: 'TL405',
    name: 'seq-not-divisible-by-cp',
    programs: [PROGRAM.megatron],
    severity: 'error',
    summary: 'With context parallelism, the sequence length is not a multiple of 2 x the context-parallel size.',
    why: 'validate_args asserts "seq-length should be a multiple of 2 * context-parallel-size if context-parallel-size > 1": the load-balanced ring attention splits each sequence into 2 x CP chunks.',
    fix: 'Offers the nearest sequence length that divides.',
    example: { language: 'yaml', text: '# trainlint: format=megatron\ntensor_model_parallel_size: 1\npipeline_model_parallel_size: 1\ncontext_parallel_size: 2\nnum_layers: 8\nseq_length: 4098\nmax_position_embeddings: 8192\n' },
    references: [`${MLM} megatron/training/arguments.py (validate_args: context parallel)`],
  },
  check(ctx) {
    forEachMegatron(ctx, (args) => {
      const { cp } = parallelLayout(args);
      const seq = args.num('seq_length');
      if (cp <= 1 || seq === undefined || args.deepspeed) return;
      if (sequenceSplitsForCp(seq, cp)) return;
      const nearest = Math.max(1, Math.round(seq / (2 * cp))) * 2 * cp;
      const fix = setTo(ctx, args.node('seq_length'), nearest, `a multiple of 2 x ${cp}`);
      ctx.report({
        range: rangeOf(args, 'seq_length'),
        message: `Sequence length ${seq} is not a multiple of 2 x context-parallel size ${cp} = ${2 * cp}: Megatron asserts "seq-length should be a multiple of 2 * context-parallel-size if context-parallel-size > 1".`,
        fixes: fix ? [fix] : [],
        related: related(args, 'context_parallel_size'),
      });
    });
  },
};

export const expertsNotDivisibleByEp: Rule = {
  meta: {
    code: 'TL406',
    name: 'experts-not-divisible-by-ep',
    programs: [PROGRAM.megatron, PROGRAM.nemo],
    severity: 'error',
    summary: 'Expert parallelism without experts, or a number of experts that the expert-parallel size does not divide.',
    why: 'validate_args asserts "num_experts must be non None to use expert model parallelism" and "Number of experts should be a multiple of expert model parallel_size."',
    fix: 'No automatic fix: choose an expert-parallel size that divides the number of experts.',
    example: { language: 'yaml', text: '# trainlint: format=megatron\ntensor_model_parallel_size: 1\npipeline_model_parallel_size: 1\nnum_layers: 8\nnum_experts: 6\nexpert_model_parallel_size: 4\n' },
    references: [`${MLM} megatron/training/arguments.py (validate_args: experts)`],
  },
  check(ctx) {
    forEachMegatron(ctx, (args) => {
      const ep = args.num('expert_model_parallel_size') ?? 1;
      if (ep <= 1) return;
      const expertsNode = args.node('num_experts');
      const experts = expertsNode?.kind === 'array' ? Number(expertsNode.children[0]?.value) : args.num('num_experts');
      if (experts === undefined || Number.isNaN(experts)) {
        if (args.nemo) return; // validate_args' assertion; NeMo does not run it.
        // --use-checkpoint-args loads the model's shape (num_experts too) from the checkpoint before validate_args
        // (megatron/training/arguments.py parse_args -> checkpointing.py load_args_from_checkpoint).
        if (args.on('use_checkpoint_args')) return;
        ctx.report({
          range: rangeOf(args, 'expert_model_parallel_size'),
          message: `Expert-parallel size ${ep} without --num-experts: Megatron asserts "num_experts must be non None to use expert model parallelism".`,
        });
        return;
      }
      if (!expertsSplit(experts, ep)) {
        ctx.report({
          range: rangeOf(args, 'expert_model_parallel_size'),
          message: `${experts} experts do not split over expert-parallel size ${ep}: Megatron asserts "Number of experts should be a multiple of expert model parallel_size." Sizes that work: ${divisors(experts).join(', ')}.`,
          related: related(args, 'num_experts'),
        });
      }
      // NeMo: megatron.core's MoE layer asserts num_moe_experts % expert_model_parallel_size == 0 (moe/moe_layer.py:186).
    });
  },
};

export const seqExceedsMaxPositions: Rule = {
  meta: {
    code: 'TL407',
    name: 'seq-exceeds-max-positions',
    programs: [PROGRAM.megatron, PROGRAM.nemo],
    severity: 'error',
    summary: 'The sequence length is longer than the position embeddings.',
    why: 'validate_args asserts "max_position_embeddings (P) must be greater than or equal to seq_length (S)." (and the same for the decoder sequence length).',
    fix: 'Offers raising --max-position-embeddings to the sequence length.',
    example: { language: 'yaml', text: '# trainlint: format=megatron\ntensor_model_parallel_size: 1\npipeline_model_parallel_size: 1\nnum_layers: 8\nseq_length: 4096\nmax_position_embeddings: 2048\n' },
    references: [`${MLM} megatron/training/arguments.py (validate_args: max_position_embeddings)`],
  },
  check(ctx) {
    forEachMegatron(ctx, (args) => {
      const max = args.num('max_position_embeddings');
      // NeMo does not run validate_args; only learned absolute position embeddings (its GPT default, NVIDIA/NeMo@8cfedd7203
      // megatron_gpt_model.py:507) index past the table and fail; rope and alibi take any length.
      const positions = args.node('position_embedding_type')?.value ?? 'learned_absolute';
      if (args.nemo && positions !== 'learned_absolute') return;
      for (const dest of ['seq_length', 'decoder_seq_length']) {
        const seq = args.num(dest);
        if (seq === undefined || max === undefined || max >= seq) continue;
        const fix = setTo(ctx, args.node('max_position_embeddings'), seq, 'as long as the sequence');
        ctx.report({
          range: rangeOf(args, 'max_position_embeddings'),
          message: args.nemo
            ? `${args.name(dest)} ${seq} is longer than ${args.name('max_position_embeddings')} ${max}: the learned absolute position embedding table has no row past position ${max - 1}, so the first step fails with an index error.`
            : `${args.name(dest)} ${seq} is longer than ${args.name('max_position_embeddings')} ${max}: Megatron asserts "max_position_embeddings (${max}) must be greater than or equal to ${dest} (${seq})."`,
          fixes: fix ? [fix] : [],
          related: related(args, dest),
        });
      }
    });
  },
};

export const sequenceParallelWithoutTp: Rule = {
  meta: {
    code: 'TL408',
    name: 'sequence-parallel-without-tp',
    programs: [PROGRAM.megatron, PROGRAM.nemo],
    severity: 'info',
    summary: 'Sequence parallelism is switched on with tensor-parallel size 1, where it does nothing.',
    why: 'validate_args prints "Disabling sequence parallelism because tensor model parallelism is disabled" and turns it off; the flag only misleads readers (and memory estimates) about the layout.',
    fix: 'Removing the flag changes nothing in the run.',
    example: { language: 'yaml', text: '# trainlint: format=megatron\ntensor_model_parallel_size: 1\npipeline_model_parallel_size: 1\nnum_layers: 8\nsequence_parallel: true\n' },
    references: [`${MLM} megatron/training/arguments.py (validate_args: sequence parallel with TP 1)`],
  },
  check(ctx) {
    forEachMegatron(ctx, (args) => {
      const { tp } = parallelLayout(args);
      const sp = args.node('sequence_parallel');
      if (!sp || !args.on('sequence_parallel') || tp !== 1) return;
      ctx.report({
        range: sp.keyRange ?? sp.range,
        message: args.nemo
          ? 'Sequence parallelism with tensor-parallel size 1 does nothing: NeMo turns it off (megatron_base_model.py sets sequence_parallel = False when tensor_model_parallel_size is 1).'
          : 'Sequence parallelism with tensor-parallel size 1 does nothing: Megatron prints "Disabling sequence parallelism because tensor model parallelism is disabled" and turns it off.',
        related: related(args, 'tensor_model_parallel_size'),
      });
      // NeMo: NVIDIA/NeMo@8cfedd7203 megatron_base_model.py:1019-1025 disables it the same way.
    });
  },
};

export const distributedOptimizerDependency: Rule = {
  meta: {
    code: 'TL409',
    name: 'distributed-optimizer-dependency',
    programs: [PROGRAM.megatron],
    severity: 'error',
    summary: 'An overlap or gather option that needs the distributed optimizer (or another option) it does not have.',
    why: 'validate_args asserts "--overlap-param-gather only supported with distributed optimizer, megatron fsdp, or dist_muon", "Must use --overlap-param-gather with --overlap-grad-reduce", "--fp8-param-gather only supported with distributed optimizer, torch fsdp2, megatron fsdp, or inference mode", and that tensor-parallel communication overlap needs sequence parallelism.',
    fix: 'No automatic fix: adding the missing option changes memory and communication.',
    example: { language: 'yaml', text: '# trainlint: format=megatron\ntensor_model_parallel_size: 1\npipeline_model_parallel_size: 1\nnum_layers: 8\noverlap_param_gather: true\noverlap_grad_reduce: true\n' },
    references: [`${MLM} megatron/training/arguments.py (validate_args: distributed optimizer and overlap options)`],
  },
  check(ctx) {
    forEachMegatron(ctx, (args) => {
      if (args.deepspeed) return;
      const distOpt = args.on('use_distributed_optimizer') || args.on('use_megatron_fsdp') || args.node('optimizer')?.value === 'dist_muon';
      const report = (dest: string, message: string, ...rel: string[]) => {
        const node = args.node(dest);
        if (node) ctx.report({ range: node.keyRange ?? node.range, message, related: related(args, ...rel) });
      };
      if (args.on('overlap_param_gather')) {
        if (!distOpt) report('overlap_param_gather', '--overlap-param-gather needs the distributed optimizer: Megatron asserts "--overlap-param-gather only supported with distributed optimizer, megatron fsdp, or dist_muon". Add --use-distributed-optimizer.');
        if (!args.on('overlap_grad_reduce')) report('overlap_param_gather', '--overlap-param-gather without --overlap-grad-reduce: Megatron asserts "Must use --overlap-param-gather with --overlap-grad-reduce".');
      }
      if (args.on('overlap_param_gather_with_optimizer_step')) {
        if (!args.on('use_distributed_optimizer')) report('overlap_param_gather_with_optimizer_step', 'Megatron asserts "--overlap-param-gather-with-optimizer-step only supported with distributed optimizer".');
        if (!args.on('overlap_param_gather')) report('overlap_param_gather_with_optimizer_step', 'Megatron asserts "Must use --overlap-param-gather-with-optimizer-step with --overlap-param-gather".');
      }
      if (args.on('fp8_param_gather') && !distOpt && !args.on('use_torch_fsdp2')) {
        report('fp8_param_gather', '--fp8-param-gather needs a sharded optimizer: Megatron asserts "--fp8-param-gather only supported with distributed optimizer, torch fsdp2, megatron fsdp, or inference mode". Add --use-distributed-optimizer.');
      }
      if (args.on('use_torch_fsdp2') && args.on('use_distributed_optimizer')) report('use_torch_fsdp2', 'Megatron asserts "--use-torch-fsdp2 is not supported with MCore\'s distributed optimizer".', 'use_distributed_optimizer');
      const { tp, pp } = parallelLayout(args);
      if (args.on('use_torch_fsdp2') && pp > 1) report('use_torch_fsdp2', 'Megatron asserts "--use-torch-fsdp2 is not supported with pipeline parallelism".', 'pipeline_model_parallel_size');
      if (args.on('tp_comm_overlap') && !(args.on('sequence_parallel') && tp > 1)) report('tp_comm_overlap', 'Tensor-parallel communication overlap needs sequence parallelism: Megatron asserts "Tensor parallel communication/GEMM overlap can happen only when sequence parallelism is enabled" (and sequence parallelism is turned off at TP 1).', 'sequence_parallel');
    });
  },
};

export const recomputeConflict: Rule = {
  meta: {
    code: 'TL410',
    name: 'recompute-conflict',
    judgesRelease: true,
    programs: [PROGRAM.megatron, PROGRAM.nemo],
    severity: 'error',
    summary: 'Activation recomputation options that contradict each other or are no longer accepted.',
    why: 'TransformerConfig and validate_args raise on: full granularity without --recompute-method, selective granularity with a method or a layer count, distributed saved activations without full recomputation or TP > 1, and the removed --checkpoint-activations ("--checkpoint-activations is no longer valid, use --recompute-activations...").',
    fix: 'No automatic fix: the recomputation policy trades memory for time.',
    example: { language: 'yaml', text: '# trainlint: format=megatron\ntensor_model_parallel_size: 1\npipeline_model_parallel_size: 1\nnum_layers: 8\nrecompute_granularity: full\n' },
    references: [`${MLM} megatron/core/transformer/transformer_config.py (__post_init__: recompute)`, `${MLM} megatron/training/arguments.py (validate_args: recompute)`],
  },
  check(ctx) {
    forEachMegatron(ctx, (args) => {
      const granularity = args.node('recompute_granularity')?.value ?? (args.on('recompute_activations') ? 'selective' : undefined);
      const method = args.node('recompute_method')?.value;
      const layers = args.num('recompute_num_layers');
      const at = (dest: string) => rangeOf(args, dest);
      // The repository's own arguments file decides: Megatron-DeepSpeed's megatron/arguments.py still defines the flag
      // (its validate_args check is commented out), and another fork's is unread.
      const own = ctx.tree.language === 'shell' ? megatronForkArguments(ctx.settings, 'Megatron-LM') : undefined;
      const runsMegatronDeepSpeed = own !== undefined && megatronForkArguments(ctx.settings, 'Megatron-DeepSpeed') === undefined;
      if (!args.deepspeed && !args.nemo && !runsMegatronDeepSpeed && args.on('checkpoint_activations')) {
        // A fork that kept the exit (sail-sg/zero-bubble-pipeline-parallelism's arguments.py:220-223) fails the same way.
        const kept = own !== undefined && forkKeepsCheck(ctx.settings, '--checkpoint-activations is no longer valid');
        const checkout = checkoutOutOfReach(ctx);
        ctx.report({
          range: at('checkpoint_activations'),
          ...(own && kept
            ? { message: `Megatron-LM exits on "--checkpoint-activations is no longer valid, use --recompute-activations, ..."; this repository's own ${own} makes the same check.` }
            : own
            ? { severity: 'warning' as const, message: `Megatron-LM exits on "--checkpoint-activations is no longer valid, use --recompute-activations, ..."; this repository runs its own ${own}, which decides (Megatron-DeepSpeed still takes the flag).` }
            : checkout
            ? { message: `Megatron-LM exits on "--checkpoint-activations is no longer valid, use --recompute-activations, ..." since April 2023 (3e71ad9c62); the script runs the program from ${checkout}, a checkout TrainLint cannot see, whose release decides (Megatron-DeepSpeed still takes the flag).` }
            : { message: 'Megatron-LM exits on "--checkpoint-activations is no longer valid, use --recompute-activations, or, for more control, --recompute-granularity and --recompute-method." (Megatron-DeepSpeed still takes it.)' }),
        });
      }
      if (granularity === 'full' && (method === undefined || method === null)) {
        ctx.report({ range: at('recompute_granularity'), message: 'Full recomputation needs a method: TransformerConfig raises "Using recompute_granularity: full so recompute_method must be "block" or "uniform"". Add --recompute-method uniform (and --recompute-num-layers).', related: related(args, 'recompute_granularity') });
      } else if (granularity === 'full' && layers === undefined && !args.deepspeed) {
        ctx.report({ range: at('recompute_granularity'), message: 'Full recomputation needs --recompute-num-layers: TransformerConfig raises "When using recompute_granularity: full recompute_num_layers must be between 1 and num_layers_per_pipeline_rank".', related: related(args, 'recompute_method') });
      }
      // validate_args' assertion only: TransformerConfig accepts a method with selective granularity, and NeMo passes both to it.
      if (granularity === 'selective' && method !== undefined && method !== null && !args.nemo) {
        ctx.report({ range: at('recompute_method'), message: 'Megatron asserts "recompute method is not yet supported for selective recomputing granularity". Drop --recompute-method, or use --recompute-granularity full.', related: related(args, 'recompute_granularity') });
      }
      if (granularity === 'selective' && layers !== undefined && !args.deepspeed) {
        ctx.report({ range: at('recompute_num_layers'), message: 'TransformerConfig raises "When using recompute_granularity: selective recompute_num_layers must be None."', related: related(args, 'recompute_granularity') });
      }
      // NeMo sets distribute_saved_activations False whatever the config says (megatron_base_model.py:588).
      if (args.on('distribute_saved_activations') && !args.nemo) {
        const { tp } = parallelLayout(args);
        if (tp <= 1) ctx.report({ range: at('distribute_saved_activations'), message: 'Megatron asserts "can distribute recomputed activations only across tensor model parallel groups" (tensor-parallel size is 1).' });
        if (granularity !== 'full') ctx.report({ range: at('distribute_saved_activations'), message: 'Megatron asserts "distributed recompute activations is only application to full recompute granularity".' });
        if (args.on('sequence_parallel') && tp > 1) ctx.report({ range: at('distribute_saved_activations'), message: 'TransformerConfig raises "distribute_saved_activations: True must be false when sequence parallel is enabled: True".' });
      }
      // NeMo: activations_checkpoint_granularity/method/num_layers become TransformerConfig's recompute_* (NVIDIA/NeMo@8cfedd7203
      // megatron_base_model.py:557-587), whose __post_init__ raises on full without method or layers and selective with layers.
    });
  },
};

export const iterationsAndSamples: Rule = {
  meta: {
    code: 'TL411',
    name: 'iterations-and-samples',
    programs: [PROGRAM.megatron],
    severity: 'error',
    summary: 'Iteration-based and sample-based schedule options mixed (train, decay, warmup).',
    why: 'validate_args asserts "expected iteration-based training" / "expected sample-based training" and the same for learning-rate decay and warmup: --train-iters goes with --lr-decay-iters and --lr-warmup-iters, --train-samples with --lr-decay-samples and --lr-warmup-samples.',
    fix: 'No automatic fix: converting iterations to samples needs the global batch (and its ramp-up).',
    example: { language: 'yaml', text: '# trainlint: format=megatron\ntensor_model_parallel_size: 1\npipeline_model_parallel_size: 1\nnum_layers: 8\ntrain_iters: 1000\nlr_decay_samples: 100000\n' },
    references: [`${MLM} megatron/training/arguments.py (validate_args: iteration- vs sample-based)`, `${MDS} megatron/arguments.py:241-264`],
  },
  check(ctx) {
    forEachMegatron(ctx, (args) => {
      const iters = args.node('train_iters');
      const samples = args.node('train_samples');
      const given = (dest: string) => {
        const n = args.node(dest);
        return n !== undefined && n.value !== null && n.value !== 0;
      };
      if (iters && samples && given('train_iters') && given('train_samples')) {
        ctx.report({ range: samples.keyRange ?? samples.range, message: 'Both --train-iters and --train-samples: Megatron asserts "expected iteration-based training" (or "expected sample-based training"). Keep one.', related: related(args, 'train_iters') });
        return;
      }
      const pairs: Array<[string, string, string]> = given('train_iters')
        ? [['lr_decay_samples', 'expected iteration-based learning rate decay', '--lr-decay-iters'], ['lr_warmup_samples', 'expected iteration-based learning rate warmup', '--lr-warmup-iters']]
        : given('train_samples')
          ? [['lr_decay_iters', 'expected sample-based learning rate decay', '--lr-decay-samples'], ['lr_warmup_iters', 'expected sample-based learnig rate warmup', '--lr-warmup-samples']]
          : [];
      for (const [dest, upstream, instead] of pairs) {
        if (!given(dest)) continue;
        ctx.report({ range: rangeOf(args, dest), message: `${args.name(dest)} with ${given('train_iters') ? '--train-iters' : '--train-samples'}: Megatron asserts "${upstream}". Use ${instead}.`, related: related(args, given('train_iters') ? 'train_iters' : 'train_samples') });
      }
      if (given('lr_warmup_fraction')) {
        for (const dest of ['lr_warmup_iters', 'lr_warmup_samples']) {
          if (given(dest)) ctx.report({ range: rangeOf(args, dest), message: `Megatron asserts "can only specify one of lr-warmup-fraction and ${dest.replace(/_/g, '-').replace('lr-', 'lr-')}".`, related: related(args, 'lr_warmup_fraction') });
        }
      }
    });
  },
};

export const batchScheduleConflict: Rule = {
  meta: {
    code: 'TL412',
    name: 'batch-schedule-conflict',
    programs: [PROGRAM.megatron],
    severity: 'error',
    summary: 'A batch-size ramp-up or step schedule combined with what it excludes: an explicit global batch, or iteration-based training.',
    why: 'validate_args raises "Cannot specify both --step-batch-size-schedule and --global-batch-size" (also for --yaml-cfg files). A --rampup-batch-size with --train-iters fails Megatron-DeepSpeed and older Megatron-LM with "expected no batch-size rampup for iteration-based training"; current Megatron-LM ignores --rampup-batch-size altogether.',
    fix: 'No automatic fix: keep the schedule and drop the fixed global batch, or the other way round.',
    example: { language: 'yaml', text: '# trainlint: format=megatron\ntensor_model_parallel_size: 1\npipeline_model_parallel_size: 1\nmicro_batch_size: 1\nglobal_batch_size: 1536\nstep_batch_size_schedule: \"0:16 12B:1536\"\n' },
    references: [`${MLM} megatron/training/arguments.py (validate_args: step batch size schedule)`, `${MLM} megatron/training/yaml_arguments.py (validate_yaml)`, `${MDS} megatron/arguments.py:247`],
  },
  check(ctx) {
    forEachMegatron(ctx, (args) => {
      const schedule = args.node('step_batch_size_schedule');
      const global = args.node('global_batch_size');
      const rampup = args.node('rampup_batch_size');
      if (schedule && global && schedule.value !== null && global.value !== null) {
        ctx.report({
          range: global.keyRange ?? global.range,
          message: `${args.name('global_batch_size')} together with ${args.name('step_batch_size_schedule')}: Megatron raises "ValueError: Cannot specify both --step-batch-size-schedule and --global-batch-size". The schedule sets the global batch; remove ${args.name('global_batch_size')}.`,
          fixes: ctx.tree.language !== 'shell' && global.keyRange ? [{ title: `Remove ${String(global.key)}`, safe: false, edits: [] }].filter((f) => f.edits.length > 0) : [],
          related: related(args, 'step_batch_size_schedule'),
        });
      }
      if (rampup && rampup.value !== null && schedule && schedule.value !== null) {
        ctx.report({ range: rampup.keyRange ?? rampup.range, message: `${args.name('rampup_batch_size')} and ${args.name('step_batch_size_schedule')} both describe how the batch grows; Megatron-LM ignores the deprecated ramp-up. Keep the schedule.`, related: related(args, 'step_batch_size_schedule') });
      }
      const iters = args.node('train_iters');
      if (rampup && rampup.value !== null && iters && iters.value !== null && iters.value !== 0) {
        ctx.report({
          range: rampup.keyRange ?? rampup.range,
          severity: args.deepspeed ? 'error' : 'warning',
          message: args.deepspeed
            ? `Batch ramp-up with iteration-based training: Megatron-DeepSpeed asserts "expected no batch-size rampup for iteration-based training". Use --train-samples (and sample-based decay and warmup).`
            : `Batch ramp-up with iteration-based training: Megatron-LM before the step schedules asserted "expected no batch-size rampup for iteration-based training"; the current version ignores --rampup-batch-size, so the batch never ramps. Use --train-samples, or --step-batch-size-schedule.`,
          related: related(args, 'train_iters'),
        });
      }
    });
  },
};
