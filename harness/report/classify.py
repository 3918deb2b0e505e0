"""Classify every gold and predicted annotation of a document as correct or as an error.

The matching is the scorer's own (:func:`harness.scoring.entities.partial_pairs` and
:func:`harness.scoring.quotes.match_quotes`), so the report explains exactly the numbers in the
score tables:

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
from harness.scoring.entities import partial_pairs
from harness.scoring.quotes import SPEAKER_THRESHOLD, match_quotes, overlap_name, trim_span
from harness.scoring.speakers import attribution_is_correct

Kind = Literal["missed", "spurious", "label", "boundary", "speaker"]
KINDS: tuple[Kind, ...] = ("missed", "spurious", "label", "boundary", "speaker")
KIND_TITLES: dict[str, str] = {
    "missed": "missed",
    "spurious": "spurious",
    "label": "wrong label",
    "boundary": "wrong boundary",
    "speaker": "wrong speaker",
}
ReportTask = Literal["entities", "quotes", "speakers"]
MISSED, SPURIOUS = "(missed)", "(spurious)"  # confusion-table rows and columns


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


_BOUNDARY: tuple[Kind, ...] = ("boundary",)
_LABEL: tuple[Kind, ...] = ("label",)
_BOTH: tuple[Kind, ...] = ("boundary", "label")
_MISSED: tuple[Kind, ...] = ("missed",)
_SPURIOUS: tuple[Kind, ...] = ("spurious",)
_SPEAKER: tuple[Kind, ...] = ("speaker",)


def _kinds(same_span: bool, same_label: bool) -> tuple[Kind, ...]:
    if same_span:
        return () if same_label else _LABEL
    return _BOUNDARY if same_label else _BOTH


def _unpaired(
    task: ReportTask, n_gold: int, n_pred: int, paired_g: set[int], paired_p: set[int]
) -> list[Finding]:
    out = [Finding(task, i, None, _MISSED) for i in range(n_gold) if i not in paired_g]
    out += [Finding(task, None, i, _SPURIOUS) for i in range(n_pred) if i not in paired_p]
    return out


def classify_entities(gold: Sequence[Entity], pred: Sequence[Entity]) -> list[Finding]:
    """Findings for one document's entities (predictions already restricted to scored labels)."""
    order_g = sorted(range(len(gold)), key=lambda i: (gold[i].start, gold[i].end, gold[i].label))
    order_p = sorted(range(len(pred)), key=lambda i: (pred[i].start, pred[i].end, pred[i].label))
    g = [(gold[i].start, gold[i].end, gold[i].label) for i in order_g]
    p = [(pred[i].start, pred[i].end, pred[i].label) for i in order_p]
    out: list[Finding] = []
    paired_g: set[int] = set()
    paired_p: set[int] = set()
    for cg, cp in partial_pairs(g, p):
        a, b = g[cg], p[cp]
        i, j = order_g[cg], order_p[cp]
        out.append(Finding("entities", i, j, _kinds(a[:2] == b[:2], a[2] == b[2])))
        paired_g.add(i)
        paired_p.add(j)
    return out + _unpaired("entities", len(gold), len(pred), paired_g, paired_p)


def _positions(items: Sequence[Quote]) -> dict[int, list[int]]:
    """Positions of each quote object (by identity; a list, as one object may occur twice)."""
    out: dict[int, list[int]] = {}
    for i, x in enumerate(items):
        out.setdefault(id(x), []).append(i)
    return out


def _quote_pairs(
    doc: Document, gold: Sequence[Quote], pred: Sequence[Quote]
) -> list[tuple[int, int, Quote, Quote]]:
    """The overlap@0.3 pairs the scorer makes, as ``(gold index, pred index, gold, pred)``."""
    # the same tie-break as the scorer: prefer pairs whose speaker is right
    matches = match_quotes(doc.text, gold, pred, agree=partial(attribution_is_correct, doc))
    gi, pi = _positions(gold), _positions(pred)
    out = []
    for g, p in matches[overlap_name(SPEAKER_THRESHOLD)]:
        out.append((gi[id(g)].pop(0), pi[id(p)].pop(0), g, p))
    return out


def classify_quotes(doc: Document, pred: Sequence[Quote], tasks: Collection[str]) -> list[Finding]:
    """Findings for one document's quotes: tasks ``quotes`` and/or ``speakers``."""
    text, gold = doc.text, doc.quotes
    span_task: ReportTask = "quotes" if "quotes" in tasks else "speakers"
    out: list[Finding] = []
    for i, j, g, p in _quote_pairs(doc, gold, pred):
        if "quotes" in tasks:
            same = trim_span(text, g.start, g.end) == trim_span(text, p.start, p.end)
            out.append(Finding("quotes", i, j, _kinds(same, g.type == p.type)))
        if "speakers" in tasks:
            right = attribution_is_correct(doc, g, p)
            out.append(Finding("speakers", i, j, () if right else _SPEAKER, g.speaker is None))
    paired_g = {f.gold for f in out if f.gold is not None}
    paired_p = {f.pred for f in out if f.pred is not None}
    return out + _unpaired(span_task, len(gold), len(pred), paired_g, paired_p)


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
