import { PROGRAM } from '../../programs/ids';
import { megatronArgs } from '../../programs/megatron/arguments';
import { programOf } from '../../programs/index';
import type { ConfigNode } from '../../syntax/config-tree';
import type { Rule } from '../rule';
import { fixes, fixOf, placeOf, setValue } from './common';

// A micro-batch of this many sequences or fewer makes a micro-batch load-balancing loss "almost sequence level".
const FEW_SEQUENCES = 4;

function values(node: ConfigNode | undefined): ConfigNode[] {
  if (!node) return [];
  return node.kind === 'array' ? node.children : [node];
}

export const moeLoadBalancePerMicroBatch: Rule = {
  meta: {
    code: 'TL608',
    name: 'moe-load-balance-per-micro-batch',
    programs: [PROGRAM.megatron, PROGRAM.nemo],
    // A measured improvement, not a fault: per-micro-batch aux_loss is the standard Mixtral recipe, and releases before
    // global_aux_loss (NeMo 24.09's Megatron core, judged in bench/wild) cannot take the fix.
    severity: 'info',
    summary: `A Mixture-of-Experts run whose load-balancing loss is computed per micro-batch (Megatron aux_loss) with ${FEW_SEQUENCES} or fewer sequences per micro-batch.`,
    why: 'The auxiliary loss N_E sum_i f_i p_i is computed from the expert frequencies f_i of one micro-batch. With one or two sequences per micro-batch that asks every sequence to spread its tokens evenly over the experts, which fights the domain specialization the experts are for. Computing f_i over the global batch balances the load across the batch instead.',
    finding: '"Demons in the Detail: On Implementing Load Balancing Loss for Training Specialized Mixture-of-Expert Models" (Qiu et al. 2025): "Existing MoE training frameworks usually employ the parallel training strategy so that f_i and the LBL are calculated within a micro-batch"; "a micro-batch for training billion-scale LLMs normally contains very few sequences. So, the micro-batch LBL is almost at the sequence level, and the router is pushed to distribute the token evenly within each sequence"; the global-batch LBL "yields excellent performance gains in both pre-training perplexity and downstream tasks" and "greatly improves the domain specialization of MoE experts".',
    appliesWhen: `Applies to Megatron-LM launch scripts and --yaml-cfg files, and NeMo model blocks, with --num-experts (NeMo num_moe_experts) above 1, --moe-router-load-balancing-type aux_loss (the default) and a positive --moe-aux-loss-coeff (default 0.0, i.e. off), and --micro-batch-size of at most ${FEW_SEQUENCES}. Flag names, choices (aux_loss, seq_aux_loss, global_aux_loss, sinkhorn, quantile_balancing, none) and defaults: keys/megatron-args.json @ d98e8a64 (megatron/training/arguments.py:3532, 3536). It does not apply to seq_aux_loss (per-sequence balancing on purpose, with a small coefficient), global_aux_loss, sinkhorn or aux-loss-free balancing, to HF/axolotl MoE fine-tunes (transformers computes the router loss per forward pass with no global option), or to older Megatron versions without global_aux_loss.`,
    fix: 'Replaces aux_loss by global_aux_loss (load-balancing statistics over the global batch) where the type is written. The coefficient may need retuning. Never applied automatically.',
    example: { language: 'yaml', text: '# trainlint: format=megatron\nnum_layers: 32\nhidden_size: 4096\nnum_attention_heads: 32\nnum_experts: 8\nmoe_router_topk: 2\nmoe_router_load_balancing_type: aux_loss\nmoe_aux_loss_coeff: 0.01\nmicro_batch_size: 1\nglobal_batch_size: 256\n' },
    references: ['Qiu et al., Demons in the Detail: On Implementing Load Balancing Loss for Training Specialized Mixture-of-Expert Models (2025)', 'NVIDIA/Megatron-LM megatron/training/arguments.py (--moe-router-load-balancing-type, --moe-aux-loss-coeff) @ d98e8a64ddf34856e74b24714e3bedb2f5a39553'],
  },
  check(ctx) {
    const root = ctx.roots[0];
    const args = root ? megatronArgs(ctx.tree, root, ctx.settings, ctx.format) : undefined;
    if (!args) return;
    const experts = args.num('num_experts');
    if (experts === undefined || experts <= 1) return;
    const typeNode = args.node('moe_router_load_balancing_type');
    const types = typeNode ? values(typeNode).map((n) => String(n.value ?? '')) : ['aux_loss'];
    const index = types.indexOf('aux_loss');
    if (index < 0) return;
    const coeffs = values(args.node('moe_aux_loss_coeff')).map((n) => (typeof n.value === 'number' ? n.value : Number(n.value)));
    const coeff = coeffs.length === 0 ? 0 : coeffs.length === types.length ? coeffs[index] : coeffs[0];
    if (!(coeff > 0)) return;
    const micro = args.num('micro_batch_size') ?? 1;
    if (micro > FEW_SEQUENCES) return;
    const target = typeNode ? values(typeNode)[index] : undefined;
    const seqLength = args.num('seq_length');
    ctx.report({
      range: placeOf(ctx, typeNode, args.node('moe_aux_loss_coeff'), args.node('num_experts')),
      message: `${args.name('moe_router_load_balancing_type')} aux_loss (coefficient ${coeff}) balances the ${experts} experts within each micro-batch, and ${args.name('micro_batch_size')} is ${micro}: ${micro} sequence${micro === 1 ? '' : 's'}${seqLength ? ` (${micro * seqLength} tokens)` : ''} per micro-batch, so the loss N_E sum f_i p_i pushes the router to spread every sequence evenly over the experts. A global-batch load-balancing loss improves perplexity and expert specialization (Qiu et al. 2025, "Demons in the Detail"); Megatron-LM offers it as global_aux_loss.`,
      fixes: fixes(fixOf('Use global_aux_loss (balance over the global batch)', setValue(ctx, target, 'global_aux_loss'))),
    });
  },
};

export const packingWithoutMasking: Rule = {
  meta: {
    code: 'TL609',
    name: 'packing-without-masking',
    programs: [PROGRAM.hfTrainer, PROGRAM.axolotl, PROGRAM.llamafactory],
    severity: 'warning',
    summary: 'Sequence packing is on without the per-example attention masking path the framework needs, so packed examples attend to each other.',
    why: 'Packing puts several short examples in one row to avoid padding. Unless the attention kernel is told where each example starts (varlen FlashAttention via position_ids or cu_seqlens, or a block-diagonal mask), every token also attends to the unrelated examples before it, which silently changes what the model learns. For the cost of not packing, `paddingWaste()` in server/src/core/facts/padding.ts estimates the padding share for a hover.',
    finding: '"Enhancing Training Efficiency Using Packing with Flash Attention" (Kundu et al. 2024): "the Hugging Face SFT trainer offers the option to use packing to combine multiple training examples up to the maximum sequence length. However, without proper masking of each packed training example, attention will not be computed correctly when using SFT trainer."',
    appliesWhen: 'TRL/TrainingArguments: `packing: true` with packing_strategy bfd or bfd_split (which turn on padding_free) or `padding_free: true`, and attn_implementation (or model_init_kwargs.attn_implementation) not a FlashAttention variant (trl/trainer/sft_trainer.py FLASH_ATTENTION_VARIANTS, huggingface/trl @ 00313f21; packing keys in keys/trl.json @ f2cd5771); or packing_strategy wrapped. axolotl: `sample_packing: true` with no attention backend set (axolotl validation.py warning, keys/axolotl.json @ 067b021c, axo-validation-198). LLaMA-Factory: `packing: true` at stage sft without `neat_packing: true` (keys/llamafactory.json @ ff6d4d12: neat_packing forces packing and is SFT-only). It does not apply to pre-training (LLaMA-Factory stage pt, Megatron, NeMo, GPT-NeoX), where concatenating documents is the convention.',
    fix: 'Sets or adds attn_implementation: flash_attention_2 (TRL, axolotl), packing_strategy bfd instead of wrapped (TRL), or adds neat_packing: true (LLaMA-Factory). FlashAttention must be installed and the GPU supported. Never applied automatically.',
    example: { language: 'yaml', text: 'model_name_or_path: Qwen/Qwen2.5-7B\ndataset_name: trl-lib/Capybara\npacking: true\nmax_length: 4096\nper_device_train_batch_size: 2\nlearning_rate: 2.0e-5\n' },
    references: ['Kundu et al., Enhancing Training Efficiency Using Packing with Flash Attention (2024)', 'huggingface/trl trl/trainer/sft_trainer.py @ 00313f21920d37c3876c4021b51430224c06c936', 'axolotl-ai-cloud/axolotl src/axolotl/utils/schemas/validation.py @ 067b021c8b87a9e5e380b9173c704cf7340e30f5', 'hiyouga/LLaMA-Factory src/llamafactory/hparams/data_args.py @ ff6d4d12eeb035d6ce06805a5733dd7b29f2ac30'],
  },
  check(ctx) {
    for (const root of ctx.roots) {
      if (root.kind !== 'object') continue;
      const problem = programOf(ctx.format)?.packingProblem?.(root, ctx);
      if (!problem) continue;
      ctx.report({ range: placeOf(ctx, problem.node), message: problem.message, fixes: fixes(problem.fix) });
    }
  },
};
