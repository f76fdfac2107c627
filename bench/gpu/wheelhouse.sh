#!/usr/bin/env bash
# Fills bench/gpu/wheels/ (ignored by git, a few MB) with DeepSpeed and the packages it imports besides torch and numpy,
# as wheels for x86_64 Linux and CPython 3.10-3.13, so a GPU machine without network can install them (README.md).
# Run where pip reaches PyPI: bash bench/gpu/wheelhouse.sh
set -euo pipefail
out="$(cd "$(dirname "$0")" && pwd)/wheels"
mkdir -p "$out"
# deepspeed 0.19.8's requirements (its METADATA), torch and numpy left to the machine; pydantic pins its pydantic-core.
# DeepSpeed publishes only a source archive: pip builds its wheel (pure Python; its ops compile later, on first use).
python3 -m pip wheel --quiet --no-deps -w "$out" deepspeed==0.19.8
pure=(einops hjson packaging py-cpuinfo pydantic==2.14.4 annotated-types typing-inspection typing-extensions tqdm)
python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$out" "${pure[@]}"
# psutil is one abi3 wheel and ninja one py3 wheel per platform; pydantic-core and msgpack are built per CPython version.
python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 \
  --python-version 3.11 -d "$out" psutil ninja
for version in 3.10 3.11 3.12 3.13; do
  python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 \
    --implementation cp --python-version "$version" -d "$out" pydantic-core==2.50.5 msgpack
done
du -sh "$out"
