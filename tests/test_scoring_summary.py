"""count_document task selection and summarise's corpus-level (micro) aggregation."""

from __future__ import annotations

import pytest

from harness.model import Document, Entity, Prediction, Quote, Speaker
from harness.scoring import count_document, summarise

LABELS = ("PERSON", "GPE")


def doc(doc_id: str, *entities: Entity) -> Document:
    return Document(
        doc_id,
        "x" * 40,
        entities=entities,
        quotes=(Quote(0, 10, speaker="sam"),),
        speakers=(Speaker("sam", "Sam", "PERSON"),),
    )


def test_micro_sums_counts_over_documents_instead_of_averaging() -> None:
    d1 = doc("a", Entity(0, 3, "PERSON"))
    p1 = Prediction("a", entities=(Entity(0, 3, "PERSON"),))  # 1 of 1 right
    d2 = doc("b", Entity(0, 3, "GPE"), Entity(5, 9, "GPE"), Entity(10, 12, "GPE"))
    p2 = Prediction("b", entities=(Entity(20, 23, "GPE"),))  # 0 of 1 right, 3 gold
    per_doc = [count_document(d, p, ["entities"], LABELS) for d, p in ((d1, p1), (d2, p2))]
    s = summarise(per_doc, LABELS)
    # micro: 1 match / 2 predicted = 0.5 ; 1 / 4 gold = 0.25 (the mean of per-document P would be 0.5
    # too, but the mean of per-document R would be (1 + 0) / 2 = 0.5, not 0.25)
    assert s["entities.strict.micro.p"] == 0.5
    assert s["entities.strict.micro.r"] == 0.25
    assert s["entities.strict.micro.f1"] == pytest.approx(2 * 0.5 * 0.25 / 0.75)
    # macro: PERSON F1 1.0, GPE P 0/1, R 0/3 -> F1 0 ; mean 0.5
    assert s["entities.strict.macro.f1"] == 0.5
    assert (s["entities.n_gold"], s["entities.n_pred"]) == (4, 2)


def test_only_requested_tasks_are_counted() -> None:
    d = doc("a", Entity(0, 3, "PERSON"))
    p = Prediction("a", quotes=(Quote(0, 10),))
    assert not any(k.startswith("quotes") for k in count_document(d, p, ["entities"], LABELS))
    speakers_only = summarise([count_document(d, p, ["speakers"], LABELS)], LABELS)
    assert set(speakers_only) >= {"attribution.f1", "speakers.n_matched"}
    assert not any(k.startswith(("quotes", "entities")) for k in speakers_only)
    assert count_document(d, p, [], LABELS) == {}
    assert summarise([], LABELS) == {}


def test_flat_key_set_for_all_tasks() -> None:
    d = doc("a", Entity(0, 3, "PERSON"))
    p = Prediction("a", entities=(Entity(0, 3, "PERSON"),), quotes=(Quote(0, 10),))
    s = summarise([count_document(d, p, ["entities", "quotes", "speakers"], LABELS)], LABELS)
    for scheme in ("strict", "exact", "partial", "type"):
        for avg in ("micro", "macro", "PERSON"):
            for part in ("p", "r", "f1"):
                assert f"entities.{scheme}.{avg}.{part}" in s
    for metric in ("exact", "overlap@0.3", "overlap@0.8"):
        assert {f"quotes.{metric}.{x}" for x in ("p", "r", "f1")} <= set(s)
        assert f"quotes.{metric}.direct.r" in s
    assert {"speakers.accuracy", "speakers.n_matched", "attribution.p", "attribution.r"} <= set(s)
    assert all(isinstance(v, float) for v in s.values())


def test_errors() -> None:
    d = doc("a")
    with pytest.raises(ValueError, match="unknown task"):
        count_document(d, Prediction("a"), ["entity"], LABELS)
    with pytest.raises(ValueError, match="scored against gold"):
        count_document(d, Prediction("b"), ["entities"], LABELS)
