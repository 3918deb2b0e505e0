"""The run cache: an unchanged config on an unchanged goldset reuses the whole results; any
change to what they depend on runs again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from harness import runcache, runner
from harness.config import load_config
from harness.plugins import reset_plugins
from harness.results import load_run, write_run
from harness.runcache import RUNS_DIR

from . import plugin_fixtures


@pytest.fixture(autouse=True)
def _test_plugins() -> None:
    reset_plugins([("test-plugins", plugin_fixtures)])
    plugin_fixtures.CALLS.clear()


def _config(tmp_path: Path, gold: Path, extractor: str = "{name: crashy, options: {crash_on: none}}",
            samples: int = 100, name: str = "c") -> Path:  # fmt: skip
    p = tmp_path / f"{name}.yaml"
    p.write_text(
        f"goldset: {gold}\noutput: out\ncache: {tmp_path / 'cache'}\n"
        f"bootstrap: {{samples: {samples}}}\nextractors:\n  - {extractor}\n",
        encoding="utf-8",
    )
    return p


def _everything(result: runner.RunResult) -> list[Any]:
    return [
        (r.scores, r.intervals, list(r.per_doc), list(r.predictions), r.cached_docs,
         dict(r.unmapped_pred_labels), dict(r.ignored_pred_labels), dict(r.unmapped_gold_labels))
        for r in result.extractors
    ]  # fmt: skip


def test_an_unchanged_run_is_reused_whole_with_identical_results(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = load_config(_config(tmp_path, mini, "{name: foreign}"))
    first = runner.run(cfg)
    assert "reused" not in first.extractors[0].execution

    def no_counting(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a reused run counts nothing")

    monkeypatch.setattr(runner, "_Counting", no_counting)
    again = runner.run(cfg)
    assert again.extractors[0].execution["reused"] is True
    assert plugin_fixtures.CALLS == []
    expected = _everything(first)
    expected[0] = (*expected[0][:4], 2, *expected[0][5:])  # every document came from the cache
    assert _everything(again) == expected
    run = load_run(write_run(again, tmp_path / "out"))
    assert run.summary["extractors"]["foreign"]["execution"]["reused"] is True
    assert list(run.extractors["foreign"].counts() or []) == list(first.extractors[0].per_doc)


def test_a_change_to_anything_the_results_depend_on_runs_again(mini: Path, tmp_path: Path) -> None:
    runner.run(load_config(_config(tmp_path, mini)))
    other_samples = runner.run(load_config(_config(tmp_path, mini, samples=50, name="b")))
    assert "reused" not in other_samples.extractors[0].execution
    assert other_samples.extractors[0].cached_docs == 2  # the predictions still come cached
    other_options = runner.run(
        load_config(_config(tmp_path, mini, "{name: crashy, options: {crash_on: x}}", name="o"))
    )
    assert "reused" not in other_options.extractors[0].execution
    gold = mini / "doc1.json"
    rec = json.loads(gold.read_text(encoding="utf-8"))
    rec["entities"] = rec["entities"][1:]  # the gold changed
    gold.write_text(json.dumps(rec), encoding="utf-8")
    changed = runner.run(load_config(_config(tmp_path, mini)))
    assert "reused" not in changed.extractors[0].execution
    assert runner.run(load_config(_config(tmp_path, mini))).extractors[0].execution["reused"]


def test_a_run_with_failed_documents_is_not_stored(mini: Path, tmp_path: Path) -> None:
    cfg = load_config(_config(tmp_path, mini, "{name: crashy}"))
    runner.run(cfg)
    plugin_fixtures.CALLS.clear()
    again = runner.run(cfg)
    assert "reused" not in again.extractors[0].execution
    assert plugin_fixtures.CALLS == ["doc2"] and again.extractors[0].cached_docs == 1
    assert not (tmp_path / "cache" / RUNS_DIR).exists()


def test_a_stored_entry_that_changed_is_reported_and_run_again(mini: Path, tmp_path: Path) -> None:
    cfg = load_config(_config(tmp_path, mini))
    first = runner.run(cfg)
    (entry,) = (tmp_path / "cache" / RUNS_DIR).iterdir()
    counts = entry / "counts.arrow"
    data = bytearray(counts.read_bytes())
    data[len(data) // 2] ^= 0xFF
    counts.unlink()  # a hard link: write a new file, not through the link
    counts.write_bytes(bytes(data))
    again = runner.run(cfg).extractors[0]
    assert "reused" not in again.execution
    assert any("run cache" in w and "changed since it was stored" in w for w in again.warnings)
    assert again.scores == first.extractors[0].scores
    assert runner.run(cfg).extractors[0].execution["reused"]  # stored again


def test_only_the_last_entries_of_a_configuration_are_kept(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runcache, "KEEP", 2)
    for samples in (10, 20, 30, 40):
        runner.run(load_config(_config(tmp_path, mini, samples=samples, name=f"s{samples}")))
    assert len(list((tmp_path / "cache" / RUNS_DIR).iterdir())) == 2


def test_no_cache_bypasses_it(mini: Path, tmp_path: Path) -> None:
    cfg = load_config(_config(tmp_path, mini))
    runner.run(cfg)
    shutil.rmtree(tmp_path / "out", ignore_errors=True)
    fresh = runner.run(cfg, use_cache=False).extractors[0]
    assert "reused" not in fresh.execution and fresh.cached_docs == 0
