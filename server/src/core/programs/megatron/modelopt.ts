/**
 * Flags that Megatron-LM's pretrain_gpt.py adds through `extra_args_provider=add_modelopt_args`
 * when nvidia-modelopt imports (the NGC PyTorch container ships it): megatron/post_training/arguments.py
 * @ d98e8a64ddf34856e74b24714e3bedb2f5a39553 (pretrain_gpt.py:83-90, 526).
 */
export const MODELOPT_FLAGS = {
  from: "nvidia-modelopt's post-training arguments (megatron/post_training/arguments.py, added by pretrain_gpt.py when nvidia-modelopt is installed)",
  flags: new Set([
    'enable-gpt-oss',
    'export-default-te-spec',
    'export-force-local-attention',
    'export-kd-cfg',
    'export-kd-teacher-ckpt-format',
    'export-kd-teacher-load',
    'export-kd-teacher-model-config',
    'export-kv-cache-quant',
    'export-legacy-megatron',
    'export-model-type',
    'export-moe-apply-probs-on-input',
    'export-offline-model',
    'export-qk-l2-norm',
    'export-quant-cfg',
    'export-real-quant-cfg',
    'export-te-mcore-model',
    'finetune-data-files',
    'finetune-data-split',
    'finetune-hf-dataset',
    'freeze-base-for-mtp',
    'modelopt-enabled',
    'qad-train-target',
  ]),
};
