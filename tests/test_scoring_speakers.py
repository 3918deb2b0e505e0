"""Speaker accuracy, name normalisation and end-to-end attribution."""

from __future__ import annotations

import pytest

from harness.model import Document, Prediction, Quote, Span, Speaker
from harness.scoring import count_document, summarise
from harness.scoring.speakers import normalise_name, speaker_is_right

TEXT = "“We will win,” said Dr Ana Lima. “Maybe,” a spokesman said. “Fine,” she added."


def sp(sub: str) -> Span:
    start = TEXT.index(sub)
    return Span(start, start + len(sub), sub)


def q(sub: str, speaker: str | None = None, span: str | None = None) -> Quote:
    start = TEXT.index(sub)
    return Quote(start, start + len(sub), "direct", speaker, sp(span) if span else None)


DOC = Document(
    "d",
    TEXT,
    quotes=(
        q("We will win,", "ana-lima", "Ana Lima"),
        q("Maybe,", None, "a spokesman"),  # source not determinable
        q("Fine,", "ana-lima", "she"),
    ),
    speakers=(Speaker("ana-lima", "Ana Lima", "PERSON", ("Lima", "Dr Lima")),),
)


def score(*pred: Quote) -> dict[str, float]:
    counts = count_document(DOC, Prediction("d", quotes=pred), ["speakers"], [])
    return summarise([counts], [])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ana Lima", "ana lima"),
        ("Mr. Ana Lima's", "ana lima"),  # title, full stop, possessive
        ("Dr Lima’s", "lima"),  # curly possessive
        ("Prime Minister Ana  Lima", "ana lima"),  # two-word title, collapsed whitespace
        ("President Dr. Lima", "lima"),  # repeated titles
        ("Jean-Marc Roux", "jean marc roux"),  # hyphen separates words
        ("the Finance Ministry", "finance ministry"),
        ("President", "president"),  # a bare title is kept rather than emptied
        ("LIMA", "lima"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_name(name: str | None, expected: str) -> None:
    assert normalise_name(name) == expected


def test_speaker_rules() -> None:
    gold = DOC.quotes[0]
    assert speaker_is_right(DOC, gold, q("We will win,", "Dr. Lima's"))  # alias after normalising
    assert speaker_is_right(DOC, gold, q("We will win,", "ANA LIMA"))  # the name itself
    assert speaker_is_right(DOC, gold, q("We will win,", "someone", "Lima"))  # span overlaps
    assert not speaker_is_right(DOC, gold, q("We will win,", "Ana Roux"))
    assert not speaker_is_right(DOC, gold, q("We will win,", None, "spokesman"))  # no overlap


def test_accuracy_and_attribution_hand_worked() -> None:
    s = score(
        q("We will win,", "Lima's"),  # right by alias
        q("Maybe,", "a spokesman"),  # gold speaker unknown: not in accuracy; wrong for attribution
        q("Fine,", "Ana Roux", "she"),  # wrong name, but the speaker spans overlap: right
    )
    # accuracy over matched gold quotes with a known speaker: 2 of 2
    assert (s["speakers.accuracy"], s["speakers.n_matched"]) == (1.0, 2)
    # attribution: 2 correct of 3 predicted and 3 gold -> P = R = F1 = 2/3
    assert s["attribution.p"] == pytest.approx(2 / 3)
    assert s["attribution.f1"] == pytest.approx(2 / 3)


def test_unknown_gold_speaker_is_right_only_without_predicted_speaker() -> None:
    s = score(q("Maybe,", None))
    assert "speakers.accuracy" not in s and s["speakers.n_matched"] == 0  # nothing evaluable
    # attribution: 1 correct of 1 predicted, 3 gold -> P = 1, R = 1/3
    assert (s["attribution.p"], s["attribution.r"]) == pytest.approx((1.0, 1 / 3))


def test_unmatched_quotes_count_against_attribution_only() -> None:
    s = score(q("We will win,", "Ana Roux"), q("she added", "Ana Lima"))  # 2nd matches no quote
    # accuracy: 0 right of 1 matched; attribution: 0 of 2 predicted, 3 gold
    assert (s["speakers.accuracy"], s["speakers.n_matched"]) == (0.0, 1)
    assert (s["attribution.p"], s["attribution.r"], s["attribution.f1"]) == (0.0, 0.0, 0.0)


def test_matching_prefers_the_pair_with_the_right_speaker() -> None:
    twin = Document(
        "d",
        TEXT,
        quotes=(q("Fine,", "ana-lima"), q("Fine,", "ben-roux")),
        speakers=(
            Speaker("ana-lima", "Ana Lima", "PERSON"),
            Speaker("ben-roux", "Ben Roux", "PERSON"),
        ),
    )
    pred = (q("Fine,", "Ben Roux"), q("Fine,", "Ana Lima"))
    counts = count_document(twin, Prediction("d", quotes=pred), ["speakers"], [])
    assert summarise([counts], [])["attribution.f1"] == 1.0
