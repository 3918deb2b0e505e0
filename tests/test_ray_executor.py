"""Extraction on Ray: a local Ray instance started by the test, the results of a local run.

Ray is an optional extra (``pip install 'harness[ray]'``; ``make setup`` installs it, so CI runs
this test); without it the tests that need it are skipped, saying so, and the config error that
names what to install is still checked.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness import execution, runner
from harness.config import parse_config
from harness.errors import ConfigError
from harness.results import load_run, write_run

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "goldsets" / "seeds"
needs_ray = pytest.mark.skipif(
    importlib.util.find_spec("ray") is None,
    reason="Ray is not installed (pip install 'harness[ray]'; make setup installs it)",
)


@pytest.fixture(scope="module")
def local_ray() -> Iterator[Any]:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, namespace="harness-test")
    try:
        yield ray
    finally:
        ray.shutdown()


def _config(tmp_path: Path, **extra: Any) -> Any:
    raw = {
        "goldset": str(SEEDS), "cache": str(tmp_path / "cache"), "bootstrap": {"samples": 200},
        "extractors": [{"name": "regex", "batch_size": 2}], **extra,
    }  # fmt: skip
    return parse_config(raw, base=tmp_path)


@needs_ray
def test_a_run_on_ray_gives_the_results_of_a_local_run(local_ray: Any, tmp_path: Path) -> None:
    local = runner.run(_config(tmp_path / "a")).extractors[0]
    on_ray = runner.run(
        _config(tmp_path / "b", executor={"kind": "ray", "address": "auto"}, workers=2)
    )
    r = on_ray.extractors[0]
    assert r.execution["executor"] == "ray" and r.execution["workers"] == 2
    assert (r.scores, r.intervals) == (local.scores, local.intervals)
    assert list(r.per_doc) == list(local.per_doc)
    assert list(r.predictions) == list(local.predictions)
    assert r.cached_docs == 0 and not r.errors
    written = load_run(write_run(on_ray, tmp_path / "out"))
    assert written.summary["extractors"]["regex"]["execution"]["executor"] == "ray"
    # the cache filled by the Ray run answers a local run: same entries
    again = runner.run(_config(tmp_path / "b", bootstrap={"samples": 100})).extractors[0]
    assert again.cached_docs == len(local.per_doc) and not again.errors


def test_without_ray_the_config_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        execution.importlib.util, "find_spec", lambda name: None if name == "ray" else real(name)
    )
    with pytest.raises(ConfigError, match=r"pip install 'harness\[ray\]'"):
        _config(tmp_path, executor={"kind": "ray"})
