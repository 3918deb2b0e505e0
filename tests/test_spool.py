from __future__ import annotations

from harness.model import Entity, Prediction, Quote, Span
from harness.spool import PredictionSpool


def _pred(i: int) -> Prediction:
    return Prediction(
        f"d{i}",
        (Entity(i, i + 3, "PERSON", "Ann"),),
        (Quote(0, 5, "mixed", "Ann “Bé”", Span(6, 9, "Ann"), None, "«x»"),),
    )


def test_spool_round_trips_in_order_and_can_be_read_twice() -> None:
    spool = PredictionSpool()
    preds = [_pred(i) for i in range(50)]
    for p in preds:
        spool.append(p)
    assert len(spool) == 50
    assert list(spool) == preds
    assert list(spool) == preds  # a second pass sees the same


def test_spool_iterations_may_interleave_with_each_other_and_with_appends() -> None:
    spool = PredictionSpool()
    for i in range(3):
        spool.append(_pred(i))
    outer = iter(spool)
    first = next(outer)
    assert [p.doc_id for p in spool] == ["d0", "d1", "d2"]
    spool.append(_pred(3))
    assert first.doc_id == "d0"
    assert [p.doc_id for p in outer] == ["d1", "d2", "d3"]
    spool.close()


def test_extend_and_append_mix_in_order() -> None:
    spool = PredictionSpool()
    spool.extend([_pred(0), _pred(1)])
    spool.extend([])
    spool.append(_pred(2))
    outer = iter(spool)
    assert next(outer).doc_id == "d0"
    spool.extend([_pred(3), _pred(4)])
    assert [p.doc_id for p in outer] == ["d1", "d2", "d3", "d4"]
    assert len(spool) == 5
    assert list(spool) == [_pred(i) for i in range(5)]
