"""Entity scores: hand-worked cases for the four schemes and equality with seqeval strict IOB2."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics import f1_score, precision_score, recall_score
from seqeval.metrics.v1 import precision_recall_fscore_support
from seqeval.scheme import IOB2, Entities

from harness.model import ONTONOTES_LABELS, Document, Entity, Prediction
from harness.scoring import count_document, summarise
from harness.scoring.entities import match_entities

TEXT = "Ana Lima visited Nordbank in Porto on Monday."
#       0   4    9       17       26 29    35 38    44


def ent(sub: str, label: str, nth: int = 0) -> Entity:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(sub, start + 1)
    return Entity(start, start + len(sub), label, sub)


def score(gold: list[Entity], pred: list[Entity], labels=ONTONOTES_LABELS) -> dict[str, float]:
    doc = Document("d", TEXT, entities=tuple(gold))
    counts = count_document(doc, Prediction("d", entities=tuple(pred)), ["entities"], labels)
    return summarise([counts], labels)


GOLD = [
    ent("Ana Lima", "PERSON"),
    ent("Nordbank", "ORG"),
    ent("Porto", "GPE"),
    ent("Monday", "DATE"),
]
PRED = [
    ent("Ana", "PERSON"),  # overlaps gold PERSON, other boundaries
    ent("Nordbank", "GPE"),  # gold ORG boundaries, wrong label
    ent("Porto", "GPE"),  # strict match
    ent("in", "ORG"),  # spurious, overlaps nothing
    ent("Lima", "FOO"),  # label outside the scheme: ignored
]  # Monday is missed


def test_four_schemes_micro_hand_worked() -> None:
    s = score(GOLD, PRED)
    # 4 gold, 4 kept predictions (FOO ignored)
    assert (s["entities.n_gold"], s["entities.n_pred"], s["entities.n_ignored"]) == (4, 4, 1)
    # strict: only Porto -> P = R = F1 = 1/4
    assert s["entities.strict.micro.p"] == pytest.approx(0.25)
    assert s["entities.strict.micro.r"] == pytest.approx(0.25)
    assert s["entities.strict.micro.f1"] == pytest.approx(0.25)
    # exact: Porto + Nordbank (label ignored) -> 2/4
    assert s["entities.exact.micro.f1"] == pytest.approx(0.5)
    # partial: 2 exact + 0.5 for "Ana" vs "Ana Lima" -> 2.5/4 = 0.625
    assert s["entities.partial.micro.p"] == pytest.approx(0.625)
    assert s["entities.partial.micro.r"] == pytest.approx(0.625)
    # type: Porto + "Ana" (overlap, same label PERSON) -> 2/4
    assert s["entities.type.micro.f1"] == pytest.approx(0.5)


def test_per_label_and_macro_hand_worked() -> None:
    s = score(GOLD, PRED)
    # strict GPE: 2 predicted GPE (Nordbank, Porto), 1 gold GPE, 1 match -> P 0.5, R 1, F1 2/3
    assert s["entities.strict.GPE.p"] == pytest.approx(0.5)
    assert s["entities.strict.GPE.r"] == pytest.approx(1.0)
    assert s["entities.strict.GPE.f1"] == pytest.approx(2 / 3)
    # strict PERSON, ORG, DATE: 0; DATE has no prediction -> P 0 by convention
    for label in ("PERSON", "ORG", "DATE"):
        assert s[f"entities.strict.{label}.f1"] == 0.0
    # macro over the union {PERSON, ORG, GPE, DATE}: F1 = (0 + 0 + 2/3 + 0) / 4 = 1/6,
    # P = (0 + 0 + 0.5 + 0) / 4 = 0.125, R = (0 + 0 + 1 + 0) / 4 = 0.25
    assert s["entities.strict.macro.f1"] == pytest.approx(1 / 6)
    assert s["entities.strict.macro.p"] == pytest.approx(0.125)
    assert s["entities.strict.macro.r"] == pytest.approx(0.25)
    # labels seen in neither gold nor predictions are undefined and left out
    assert "entities.strict.LAW.f1" not in s
    # exact: the gold ORG found as GPE counts for ORG recall and for GPE precision
    assert s["entities.exact.ORG.r"] == pytest.approx(1.0)
    assert s["entities.exact.ORG.p"] == 0.0  # the one predicted ORG ("in") is spurious
    assert s["entities.exact.GPE.p"] == pytest.approx(1.0)  # both GPE predictions exact
    # partial PERSON: 0.5 credit over 1 predicted, 1 gold -> P = R = F1 = 0.5
    assert s["entities.partial.PERSON.f1"] == pytest.approx(0.5)
    # type PERSON: overlap with the same label counts fully -> 1.0
    assert s["entities.type.PERSON.f1"] == pytest.approx(1.0)
    # support counts
    assert (s["entities.GPE.n_gold"], s["entities.GPE.n_pred"]) == (1, 2)


def test_matching_is_one_to_one_and_prefers_larger_overlap() -> None:
    gold = [ent("Ana Lima", "PERSON")]
    pred = [ent("Ana", "PERSON"), ent("Lima", "PERSON")]
    s = score(gold, pred)
    # type: only one prediction may match: P = 1/2, R = 1/1 -> F1 = 2/3
    assert (s["entities.type.micro.p"], s["entities.type.micro.r"]) == (0.5, 1.0)
    # partial: 0.5 credit, P = 0.5/2 = 0.25, R = 0.5/1
    assert (s["entities.partial.micro.p"], s["entities.partial.micro.r"]) == (0.25, 0.5)
    (match,) = match_entities(gold, pred)["type"]
    assert match[1] == ent("Lima", "PERSON")  # 4 overlapping characters beat 3


def test_exact_boundaries_are_matched_before_overlaps() -> None:
    # "Ana Lima visited" overlaps both gold spans; "Ana Lima" (ORG) has the exact boundaries of A
    gold = [ent("Ana Lima", "PERSON"), ent("visited", "PERSON")]
    pred = [Entity(0, 16, "PERSON"), ent("Ana Lima", "ORG")]
    s = score(gold, pred)
    # partial: exact pair (1) + long span vs "visited" (0.5) = 1.5 over 2 and 2 -> 0.75
    assert s["entities.partial.micro.f1"] == pytest.approx(0.75)
    # type: long span overlaps both gold PERSONs, larger overlap is "Ana Lima" (8 > 7) -> 1/2
    assert s["entities.type.micro.f1"] == pytest.approx(0.5)


def test_duplicate_predictions_count_once() -> None:
    s = score([ent("Porto", "GPE")], [ent("Porto", "GPE"), ent("Porto", "GPE")])
    # 1 match, 2 predictions: P = 0.5, R = 1
    assert (s["entities.strict.micro.p"], s["entities.strict.micro.r"]) == (0.5, 1.0)


def test_all_predictions_outside_scheme_are_ignored() -> None:
    s = score([ent("Porto", "GPE")], [ent("Porto", "CITY")])
    assert s["entities.n_ignored"] == 1 and s["entities.n_pred"] == 0
    assert s["entities.strict.micro.p"] == 0.0 and s["entities.strict.micro.r"] == 0.0


def test_gold_labels_outside_the_given_labels_are_still_scored() -> None:
    s = score([ent("Porto", "CITY")], [ent("Porto", "GPE")], labels=("GPE",))
    assert s["entities.strict.CITY.r"] == 0.0
    assert s["entities.exact.CITY.r"] == 1.0


# --- seqeval strict IOB2 equivalence ------------------------------------------------------------

SEQ_LABELS = ("PER", "ORG", "LOC", "MISC")


def to_documents(y_true: list[list[str]], y_pred: list[list[str]]):
    """One document per sentence; token i is the word ``w<i>``; spans from seqeval's own parser."""
    golds, preds = [], []
    for s, (true, pred) in enumerate(zip(y_true, y_pred, strict=True)):
        words = [f"w{i}" for i in range(len(true))]
        starts, offset = [], 0
        for w in words:
            starts.append(offset)
            offset += len(w) + 1

        def spans(tags: list[str], starts: list[int] = starts, words: list[str] = words):
            return tuple(
                Entity(starts[e.start], starts[e.end - 1] + len(words[e.end - 1]), e.tag)
                for e in Entities([tags], IOB2).entities[0]
            )

        golds.append(Document(f"s{s}", " ".join(words), entities=spans(true)))
        preds.append(Prediction(f"s{s}", entities=spans(pred)))
    return golds, preds


TAGS = st.sampled_from(["O", "O", "O"] + [f"{p}-{x}" for p in "BI" for x in SEQ_LABELS])


def _perturb(draw, true: list[str]) -> list[str]:
    keep = draw(st.lists(st.booleans(), min_size=len(true), max_size=len(true)))
    other = draw(st.lists(TAGS, min_size=len(true), max_size=len(true)))
    return [t if k else o for t, k, o in zip(true, keep, other, strict=True)]


@st.composite
def tagged_corpus(draw) -> tuple[list[list[str]], list[list[str]]]:
    sentences = draw(st.lists(st.lists(TAGS, min_size=1, max_size=12), min_size=1, max_size=8))
    return sentences, [_perturb(draw, s) for s in sentences]


@settings(max_examples=150, deadline=None)
@given(tagged_corpus())
def test_strict_equals_seqeval_iob2(corpus: tuple[list[list[str]], list[list[str]]]) -> None:
    y_true, y_pred = corpus
    golds, preds = to_documents(y_true, y_pred)
    per_doc = [
        count_document(g, p, ["entities"], SEQ_LABELS) for g, p in zip(golds, preds, strict=True)
    ]
    s = summarise(per_doc, SEQ_LABELS)
    if s["entities.n_gold"] == 0 and s["entities.n_pred"] == 0:
        assert "entities.strict.micro.f1" not in s  # undefined; seqeval would say 0 and warn
        return
    kw = {"mode": "strict", "scheme": IOB2, "zero_division": 0}
    assert s["entities.strict.micro.p"] == pytest.approx(precision_score(y_true, y_pred, **kw))
    assert s["entities.strict.micro.r"] == pytest.approx(recall_score(y_true, y_pred, **kw))
    assert s["entities.strict.micro.f1"] == pytest.approx(f1_score(y_true, y_pred, **kw))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        macro = precision_recall_fscore_support(
            y_true, y_pred, average="macro", scheme=IOB2, zero_division=0
        )
    assert s["entities.strict.macro.p"] == pytest.approx(macro[0])
    assert s["entities.strict.macro.r"] == pytest.approx(macro[1])
    assert s["entities.strict.macro.f1"] == pytest.approx(macro[2])
