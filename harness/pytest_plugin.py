"""pytest plugin (entry point ``pytest11``): assert evaluation scores in your own test suite.

Fixtures:

- ``harness_eval(config, use_cache=True)`` runs an evaluation config (cached predictions make
  re-runs cheap) and returns an :class:`Evaluation`;
- ``harness_results(path)`` loads a saved ``results.json`` (or a run folder) as an Evaluation.

Assertions raise ``AssertionError`` with the extractor, the metric, the expected and actual values
and, when given, the baseline::

    def test_regex_quotes(harness_eval):
        ev = harness_eval("configs/seeds.yaml")
        ev.assert_score("regex", "quotes.overlap@0.3.f1", at_least=0.5)
        ev.assert_no_regression("scores/seeds.json", max_drop=0.01)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass(frozen=True)
class Evaluation:
    """Scores of one run, with assertion helpers."""

    results: Mapping[str, Any]
    source: str

    def score(self, extractor: str, metric: str) -> float:
        from .errors import did_you_mean

        exs = self.results["extractors"]
        if extractor not in exs:
            raise AssertionError(
                f"no extractor {extractor!r} in {self.source}.{did_you_mean(extractor, exs)}"
            )
        scores = exs[extractor]["scores"]
        if metric not in scores:
            raise AssertionError(
                f"{extractor}: no metric {metric!r} in {self.source}.{did_you_mean(metric, scores)}"
            )
        return float(scores[metric])

    def assert_score(
        self,
        extractor: str,
        metric: str,
        *,
        at_least: float | None = None,
        at_most: float | None = None,
        approx: float | None = None,
        tol: float = 1e-6,
    ) -> None:
        got = self.score(extractor, metric)
        where = f"{extractor}: {metric}"
        if at_least is not None and not got >= at_least:
            raise AssertionError(f"{where} = {got:.4f}, expected at least {at_least:.4f}")
        if at_most is not None and not got <= at_most:
            raise AssertionError(f"{where} = {got:.4f}, expected at most {at_most:.4f}")
        if approx is not None and abs(got - approx) > tol:
            raise AssertionError(f"{where} = {got:.4f}, expected {approx:.4f} ± {tol}")

    def assert_no_regression(
        self,
        baseline: str | Path,
        *,
        max_drop: float = 0.0,
        metrics: list[str] | None = None,
        significant_only: bool = False,
    ) -> None:
        """Fail when any headline metric (or ``metrics``) dropped more than ``max_drop``."""
        from .compare import Gate, compare_results, resolve_run
        from .results import read_results

        base = read_results(resolve_run(baseline))
        rows, _ = compare_results(base, self.results, metrics=metrics, samples=1000)
        violations = Gate(max_drop, significant_only=significant_only).check(rows)
        if violations:
            lines = "\n".join(f"  - {v}" for v in violations)
            raise AssertionError(f"scores regressed against baseline {baseline}:\n{lines}")


@pytest.fixture
def harness_eval() -> Callable[..., Evaluation]:
    """Run an evaluation config and return its :class:`Evaluation`."""

    def run(config: str | Path, use_cache: bool = True, **overrides: Any) -> Evaluation:
        from . import runner
        from .config import load_config
        from .results import build_results

        cfg = load_config(config, overrides)
        result = runner.run(cfg, use_cache=use_cache)
        if not result.complete:
            failed = [(r.label, e.doc_id, e.message) for r in result.extractors for e in r.errors]
            raise AssertionError(f"evaluation {config} is incomplete: {failed}")
        return Evaluation(build_results(result), str(config))

    return run


@pytest.fixture
def harness_results() -> Callable[[str | Path], Evaluation]:
    """Load a saved results file (or run folder) as an :class:`Evaluation`."""

    def load(path: str | Path) -> Evaluation:
        from .compare import resolve_run
        from .results import read_results

        p = resolve_run(path)
        return Evaluation(read_results(p), str(p))

    return load
