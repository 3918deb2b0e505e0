"""Any text gives valid predictions: spans inside the text, non-empty, known quote types."""

from __future__ import annotations

import time

from harness_regex.extractor import RegexExtractor
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.extractors import validate_prediction
from harness.model import TextDoc

_PIECES = st.sampled_from(
    ["“", "”", "‘", "’", '"', "'", "«", "»", "\n", "\n\n", " ", ", ", ". ", ": ", "said", "told",
     "Jane Doe", "he", "the minister", "that", "according to", "Mr", "Chile", "5", "$3", "%",
     "May", "’s", "don’t", "-", "Ann", "who", "and", "warned", "quoted as saying", "ok"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_any_text_gives_valid_predictions(text: str) -> None:
    doc = TextDoc("d", text)
    pred = next(iter(RegexExtractor().extract([doc])))
    assert validate_prediction(pred, doc) == []


def test_no_catastrophic_backtracking_on_long_runs() -> None:
    """Long runs of capitalised words, quote marks and commas stay fast."""
    nasty = [
        "Aa " * 3000,
        "the " * 3000 + "said",
        "“" * 2000 + "”" * 2000,
        ", " * 3000 + "said Jane Doe.",
        "Jane, " * 2000 + "said",
        "1 " * 3000,
        "‘a " * 3000,
        "“a ‘b " * 2000,
    ]
    extractor = RegexExtractor()
    start = time.process_time()
    list(extractor.extract([TextDoc(str(i), t) for i, t in enumerate(nasty)]))
    assert time.process_time() - start < 5.0
