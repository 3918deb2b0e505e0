"""The settings of the fuzz tests (``test_fuzz_inputs.py``, ``test_fuzz_run.py``): each property
runs :func:`quick` (a fixed, modest number of derandomized examples, in every test run) and a
:func:`many` twin marked ``slow`` (thousands of examples: ``pytest -m slow``).

The slow twins are derandomized too, so CI is deterministic: the same thousands of examples on
every run (a random one once made CI fail on a bug nobody had changed code near). To explore
new random examples, set ``HARNESS_FUZZ_RANDOM=1``; a failure prints the example and a
``@reproduce_failure`` line to pin it, and its fix gets a plain regression test."""

from __future__ import annotations

import os
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
    """The slow job: ``n`` examples, derandomized unless ``HARNESS_FUZZ_RANDOM=1``."""
    explore = os.environ.get("HARNESS_FUZZ_RANDOM", "") not in ("", "0")

    def mark(test: Any) -> Any:
        return pytest.mark.slow(settings(FUZZ, max_examples=n, derandomize=not explore)(test))

    return mark
