"""Helpers of the fault tests: ``harness`` in a subprocess with the test extractors installed as
an entry-point plugin, a small tmpfs (root only), file-size limits."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HARNESS = Path(sys.executable).with_name("harness")


def install_test_plugin(site: Path) -> None:
    """``tests.plugin_fixtures`` as an installed entry-point plugin (a dist-info in ``site``)."""
    dist = site / "harness_test_plugin-1.0.dist-info"
    dist.mkdir(parents=True, exist_ok=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: harness-test-plugin\nVersion: 1.0\n"
    )
    (dist / "entry_points.txt").write_text("[harness]\ntest-plugins = tests.plugin_fixtures\n")


def harness_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a ``harness`` subprocess: the test plugin, no heavy plugin, a
    private goldset cache."""
    site = tmp_path / "site"
    install_test_plugin(site)
    env = {k: v for k, v in os.environ.items() if k != "HARNESS_DEBUG"}
    env.update(
        PYTHONPATH=os.pathsep.join([str(site), str(ROOT)]),
        HARNESS_DISABLE_PLUGINS="llm,transformers,spacy,regex",
        HARNESS_GOLDSET_CACHE=str(tmp_path / "goldset-cache"),
        HF_HUB_OFFLINE="1",
        TMPDIR=str(tmp_path / "tmp"),  # a run's per-document files are made there
    )
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return env


def file_size_limit(limit: int) -> None:
    """``preexec_fn``: the ``ulimit -f`` of the child, in bytes."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def run_harness(
    args: list[str], tmp_path: Path, *, fsize: int | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HARNESS), *args], cwd=tmp_path, env=harness_env(tmp_path), text=True,
        capture_output=True, timeout=timeout,
        preexec_fn=(lambda: file_size_limit(fsize)) if fsize else None,
    )  # fmt: skip


@contextmanager
def tmpfs(path: Path, size: str = "32k", readonly: bool = False) -> Iterator[Path]:
    """A small tmpfs mounted at ``path``; skips the test where mounting is not permitted."""
    path.mkdir(parents=True, exist_ok=True)
    opts = f"size={size}" + (",ro" if readonly else "")
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(path)], capture_output=True, text=True
    )
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mount.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(folder: Path) -> None:
    """Fill the file system of ``folder`` to its last byte."""
    for size in (4096, 1):
        try:
            with open(folder / f"filler-{size}", "wb", buffering=0) as f:
                while True:
                    f.write(b"\0" * size)
        except OSError:
            pass


def leftovers(*folders: Path) -> list[Path]:
    """Temporary files (``.*.tmp``, ``.harness-*``, ``.*.importing-*``) left in ``folders``."""
    return [
        p
        for folder in folders
        if folder.exists()
        for p in folder.rglob(".*")
        if p.name.endswith(".tmp") or p.name.startswith(".harness-") or ".importing" in p.name
    ]
