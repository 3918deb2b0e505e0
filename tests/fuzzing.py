"""The settings of the fuzz tests (``test_fuzz_inputs.py``, ``test_fuzz_run.py``): each property
runs :func:`quick` (a fixed, modest number of derandomized examples, in every test run) and a
:func:`many` twin marked ``slow`` (thousands of random examples: ``pytest -m slow``)."""

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
    """The default run: ``n`` examples, derandomized so CI is reproducible."""
    return settings(FUZZ, max_examples=n, derandomize=True)


def many(n: int) -> Callable[[Any], Any]:
    """The slow job: ``n`` random examples."""

    def mark(test: Any) -> Any:
        return pytest.mark.slow(settings(FUZZ, max_examples=n)(test))

    return mark
