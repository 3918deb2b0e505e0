"""Checks of an extractor's predictions before they are scored."""

from __future__ import annotations

import pytest

from harness.extractors import validate_prediction
from harness.model import Entity, Prediction, Quote, Span, TextDoc

DOC = TextDoc("d1", "Ann said it was fine.")  # 21 characters


def test_valid_predictions_have_no_problems() -> None:
    pred = Prediction(
        "d1",
        (Entity(0, 3, "PERSON"), Entity(20, 21, "X")),
        (Quote(9, 20, "indirect", "Ann", Span(0, 3), Span(4, 8)),),
    )
    assert validate_prediction(pred, DOC) == []
    assert validate_prediction(Prediction("d1"), DOC) == []


@pytest.mark.parametrize(
    ("pred", "problem"),
    [
        (Prediction("d2"), "prediction is for document 'd2', expected 'd1'"),
        (Prediction("d1", (Entity(-1, 3, "X"),)), "entity #0: offsets -1..3 outside the text"),
        (Prediction("d1", (Entity(0, 22, "X"),)), "entity #0: offsets 0..22 outside the text"),
        (Prediction("d1", (Entity(4, 4, "X"),)), "entity #0: end 4 is not after start 4"),
        (Prediction("d1", (Entity(0, 1.5, "X"),)), "entity #0: offsets must be integers"),  # type: ignore[arg-type]
        (Prediction("d1", (), (Quote(5, 2),)), "quote #0: end 2 is not after start 5"),
        (Prediction("d1", (), (Quote(0, 5, "said"),)), "quote #0: unknown type 'said'"),
        (
            Prediction("d1", (), (Quote(0, 5, cue=Span(3, 30)),)),
            "quote #0 cue: offsets 3..30 outside the text",
        ),
        (
            Prediction("d1", (), (Quote(0, 5, speaker_span=Span(2, 1)),)),
            "quote #0 speaker_span: end 1 is not after start 2",
        ),
    ],
)
def test_each_problem_is_named(pred: Prediction, problem: str) -> None:
    problems = validate_prediction(pred, DOC)
    assert len(problems) == 1
    assert problems[0].startswith(problem)


def test_every_problem_is_listed() -> None:
    pred = Prediction("d1", (Entity(0, 3, "P"), Entity(5, 2, "P"), Entity(0, 99, "P")))
    assert [p.split(":")[0] for p in validate_prediction(pred, DOC)] == ["entity #1", "entity #2"]
