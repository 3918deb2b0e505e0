"""Shared fixtures: the spaCy extractor, loaded once per test session."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from harness_spacy.extractor import SpacyExtractor

from harness.errors import ConfigError
from harness.model import Prediction, Quote, TextDoc


@pytest.fixture(scope="session")
def extractor() -> SpacyExtractor:
    """The extractor with its model loaded (tests needing it are skipped without the model)."""
    ex = SpacyExtractor()
    try:
        ex.setup()
    except ConfigError as exc:
        pytest.skip(str(exc))
    return ex


@pytest.fixture(scope="session")
def quotes_of(extractor: SpacyExtractor) -> Callable[[str], list[Quote]]:
    """Quotes the extractor finds in one text."""

    def run(text: str) -> list[Quote]:
        (pred,) = extractor.extract([TextDoc("t", text)])
        assert isinstance(pred, Prediction)
        return list(pred.quotes)

    return run
