"""The one check of offsets (span_problem) and of a document a format read (document_problems)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from harness.model import (
    Document,
    Entity,
    Quote,
    Span,
    Speaker,
    document_problems,
    span_problem,
    spans_fine,
)

TEXT = "Ann said it was fine."  # 21 characters


def test_span_problem_names_each_fault() -> None:
    assert span_problem(0, 3, TEXT) is None
    assert span_problem(0, 3, TEXT, "Ann") is None
    assert span_problem(0, 1.5, TEXT) == "offsets must be integers, got start=0 end=1.5"
    assert span_problem(True, 3, TEXT) == "offsets must be integers, got start=True end=3"
    assert span_problem(-1, 3, TEXT) == "offsets -1..3 outside the text (length 21)"
    assert span_problem(0, 22, TEXT) == "offsets 0..22 outside the text (length 21)"
    assert span_problem(4, 4, TEXT) == "end 4 is not after start 4 (empty or inverted span)"
    assert span_problem(0, 3, TEXT, "Anne") == (
        "text 'Anne' differs from the covered characters 'Ann'"
    )


@given(st.integers(-3, 25), st.integers(-3, 25))
def test_the_quick_sweep_agrees_with_the_detailed_check(start: int, end: int) -> None:
    assert spans_fine([Span(start, end)], TEXT) == (span_problem(start, end, TEXT) is None)


def test_document_problems() -> None:
    doc = Document(
        "d",
        TEXT,
        entities=(Entity(0, 3, "PERSON"), Entity(1, 2, "PERSON"), Entity(16, 20, "X")),
        quotes=(
            Quote(9, 20, "indirect", "ann", Span(0, 3), Span(4, 8)),
            Quote(9, 20, "said", "bob", cue=Span(4, 40)),
        ),
        speakers=(Speaker("ann", "Ann", "PERSON", ("Ann",)),),
    )
    assert document_problems(doc, {"PERSON"}) == [
        "entity PERSON 1..2 overlaps PERSON 0..3; nested entities are not allowed",
        "entity X 16..20: unknown label",
        "quote 9..20 cue: offsets 4..40 outside the text (length 21)",
        "quote 9..20: unknown type 'said'",
        "quote 9..20: speaker 'bob' not registered",
    ]
    assert "entity X 16..20: unknown label" not in document_problems(doc, None)


def test_with_texts_fills_the_covered_characters() -> None:
    doc = Document("d", TEXT, (Entity(0, 3, "PERSON"),), (Quote(9, 20, cue=Span(4, 8)),))
    filled = doc.with_texts()
    assert filled.entities[0].text == "Ann" and filled.quotes[0].text == "it was fine"
    assert filled.quotes[0].cue is not None and filled.quotes[0].cue.text == "said"
    assert filled == doc  # the text fields are informative: not part of equality
