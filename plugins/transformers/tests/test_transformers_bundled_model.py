"""The bundled model on an invented sentence (slow: loads the real fine-tuned encoder)."""

from __future__ import annotations

import pytest
from harness_transformers.extractor import BUNDLED_MODEL, TransformersExtractor

from harness.model import TextDoc

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (BUNDLED_MODEL / "model.safetensors").is_file(), reason="bundled model not built"
    ),
]


def test_bundled_model_finds_person_and_city() -> None:
    extractor = TransformersExtractor(tasks=frozenset({"entities"}))
    extractor.setup()
    text = "On Tuesday, “Angela Merkel” flew from Berlin to meet the board of a Danish bank."
    (pred,) = extractor.extract([TextDoc("s", text)])
    found = {(e.text, e.label) for e in pred.entities}
    assert ("Angela Merkel", "PER") in found
    assert ("Berlin", "LOC") in found
    for e in pred.entities:
        assert text[e.start : e.end] == e.text
