"""Classify every gold and predicted annotation of a document as correct or as an error.

The matching is the scorer's own (:func:`harness.scoring.entities.match_entities` and
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
from harness.scoring.entities import match_entities
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


@dataclass(frozen=True)
class Finding:
    """One gold item, one predicted item or one pair of them, with what is wrong (if anything).

    ``gold`` / ``pred`` index the document's gold and predicted entities (task ``entities``) or
    quotes (tasks ``quotes`` and ``speakers``); ``kinds`` is empty for a correct item.
    """

    task: ReportTask
    gold: int | None
    pred: int | None
    kinds: tuple[Kind, ...]
    detail: str = ""
    #: A speakers finding on a gold quote whose speaker is unknown: it counts in the
    #: attribution scores, not in ``speakers.accuracy``.
    unknown_speaker: bool = False

    @property
    def is_error(self) -> bool:
        return bool(self.kinds)


def _index(items: Sequence[object]) -> dict[int, int]:
    return {id(x): i for i, x in enumerate(items)}


def classify_entities(gold: Sequence[Entity], pred: Sequence[Entity]) -> list[Finding]:
    """Findings for one document's entities (predictions already restricted to scored labels)."""
    gi, pi = _index(gold), _index(pred)
    out: list[Finding] = []
    paired_g: set[int] = set()
    paired_p: set[int] = set()
    for g, p, _ in match_entities(gold, pred)["partial"]:
        kinds: list[Kind] = []
        details = []
        if (g.start, g.end) != (p.start, p.end):
            kinds.append("boundary")
            details.append(f"span {g.start}-{g.end} predicted as {p.start}-{p.end}")
        if g.label != p.label:
            kinds.append("label")
            details.append(f"label {g.label} predicted as {p.label}")
        out.append(Finding("entities", gi[id(g)], pi[id(p)], tuple(kinds), "; ".join(details)))
        paired_g.add(gi[id(g)])
        paired_p.add(pi[id(p)])
    out += [
        Finding("entities", i, None, ("missed",), f"{e.label} not predicted")
        for i, e in enumerate(gold)
        if i not in paired_g
    ]
    out += [
        Finding("entities", None, i, ("spurious",), f"{e.label} not in gold")
        for i, e in enumerate(pred)
        if i not in paired_p
    ]
    return out


def _speaker_text(doc: Document, q: Quote, gold: bool) -> str:
    if gold:
        s = doc.speaker(q.speaker)
        return s.name if s else "(unknown)"
    if q.speaker:
        return q.speaker
    if q.speaker_span:
        return doc.text[q.speaker_span.start : q.speaker_span.end]
    return "(none)"


def classify_quotes(doc: Document, pred: Sequence[Quote], tasks: Collection[str]) -> list[Finding]:
    """Findings for one document's quotes: tasks ``quotes`` and/or ``speakers``."""
    gold = doc.quotes
    gi, pi = _index(gold), _index(pred)
    # the same tie-break as the scorer: prefer pairs whose speaker is right
    matches = match_quotes(doc.text, gold, pred, agree=partial(attribution_is_correct, doc))
    pairs = matches[overlap_name(SPEAKER_THRESHOLD)]
    span_task: ReportTask = "quotes" if "quotes" in tasks else "speakers"
    out: list[Finding] = []
    for g, p in pairs:
        i, j = gi[id(g)], pi[id(p)]
        if "quotes" in tasks:
            kinds: list[Kind] = []
            details = []
            if trim_span(doc.text, g.start, g.end) != trim_span(doc.text, p.start, p.end):
                kinds.append("boundary")
                details.append(f"span {g.start}-{g.end} predicted as {p.start}-{p.end}")
            if g.type != p.type:
                kinds.append("label")
                details.append(f"type {g.type} predicted as {p.type}")
            out.append(Finding("quotes", i, j, tuple(kinds), "; ".join(details)))
        if "speakers" in tasks:
            right = attribution_is_correct(doc, g, p)
            detail = (
                f"speaker {_speaker_text(doc, g, True)!r} predicted as "
                f"{_speaker_text(doc, p, False)!r}"
            )
            verdict: tuple[Kind, ...] = () if right else ("speaker",)
            out.append(Finding("speakers", i, j, verdict, detail, g.speaker is None))
    paired_g = {gi[id(g)] for g, _ in pairs}
    paired_p = {pi[id(p)] for _, p in pairs}
    out += [
        Finding(span_task, i, None, ("missed",), f"{q.type} quote not predicted")
        for i, q in enumerate(gold)
        if i not in paired_g
    ]
    out += [
        Finding(span_task, None, i, ("spurious",), f"{q.type} quote not in gold")
        for i, q in enumerate(pred)
        if i not in paired_p
    ]
    return out


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
