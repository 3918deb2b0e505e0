"""Entry point of the ``harness-llm`` distribution (group ``harness``, name ``llm``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.hookspecs import hookimpl


@hookimpl
def register_extractors(register: Callable[[Any], None]) -> None:
    """Register :class:`harness_llm.extractor.LLMExtractor` (no httpx import here)."""
    from .extractor import LLMExtractor

    register(LLMExtractor)
