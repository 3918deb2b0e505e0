"""Entry point of the ``harness-spacy`` distribution (group ``harness``, name ``spacy``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.hookspecs import hookimpl


@hookimpl
def register_extractors(register: Callable[[Any], None]) -> None:
    """Register :class:`harness_spacy.extractor.SpacyExtractor` (no spaCy import here)."""
    from .extractor import SpacyExtractor

    register(SpacyExtractor)
