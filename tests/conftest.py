from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import builtin
from harness.plugins import reset_plugins

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).parents[1] / "examples"


def install_example(name: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pip install`` the example plugin ``examples/<name>`` into a new folder, like a
    third-party package; returns the folder (put it on ``sys.path`` to use the plugin)."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(EXAMPLES / name)],
        check=True,
    )  # fmt: skip
    return target


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the two-document goldset (its texts in ``gold/texts``); returns the
    goldset folder."""
    shutil.copytree(FIXTURES / "mini", tmp_path / "mini")
    return tmp_path / "mini" / "gold"


@pytest.fixture(autouse=True, scope="session")
def _goldset_cache(tmp_path_factory: pytest.TempPathFactory):
    """Keep the goldsets' Arrow caches out of the user's ~/.cache during tests."""
    mp = pytest.MonkeyPatch()
    mp.setenv("HARNESS_GOLDSET_CACHE", str(tmp_path_factory.mktemp("goldset-cache")))
    yield
    mp.undo()


@pytest.fixture(autouse=True)
def _fresh_plugins(monkeypatch: pytest.MonkeyPatch):
    """Each test sees plugins loaded from its own environment."""
    reset_plugins()
    yield
    reset_plugins()


@pytest.fixture
def builtin_only(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the core's own plugin (goldset formats and replay), and a private goldset cache."""
    monkeypatch.setenv("HARNESS_GOLDSET_CACHE", str(tmp_path_factory.mktemp("rows")))
    monkeypatch.setenv("HARNESS_DISABLE_PLUGINS", "*")
    reset_plugins([("core", builtin)])
