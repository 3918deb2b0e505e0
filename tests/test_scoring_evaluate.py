"""``harness.scoring.evaluate``: the one-call path from gold and predictions to scores, the same
the runner takes a batch at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.goldset import Goldset, load_goldset
from harness.model import Document, Entity, Prediction
from harness.schemes import resolve_label_maps
from harness.scoring import Metric, Score, evaluate, summarise

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seeds() -> Goldset:
    return load_goldset(ROOT / "goldsets" / "seeds")


def test_perfect_predictions_score_one_with_intervals(seeds: Goldset) -> None:
    preds = [Prediction(d.id, d.entities, d.quotes) for d in seeds]
    result = evaluate(seeds, preds, intervals=True, samples=50)
    assert result.scores["entities.strict.micro.f1"] == 1.0
    assert result.scores["attribution.f1"] == 1.0
    assert set(result.intervals) == set(result.metrics.headline_keys())
    assert result.missing == [] and result.doc_ids == [d.id for d in seeds]


def test_missing_predictions_score_as_empty_and_unknown_ones_are_refused(seeds: Goldset) -> None:
    first = next(iter(seeds))
    result = evaluate(seeds, {first.id: Prediction(first.id, first.entities)}, tasks=["entities"])
    assert result.missing == [d.id for d in seeds][1:]
    assert result.scores["entities.strict.micro.p"] == 1.0
    assert result.scores["entities.strict.micro.r"] < 1.0
    assert "quotes.exact.f1" not in result.scores and not result.intervals
    with pytest.raises(ValueError, match="not in the gold"):
        evaluate(seeds, [Prediction("nope")])


def test_labels_maps_and_drops_are_counted(seeds: Goldset) -> None:
    maps = resolve_label_maps(
        seeds.label_scheme,
        seeds.labels,
        "ontonotes",
        {"DATE": None, "GPE": "PLACE", "PERSON": "PER"},
        "conll",
    )
    preds = [Prediction(d.id, d.entities) for d in seeds]
    result = evaluate(seeds, preds, tasks=["entities"], label_maps=maps)
    assert result.unmapped_pred_labels["DATE"] > 0  # dropped by the extractor's map
    assert result.ignored_pred_labels["PLACE"] > 0  # not a CoNLL label
    assert result.unmapped_gold_labels["DATE"] > 0  # no CoNLL counterpart
    assert result.scores["entities.strict.PER.f1"] == 1.0  # PERSON -> PER by both maps


def _length(gold: Document, pred: Prediction) -> dict[str, tuple[float, float, float]]:
    """Characters inside predicted / gold entities (a toy additive score)."""
    chars = sum(e.end - e.start for e in pred.entities)
    gold_chars = sum(e.end - e.start for e in gold.entities)
    return {"chars": (float(min(chars, gold_chars)), float(chars), float(gold_chars))}


CHARS = Score(
    "chars", "entities", _length,
    (Metric("chars.f1", "entities", "chars F1", "Toy.", headline=True),
     Metric("chars.p", "entities", "chars P", "Toy."), Metric("chars.r", "entities", "chars R", "Toy.")),
)  # fmt: skip


def test_an_added_score_is_counted_summed_summarised_and_bootstrapped(seeds: Goldset) -> None:
    doc = Document("d", "Ann met Bob", (Entity(0, 3, "PERSON"), Entity(8, 11, "PERSON")))
    result = evaluate([doc], [Prediction("d", (Entity(0, 3, "PERSON"),))], scores=[CHARS],
                      tasks=["entities"], labels=["PERSON"], intervals=True, samples=20)  # fmt: skip
    assert result.per_doc[0]["chars"] == (3.0, 3.0, 6.0)
    assert result.scores["chars.p"] == 1.0 and result.scores["chars.r"] == 0.5
    assert "chars.f1" in result.intervals and "chars.f1" in result.metrics.headline_keys()
    assert summarise(result.per_doc, ["PERSON"], [CHARS])["chars.r"] == 0.5
    quotes_only = evaluate([doc], [Prediction("d")], scores=[CHARS], tasks=["quotes"])
    assert "chars.f1" not in quotes_only.scores  # its task was not evaluated


def test_a_score_that_counts_outside_its_name_is_an_error() -> None:
    bad = Score("mine", "entities", lambda g, p: {"entities.strict": (1.0, 1.0, 1.0)},
                (Metric("mine.x", "entities", "x", "."),))  # fmt: skip
    with pytest.raises(ValueError, match="outside its name"):
        evaluate([Document("d", "x")], [], scores=[bad], tasks=["entities"], labels=["PERSON"])
    with pytest.raises(ValueError, match="built-in"):
        Score("quotes", "quotes", _length, (Metric("quotes.x", "quotes", "x", "."),))
    with pytest.raises(ValueError, match="does not start with"):
        Score("mine", "entities", _length, (Metric("other.x", "entities", "x", "."),))
