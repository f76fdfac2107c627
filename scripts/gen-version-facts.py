#!/usr/bin/env python3
"""Generates server/src/core/versions/key-ranges.json: which config keys exist in which release.

Run with the system python3 (no packages needed beyond pip itself):

    python3 scripts/gen-version-facts.py            # downloads what is missing, then writes the data file
    python3 scripts/gen-version-facts.py --check    # fails when the committed file differs

Releases are downloaded from PyPI with `pip download --no-deps` into a cache outside the repository
($TRAINLINT_RELEASE_CACHE, default ~/.cache/trainlint/releases): wheels for transformers, trl and accelerate, the
sdist for deepspeed (fetched from the link in PyPI's simple index, sha256 checked, read as an archive, never built). GPT-NeoX is not on PyPI: its tags are read from a git
directory ($TRAINLINT_NEOX_GIT, default /work/.mirror/EleutherAI+gpt-neox/repo). Every file is read with Python's
`ast` module; nothing is imported, so neither torch nor the frameworks need to be installed.

What is extracted per release:
  transformers  fields of TrainingArguments and Seq2SeqTrainingArguments (training_args*.py), and the choices of
                OptimizerNames / SchedulerType / IntervalStrategy / SaveStrategy for optim, lr_scheduler_type and
                the *_strategy keys, and the annotation of each field (to tell when a field changed its type).
  trl           fields of SFTConfig, DPOConfig, GRPOConfig, ModelConfig, DatasetMixtureConfig and *ScriptArguments
                (the classes the hf-training-args schema merges), without the TrainingArguments fields they inherit.
  accelerate    fields of the config-file dataclasses (commands/config/config_args.py).
  deepspeed     fields (and pydantic aliases) of the pydantic models behind the config sections listed in
                DEEPSPEED_SECTIONS, and whether those sections forbid unknown keys (DeepSpeedConfigModel extra="forbid").
  gpt-neox      fields of the NeoXArgs dataclasses (megatron/neox_arguments/neox_args.py, deepspeed_args.py).

The data file keeps only what differs across the releases read: for each key its first and last release seen
(a key seen in every release is listed under `stable`), choices whose presence differs, and per DeepSpeed section the
first release that validates it (keys of a section count as present in releases that do not validate it) (and for TRL, the first release whose TrlParser rejects unknown config-file keys).
"""

import ast
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / 'server/src/core/versions/key-ranges.json'
CACHE = Path(os.environ.get('TRAINLINT_RELEASE_CACHE', Path.home() / '.cache/trainlint/releases'))
NEOX_GIT = Path(os.environ.get('TRAINLINT_NEOX_GIT', '/work/.mirror/EleutherAI+gpt-neox/repo'))

RELEASES = {
    'transformers': ['4.30.2', '4.31.0', '4.32.1', '4.33.3', '4.34.1', '4.35.2', '4.36.2', '4.37.2', '4.38.2', '4.39.3',
                     '4.40.2', '4.41.2', '4.42.4', '4.43.4', '4.44.2', '4.45.2', '4.46.3', '4.47.1', '4.48.3', '4.49.0',
                     '4.50.3', '4.51.3', '4.52.4', '4.53.3', '4.54.1', '4.55.4', '4.56.2', '4.57.6', '5.0.0', '5.5.4',
                     '5.10.4', '5.15.1', '5.20.2', '5.25.0'],
    'trl': ['0.7.11', '0.8.6', '0.9.6', '0.10.1', '0.11.4', '0.12.2', '0.13.0', '0.14.0', '0.15.2', '0.16.1', '0.17.0',
            '0.18.2', '0.19.1', '0.20.0', '0.21.0', '0.22.2', '0.23.1', '0.24.0', '0.25.1', '0.26.2', '0.27.2', '0.28.0',
            '0.29.1', '1.0.0', '1.4.0', '1.9.2', '1.16.0'],
    'accelerate': ['0.20.3', '0.21.0', '0.22.0', '0.23.0', '0.24.1', '0.25.0', '0.26.1', '0.27.2', '0.28.0', '0.29.3',
                   '0.30.1', '0.31.0', '0.32.1', '0.33.0', '0.34.2', '1.0.1', '1.2.1', '1.4.0', '1.6.0', '1.8.1',
                   '1.10.1', '1.12.0', '1.14.0', '1.16.0'],
    'deepspeed': ['0.9.5', '0.10.3', '0.11.2', '0.12.6', '0.13.5', '0.14.5', '0.15.4', '0.16.9', '0.17.0', '0.17.1',
                  '0.17.6', '0.18.9', '0.19.8'],
    # Git tags of EleutherAI/gpt-neox (not published on PyPI); HEAD is the commit the neox schema was read from.
    'gpt-neox': ['v1.0', 'v2.0', 'ea7aefd8f8e183256992d9fede4d7c71a46d67a5'],
}

# DeepSpeed config section -> the pydantic model that reads it (class names are looked up in every file of the sdist).
DEEPSPEED_SECTIONS = {
    'fp16': 'DeepSpeedFP16Config',
    'bf16': 'DeepSpeedBF16Config',
    'zero_optimization': 'DeepSpeedZeroConfig',
    'zero_optimization.offload_param': 'DeepSpeedZeroOffloadParamConfig',
    'zero_optimization.offload_optimizer': 'DeepSpeedZeroOffloadOptimizerConfig',
    'comms_logger': 'CommsLoggerConfig',
    'compile': 'CompileConfig',
    'tensorboard': 'TensorBoardConfig',
    'wandb': 'WandbConfig',
    'csv_monitor': 'CSVConfig',
    'comet': 'CometConfig',
    'hybrid_engine': 'HybridEngineConfig',
    'tensor_parallel': 'TPTrainingConfig',
}

# The TRL dataclasses the hf-training-args schema merges (SFTConfig, DPOConfig, GRPOConfig, ModelConfig, ScriptArguments,
# DatasetMixtureConfig), with the script-argument classes older releases had (SFTScriptArguments, ...): another
# trainer's config (PPO, GKD, ...) does not make a key valid for these recipes.
TRL_CLASSES = re.compile(r'^(SFTConfig|DPOConfig|GRPOConfig|ModelConfig|DatasetMixtureConfig|\w*ScriptArguments)$')

# Where a changed annotation is kept (warmup_steps: int until 4.57, float from 5.0, so renaming warmup_ratio to it
# keeps the meaning only from 5.0); TRL's own configs change too often for the data to stay small.
TYPED_FRAMEWORKS = ('transformers', 'deepspeed')

# TrainingArguments field -> the enum its value must name.
HF_ENUM_FIELDS = {
    'optim': ['OptimizerNames'],
    'lr_scheduler_type': ['SchedulerType'],
    'eval_strategy': ['IntervalStrategy'],
    'evaluation_strategy': ['IntervalStrategy'],
    'logging_strategy': ['IntervalStrategy'],
    'save_strategy': ['SaveStrategy', 'IntervalStrategy'],
}


def vkey(version):
    """Orders release strings (and neox tags; a commit sorts last)."""
    m = re.match(r'v?(\d+(?:\.\d+)*)', version)
    if not m:
        return (10**6,)
    return tuple(int(p) for p in m.group(1).split('.'))


# ---------------------------------------------------------------------------
# Fetching release files
# ---------------------------------------------------------------------------

def pip_download(name, version, sdist):
    target = CACHE / name
    target.mkdir(parents=True, exist_ok=True)
    stem = f"{name.replace('-', '_')}-{version}"
    found = [p for p in target.iterdir() if p.name.lower().startswith(stem.lower() + '-') or p.name.lower().startswith(stem.lower() + '.tar')]
    if not found and sdist:
        # `pip download` of an sdist runs its setup.py for metadata (DeepSpeed's imports torch): fetch the file PyPI's
        # simple index (the one pip reads) links, as it is, and check its sha256.
        with urllib.request.urlopen(f'https://pypi.org/simple/{name}/') as r:
            index = r.read().decode()
        m = re.search(r'href="([^"#]*/(' + re.escape(f'{name}-{version}.tar.gz') + r'))#sha256=([0-9a-f]+)"', index)
        with urllib.request.urlopen(m.group(1)) as r:
            body = r.read()
        assert hashlib.sha256(body).hexdigest() == m.group(3), f'sha256 mismatch for {m.group(2)}'
        (target / m.group(2)).write_bytes(body)
    elif not found:
        cmd = [sys.executable, '-m', 'pip', 'download', '--no-deps', '--quiet', '-d', str(target), f'{name}=={version}', '--only-binary', ':all:']
        subprocess.run(cmd, check=True)
    if not found:
        found = [p for p in target.iterdir() if p.name.lower().startswith(stem.lower() + '-') or p.name.lower().startswith(stem.lower() + '.tar')]
    return found[0]


class Archive:
    """The .py files of a wheel, an sdist or a git tree, by path inside the package."""

    def __init__(self, files):
        self.files = files  # path -> text

    @staticmethod
    def open(path):
        files = {}
        if path.suffix == '.whl':
            with zipfile.ZipFile(path) as z:
                for n in z.namelist():
                    if n.endswith('.py'):
                        files[n] = z.read(n).decode('utf8', 'replace')
        else:
            with tarfile.open(path) as t:
                for m in t.getmembers():
                    if m.isfile() and m.name.endswith('.py'):
                        # Strip the sdist's top folder (deepspeed-0.14.5/).
                        files[m.name.split('/', 1)[1]] = t.extractfile(m).read().decode('utf8', 'replace')
        return Archive(files)

    @staticmethod
    def git(repo, rev, prefix):
        names = subprocess.run(['git', '--git-dir', str(repo), 'ls-tree', '-r', '--name-only', rev, prefix], check=True, capture_output=True, text=True).stdout.split()
        files = {}
        for n in names:
            if n.endswith('.py'):
                files[n] = subprocess.run(['git', '--git-dir', str(repo), 'show', f'{rev}:{n}'], check=True, capture_output=True, text=True).stdout
        return Archive(files)

    def parse(self, path):
        text = self.files.get(path)
        if text is None:
            return None
        try:
            return ast.parse(text)
        except SyntaxError:
            return None


# ---------------------------------------------------------------------------
# AST helpers
# ---------------------------------------------------------------------------

def classes(tree):
    return [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)] if tree else []


def find_class(tree, name):
    return next((c for c in classes(tree) if c.name == name), None)


def class_fields(cls):
    """Annotated class-body names (dataclass / pydantic fields), with their annotation text and pydantic aliases."""
    fields = {}
    for stmt in cls.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            name = stmt.target.id
            if name.startswith('__') or 'ClassVar' in ast.unparse(stmt.annotation):
                continue
            aliases = []
            if isinstance(stmt.value, ast.Call):
                for kw in stmt.value.keywords:
                    if kw.arg == 'alias' and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                        aliases.append(kw.value.value)
            fields[name] = {'annotation': ast.unparse(stmt.annotation), 'aliases': aliases}
    return fields


def enum_values(cls):
    values = []
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
            values.append(stmt.value.value)
    return values


def base_names(cls):
    return [ast.unparse(b).split('.')[-1] for b in cls.bases]


# ---------------------------------------------------------------------------
# Per-framework readers: release -> {'keys': {name: annotation}, 'choices': {key: [values]}, 'closed': set(sections)}
# ---------------------------------------------------------------------------

def read_transformers(archive):
    keys = {}
    tree = archive.parse('transformers/training_args.py')
    for path, name in [('transformers/training_args.py', 'TrainingArguments'), ('transformers/training_args_seq2seq.py', 'Seq2SeqTrainingArguments')]:
        cls = find_class(archive.parse(path), name)
        if cls:
            keys.update({k: v['annotation'] for k, v in class_fields(cls).items()})
    enums = {}
    for path in ['transformers/training_args.py', 'transformers/trainer_utils.py', 'transformers/optimization.py']:
        for cls in classes(archive.parse(path)):
            if any(b in ('ExplicitEnum', 'Enum', 'str') for b in base_names(cls)):
                enums.setdefault(cls.name, enum_values(cls))
    choices = {}
    for key, enum_names in HF_ENUM_FIELDS.items():
        if key not in keys:
            continue
        enum = next((enums[n] for n in enum_names if n in enums), None)
        if enum:
            choices[key] = enum
    assert 'output_dir' in keys and tree is not None, 'TrainingArguments not found'
    return {'keys': keys, 'choices': choices}


def read_trl(archive):
    keys = {}
    for path in archive.files:
        if not path.startswith('trl/') or '/tests/' in path or path.startswith('trl/experimental/'):
            continue
        for cls in classes(archive.parse(path)):
            if not TRL_CLASSES.match(cls.name):
                continue
            decorated = any('dataclass' in ast.unparse(d) for d in cls.decorator_list)
            if not decorated:
                continue
            for k, v in class_fields(cls).items():
                keys.setdefault(k, v['annotation'])
    assert keys, 'no TRL config found'
    # TrlParser.parse_args_and_config raises on config-file keys no dataclass takes from 0.19 (before, they were dropped).
    closed = {'config-file'} if 'Unknown arguments from config file' in archive.files.get('trl/scripts/utils.py', '') else set()
    return {'keys': keys, 'choices': {}, 'closed': closed}


def read_accelerate(archive):
    keys = {}
    tree = archive.parse('accelerate/commands/config/config_args.py')
    for name in ['BaseConfig', 'ClusterConfig', 'SageMakerConfig']:
        cls = find_class(tree, name)
        if cls:
            keys.update({k: v['annotation'] for k, v in class_fields(cls).items()})
    assert keys, 'accelerate config classes not found'
    return {'keys': keys, 'choices': {}}


def read_deepspeed(archive):
    keys = {}
    closed = set()
    sections = set()
    by_name = {}
    for path in archive.files:
        if not path.startswith('deepspeed/') or '/inference/' in path:
            continue
        for cls in classes(archive.parse(path)):
            if 'DeepSpeedConfigModel' in base_names(cls):
                by_name.setdefault(cls.name, cls)
    utils = archive.files.get('deepspeed/runtime/config_utils.py', '')
    forbids = bool(re.search(r'extra\s*=\s*["\']forbid["\']|Extra\.forbid', utils))
    for section, class_name in DEEPSPEED_SECTIONS.items():
        cls = by_name.get(class_name)
        if not cls:
            continue
        sections.add(section)
        if forbids:
            closed.add(section)
        for k, v in class_fields(cls).items():
            for name in [k, *v['aliases']]:
                keys[f'{section}.{name}'] = v['annotation']
    assert 'zero_optimization.stage' in keys, 'DeepSpeedZeroConfig not found'
    return {'keys': keys, 'choices': {}, 'closed': closed, 'sections': sections}


def read_neox(archive):
    keys = {}
    for path in ['megatron/neox_arguments/neox_args.py', 'megatron/neox_arguments/deepspeed_args.py']:
        for cls in classes(archive.parse(path)):
            if cls.name.startswith('NeoXArgs'):
                keys.update({k: v['annotation'] for k, v in class_fields(cls).items()})
    assert 'num_layers' in keys, 'NeoXArgs not found'
    return {'keys': keys, 'choices': {}}


READERS = {'transformers': read_transformers, 'trl': read_trl, 'accelerate': read_accelerate, 'deepspeed': read_deepspeed, 'gpt-neox': read_neox}


def load(framework, release):
    if framework == 'gpt-neox':
        return READERS[framework](Archive.git(NEOX_GIT, release, 'megatron/neox_arguments'))
    path = pip_download(framework, release, sdist=framework == 'deepspeed')
    return READERS[framework](Archive.open(path))


# ---------------------------------------------------------------------------
# Ranges
# ---------------------------------------------------------------------------

def label(framework, release):
    if framework == 'gpt-neox':
        return release[1:] if release.startswith('v') else f'main@{release[:10]}'
    return release


def ranges(releases, present):
    """{name: [first, last]} for names not present in every release; names in every release go to `stable`."""
    out = {}
    stable = []
    names = sorted({n for r in releases for n in present[r]})
    for name in names:
        seen = [r for r in releases if name in present[r]]
        if len(seen) == len(releases):
            stable.append(name)
            continue
        # A key that disappears and comes back keeps each stretch.
        stretches = []
        for r in releases:
            if name in present[r]:
                if stretches and stretches[-1][1] == releases[releases.index(r) - 1]:
                    stretches[-1][1] = r
                else:
                    stretches.append([r, r])
        out[name] = stretches[0] if len(stretches) == 1 else stretches
    return out, stable


def build():
    data = {
        '$comment': 'Generated by scripts/gen-version-facts.py from the releases listed (PyPI files; gpt-neox git tags). Do not edit.',
        'frameworks': {},
    }
    for framework, releases in RELEASES.items():
        releases = sorted(releases, key=vkey)
        read = {}
        for r in releases:
            print(f'{framework} {r}', file=sys.stderr)
            read[r] = load(framework, r)
        labels = [label(framework, r) for r in releases]
        present = {label(framework, r): set(read[r]['keys']) for r in releases}
        if framework == 'deepspeed':
            # A release without the section's pydantic model reads it with get_scalar_param and takes any key: its keys
            # count as present there (only a validating release can lack one).
            for section in DEEPSPEED_SECTIONS:
                section_keys = {k for p in present.values() for k in p if k.rsplit('.', 1)[0] == section}
                for r in releases:
                    if section not in read[r]['sections']:
                        present[label(framework, r)] |= section_keys
        keys, stable = ranges(labels, present)
        entry = {'releases': labels, 'keys': keys, 'stable': stable}
        # Choices: per key, the values whose presence differs across the releases where the key exists.
        choice_ranges = {}
        for key in sorted({k for r in releases for k in read[r]['choices']}):
            with_key = [r for r in releases if key in read[r]['choices']]
            values = {label(framework, r): set(read[r]['choices'][key]) for r in with_key}
            varying, _ = ranges([label(framework, r) for r in with_key], values)
            if varying:
                choice_ranges[key] = varying
        if choice_ranges:
            entry['choices'] = choice_ranges
        # Annotations that changed (a field that took an int and now takes a float).
        types = {}
        for name in sorted({n for r in releases for n in read[r]['keys']}):
            seen = [(label(framework, r), read[r]['keys'][name]) for r in releases if name in read[r]['keys']]
            if len({a for _, a in seen}) > 1:
                stretches = []
                for rel, ann in seen:
                    if stretches and stretches[-1]['annotation'] == ann:
                        stretches[-1]['last'] = rel
                    else:
                        stretches.append({'annotation': ann, 'first': rel, 'last': rel})
                types[name] = stretches
        if types and framework in TYPED_FRAMEWORKS:
            entry['types'] = types
        if framework in ('deepspeed', 'trl'):
            closed = {}
            for section in (DEEPSPEED_SECTIONS if framework == 'deepspeed' else ['config-file']):
                present_closed = {label(framework, r): {section} if section in read[r]['closed'] else set() for r in releases}
                varying, stable_closed = ranges(labels, present_closed)
                if section in varying:
                    closed[section] = varying[section]
                elif stable_closed:
                    closed[section] = [labels[0], labels[-1]]
            entry['validated'] = closed
        data['frameworks'][framework] = entry
    return data


def main():
    data = build()
    text = json.dumps(data, indent=1, sort_keys=False) + '\n'
    # One key per line keeps the file readable and its diffs small.
    text = re.sub(r'\[\n\s+("[^"\n]*"),\n\s+("[^"\n]*")\n\s+\]', r'[\1, \2]', text)
    if '--check' in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            print(f'{OUT} is out of date; run python3 scripts/gen-version-facts.py', file=sys.stderr)
            sys.exit(1)
        return
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(f'wrote {OUT.relative_to(ROOT)} ({len(text)} bytes)', file=sys.stderr)


if __name__ == '__main__':
    main()
