#!/usr/bin/env python3
"""Measures the GPU memory and step time of small Llama-like models under plain PyTorch, DDP, FSDP2 and DeepSpeed
ZeRO-0..3 on one GPU, for bench/gpu/compare.ts to set against TrainLint's estimate of the same plan.

  python3 bench/gpu/measure.py --out results.json            # the GPU case list (one CUDA device)
  python3 bench/gpu/measure.py --smoke --out results.json    # a tiny model on CPU, 2 steps per wrapper
  python3 bench/gpu/measure.py --cases 350m --out r.json     # only the cases whose id contains a filter

Each case runs in its own Python process, so one case's allocator state and CUDA context never reach the next. A case
whose library is missing (FSDP2 in an old torch, DeepSpeed not installed) is recorded as skipped with the reason.

What a case measures (CUDA only; null on CPU):
- torch.cuda.reset_peak_memory_stats() is called once the model, its wrapper and the optimizer are built, and again
  before every step, so each phase has its own peak.
- max_allocated / max_reserved: the largest of those peaks, i.e. the peak of the whole run as a real run meets it
  (the first step creates the optimizer states; later steps hold them through forward and backward).
- steady_max_allocated / steady_max_reserved: the largest peak of steps 2..N only.
- outside_torch: device memory in use at the end (cudaMemGetInfo) less what the caching allocator reserves: the CUDA
  context, NCCL's buffers and other libraries' own allocations, which torch's counters do not see.
- step_seconds: every step, synchronized; median_step_seconds is the median of steps 2..N (step 1 allocates states).
"""
import argparse
import importlib.util
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

# Llama-style shapes, fields named as TrainLint's ModelSpec (server/src/core/estimate/plan.ts) so compare.ts reads them as they are.
LLAMA = dict(glu=True, tiedEmbeddings=False, norm='rmsnorm', positionEmbedding='rotary', attentionBias='none', mlpBias=False, dropout=False)
MODELS = {
    'tiny': dict(layers=2, hiddenSize=64, ffnHiddenSize=176, heads=4, kvHeads=2, vocabSize=512, **LLAMA),
    # GPT-3 Small / OPT-125m width and depth with a SwiGLU MLP (8h/3 rounded) and Llama 2's vocabulary.
    '125m': dict(layers=12, hiddenSize=768, ffnHiddenSize=2048, heads=12, kvHeads=12, vocabSize=32000, **LLAMA),
    '350m': dict(layers=24, hiddenSize=1024, ffnHiddenSize=2816, heads=16, kvHeads=16, vocabSize=32000, **LLAMA),
    # TinyLlama-1.1B's width, MLP and vocabulary, 16 layers and 8 KV heads (about 0.85B parameters).
    '1b': dict(layers=16, hiddenSize=2048, ffnHiddenSize=5632, heads=32, kvHeads=8, vocabSize=32000, **LLAMA),
}


def case(model, seq, micro, wrapper, precision='bf16', recompute='none', zero=None, grad_accum_dtype=None):
    """grad_accum_dtype: DeepSpeed's data_types.grad_accum_dtype; 'fp32' with bf16 and ZeRO-1 selects its BF16_Optimizer."""
    stage = f'-z{zero}' + (f'-{grad_accum_dtype}acc' if grad_accum_dtype else '') if zero is not None else ''
    parts = [model, wrapper + stage, precision, recompute, f'b{micro}s{seq}']
    return dict(id='-'.join(parts), model=model, seqLength=seq, micro=micro, wrapper=wrapper, precision=precision, recompute=recompute,
                zeroStage=zero, gradAccumDtype=grad_accum_dtype)


# About 4 minutes on one H100 (see README.md): process start, CUDA and NCCL init dominate; the steps take well under a second each.
GPU_CASES = [
    case('125m', 1024, 8, 'plain'),
    case('125m', 1024, 8, 'plain', recompute='full'),
    case('125m', 1024, 8, 'plain', precision='bf16-pure'),
    case('125m', 1024, 8, 'ddp'),
    case('350m', 2048, 4, 'plain'),
    case('350m', 2048, 4, 'plain', recompute='full'),
    case('350m', 2048, 4, 'fsdp2'),
    case('350m', 2048, 4, 'deepspeed', zero=0),
    case('350m', 2048, 4, 'deepspeed', zero=1),
    case('350m', 2048, 4, 'deepspeed', zero=1, grad_accum_dtype='fp32'),
    case('350m', 2048, 4, 'deepspeed', zero=2),
    case('350m', 2048, 4, 'deepspeed', zero=3),
    case('1b', 2048, 4, 'plain'),
    case('1b', 2048, 4, 'plain', recompute='full'),
    case('1b', 2048, 4, 'fsdp2', recompute='full'),
    case('1b', 2048, 4, 'deepspeed', zero=3, recompute='full'),
]

SMOKE_CASES = [
    case('tiny', 64, 2, 'plain'),
    case('tiny', 64, 2, 'plain', recompute='full'),
    case('tiny', 64, 2, 'plain', precision='bf16-pure'),
    case('tiny', 64, 2, 'ddp'),
    case('tiny', 64, 2, 'fsdp2'),
    case('tiny', 64, 2, 'fsdp2', recompute='full'),
] + [case('tiny', 64, 2, 'deepspeed', zero=z) for z in (0, 1, 2, 3)] + [
    case('tiny', 64, 2, 'deepspeed', zero=1, grad_accum_dtype='fp32'),
    case('tiny', 64, 2, 'deepspeed', zero=3, recompute='full'),
]


class Skip(Exception):
    """The case cannot run here (a library or a feature is missing); recorded as skipped with the message."""


# ---------------------------------------------------------------------------------------------------------------- model

def build_model(spec, recompute):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.utils.checkpoint import checkpoint

    h, heads, kv, ffn, vocab = spec['hiddenSize'], spec['heads'], spec['kvHeads'], spec['ffnHiddenSize'], spec['vocabSize']
    d = h // heads

    class RMSNorm(nn.Module):
        # transformers LlamaRMSNorm: normalized in fp32, cast back to the input dtype, then scaled.
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch.ones(h))

        def forward(self, x):
            dtype = x.dtype
            x32 = x.float()
            x32 = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + 1e-5)
            return self.weight * x32.to(dtype)

    def rotate(x, cos, sin):
        x1, x2 = x.chunk(2, dim=-1)
        return x * cos + torch.cat((-x2, x1), dim=-1) * sin

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.q_proj = nn.Linear(h, heads * d, bias=False)
            self.k_proj = nn.Linear(h, kv * d, bias=False)
            self.v_proj = nn.Linear(h, kv * d, bias=False)
            self.o_proj = nn.Linear(heads * d, h, bias=False)

        def forward(self, x, cos, sin):
            b, s, _ = x.shape
            q = self.q_proj(x).view(b, s, heads, d).transpose(1, 2)
            k = self.k_proj(x).view(b, s, kv, d).transpose(1, 2)
            v = self.v_proj(x).view(b, s, kv, d).transpose(1, 2)
            q, k = rotate(q, cos.to(q.dtype), sin.to(q.dtype)), rotate(k, cos.to(k.dtype), sin.to(k.dtype))
            if kv != heads and not GQA_IN_SDPA:
                # transformers repeat_kv: the expanded keys and values are what SDPA saves.
                k, v = k.repeat_interleave(heads // kv, dim=1), v.repeat_interleave(heads // kv, dim=1)
            extra = {'enable_gqa': True} if kv != heads and GQA_IN_SDPA else {}
            o = F.scaled_dot_product_attention(q, k, v, is_causal=True, **extra)
            return self.o_proj(o.transpose(1, 2).reshape(b, s, heads * d))

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.gate_proj = nn.Linear(h, ffn, bias=False)
            self.up_proj = nn.Linear(h, ffn, bias=False)
            self.down_proj = nn.Linear(ffn, h, bias=False)

        def forward(self, x):
            return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.input_layernorm = RMSNorm()
            self.self_attn = Attention()
            self.post_attention_layernorm = RMSNorm()
            self.mlp = MLP()

        def body(self, x, cos, sin):
            x = x + self.self_attn(self.input_layernorm(x), cos, sin)
            return x + self.mlp(self.post_attention_layernorm(x))

        def forward(self, x, cos, sin):
            # Checkpointing inside the layer's forward, as torchtitan's checkpoint_wrapper under fully_shard: the
            # wrapper's (FSDP2, ZeRO-3) hooks gather the parameters around it, and the recompute runs in backward.
            if recompute == 'full' and self.training:
                return checkpoint(self.body, x, cos, sin, use_reentrant=False)
            return self.body(x, cos, sin)

    class Llama(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed_tokens = nn.Embedding(vocab, h)
            self.layers = nn.ModuleList(Layer() for _ in range(spec['layers']))
            self.norm = RMSNorm()
            self.lm_head = nn.Linear(h, vocab, bias=False)

        def forward(self, inputs, labels):
            x = self.embed_tokens(inputs)
            # Rotary tables computed per call (no buffer, so no wrapper casts or shards them).
            inv_freq = 1.0 / (10000 ** (torch.arange(0, d, 2, device=inputs.device, dtype=torch.float32) / d))
            angles = torch.outer(torch.arange(inputs.shape[1], device=inputs.device, dtype=torch.float32), inv_freq)
            emb = torch.cat((angles, angles), dim=-1)
            cos, sin = emb.cos(), emb.sin()
            for layer in self.layers:
                x = layer(x, cos, sin)
            # transformers LlamaForCausalLM: logits upcast to fp32 before the loss.
            logits = self.lm_head(self.norm(x)).float()
            return F.cross_entropy(logits.view(-1, vocab), labels.reshape(-1))

    return Llama()


GQA_IN_SDPA = False


def gqa_in_sdpa(spec, device):
    """Whether SDPA takes grouped KV heads itself (enable_gqa, torch >= 2.5) with a kernel that keeps no s x s scores."""
    import torch
    import torch.nn.functional as F
    if spec['kvHeads'] == spec['heads']:
        return False
    d = spec['hiddenSize'] // spec['heads']
    dtype = torch.bfloat16 if device.type == 'cuda' else torch.float32
    q = torch.zeros(1, spec['heads'], 16, d, device=device, dtype=dtype)
    k = torch.zeros(1, spec['kvHeads'], 16, d, device=device, dtype=dtype)
    try:
        with fused_attention_only(device):
            F.scaled_dot_product_attention(q, k, k, is_causal=True, enable_gqa=True)
        return True
    except Exception:
        return False


def fused_attention_only(device):
    """On CUDA, SDPA may not fall back to the math kernel (which stores the s x s scores TrainLint assumes absent)."""
    import contextlib
    if device.type != 'cuda':
        return contextlib.nullcontext()
    try:
        from torch.nn.attention import SDPBackend, sdpa_kernel
    except ImportError:  # torch < 2.3
        import torch
        return torch.backends.cuda.sdp_kernel(enable_flash=True, enable_mem_efficient=True, enable_math=False)
    fused = ['FLASH_ATTENTION', 'EFFICIENT_ATTENTION', 'CUDNN_ATTENTION']  # cuDNN's from torch 2.4
    return sdpa_kernel([getattr(SDPBackend, name) for name in fused if hasattr(SDPBackend, name)])


# ------------------------------------------------------------------------------------------------------------ wrappers

def wrap(c, model, device):
    """The model as the wrapper holds it, a step function, and what the run used (recorded with the case)."""
    import torch
    import torch.distributed as dist
    used = {'optimizer': 'torch.optim.AdamW(lr=1e-4), foreach default, not fused', 'set_to_none': True}
    if c['wrapper'] != 'plain':
        dist.init_process_group('nccl' if device.type == 'cuda' else 'gloo')
    if c['precision'] == 'bf16-pure':
        model.to(torch.bfloat16)
    if c['wrapper'] == 'ddp':
        from torch.nn.parallel import DistributedDataParallel
        model = DistributedDataParallel(model, device_ids=[device.index or 0] if device.type == 'cuda' else None)
    if c['wrapper'] == 'fsdp2':
        try:
            from torch.distributed.fsdp import MixedPrecisionPolicy, fully_shard
        except ImportError:
            try:
                from torch.distributed._composable.fsdp import MixedPrecisionPolicy, fully_shard
            except ImportError as error:
                raise Skip(f'FSDP2 (fully_shard) not in torch {torch.__version__}: {error}')
        from torch.distributed.device_mesh import init_device_mesh
        mesh = init_device_mesh(device.type, (1,))
        # torchtitan's policy: bf16 compute, fp32 gradient reduction; one unit per layer, then the root.
        policy = MixedPrecisionPolicy(param_dtype=torch.bfloat16, reduce_dtype=torch.float32)
        for layer in model.layers:
            fully_shard(layer, mesh=mesh, mp_policy=policy)
        fully_shard(model, mesh=mesh, mp_policy=policy)
        used['fsdp'] = 'fully_shard per layer and root, MixedPrecisionPolicy(param_dtype=bf16, reduce_dtype=fp32)'
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    if c['wrapper'] == 'deepspeed':
        return wrap_deepspeed(c, model, optimizer, device, used)
    autocast = c['precision'] == 'bf16' and c['wrapper'] in ('plain', 'ddp')
    if autocast:
        used['autocast'] = 'torch.autocast(bf16) around forward and loss, fp32 parameters (HF Trainer bf16=True)'

    def step(inputs, labels):
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=autocast):
            loss = model(inputs, labels)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss

    return model, step, used


def wrap_deepspeed(c, model, optimizer, device, used):
    try:
        import deepspeed
    except Exception as error:  # not installed, or an import that fails on this machine
        raise Skip(f'DeepSpeed does not import: {type(error).__name__}: {error}')
    config = {
        'train_micro_batch_size_per_gpu': c['micro'],
        'gradient_accumulation_steps': 1,
        'bf16': {'enabled': True},
        'zero_optimization': {'stage': c['zeroStage']},
        'zero_allow_untested_optimizer': True,
        'steps_per_print': 10 ** 9,
    }
    if c['gradAccumDtype']:
        config['data_types'] = {'grad_accum_dtype': c['gradAccumDtype']}
    try:
        engine, _, _, _ = deepspeed.initialize(model=model, optimizer=optimizer, config=config)
    except Exception as error:
        if device.type == 'cpu':
            raise Skip(f'DeepSpeed does not initialize on CPU here: {type(error).__name__}: {error}')
        raise
    # What DeepSpeed made of the defaults: the optimizer wrapper it chose and the bucket settings TrainLint's buffers read.
    settings = ['overlap_comm', 'contiguous_gradients', 'reduce_bucket_size', 'allgather_bucket_size', 'prefetch_bucket_size', 'max_live_parameters']
    used['deepspeed'] = {'version': deepspeed.__version__, 'config': config, 'client_optimizer': 'torch.optim.AdamW',
                         'optimizer_wrapper': type(engine.optimizer).__name__,
                         'zero': {name: getattr(engine, f'zero_{name}', lambda: None)() for name in settings}}

    def step(inputs, labels):
        loss = engine(inputs, labels)
        engine.backward(loss)
        engine.step()
        return loss

    return engine, step, used


# ---------------------------------------------------------------------------------------------------------------- child

def run_case(c, steps):
    import torch
    global GQA_IN_SDPA
    device = torch.device('cuda', 0) if torch.cuda.is_available() else torch.device('cpu')
    cuda = device.type == 'cuda'
    if cuda:
        torch.cuda.set_device(device)
    spec = MODELS[c['model']]
    GQA_IN_SDPA = gqa_in_sdpa(spec, device)
    torch.manual_seed(0)
    with torch.device(device):
        model = build_model(spec, c['recompute'])
    params = sum(p.numel() for p in model.parameters())
    model, step, used = wrap(c, model, device)
    used['attention'] = 'sdpa ' + ('enable_gqa' if GQA_IN_SDPA else 'repeat_kv' if spec['kvHeads'] != spec['heads'] else 'mha')
    if cuda:
        used['attention'] += ', fused kernels only (flash, efficient, cuDNN)'
    tokens = torch.randint(0, spec['vocabSize'], (c['micro'], c['seqLength'] + 1), device=device)
    inputs, labels = tokens[:, :-1], tokens[:, 1:]

    peaks = []  # (phase, allocated, reserved)

    def peak(phase):
        if cuda:
            torch.cuda.synchronize()
            peaks.append((phase, torch.cuda.max_memory_allocated(), torch.cuda.max_memory_reserved()))
            torch.cuda.reset_peak_memory_stats()

    peak('init')
    seconds, losses = [], []
    for i in range(steps):
        start = time.perf_counter()
        with fused_attention_only(device):
            loss = step(inputs, labels)
        if cuda:
            torch.cuda.synchronize()
        seconds.append(time.perf_counter() - start)
        losses.append(float(loss.detach().float()))
        peak(f'step{i + 1}')
    measured = {'params': params, 'step_seconds': seconds, 'median_step_seconds': statistics.median(seconds[1:] or seconds), 'losses': losses}
    if cuda:
        steady = [p for p in peaks if p[0] not in ('init', 'step1')] or peaks
        free, total = torch.cuda.mem_get_info()
        measured.update(
            max_allocated=max(p[1] for p in peaks), max_reserved=max(p[2] for p in peaks),
            steady_max_allocated=max(p[1] for p in steady), steady_max_reserved=max(p[2] for p in steady),
            peak_phase=max(peaks, key=lambda p: p[1])[0], phases={p[0]: {'allocated': p[1], 'reserved': p[2]} for p in peaks},
            outside_torch=(total - free) - torch.cuda.memory_reserved(),
        )
    else:
        measured.update(max_allocated=None, max_reserved=None, steady_max_allocated=None, steady_max_reserved=None, outside_torch=None)
    return {'status': 'ok', 'used': used, 'measured': measured}


def child_main(args):
    c = json.loads(args.child)
    try:
        result = run_case(c, args.steps)
    except Skip as skip:
        result = {'status': 'skipped', 'reason': str(skip)}
    with open(args.case_out, 'w') as f:
        json.dump(result, f)
    # Leave without tearing down NCCL or DeepSpeed: the process is thrown away, and a hang here would cost the case.
    os._exit(0)


# --------------------------------------------------------------------------------------------------------------- parent

PROBE = r'''
import json, platform, importlib.util, importlib.metadata as md
import torch
out = {"python": platform.python_version(), "torch": torch.__version__, "torch_cuda": torch.version.cuda,
       "cuda_available": torch.cuda.is_available(), "gpu_name": None, "gpu_total_bytes": None, "deepspeed": None}
if out["cuda_available"]:
    p = torch.cuda.get_device_properties(0)
    out["gpu_name"], out["gpu_total_bytes"] = p.name, p.total_memory
if importlib.util.find_spec("deepspeed") is not None:
    try:
        out["deepspeed"] = md.version("deepspeed")
    except md.PackageNotFoundError:
        out["deepspeed"] = "unknown version"
print(json.dumps(out))
'''


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def plan_facts(c, steps):
    """Everything compare.ts needs to build the TrainingPlan of the case."""
    return {**c, 'modelSpec': MODELS[c['model']], 'steps': steps, 'worldSize': 1, 'gradAccum': 1, 'optimizer': 'adamw'}


def spawn_case(c, args, device_env):
    env = {**os.environ, **device_env, 'MASTER_ADDR': '127.0.0.1', 'MASTER_PORT': str(free_port()), 'RANK': '0', 'LOCAL_RANK': '0',
           'WORLD_SIZE': '1', 'LOCAL_WORLD_SIZE': '1'}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'case.json')
        cmd = [sys.executable, os.path.abspath(__file__), '--child', json.dumps(c), '--steps', str(args.steps), '--case-out', out]
        start = time.perf_counter()
        try:
            run = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=args.case_timeout)
        except subprocess.TimeoutExpired:
            return {'status': 'failed', 'reason': f'timed out after {args.case_timeout} s', 'wall_seconds': args.case_timeout}
        wall = time.perf_counter() - start
        if os.path.exists(out):
            with open(out) as f:
                return {**json.load(f), 'wall_seconds': wall}
        tail = (run.stderr or run.stdout).strip().splitlines()[-15:]
        return {'status': 'failed', 'reason': f'exit {run.returncode}: ' + '\n'.join(tail), 'wall_seconds': wall}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--out', default='results.json')
    parser.add_argument('--smoke', action='store_true', help='tiny model on CPU, 2 steps per wrapper')
    parser.add_argument('--cases', nargs='*', default=[], help='run only cases whose id contains one of these')
    parser.add_argument('--steps', type=int, default=None, help='steps per case (default 4; 2 with --smoke)')
    parser.add_argument('--budget', type=float, default=330, help='seconds after which no further case starts (default 330)')
    parser.add_argument('--case-timeout', type=float, default=150)
    parser.add_argument('--list', action='store_true', help='print the case ids and exit')
    parser.add_argument('--child', help=argparse.SUPPRESS)
    parser.add_argument('--case-out', help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.steps = args.steps or (2 if args.smoke else 4)
    if args.child:
        return child_main(args)
    cases = [c for c in (SMOKE_CASES if args.smoke else GPU_CASES) if not args.cases or any(f in c['id'] for f in args.cases)]
    if args.list:
        print('\n'.join(c['id'] for c in cases))
        return 0
    began = time.time()
    probe = subprocess.run([sys.executable, '-c', PROBE], capture_output=True, text=True)
    env = json.loads(probe.stdout) if probe.returncode == 0 else None
    # The smoke hides the GPU from its cases, so it measures the CPU path even on a GPU machine.
    device_env = {'CUDA_VISIBLE_DEVICES': '', 'DS_ACCELERATOR': 'cpu'} if args.smoke else {}
    results = []
    for c in cases:
        facts = plan_facts(c, args.steps)
        if env is None:
            results.append({**facts, 'status': 'skipped', 'reason': 'PyTorch does not import: ' + probe.stderr.strip().splitlines()[-1]})
        elif not args.smoke and not env['cuda_available']:
            results.append({**facts, 'status': 'skipped', 'reason': 'no CUDA device (use --smoke for the CPU path)'})
        elif c['wrapper'] == 'deepspeed' and env['deepspeed'] is None:
            results.append({**facts, 'status': 'skipped', 'reason': 'DeepSpeed not installed'})
        elif time.time() - began > args.budget:
            results.append({**facts, 'status': 'skipped', 'reason': f'time budget of {args.budget:.0f} s spent'})
        else:
            results.append({**facts, **spawn_case(c, args, device_env)})
        r = results[-1]
        m = r.get('measured') or {}
        gib = f"alloc {m['max_allocated'] / 2 ** 30:.2f} GiB, reserved {m['max_reserved'] / 2 ** 30:.2f} GiB, " if m.get('max_allocated') else ''
        timing = f"step {m['median_step_seconds'] * 1e3:.0f} ms" if m else r.get('reason', '').splitlines()[-1][:200]
        print(f"{c['id']:40s} {r['status']:8s} {gib}{timing}", flush=True)
    document = {
        'schema': 1,
        'environment': {**(env or {}), 'device': 'cpu' if args.smoke else 'cuda', 'smoke': args.smoke, 'steps': args.steps,
                        'started_utc': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(began)), 'wall_seconds': time.time() - began,
                        'cpus': os.cpu_count()},
        'cases': results,
    }
    with open(args.out, 'w') as f:
        json.dump(document, f, indent=1)
    print(f'wrote {args.out}: {sum(r["status"] == "ok" for r in results)} ok, {sum(r["status"] == "skipped" for r in results)} skipped, '
          f'{sum(r["status"] == "failed" for r in results)} failed in {time.time() - began:.0f} s')
    return 0


if __name__ == '__main__':
    sys.exit(main())
