"""Options of the whole test suite (tests/ and plugins/*/tests/).

Tests marked ``slow`` (a model to load, thousands of fuzz cases) are skipped unless asked for, so
``make test`` stays fast: ``pytest -m slow`` runs them alone (``make test-slow``, the CI slow job),
``pytest --slow`` runs everything.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="also run the tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow") or "slow" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="slow: run with `pytest -m slow` or `pytest --slow`")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
