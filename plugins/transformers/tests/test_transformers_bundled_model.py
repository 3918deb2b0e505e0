"""The bundled model on an invented sentence (slow: loads the real fine-tuned encoder)."""

from __future__ import annotations

import pytest
from harness_transformers.extractor import (
    BUNDLED_MODEL,
    BUNDLED_QUOTES_MODEL,
    TransformersExtractor,
)

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


@pytest.mark.skipif(
    not (BUNDLED_QUOTES_MODEL / "model.safetensors").is_file(),
    reason="bundled quote model not built",
)
def test_bundled_quote_model_finds_direct_and_indirect_quotes_with_speakers() -> None:
    extractor = TransformersExtractor()
    extractor.setup()
    text = (
        "Senator Jane Whitfield visited the port on Monday.\n\n"
        "“We will not let these jobs go,” Whitfield told reporters. "
        "She said that the state would pay for new cranes."
    )
    (pred,) = extractor.extract([TextDoc("s", text)])
    names = {"Whitfield", "Jane Whitfield"}
    assert any(q.type == "direct" and q.speaker in names for q in pred.quotes)
    # "She" is resolved to the person mentioned before it (S2)
    assert any(q.type == "indirect" and q.speaker in names for q in pred.quotes)
    for q in pred.quotes:
        assert text[q.start : q.end] == q.text
        assert q.speaker_span is not None and text[q.speaker_span.start : q.speaker_span.end]
