"""Scoring in a worker process gives the same counts as scoring in line, whatever happens to it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from harness import background
from harness.background import BatchScorer, ScoringJob, worker_helps
from harness.goldset import Goldset, load_goldset
from harness.model import Entity, Prediction, Quote
from harness.schemes import resolve_gold_map

ROOT = Path(__file__).resolve().parents[1]
BATCH = 2
TASKS = ("entities", "quotes", "speakers")
HEADLINE = ("entities.strict.micro.f1", "quotes.exact.f1", "attribution.f1")


@pytest.fixture(scope="module")
def goldset() -> Goldset:
    return load_goldset(ROOT / "goldsets" / "seeds")


def _degrade(doc_id: str, entities: Sequence[Entity], quotes: Sequence[Quote]) -> Prediction:
    """A prediction with misses, boundary errors, wrong labels and lost speakers."""
    ents = []
    for i, e in enumerate(entities):
        if i % 5 == 0:
            continue
        if i % 5 == 1:
            e = replace(e, end=e.end + 1)
        elif i % 5 == 2:
            e = replace(e, label="ORG" if e.label != "ORG" else "PERSON")
        ents.append(e)
    quotes_out = [
        replace(q, speaker=None, speaker_span=None) if i % 3 else q for i, q in enumerate(quotes)
    ]
    return Prediction(doc_id, tuple(ents), tuple(quotes_out[1:]))


def _batches(goldset: Goldset) -> list[tuple[Any, list[Prediction]]]:
    out = []
    for rows, docs in zip(goldset.row_batches(BATCH), _doc_batches(goldset), strict=True):
        out.append((rows, [_degrade(d.id, d.entities, d.quotes) for d in docs]))
    return out


def _doc_batches(goldset: Goldset) -> Iterator[list[Any]]:
    docs = list(goldset)
    for i in range(0, len(docs), BATCH):
        yield docs[i : i + BATCH]


def _score(
    job: ScoringJob,
    batches: list[tuple[Any, list[Prediction]]],
    background: bool,
    *,
    may_replay: bool = True,
) -> Any:
    scorer = BatchScorer(job, background=background)
    assert scorer.in_background == background

    def replay() -> Iterator[tuple[Any, list[Prediction]]]:
        if not may_replay:
            pytest.fail("the worker failed and the batches were scored again in line")
        return iter(batches)

    for rows, preds in batches:
        scorer.submit(rows, preds)
    return scorer.finish(replay)


@pytest.mark.parametrize("gold_map", [None, "conll"])
def test_the_worker_counts_exactly_what_scoring_in_line_counts(
    goldset: Goldset, gold_map: str | None
) -> None:
    mapping = resolve_gold_map(gold_map, goldset.label_scheme, "test")[1] if gold_map else {}
    job = ScoringJob(TASKS, goldset.labels, mapping, HEADLINE, samples=200, seed=3)
    batches = _batches(goldset)
    in_line = _score(job, batches, background=False)
    in_worker = _score(job, batches, background=True, may_replay=False)
    assert len(in_line.per_doc) == len(goldset)
    assert in_worker == in_line
    assert any(c["entities.strict"][0] < c["entities.strict"][2] for c in in_line.per_doc)
    assert 0 < in_line.scores["entities.strict.micro.f1"] < 1
    assert set(in_line.intervals) == set(HEADLINE)
    if gold_map:
        assert in_line.unmapped_gold_labels  # e.g. DATE has no CoNLL counterpart


def test_a_worker_that_dies_costs_time_not_results(
    goldset: Goldset, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = ScoringJob(TASKS, goldset.labels, {}, HEADLINE, samples=100)
    batches = _batches(goldset)
    expected = _score(job, batches, background=False)
    monkeypatch.setattr(background, "WORKER_ARGS", ("-c", "import sys; sys.exit(3)"))
    assert _score(job, batches, background=True) == expected


@dataclass(frozen=True)
class FailingJob(ScoringJob):
    def __call__(self, rows: Any, preds: Sequence[Prediction]) -> Any:
        raise ValueError(f"cannot score {preds[0].doc_id}")


def test_a_scoring_error_in_the_worker_is_raised_here_as_in_line(goldset: Goldset) -> None:
    job = FailingJob(TASKS, goldset.labels)
    with pytest.raises(ValueError, match="cannot score"):
        _score(job, _batches(goldset), background=True)


def test_close_stops_the_worker_and_removes_its_file(goldset: Goldset) -> None:
    scorer = BatchScorer(ScoringJob(TASKS, goldset.labels), background=True)
    worker = scorer._worker
    assert worker is not None
    rows, preds = _batches(goldset)[0]
    scorer.submit(rows, preds)
    scorer.close()
    scorer.close()  # twice is fine
    assert worker._proc.poll() is not None
    assert not worker.results.exists()
    assert not scorer.in_background


def test_worker_helps_only_with_several_batches_and_not_when_turned_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(background.os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    assert worker_helps(100, 32)
    assert not worker_helps(32, 32)
    monkeypatch.setenv(background.ENV_WORKER, "0")
    assert not worker_helps(100, 32)
    monkeypatch.delenv(background.ENV_WORKER)
    monkeypatch.setattr(background.os, "sched_getaffinity", lambda _: {0}, raising=False)
    assert not worker_helps(100, 32)
