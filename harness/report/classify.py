"""Classify every gold and predicted annotation of a document as correct or as an error.

The findings are the scorer's own (:mod:`harness.scoring.findings`, made from the pairs it
counts), so the report explains exactly the numbers in the score tables. A run records them in
its counts file and the report reads them column-wise (:mod:`harness.report.columns`); this
module makes them again, one document at a time, for runs that did not record them:

- entities are paired as in the ``partial`` scheme (same boundaries first, then by overlap);
  a pair with other boundaries is a *wrong boundary*, a pair with another label a *wrong label*
  (a pair can be both); unpaired gold entities are *missed*, unpaired predictions *spurious*;
- quotes are paired at overlap@0.3 (the pairs speakers are scored on); a pair whose trimmed spans
  differ is a *wrong boundary*, one whose quote type differs a *wrong label*, and - for the
  speakers task - a pair whose attribution is not correct is a *wrong speaker*. That is the rule
  of the ``attribution`` scores: a gold quote whose speaker is unknown (``null``) is attributed
  correctly only by a prediction that names no speaker. ``speakers.accuracy`` leaves such quotes
  out, so their findings carry ``unknown_speaker``: the wrong speakers that count against the
  accuracy are the others (``speakers.n_matched`` minus the right ones).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Literal

from harness.model import Document, Entity, Prediction, Quote
from harness.scoring import findings as sf
from harness.scoring.entities import count_and_match_entities
from harness.scoring.findings import Kind, entity_findings, quote_findings
from harness.scoring.quotes import count_quotes
from harness.scoring.speakers import attribution_is_correct

KINDS: tuple[Kind, ...] = sf.KINDS
KIND_TITLES: dict[str, str] = {
    "missed": "missed",
    "spurious": "spurious",
    "label": "wrong label",
    "boundary": "wrong boundary",
    "speaker": "wrong speaker",
}
ReportTask = Literal["entities", "quotes", "speakers"]
MISSED, SPURIOUS = "(missed)", "(spurious)"  # confusion-table rows and columns
_TASK_NAMES: tuple[ReportTask, ...] = ("entities", "quotes", "speakers")
# a pair with other boundaries and another label: boundary first
_ORDER: tuple[tuple[int, Kind], ...] = (
    (sf.MISSED, "missed"), (sf.SPURIOUS, "spurious"), (sf.BOUNDARY, "boundary"),
    (sf.LABEL, "label"), (sf.SPEAKER, "speaker"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Finding:
    """One gold item, one predicted item or one pair of them, with what is wrong (if anything).

    ``gold`` / ``pred`` index the document's gold and predicted entities (task ``entities``) or
    quotes (tasks ``quotes`` and ``speakers``); ``kinds`` is empty for a correct item.
    """

    task: ReportTask
    gold: int | None
    pred: int | None
    kinds: tuple[Kind, ...]
    #: A speakers finding on a gold quote whose speaker is unknown: it counts in the
    #: attribution scores, not in ``speakers.accuracy``.
    unknown_speaker: bool = False

    @property
    def is_error(self) -> bool:
        return bool(self.kinds)


def _finding(row: tuple[int, int, int, int, int]) -> Finding:
    """A finding of :mod:`harness.scoring.findings` (a row of integers) as an object."""
    task, g, p, bits, flags = row
    kinds = tuple(k for bit, k in _ORDER if bits & bit)
    unknown = bool(flags & sf.UNKNOWN_SPEAKER)
    return Finding(_TASK_NAMES[task], None if g < 0 else g, None if p < 0 else p, kinds, unknown)


def classify_entities(gold: Sequence[Entity], pred: Sequence[Entity]) -> list[Finding]:
    """Findings for one document's entities (predictions already restricted to scored labels)."""
    labels = {e.label for e in pred}
    match = count_and_match_entities(gold, pred, labels)[1]
    return [_finding(f) for f in entity_findings(match)]


def classify_quotes(doc: Document, pred: Sequence[Quote], tasks: Collection[str]) -> list[Finding]:
    """Findings for one document's quotes: tasks ``quotes`` and/or ``speakers``."""
    # the scorer's own pairs: the tie-break prefers pairs whose speaker is right
    pairs = count_quotes(doc.text, doc.quotes, pred, partial(attribution_is_correct, doc))[1]
    return [_finding(f) for f in quote_findings(doc, pred, pairs, tasks)]


@dataclass(frozen=True)
class DocAnalysis:
    """One document as one extractor saw it: gold, scored predictions and findings.

    ``gold`` carries the labels the extractor was scored against; ``entities`` are the predicted
    entities the scorer kept (labels outside the scored ones are left out) and the findings'
    ``pred`` indices point into them (entities) or into ``quotes``.
    """

    gold: Document
    entities: tuple[Entity, ...]
    quotes: tuple[Quote, ...]
    findings: tuple[Finding, ...]

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    def confusion(self) -> Counter[tuple[str, str]]:
        """``(gold label, predicted label)`` counts over paired entities, missed and spurious."""
        out: Counter[tuple[str, str]] = Counter()
        for f in self.findings:
            if f.task != "entities":
                continue
            g = self.gold.entities[f.gold].label if f.gold is not None else SPURIOUS
            p = self.entities[f.pred].label if f.pred is not None else MISSED
            out[(g, p)] += 1
        return out


def classify_document(
    doc: Document, pred: Prediction, tasks: Collection[str], labels: Collection[str]
) -> DocAnalysis:
    """Classify one document for the tasks an extractor was scored on.

    ``doc`` must already carry the gold labels the extractor was scored against; predicted
    entities with labels outside ``labels`` are left out, as the scorer ignores them.
    """
    allowed = set(labels)
    ents = tuple(e for e in pred.entities if e.label in allowed) if "entities" in tasks else ()
    quotes = pred.quotes if ("quotes" in tasks or "speakers" in tasks) else ()
    out: list[Finding] = []
    if "entities" in tasks:
        out += classify_entities(doc.entities, ents)
    if "quotes" in tasks or "speakers" in tasks:
        out += classify_quotes(doc, quotes, tasks)
    return DocAnalysis(doc, ents, quotes, tuple(out))
