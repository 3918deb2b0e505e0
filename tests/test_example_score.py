"""The example score plugin (examples/harness-cues), installed like a third-party package: its
score reaches results.json, the CLI table, the report and ``harness compare``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.plugins import get_plugins, reset_plugins
from harness.results import read_results

from .conftest import install_example

ROOT = Path(__file__).parents[1]
cli = CliRunner()


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_example("harness-cues", tmp_path_factory)


@pytest.fixture
def cues(installed: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.syspath_prepend(str(installed))
    reset_plugins()
    yield
    reset_plugins()


def _config(tmp_path: Path, name: str, batch_size: int = 32) -> Path:
    cfg = tmp_path / f"{name}.yaml"
    cfg.write_text(
        f"goldset: {ROOT / 'goldsets' / 'seeds'}\ntasks: [quotes]\noutput: {tmp_path / name}\n"
        f"cache: null\nbatch_size: {batch_size}\nbootstrap: {{samples: 200}}\n"
        "extractors: [{name: regex}]\n",
        encoding="utf-8",
    )
    return cfg


def test_a_plugins_score_reaches_results_table_report_and_compare(
    cues: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "cues" in get_plugins().scores
    assert get_plugins().info["cues"].scores == ["cues"]

    res = cli.invoke(app, ["eval", "-c", str(_config(tmp_path, "a")), "-q"], env={"COLUMNS": "250"})
    assert res.exit_code == 0, res.output
    assert "cue accuracy" in res.output  # a column of the terminal table

    results = read_results(tmp_path / "a")
    regex = results["extractors"]["regex"]
    accuracy = regex["scores"]["cues.accuracy"]
    assert 0 < accuracy <= 1 and regex["scores"]["cues.n_matched"] > 0
    lo, hi = regex["intervals"]["cues.accuracy"]
    assert lo <= accuracy <= hi
    assert results["metrics"]["cues.accuracy"]["headline"] is True
    assert all("cues" in counts for counts in regex["per_document"].values())

    # the same counts when scoring runs in a worker process (batches of 2 documents)
    monkeypatch.setenv("HARNESS_SCORING_WORKER", "always")
    res = cli.invoke(app, ["eval", "-c", str(_config(tmp_path, "b", batch_size=2)), "-q"])
    assert res.exit_code == 0, res.output
    again = read_results(tmp_path / "b")
    assert again["extractors"]["regex"]["scores"] == regex["scores"]
    assert dict(again["extractors"]["regex"]["per_document"]) == dict(regex["per_document"])

    res = cli.invoke(
        app, ["compare", str(tmp_path / "a"), str(tmp_path / "b"), "--format", "json",
              "--samples", "100"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    rows = {r["metric"]: r for r in json.loads(res.stdout)["rows"]}
    assert rows["cues.accuracy"]["verdict"] == "unchanged"
    assert rows["cues.accuracy"]["p_value"] == 1.0  # recomputed from the counts by the plugin

    res = cli.invoke(app, ["report", str(tmp_path / "a")])
    assert res.exit_code == 0, res.output
    html = (tmp_path / "a" / "report.html").read_text(encoding="utf-8")
    assert "cue accuracy" in html  # a headline column
    assert "Scores added by plugins" in html and "quotes with a cue matched" in html
    assert "cue accuracy" in (tmp_path / "a" / "report.md").read_text(encoding="utf-8")


def test_a_saved_run_shows_a_plugins_score_where_the_plugin_is_not_installed(
    installed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(installed))
    reset_plugins()
    assert cli.invoke(app, ["eval", "-c", str(_config(tmp_path, "a")), "-q"]).exit_code == 0
    monkeypatch.setenv("HARNESS_DISABLE_PLUGINS", "cues")
    reset_plugins()
    assert "cues" not in get_plugins().scores
    res = cli.invoke(app, ["compare", str(tmp_path / "a"), str(tmp_path / "a"), "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = {r["metric"]: r for r in json.loads(res.stdout)["rows"]}
    assert rows["cues.accuracy"]["new"] == rows["cues.accuracy"]["baseline"]
    assert rows["cues.accuracy"]["p_value"] is None  # no plugin here to recompute it
    assert rows["quotes.exact.f1"]["p_value"] == 1.0
    reset_plugins()
