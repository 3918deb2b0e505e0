"""The settings of the fuzz tests (``test_fuzz_inputs.py``, ``test_fuzz_run.py``): each property
runs :func:`quick` (a fixed, modest number of examples, in every test run) and a :func:`many`
twin marked ``slow`` (thousands of examples: ``pytest -m slow``).

Both inherit the hypothesis profile of the root ``conftest.py``: derandomized, so CI is
deterministic (a random example once made CI fail on a bug nobody had changed code near);
``HARNESS_FUZZ_RANDOM=1`` explores new random examples, and a failure's fix gets a plain
regression test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def quick(n: int) -> Callable[[Any], Any]:
    """The default run: ``n`` examples."""
    return settings(FUZZ, max_examples=n)


def many(n: int) -> Callable[[Any], Any]:
    """The slow job: ``n`` examples."""

    def mark(test: Any) -> Any:
        return pytest.mark.slow(settings(FUZZ, max_examples=n)(test))

    return mark
