"""Quote scores: trimming, exact and overlap@t matching, per-type counts."""

from __future__ import annotations

import pytest

from harness.model import Document, Prediction, Quote
from harness.scoring import count_document, summarise
from harness.scoring.quotes import match_quotes, trim_span

TEXT = "She said “We will build it, and soon.” Later, he argued that costs would rise."


def q(sub: str, qtype: str = "direct", speaker: str | None = None) -> Quote:
    start = TEXT.index(sub)
    return Quote(start, start + len(sub), qtype, speaker, text=sub)  # type: ignore[arg-type]


def score(gold: list[Quote], pred: list[Quote]) -> dict[str, float]:
    doc = Document("d", TEXT, quotes=tuple(gold))
    counts = count_document(doc, Prediction("d", quotes=tuple(pred)), ["quotes"], [])
    return summarise([counts], [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“Yes.”", "Yes"),  # curly double quotes and the full stop
        ('  "No," ', "No"),  # straight quotes, comma, whitespace
        ("‘maybe’", "maybe"),  # curly single quotes
        ("« Oui »", "Oui"),  # guillemets with spaces
        ("‹non›", "non"),
        ("„Ja“", "Ja"),  # low-9 opening quote
        ("`fine'", "fine"),  # backtick and apostrophe
        ("it's", "it's"),  # inner punctuation is kept
        ("...", ""),  # all punctuation: empty
    ],
)
def test_trim_span(text: str, expected: str) -> None:
    start, end = trim_span(text, 0, len(text))
    assert text[start:end] == expected


def test_exact_and_overlap_hand_worked() -> None:
    gold = [q("We will build it, and soon."), q("costs would rise", "indirect")]
    pred = [
        q("“We will build it, and soon.”"),  # same after trimming marks and "." -> exact
        q("that costs would rise.", "indirect"),  # covers all 16 gold chars, not exact ("that")
    ]
    s = score(gold, pred)
    # exact: 1 of 2 predicted, 1 of 2 gold -> 0.5 / 0.5 / 0.5
    assert (s["quotes.exact.p"], s["quotes.exact.r"], s["quotes.exact.f1"]) == (0.5, 0.5, 0.5)
    # overlap ratios 27/27 and 16/16 = 1 -> both thresholds match both quotes
    for t in ("0.3", "0.8"):
        assert s[f"quotes.overlap@{t}.f1"] == 1.0
    assert (s["quotes.n_gold"], s["quotes.n_pred"]) == (2, 2)


def test_overlap_thresholds() -> None:
    gold = [q("costs would rise", "indirect")]  # 16 characters
    s = score(gold, [q("costs would", "indirect")])  # 11 overlapping: ratio 11/16 = 0.6875
    assert s["quotes.overlap@0.3.r"] == 1.0  # 0.6875 >= 0.3
    assert s["quotes.overlap@0.8.r"] == 0.0  # 0.6875 < 0.8
    assert s["quotes.overlap@0.8.p"] == 0.0
    s = score(gold, [q("costs")])  # ratio 5/16 = 0.3125 >= 0.3
    assert s["quotes.overlap@0.3.r"] == 1.0
    s = score(gold, [q("cost")])  # ratio 4/16 = 0.25 < 0.3
    assert s["quotes.overlap@0.3.r"] == 0.0


def test_ratio_is_over_gold_length() -> None:
    # the prediction is much longer than the gold quote but covers it: ratio 16/16 = 1
    s = score([q("costs would rise", "indirect")], [q("he argued that costs would rise.")])
    assert s["quotes.overlap@0.8.f1"] == 1.0


def test_one_to_one() -> None:
    gold = [q("We will build it"), q("and soon")]
    pred = [q("We will build it, and soon.")]  # covers both gold quotes entirely
    s = score(gold, pred)
    # one match only: P = 1/1, R = 1/2
    assert (s["quotes.overlap@0.3.p"], s["quotes.overlap@0.3.r"]) == (1.0, 0.5)
    (pair,) = match_quotes(TEXT, gold, pred)["overlap@0.3"]
    assert pair[0] == gold[0]  # equal ratios (1.0): larger overlap (16 > 8 characters) wins


def test_per_type_recall_over_gold_type_precision_over_predicted_type() -> None:
    gold = [q("We will build it, and soon."), q("costs would rise", "indirect")]
    pred = [q("We will build it, and soon.", "indirect")]  # right span, wrong type
    s = score(gold, pred)
    # direct: 1 gold direct matched -> R = 1; no predicted direct -> P = 0 by convention
    assert (s["quotes.exact.direct.r"], s["quotes.exact.direct.p"]) == (1.0, 0.0)
    # indirect: the gold indirect is missed -> R = 0; the one predicted indirect matched -> P = 1
    assert (s["quotes.exact.indirect.r"], s["quotes.exact.indirect.p"]) == (0.0, 1.0)
    assert s["quotes.overlap@0.3.direct.r"] == 1.0
    assert "quotes.exact.mixed.f1" not in s  # no mixed quote anywhere: undefined
    assert (s["quotes.direct.n_gold"], s["quotes.indirect.n_pred"]) == (1, 1)


def test_same_type_preferred_among_equal_spans() -> None:
    gold = [q("costs would rise", "indirect"), q("costs would rise", "mixed")]
    pred = [q("costs would rise", "mixed")]
    (pair,) = match_quotes(TEXT, gold, pred)["overlap@0.3"]
    assert pair[0].type == "mixed"


def test_no_quotes_at_all_is_undefined_but_counted() -> None:
    s = score([], [])
    assert "quotes.exact.f1" not in s
    assert (s["quotes.n_gold"], s["quotes.n_pred"]) == (0, 0)
