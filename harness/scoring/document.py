"""Per-document counts: the one entry point the runner calls for each (gold, prediction) pair."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import partial

from harness.model import TASKS, Document, Prediction
from harness.scoring.entities import count_and_match_entities
from harness.scoring.extra import Score, count_extra
from harness.scoring.findings import Finding, entity_findings, quote_findings
from harness.scoring.prf import Counts
from harness.scoring.quotes import count_quotes
from harness.scoring.speakers import attribution_is_correct, count_speakers


def count_document(
    gold: Document,
    pred: Prediction,
    tasks: Collection[str],
    labels: Sequence[str],
    scores: Sequence[Score] = (),
) -> Counts:
    """Counts of one document for the requested tasks.

    ``tasks`` is a subset of ``("entities", "quotes", "speakers")``; ``labels`` are the goldset's
    entity labels (predicted entities with other labels are ignored and counted). The
    ``speakers`` task also yields the end-to-end ``attribution`` counts; it matches quotes at
    overlap@0.3 whether or not ``quotes`` is requested. ``scores`` are added scores
    (:class:`~harness.scoring.extra.Score`), counted when their task is requested.
    """
    return score_document(gold, pred, tasks, labels, scores, findings=False)[0]


def score_document(
    gold: Document,
    pred: Prediction,
    tasks: Collection[str],
    labels: Sequence[str],
    scores: Sequence[Score] = (),
    *,
    findings: bool = True,
) -> tuple[Counts, list[Finding]]:
    """:func:`count_document`, and (``findings``) what each gold and predicted item came to
    (:mod:`harness.scoring.findings`), made from the same pairs."""
    unknown = set(tasks) - set(TASKS)
    if unknown:
        raise ValueError(f"unknown task(s) {sorted(unknown)}; expected some of {list(TASKS)}")
    if pred.doc_id != gold.id:
        raise ValueError(f"prediction for {pred.doc_id!r} scored against gold {gold.id!r}")
    counts: Counts = {}
    found: list[Finding] = []
    if "entities" in tasks:
        entity_counts, match = count_and_match_entities(
            gold.entities, pred.entities, labels, positions=findings
        )
        counts.update(entity_counts)
        if findings:
            found += entity_findings(match)
    if "quotes" in tasks or "speakers" in tasks:
        quote_counts, pairs = count_quotes(
            gold.text, gold.quotes, pred.quotes, partial(attribution_is_correct, gold)
        )
        if "quotes" in tasks:
            counts.update(quote_counts)
        if "speakers" in tasks:
            counts.update(count_speakers(gold, pairs, len(pred.quotes), len(gold.quotes)))
        if findings:
            found += quote_findings(gold, pred.quotes, pairs, tasks)
    if scores:
        counts.update(count_extra(gold, pred, tuple(tasks), scores))
    return counts, found
