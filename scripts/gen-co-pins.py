#!/usr/bin/env python3
"""Generates server/src/core/versions/co-pins.json: what each transformers release requires of tokenizers and
huggingface-hub, and each TRL release of transformers and accelerate, so that a workspace pinning one of those bounds
the release pip can install beside it (InternVL's `tokenizers==0.15.1` rules out transformers 4.40 and later;
alignment-handbook's `huggingface-hub<1.0` rules out transformers 5, whose wheels require huggingface-hub>=1.3; a
transformers 4.37.2 pin rules out TRL 0.29, which requires transformers>=4.56.2).

    python3 scripts/gen-co-pins.py            # downloads what is missing, then writes the data file
    python3 scripts/gen-co-pins.py --check    # fails when the committed file differs

It reads the `Requires-Dist` lines of each wheel's METADATA, for the transformers releases that
scripts/gen-version-facts.py reads (same cache: $TRAINLINT_RELEASE_CACHE, default ~/.cache/trainlint/releases).
"""

import importlib.util
import json
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / 'server/src/core/versions/co-pins.json'
# The framework whose releases are read, and the packages its wheels' requirements name that a workspace may pin.
REQUIRED = {'transformers': ['tokenizers', 'huggingface-hub'], 'trl': ['transformers', 'accelerate']}

spec = importlib.util.spec_from_file_location('gen_version_facts', ROOT / 'scripts/gen-version-facts.py')
facts = importlib.util.module_from_spec(spec)
spec.loader.exec_module(facts)


def requires(wheel, packages):
    """`{package: spec}` from the wheel's Requires-Dist lines without an extra marker (what `pip install transformers` needs)."""
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith('.dist-info/METADATA'))
        text = z.read(name).decode('utf8', 'replace')
    found = {}
    for line in text.splitlines():
        m = re.match(r'Requires-Dist:\s*([A-Za-z0-9_.-]+)\s*(?:\[[^\]]*\])?\s*\(?([^;()]*)\)?\s*(;.*)?$', line)
        if not m or (m.group(3) and 'extra' in m.group(3)):
            continue
        package = m.group(1).lower().replace('_', '-')
        if package in packages:
            # Several lines for one package (`transformers>=4.46.0` and `transformers<4.47.0`) all hold.
            found[package] = ','.join(filter(None, [found.get(package, ''), m.group(2).replace(' ', '')]))
    return found


def build():
    return {
        'source': 'Requires-Dist of the transformers and TRL wheels on PyPI (METADATA), read by scripts/gen-co-pins.py',
        'requires': {
            framework: {release: requires(facts.pip_download(framework, release, sdist=False), packages) for release in facts.RELEASES[framework]}
            for framework, packages in REQUIRED.items()
        },
    }


def main():
    text = json.dumps(build(), indent=1) + '\n'
    if '--check' in sys.argv:
        if OUT.read_text() != text:
            sys.exit(f'{OUT} is out of date: run python3 scripts/gen-co-pins.py')
        return
    OUT.write_text(text)
    print(f'wrote {OUT}')


if __name__ == '__main__':
    main()
