"""The architecture is checked, not only described: layer contracts and the complexity limit."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_core_keeps_its_layers() -> None:
    """``lint-imports`` with the contracts of pyproject.toml: a lower layer never imports a
    higher one (model/errors -> scoring/schemes/extractors -> goldset/formats -> runner ->
    results/compare/report -> cli)."""
    pytest.importorskip("importlinter", reason="import-linter is a test dependency")
    exe = Path(sys.executable).with_name("lint-imports")
    cmd = [str(exe)] if exe.exists() else ["lint-imports"]
    res = subprocess.run(
        [*cmd, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert res.returncode == 0, res.stdout + res.stderr


def test_no_function_is_over_the_complexity_limit() -> None:
    """ruff's C901 (max-complexity in pyproject.toml); ``# noqa: C901`` marks the known ones."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed")
    res = subprocess.run(
        [ruff, "check", "--select", "C901", "--output-format", "concise", "."],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stdout + res.stderr


def test_the_chromium_driver_is_not_installed_with_the_package() -> None:
    assert not (ROOT / "harness" / "report" / "browser.py").exists()
