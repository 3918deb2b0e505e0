"""Extraction in worker processes and with timeouts: the results of a serial run, whatever goes
wrong in a worker (an exception, a crash, a hang), and no hung run."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from harness import executors, runner
from harness.config import load_config
from harness.errors import ConfigError, ExtractorError
from harness.execution import DEFAULT_TIMEOUT, Execution, parse_execution
from harness.executors import ExtractorSpec, WorkerPool
from harness.model import TextDoc
from harness.plugins import reset_plugins
from harness.results import load_run, write_run

from . import plugin_fixtures

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "goldsets" / "seeds"


@pytest.fixture(autouse=True)
def _test_plugins() -> None:
    reset_plugins([("test-plugins", plugin_fixtures)])
    plugin_fixtures.CALLS.clear()


def _config(tmp_path: Path, gold: Path, extractor: str, extra: str = "", name: str = "c") -> Path:
    p = tmp_path / f"{name}.yaml"
    p.write_text(
        f"goldset: {gold}\noutput: {name}-out\ncache: null\nbootstrap: {{samples: 100}}\n"
        f"{extra}extractors:\n  - {extractor}\n",
        encoding="utf-8",
    )
    return p


def _outcome(result: runner.RunResult) -> list[Any]:
    return [
        (r.scores, r.intervals, list(r.per_doc), list(r.predictions),
         [(e.doc_id, e.error, e.message) for e in r.errors], r.cached_docs)
        for r in result.extractors
    ]  # fmt: skip


def test_two_workers_give_exactly_the_serial_results(tmp_path: Path) -> None:
    reset_plugins()  # the installed plugins: regex, built in a worker from its entry point
    serial = runner.run(load_config(_config(tmp_path, SEEDS, "{name: regex, batch_size: 1}")))
    cfg = load_config(_config(tmp_path, SEEDS, "{name: regex, batch_size: 1, workers: 2}"))
    parallel = runner.run(cfg)
    assert _outcome(parallel) == _outcome(serial)
    assert parallel.extractors[0].execution == {
        "executor": "local", "workers": 2, "timeout": DEFAULT_TIMEOUT,
    }  # fmt: skip
    assert serial.extractors[0].execution["workers"] == 0
    assert parallel.extractors[0].seconds_setup >= 0
    written = load_run(write_run(parallel, tmp_path / "out"))
    assert written.summary["extractors"]["regex"]["execution"]["workers"] == 2


def test_an_exception_in_a_worker_is_isolated_like_in_line(mini: Path, tmp_path: Path) -> None:
    serial = runner.run(load_config(_config(tmp_path, mini, "{name: crashy}")))
    parallel = runner.run(load_config(_config(tmp_path, mini, "{name: crashy, workers: 2}")))
    assert _outcome(parallel) == _outcome(serial)
    assert [e.doc_id for e in parallel.extractors[0].errors] == ["doc2"]


def test_a_document_that_kills_its_worker_gets_the_error_and_the_others_their_predictions(
    mini: Path, tmp_path: Path
) -> None:
    cfg = _config(tmp_path, mini, "{name: trouble, options: {how: exit}, workers: 1}")
    result = runner.run(load_config(cfg))
    run = result.extractors[0]
    assert [(e.doc_id, e.error) for e in run.errors] == [("doc2", "WorkerDied")]
    assert "exit code 3" in run.errors[0].message
    assert [len(p.entities) for p in run.predictions] == [1, 0]  # doc1 kept its prediction


def test_a_call_that_runs_out_of_time_in_process_is_stopped(mini: Path, tmp_path: Path) -> None:
    cfg = _config(
        tmp_path, mini, "{name: trouble, options: {how: sleep, seconds: 30}, batch_size: 1}",
        extra="timeout: 0.5\n",
    )  # fmt: skip
    t0 = time.monotonic()
    run = runner.run(load_config(cfg)).extractors[0]
    assert time.monotonic() - t0 < 20
    assert [(e.doc_id, e.error) for e in run.errors] == [("doc2", "Timeout")]
    assert "no answer within 0.5 s" in run.errors[0].message
    assert [len(p.entities) for p in run.predictions] == [1, 0]


def test_a_timeout_fails_every_document_of_the_call(mini: Path, tmp_path: Path) -> None:
    cfg = _config(tmp_path, mini, "{name: trouble, timeout: 0.5, options: {seconds: 30}}")
    run = runner.run(load_config(cfg)).extractors[0]
    assert [(e.doc_id, e.error) for e in run.errors] == [("doc1", "Timeout"), ("doc2", "Timeout")]


def test_a_hung_worker_is_killed_and_replaced(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(executors, "GRACE_SECONDS", 0.5)
    spec = ExtractorSpec(
        plugin_fixtures.Trouble,
        plugin_fixtures.TroubleOptions(on="b", how="hang", seconds=60),
        frozenset({"entities"}),
    )
    pool = WorkerPool(spec, workers=1, timeout=0.5)
    batches = [[TextDoc("a", "Ann is here")], [TextDoc("b", "Bob is here")],
               [TextDoc("c", "Cy is here")]]  # fmt: skip
    t0 = time.monotonic()
    try:
        results = list(pool.map(batches))
    finally:
        pool.close()
    assert time.monotonic() - t0 < 50
    assert [r.predictions[0] is not None for r in results] == [True, False, True]
    assert (
        results[1].errors[0].error == "Timeout"
        and "worker was stopped" in results[1].errors[0].message
    )
    assert pool.started == 2  # the hung worker was replaced


def test_fail_fast_stops_at_the_first_failure_in_a_worker(mini: Path, tmp_path: Path) -> None:
    cfg = load_config(_config(tmp_path, mini, "{name: crashy, workers: 2, batch_size: 1}"))
    with pytest.raises(ExtractorError, match="boom"):
        runner.run(cfg, fail_fast=True)


def test_a_setup_that_fails_in_a_worker_stops_the_run(mini: Path, tmp_path: Path) -> None:
    cfg = load_config(_config(tmp_path, mini, "{name: trouble, workers: 1, options: {how: setup}}"))
    with pytest.raises(ExtractorError, match="setup failed: OSError: no model here"):
        runner.run(cfg)


def test_a_cached_rerun_starts_no_worker(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crashy = "{name: crashy, workers: 2, options: {crash_on: none}}"
    p = _config(tmp_path, mini, crashy, extra=f"cache: {tmp_path / 'c'}\n")
    p.write_text(p.read_text().replace("cache: null\n", ""))
    cfg = load_config(p)
    first = runner.run(cfg)
    progress: list[int] = []

    def no_worker(self: WorkerPool, slot: int) -> None:
        raise AssertionError("a worker was started for a cached re-run")

    monkeypatch.setattr(WorkerPool, "_start", no_worker)
    again = runner.run(cfg, progress=lambda label, done, total: progress.append(done))
    assert again.extractors[0].cached_docs == 2
    assert again.extractors[0].scores == first.extractors[0].scores
    assert progress[0] == 0 and progress[-1] == 2


def test_execution_settings_are_checked_and_inherited() -> None:
    run = parse_execution({"workers": 2, "timeout": 30}, "c.yaml", run_level=True)
    assert run == Execution(workers=2, timeout=30.0)
    own = parse_execution({"timeout": 5}, "c.yaml: extractors[0]", run_level=False)
    assert own is not None and own.resolved(run) == Execution(2, 5.0, "local", {}, 0)
    assert parse_execution({"name": "x"}, "e", run_level=False) is None
    assert Execution().resolved(Execution()).timeout == DEFAULT_TIMEOUT
    for bad, message in (
        ({"workers": -1}, "workers should be"),
        ({"workers": "many"}, "workers should be"),
        ({"timeout": "soon"}, "timeout should be"),
        ({"timeout": float("nan")}, "timeout should be"),
        ({"executor": "spark"}, "unknown executor 'spark'"),
        ({"executor": {"kind": "ray", "adress": "x"}}, "unknown key(s) ['adress']"),
    ):
        with pytest.raises(ConfigError, match=re.escape(message)):
            parse_execution(bad, "c.yaml", run_level=True)


def test_a_config_names_the_bad_execution_key(mini: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"extractors\[0\]: workers should be"):
        load_config(_config(tmp_path, mini, "{name: crashy, workers: -2}"))
