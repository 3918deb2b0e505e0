"""From gold documents and predictions to scores: the one path, for a notebook and for the runner.

In a notebook::

    from harness.goldset import load_goldset
    from harness.scoring import evaluate

    gold = load_goldset("goldsets/seeds")
    result = evaluate(gold, predictions, tasks=["entities"], intervals=True)
    result.scores["entities.strict.micro.f1"], result.intervals["entities.strict.micro.f1"]

The runner takes the same steps, a batch at a time: :meth:`ScoringPlan.prepare` maps and filters
each prediction (the label maps, the scored labels and tasks; everything dropped is counted),
:class:`Tally` counts each batch against its gold documents (:meth:`ScoringPlan.count`: the gold
label map, then :func:`~harness.scoring.document.count_document`) and :meth:`Tally.finish` sums
the counts into scores and bootstrap intervals. A :class:`ScoringPlan` is a pure, picklable
description of the scoring, so a tally gives the same numbers wherever it runs.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from harness.model import TASKS, Document, Entity, Prediction, Task
from harness.schemes import LabelMaps
from harness.scoring.bootstrap import summarise_matrix
from harness.scoring.document import score_document
from harness.scoring.extra import Score
from harness.scoring.findings import Finding
from harness.scoring.metrics import BUILTIN, Metrics
from harness.scoring.prf import CountMatrix, Counts, CountSource

Scores = dict[str, float]
Intervals = dict[str, tuple[float, float]]


@dataclass(frozen=True)
class Prepared:
    """A prediction as it is scored, and what preparing it dropped."""

    prediction: Prediction
    #: Predicted labels the label map mapped to ``None``.
    unmapped: list[str]
    #: Predicted labels (after the map) that are not scored labels.
    ignored: list[str]


@dataclass(frozen=True)
class ScoringPlan:
    """Everything scoring needs besides the documents (pure and picklable)."""

    tasks: tuple[Task, ...]
    label_maps: LabelMaps
    #: Scores added to the built-in ones (plugins' scores).
    scores: tuple[Score, ...] = ()
    #: Bootstrap samples for the intervals of the headline scores (0: no intervals), and seed.
    samples: int = 0
    seed: int = 0

    def __post_init__(self) -> None:
        unknown = set(self.tasks) - set(TASKS)
        if unknown:
            raise ValueError(f"unknown task(s) {sorted(unknown)}; expected some of {list(TASKS)}")

    @property
    def labels(self) -> tuple[str, ...]:
        return self.label_maps.labels

    @property
    def metrics(self) -> Metrics:
        """Declarations of the scores this plan produces."""
        extra = [m for s in self.scores if s.task in self.tasks for m in s.metrics]
        return Metrics(BUILTIN).for_tasks(self.tasks).merged(extra)

    @property
    def interval_keys(self) -> tuple[str, ...]:
        return tuple(self.metrics.headline_keys(self.tasks))

    def prepare(self, pred: Prediction) -> Prepared:
        """``pred`` as it is scored: entity labels mapped, only scored labels, only the tasks
        evaluated."""
        mapped, unmapped = self.label_maps.map_prediction(pred)
        entities: tuple[Entity, ...] = ()
        ignored: list[str] = []
        if "entities" in self.tasks:
            allowed = set(self.labels)
            entities = tuple(e for e in mapped.entities if e.label in allowed)
            ignored = [e.label for e in mapped.entities if e.label not in allowed]
        quotes = mapped.quotes if ("quotes" in self.tasks or "speakers" in self.tasks) else ()
        return Prepared(Prediction(pred.doc_id, entities, quotes), unmapped, ignored)

    def count(self, gold: Document, pred: Prediction, unmapped: Counter[str]) -> Counts:
        """Counts of one document (``pred`` prepared); gold labels the gold map drops are
        counted in ``unmapped``."""
        return self.score(gold, pred, unmapped, findings=False)[0]

    def score(
        self, gold: Document, pred: Prediction, unmapped: Counter[str], *, findings: bool = True
    ) -> tuple[Counts, list[Finding]]:
        """:meth:`count` and the document's findings (:mod:`harness.scoring.findings`; gold
        indices after the gold label map)."""
        gold = self.label_maps.map_gold(gold, unmapped)
        counts, found = score_document(
            gold, pred, self.tasks, self.labels, self.scores, findings=findings
        )
        # one copy of each key string, not one per document
        return {sys.intern(k): v for k, v in counts.items()}, found

    def summarise(self, matrix: CountSource) -> tuple[Scores, Intervals]:
        """The scores of the counts in ``matrix`` and the intervals of the headline scores."""
        return summarise_matrix(
            matrix, self.labels, self.interval_keys, n=self.samples, seed=self.seed,
            extra=[s for s in self.scores if s.task in self.tasks],
        )  # fmt: skip


@dataclass
class Scored:
    """The counts of every document, in order, and what they sum to."""

    #: In memory, or the sequence a :class:`CountSink` read back (a run's counts file).
    per_doc: Sequence[Counts]
    unmapped_gold_labels: Counter[str]
    scores: Scores
    intervals: Intervals


class CountSink(Protocol):
    """Where a :class:`Tally` puts each batch's counts instead of keeping them (the runner
    streams them to a file: :class:`harness.perdoc.CountsWriter`)."""

    def add(self, doc_ids: Sequence[str], per_doc: Sequence[Counts]) -> None: ...

    # A sink with ``records_findings = True`` is given each document's findings too:
    # ``add(doc_ids, per_doc, findings)`` (:class:`harness.perdoc.CountsWriter`, for the report).

    def finish(self) -> CountSource:
        """Every document's counts, to summarise and bootstrap (best also a sequence of
        per-document counts: it becomes :attr:`Scored.per_doc`)."""
        ...


class Tally:
    """Counts documents a batch at a time, in order; :meth:`finish` summarises them.

    The counts are kept in memory, or with a ``sink`` written out a batch at a time (memory
    bounded by the batch) and read back by :meth:`finish`.
    """

    def __init__(self, plan: ScoringPlan, sink: CountSink | None = None) -> None:
        self.plan = plan
        self.per_doc: list[Counts] = []
        self.unmapped_gold: Counter[str] = Counter()
        self._sink = sink
        self._matrix = CountMatrix() if sink is None else None

    def add(self, golds: Iterable[Document], preds: Sequence[Prediction]) -> None:
        """Count prepared predictions against their gold documents (same order)."""
        if self._sink is not None and getattr(self._sink, "records_findings", False):
            scored = [
                self.plan.score(gold, pred, self.unmapped_gold)
                for gold, pred in zip(golds, preds, strict=True)
            ]
            doc_ids = [p.doc_id for p in preds]
            self._sink.add(doc_ids, [c for c, _ in scored], [f for _, f in scored])  # type: ignore[call-arg]
            return
        batch = [
            self.plan.count(gold, pred, self.unmapped_gold)
            for gold, pred in zip(golds, preds, strict=True)
        ]
        if self._sink is not None:
            self._sink.add([p.doc_id for p in preds], batch)
            return
        assert self._matrix is not None
        self.per_doc.extend(batch)
        self._matrix.add(batch)

    def finish(self) -> Scored:
        if self._sink is None:
            assert self._matrix is not None
            scores, intervals = self.plan.summarise(self._matrix)
            return Scored(self.per_doc, self.unmapped_gold, scores, intervals)
        counts = self._sink.finish()
        scores, intervals = self.plan.summarise(counts)
        per_doc = counts if isinstance(counts, Sequence) else []
        return Scored(per_doc, self.unmapped_gold, scores, intervals)


@dataclass
class Evaluation(Scored):
    """What :func:`evaluate` returns: scores, intervals, counts and what was dropped."""

    doc_ids: list[str] = field(default_factory=list)
    unmapped_pred_labels: Counter[str] = field(default_factory=Counter)
    ignored_pred_labels: Counter[str] = field(default_factory=Counter)
    #: Gold documents without a prediction (scored as if nothing was predicted).
    missing: list[str] = field(default_factory=list)
    metrics: Metrics = field(default_factory=Metrics)


def _by_id(
    predictions: Mapping[str, Prediction] | Iterable[Prediction],
) -> dict[str, Prediction]:
    if isinstance(predictions, Mapping):
        return dict(predictions)
    out: dict[str, Prediction] = {}
    for p in predictions:
        if p.doc_id in out:
            raise ValueError(f"two predictions for document {p.doc_id!r}")
        out[p.doc_id] = p
    return out


def _labels_of(gold: Sequence[Document]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(e.label for d in gold for e in d.entities))


def evaluate(
    gold_documents: Iterable[Document],
    predictions: Mapping[str, Prediction] | Iterable[Prediction],
    *,
    tasks: Iterable[str] = TASKS,
    labels: Sequence[str] | None = None,
    label_maps: LabelMaps | None = None,
    scores: Sequence[Score] = (),
    intervals: bool = False,
    samples: int = 1000,
    seed: int = 0,
) -> Evaluation:
    """Score ``predictions`` against ``gold_documents`` in one call.

    ``predictions`` are matched to the gold by document id (a gold document without one is
    scored as if nothing was predicted and listed in ``missing``; a prediction for an unknown
    document is an error). ``labels`` are the scored entity labels: by default those of
    ``label_maps``, else the goldset's (``gold_documents.labels``), else the labels found in the
    gold. With ``intervals``, the headline scores get ``samples`` bootstrap intervals.
    """
    gold = list(gold_documents)
    preds = _matched(gold, predictions)
    if label_maps is None:
        found = labels or getattr(gold_documents, "labels", None) or _labels_of(gold)
        label_maps = LabelMaps(labels=tuple(found))
    wanted = set(tasks)
    plan = ScoringPlan(
        tuple(t for t in TASKS if t in wanted), label_maps, tuple(scores),
        samples=samples if intervals else 0, seed=seed,
    )  # fmt: skip
    prepared = [plan.prepare(preds.get(d.id) or Prediction(d.id)) for d in gold]
    tally = Tally(plan)
    tally.add(gold, [p.prediction for p in prepared])
    return _evaluation(tally.finish(), plan, gold, prepared, preds)


def _matched(
    gold: Sequence[Document], predictions: Mapping[str, Prediction] | Iterable[Prediction]
) -> dict[str, Prediction]:
    """The predictions by document id; one for a document not in the gold is an error."""
    preds = _by_id(predictions)
    unknown = sorted(set(preds) - {d.id for d in gold})
    if unknown:
        raise ValueError(f"predictions for documents not in the gold: {unknown[:5]}")
    return preds


def _evaluation(
    done: Scored, plan: ScoringPlan, gold: Sequence[Document], prepared: Sequence[Prepared],
    preds: Mapping[str, Prediction],
) -> Evaluation:  # fmt: skip
    return Evaluation(
        done.per_doc, done.unmapped_gold_labels, done.scores, done.intervals,
        doc_ids=[d.id for d in gold],
        unmapped_pred_labels=Counter(x for p in prepared for x in p.unmapped),
        ignored_pred_labels=Counter(x for p in prepared for x in p.ignored),
        missing=[d.id for d in gold if d.id not in preds],
        metrics=plan.metrics,
    )  # fmt: skip
