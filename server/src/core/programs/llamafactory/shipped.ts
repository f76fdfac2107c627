/**
 * Files LLaMA-Factory ships that its example configs name relative to its own checkout (hiyouga/LLaMA-Factory
 * examples/deepspeed/ and examples/accelerate/ @ ff6d4d12eeb035d6ce06805a5733dd7b29f2ac30). Configs other repositories
 * ship for it (OpenBMB/MiniCPM's finetune/llama_factory_example/) are copied into that checkout and run from its root.
 */
export const LLAMAFACTORY_SHIPPED = {
  where: 'a LLaMA-Factory checkout, which its commands run from',
  files: new Set([
    'examples/accelerate/fsdp2_config.yaml',
    'examples/accelerate/fsdp2_config_qwen35.yaml',
    'examples/accelerate/fsdp2_config_qwen35_moe.yaml',
    'examples/accelerate/fsdp_config.yaml',
    'examples/accelerate/fsdp_config_multiple_nodes.yaml',
    'examples/accelerate/fsdp_config_offload.yaml',
    'examples/deepspeed/ds_z0_config.json',
    'examples/deepspeed/ds_z2_autotp_config.json',
    'examples/deepspeed/ds_z2_config.json',
    'examples/deepspeed/ds_z2_offload_config.json',
    'examples/deepspeed/ds_z3_config.json',
    'examples/deepspeed/ds_z3_fp8_config.json',
    'examples/deepspeed/ds_z3_offload_config.json',
  ]),
};
