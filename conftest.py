"""Options of the whole test suite (tests/ and plugins/*/tests/).

Tests marked ``slow`` (a model to load, thousands of fuzz cases) are skipped unless asked for, so
``make test`` stays fast: ``pytest -m slow`` runs them alone (``make test-slow``, the CI slow job),
``pytest --slow`` runs everything.

Every hypothesis property draws the same examples on every run (``derandomize``), so a test run,
and CI, is reproducible; ``HARNESS_FUZZ_RANDOM=1`` draws new random examples to explore (a
failure then prints the example; pin its fix with a plain regression test).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

settings.register_profile("harness", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(
    "explore" if os.environ.get("HARNESS_FUZZ_RANDOM", "") not in ("", "0") else "harness"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="also run the tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow") or "slow" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="slow: run with `pytest -m slow` or `pytest --slow`")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
