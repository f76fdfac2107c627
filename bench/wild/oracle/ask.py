#!/usr/bin/env python3
"""Asks the program itself whether it takes a config: the oracle of bench/wild/oracle.

Run it with the Python of a throwaway virtual environment that holds the framework at the version to ask (run.ts makes
them outside the repository). It loads the file the way the program does and prints JSON: accepted, or the exception's
type and message and the keys it names.

One question from the command line:
  python ask.py hf-file    PATH [--classes TrainingArguments,SFTConfig,...]   HfArgumentParser((Cls,)).parse_yaml_file / parse_json_file
  python ask.py hf-args    --classes TrainingArguments -- --key value ...    HfArgumentParser((Cls,)).parse_args_into_dataclasses(args=[...])
  python ask.py trl-file   PATH [--classes SFTConfig]                       TrlParser((Cls,)).parse_args_and_config(args=['--config', PATH])
  python ask.py accelerate-file PATH                                         accelerate's load_config_from_file (ClusterConfig / SageMakerConfig.from_yaml_file)
  python ask.py deepspeed-file  PATH                                         DeepSpeedConfig's _initialize_params (every section's pydantic model)
  python ask.py versions
Many questions: python ask.py --batch < questions.jsonl (one JSON object a line: {"id", "kind", "path", "classes", "args", "keys"}),
one JSON answer a line.

Class names: a transformers or TRL class (TrainingArguments, Seq2SeqTrainingArguments, SFTConfig, DPOConfig, ...), or
`trl:*` for the TRL classes TrainLint's hf-trainer schema merges (SFTConfig, DPOConfig, GRPOConfig, ModelConfig,
DatasetMixtureConfig, *ScriptArguments) as far as this TRL release has them.

No GPU is needed, and none is pretended: where the only failure is the machine's (bf16 or fp16 asked on a machine without
a GPU), the answer says so (`environment`) and the load is asked again with those switches off, so the keys are still
judged as the program on a GPU machine would judge them.
"""
import contextlib
import copy
import dataclasses
import io
import json
import os
import re
import sys
import traceback
import warnings

os.environ.setdefault('TRANSFORMERS_VERBOSITY', 'error')
os.environ.setdefault('TOKENIZERS_PARALLELISM', 'false')
os.environ.setdefault('DS_ACCELERATOR', 'cpu')
warnings.filterwarnings('ignore')

TRL_CLASSES = re.compile(r'^(SFTConfig|DPOConfig|GRPOConfig|ModelConfig|DatasetMixtureConfig|\w*ScriptArguments)$')
# Messages of failures that come from the machine (no GPU), not from the config.
ENVIRONMENT = re.compile(r'(bf16|fp16|gpu|cuda|GPU|CUDA|use_cpu|no_cuda|device|mixed precision|Mixed precision|npu|xpu|apex|torch_compile|torch>=|requires|PyTorch)', re.I)


def versions():
    from importlib import metadata
    out = {}
    for name in ('transformers', 'trl', 'accelerate', 'deepspeed', 'torch', 'pydantic'):
        try:
            out[name] = metadata.version(name)
        except Exception:
            pass
    return out


def quiet(fn):
    """Runs fn with stdout and stderr captured (argparse prints its errors and exits); returns (result, exception, text)."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            return fn(), None, out.getvalue()
    except SystemExit as e:  # argparse: "error: unrecognized arguments", "invalid choice"
        return None, e, out.getvalue()
    except Exception as e:
        return None, e, out.getvalue()


def describe(exc, text=''):
    if exc is None:
        return None
    if isinstance(exc, SystemExit):
        message = text.strip().splitlines()[-1] if text.strip() else f'SystemExit({exc.code})'
        return {'type': 'SystemExit', 'message': message[:2000]}
    return {'type': type(exc).__name__, 'message': str(exc)[:2000]}


def named_keys(message, candidates):
    """The keys of `candidates` an exception's message names (as a word, or as --flag)."""
    if not message:
        return []
    named = []
    for key in candidates:
        last = key.split('.')[-1]
        if re.search(r"(?<![\w-])(--)?" + re.escape(last) + r"(?![\w])", message):
            named.append(key)
    return named


def list_in_message(message):
    """Python list literals in a message (HfArgumentParser and accelerate name the unused keys as one)."""
    found = []
    for m in re.finditer(r"\[([^\[\]]*)\]", message or ''):
        found += re.findall(r"'([^']+)'", m.group(1))
    return found


# ---------------------------------------------------------------------------------------------------- transformers / TRL


def resolve_classes(names):
    import transformers
    classes = []
    missing = []
    for name in names:
        if name == 'trl:*':
            classes += trl_classes()
            continue
        cls = getattr(transformers, name, None)
        if cls is None:
            try:
                import trl
                cls = getattr(trl, name, None)
            except Exception:
                cls = None
        if cls is None:
            missing.append(name)
        else:
            classes.append(cls)
    seen = set()
    unique = [c for c in classes if not (c in seen or seen.add(c))]
    return unique, missing


def trl_classes():
    import trl
    found = []
    for name in dir(trl):
        if TRL_CLASSES.match(name):
            try:
                cls = getattr(trl, name)
            except Exception:
                continue
            if dataclasses.is_dataclass(cls):
                found.append(cls)
    # Releases before 0.13 kept the script-argument classes in trl.commands.cli_utils.
    try:
        import trl.commands.cli_utils as cli
        for name in dir(cli):
            if TRL_CLASSES.match(name) and dataclasses.is_dataclass(getattr(cli, name)):
                found.append(getattr(cli, name))
    except Exception:
        pass
    return found


def init_fields(cls):
    # What HfArgumentParser.parse_dict compares the keys with (transformers/hf_argparser.py).
    return {f.name for f in dataclasses.fields(cls) if f.init}


def load_dict(path):
    import yaml
    with open(path, encoding='utf-8') as f:
        text = f.read()
    if path.endswith('.json'):
        return json.loads(text)
    return yaml.safe_load(text)  # HfArgumentParser.parse_yaml_file: yaml.safe_load(Path(yaml_file).read_text())


def precision_off(d):
    # TRL's configs turn bf16 on when the file leaves it out (bf16=None becomes True), so bf16 and fp16 are always set off.
    changed = [k for k in ('bf16', 'fp16', 'bf16_full_eval', 'fp16_full_eval', 'tf32', 'half_precision_backend', 'torch_compile') if k in ('bf16', 'fp16') or (k in d and d[k] not in (False, None))]
    return {**d, **{k: False if k != 'half_precision_backend' else 'auto' for k in changed}}, changed


def hf_file(q):
    from transformers import HfArgumentParser
    path = q['path']
    classes, missing = resolve_classes(q.get('classes') or ['TrainingArguments'])
    data = load_dict(path)
    if not isinstance(data, dict):
        return {'accepted': False, 'error': {'type': 'NotAMapping', 'message': f'{type(data).__name__} at the top level'}}
    keys = list(data.keys())
    per_class = {}
    for cls in classes:
        parser = HfArgumentParser((cls,))
        loader = parser.parse_json_file if path.endswith('.json') else parser.parse_yaml_file
        _, exc, text = quiet(lambda: loader(path, allow_extra_keys=False))
        error = describe(exc, text)
        row = {'accepted': exc is None, 'error': error, 'unused_keys': sorted(set(keys) - init_fields(cls))}
        if error and ENVIRONMENT.search(error['message']) and 'not used by the HfArgumentParser' not in error['message']:
            # Only the machine failed: ask again with the precision switches off (parse_dict, the same code path).
            changed_data, changed = precision_off(data)
            _, exc2, text2 = quiet(lambda: parser.parse_dict(changed_data, allow_extra_keys=False))
            row['environment'] = {'first_error': error, 'switched_off': changed}
            row['accepted'] = exc2 is None
            row['error'] = describe(exc2, text2)
        row['fields'] = sorted(set(q.get('keys') or keys) & init_fields(cls))
        per_class[cls.__name__] = row
    return summarize(per_class, keys, missing, q)


def summarize(per_class, keys, missing, q):
    asked = q.get('keys') or keys
    # A key is known to a class that has it as a field (hf-file: nested keys are no top-level field) or an option (hf-args).
    known = {k: [name for name, row in per_class.items() if (k in row['fields'] if 'fields' in row else k.split('.')[0] not in row['unused_keys'])] for k in asked}
    accepted_by = [name for name, row in per_class.items() if row['accepted']]
    first_error = next((row['error'] for row in per_class.values() if row['error']), None)
    return {
        'accepted': bool(accepted_by),
        'accepted_by': accepted_by,
        'error': None if accepted_by else first_error,
        'per_class': per_class,
        'known': known,
        'missing_classes': missing,
    }


def option_of(parser, key):
    return parser._option_string_actions.get('--' + key) or parser._option_string_actions.get('--' + key.replace('_', '-'))


def build_args(parser, flags):
    """A command line from {key: value or None}: a missing value is one the option takes (its default, its first choice)."""
    args = []
    for key, value in flags.items():
        action = option_of(parser, key)
        if value is not None:
            args += ['--' + key, str(value)]
        elif action is None:
            args += ['--' + key, '1']
        elif action.nargs == 0 or (action.nargs == '?' and action.const is not None):
            args.append('--' + key)
        elif action.choices:
            args += ['--' + key, str(list(action.choices)[0])]
        elif action.default is not None and action.default is not dataclasses.MISSING and not isinstance(action.default, (dict, list)):
            args += ['--' + key, str(action.default)]
        else:
            args += ['--' + key, '1']
    return args


def hf_args(q):
    """parse_args_into_dataclasses over each class; `flags` ({key: value or null}) become the command line."""
    from transformers import HfArgumentParser
    classes, missing = resolve_classes(q.get('classes') or ['TrainingArguments'])
    per_class = {}
    if 'flags' in q:
        q = {**q, 'keys': list(q['flags'])}
    for cls in classes:
        parser = HfArgumentParser((cls,))
        args = build_args(parser, q['flags']) if 'flags' in q else list(q.get('args') or [])
        full = args if any(a in ('--output_dir', '--output-dir') for a in args) or 'output_dir' not in init_fields(cls) else ['--output_dir', '/tmp/trainlint-oracle-out'] + args
        _, exc, text = quiet(lambda: parser.parse_args_into_dataclasses(args=full))
        error = describe(exc, text)
        row = {'accepted': exc is None, 'error': error, 'unused_keys': sorted(k for k in (q.get('keys') or []) if option_of(parser, k) is None)}
        if error and ENVIRONMENT.search(error['message']) and 'not used by the HfArgumentParser' not in error['message'] and 'unrecognized' not in error['message']:
            off = []
            for flag in ('bf16', 'fp16', 'bf16_full_eval', 'fp16_full_eval', 'tf32', 'torch_compile'):
                if '--' + flag in full:
                    i = full.index('--' + flag)
                    has_value = i + 1 < len(full) and not full[i + 1].startswith('--')
                    full = full[:i] + full[i + (2 if has_value else 1):]
                    off.append(flag)
            _, exc2, text2 = quiet(lambda: parser.parse_args_into_dataclasses(args=full))
            row['environment'] = {'first_error': error, 'switched_off': off}
            row['accepted'] = exc2 is None
            row['error'] = describe(exc2, text2)
        row['args'] = full
        per_class[cls.__name__] = row
    return summarize(per_class, q.get('keys') or [], missing, {**q, 'keys': q.get('keys') or []})


def trl_file(q):
    try:
        from trl import TrlParser
    except Exception as e:
        return {'accepted': None, 'error': {'type': type(e).__name__, 'message': f'TrlParser does not exist here: {e}'}}
    classes, missing = resolve_classes(q.get('classes') or ['SFTConfig'])
    path = q['path']
    data = load_dict(path)
    keys = list(data.keys()) if isinstance(data, dict) else []
    per_class = {}
    for cls in classes:
        def run():
            parser = TrlParser((cls,))
            if hasattr(parser, 'parse_args_and_config'):
                return parser.parse_args_and_config(args=['--config', path])
            raise AttributeError('this TrlParser has no parse_args_and_config')
        _, exc, text = quiet(run)
        per_class[cls.__name__] = {'accepted': exc is None, 'error': describe(exc, text), 'unused_keys': sorted(set(keys) - init_fields(cls))}
    return summarize(per_class, keys, missing, q)


# ------------------------------------------------------------------------------------------------------------ accelerate


def accelerate_file(q):
    from accelerate.commands.config.config_args import load_config_from_file
    path = q['path']
    data = load_dict(path)
    keys = list(data.keys()) if isinstance(data, dict) else []
    config, exc, text = quiet(lambda: load_config_from_file(path))
    error = describe(exc, text)
    named = list_in_message(error['message']) if error else []
    return {
        'accepted': exc is None,
        'error': error,
        'class': type(config).__name__ if config is not None else None,
        'unused_keys': [k for k in named if k in keys],
        'named_keys': sorted(set(named_keys(error['message'], q.get('keys') or keys)) | set(named)) if error else [],
    }


# ------------------------------------------------------------------------------------------------------------- DeepSpeed


def deepspeed_file(q):
    """DeepSpeedConfig without its batch arithmetic: _initialize_params reads every section through its pydantic model.

    The world size is 1 and no process group exists, so the batch checks of _configure_train_batch_size (which need the
    real world size) are left out; "auto" values are the Hugging Face Trainer's to fill before DeepSpeed reads them, so
    keys holding "auto" are dropped and listed.
    """
    from deepspeed.runtime.config import DeepSpeedConfig
    path = q['path']
    with open(path, encoding='utf-8') as f:
        data = json.load(f)
    autos = []

    def drop_auto(node, prefix):
        if isinstance(node, dict):
            for k in list(node):
                if node[k] == 'auto':
                    autos.append(prefix + k)
                    del node[k]
                else:
                    drop_auto(node[k], prefix + k + '.')
    data = copy.deepcopy(data)
    drop_auto(data, '')

    def run():
        config = DeepSpeedConfig.__new__(DeepSpeedConfig)
        config.global_rank = 0
        config.world_size = 1
        config.mpu = None
        config._param_dict = data
        config.elasticity_enabled = False
        config._initialize_params(copy.deepcopy(data))
        return config
    config, exc, text = quiet(run)
    error = describe(exc, text)
    if error and exc is not None and not isinstance(exc, SystemExit):
        error['where'] = ''.join(traceback.format_exception_only(type(exc), exc)).strip()[:300]
    # pydantic names the failing fields in its error's locations.
    locations = []
    if exc is not None and hasattr(exc, 'errors'):
        try:
            locations = ['.'.join(str(p) for p in e.get('loc', ())) for e in exc.errors()]
        except Exception:
            pass
    return {'accepted': exc is None, 'error': error, 'dropped_auto': autos, 'locations': locations, 'named_keys': named_keys(error['message'], q.get('keys') or []) if error else []}


KINDS = {'hf-file': hf_file, 'hf-args': hf_args, 'trl-file': trl_file, 'accelerate-file': accelerate_file, 'deepspeed-file': deepspeed_file}


def answer(q):
    kind = q.get('kind')
    if kind == 'versions':
        return {'versions': versions()}
    if kind not in KINDS:
        return {'accepted': None, 'error': {'type': 'BadQuestion', 'message': f'unknown kind {kind!r}'}}
    try:
        result = KINDS[kind](q)
    except Exception as e:  # The oracle itself could not ask (import failed, file unreadable): no answer, said so.
        result = {'accepted': None, 'error': {'type': type(e).__name__, 'message': str(e)[:2000]}, 'oracle_failed': True}
    return result


def main(argv):
    if argv and argv[0] == '--batch':
        base = {'versions': versions()}
        for line in sys.stdin:
            if not line.strip():
                continue
            q = json.loads(line)
            print(json.dumps({'id': q.get('id'), **base, **answer(q)}), flush=True)
        return 0
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    kind, rest = argv[0], argv[1:]
    q = {'kind': kind}
    if '--' in rest:
        q['args'] = rest[rest.index('--') + 1:]
        rest = rest[: rest.index('--')]
    if '--classes' in rest:
        i = rest.index('--classes')
        q['classes'] = rest[i + 1].split(',')
        rest = rest[:i] + rest[i + 2:]
    if '--keys' in rest:
        i = rest.index('--keys')
        q['keys'] = rest[i + 1].split(',')
        rest = rest[:i] + rest[i + 2:]
    if rest:
        q['path'] = rest[0]
    print(json.dumps({'versions': versions(), **answer(q)}, indent=1))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
