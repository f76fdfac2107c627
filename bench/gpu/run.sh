#!/usr/bin/env bash
# The whole GPU run on a machine without network (README.md): DeepSpeed from bench/gpu/wheels/ when torch's Python
# lacks it and the wheels came along, then every case of measure.py. Writes OUT_DIR/results.json and OUT_DIR/measure.log.
# Usage: bash bench/gpu/run.sh OUT_DIR [measure.py options]; TRAINLINT_PYTHON picks the Python (default python3).
set -uo pipefail
out="${1:?usage: bash bench/gpu/run.sh OUT_DIR [measure.py options]}"
shift
here="$(cd "$(dirname "$0")" && pwd)"
py="${TRAINLINT_PYTHON:-python3}"
if ! "$py" -c 'import deepspeed' >/dev/null 2>&1 && compgen -G "$here/wheels/deepspeed-*.whl" >/dev/null; then
  target="$(mktemp -d)/site"
  # The names wheelhouse.sh downloads; pip picks each one's wheel for this Python.
  if "$py" -m pip install --quiet --no-index --no-deps --find-links "$here/wheels" --target "$target" \
      deepspeed einops hjson packaging py-cpuinfo pydantic pydantic-core annotated-types typing-inspection typing-extensions \
      tqdm psutil ninja msgpack; then
    export PYTHONPATH="$target${PYTHONPATH:+:$PYTHONPATH}"
    echo "DeepSpeed installed from bench/gpu/wheels into $target"
  else
    echo "DeepSpeed could not be installed from bench/gpu/wheels: its cases will be skipped"
  fi
fi
"$py" "$here/measure.py" --out "$out/results.json" "$@" 2>&1 | tee "$out/measure.log"
