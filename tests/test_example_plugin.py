"""The README's example plugin, installed like a third-party package and used in a run."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import runner
from harness.config import load_config
from harness.plugins import get_plugins, reset_plugins

from .conftest import install_example


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_example("harness-shouty", tmp_path_factory)


def test_installed_plugin_is_discovered_and_runs(
    installed: Path, monkeypatch: pytest.MonkeyPatch, mini: Path, tmp_path: Path
) -> None:
    monkeypatch.syspath_prepend(str(installed))
    reset_plugins()
    plugins = get_plugins()
    assert "shouty" in plugins.extractors
    assert plugins.info["shouty"].distribution == "harness-shouty"
    assert plugins.info["shouty"].version == "0.1.0"

    cfg = tmp_path / "run.yaml"
    cfg.write_text(
        f"goldset: {mini}\ncache: null\nbootstrap: {{samples: 0}}\ntasks: [entities]\n"
        "extractors: [{name: shouty, options: {min_length: 2}}]\n"
    )
    result = runner.run(load_config(cfg))
    r = result.extractors[0]
    assert r.plugin == "shouty" and not r.errors
    assert r.scores["entities.n_pred"] == 0  # the mini texts have no acronyms
    assert r.scores["entities.strict.micro.r"] == 0.0


def test_disabled_plugin_is_not_loaded(installed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(installed))
    monkeypatch.setenv("HARNESS_DISABLE_PLUGINS", "shouty")
    reset_plugins()
    assert "shouty" not in get_plugins().extractors
    assert "replay" in get_plugins().extractors


def test_trace_hooks(installed: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.syspath_prepend(str(installed))
    monkeypatch.setenv("HARNESS_TRACE_HOOKS", "1")
    reset_plugins()
    get_plugins()
    assert "register_extractors" in capsys.readouterr().err
