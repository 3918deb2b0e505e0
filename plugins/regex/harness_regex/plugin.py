"""Entry point of the ``harness-regex`` distribution (group ``harness``, name ``regex``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.hookspecs import hookimpl


@hookimpl
def register_extractors(register: Callable[[Any], None]) -> None:
    from .extractor import RegexExtractor

    register(RegexExtractor)
