"""The report's data: one compact record per document (its text, gold annotations, and each
extractor's scored predictions and findings), and the totals the static sections need.

Each document is written once, whatever the number of extractors; the page renders it on demand.
A record (lists rather than objects, to keep the page small)::

    {"id": str, "t": text, "m": [metadata value per key of meta_keys],
     "e": [[start, end, label]],                                   gold entities
     "q": [[start, end, type, speaker index or -1,                 gold quotes
            mention start, mention end, cue start, cue end]],      (-1: none)
     "s": [[id, name, type, {attribute: value}]],                  speaker registry
     "x": [one per extractor, null when it scored no task:
           {"e": [[start, end, label]],                            scored predicted entities
            "q": [[start, end, type, speaker text or null,
                   mention start, mention end, cue start, cue end]],
            "f": [[task, gold index or -1, prediction index or -1, kinds, flags]],
            "gl": [the gold label each gold entity was scored as, null if dropped]  (only
                   when a gold label map changed anything),
            "fail": error message (only when the extractor failed on the document)}]}

``task`` is 0 (entities), 1 (quotes) or 2 (speakers); ``kinds`` a bit mask over
:data:`~harness.report.classify.KINDS` (0: correct); ``flags`` bit 1: the gold quote's speaker
is unknown (the finding counts in the attribution scores, not in speaker accuracy). Findings of
every gold and predicted item are there, correct ones included, so the page can link a gold item
to what each extractor made of it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.model import Document, Quote
from harness.report.classify import KINDS, MISSED, SPURIOUS, DocAnalysis, classify_document
from harness.report.load import ExtractorView
from harness.scoring.findings import TASK_CODES, UNKNOWN_SPEAKER

KIND_BITS = {k: 1 << i for i, k in enumerate(KINDS)}
_BITS: dict[tuple[str, ...], int] = {}


def kind_bits(kinds: tuple[str, ...]) -> int:
    """The bit mask of a tuple of kinds (cached: there are few distinct tuples)."""
    bits = _BITS.get(kinds)
    if bits is None:
        bits = _BITS[kinds] = sum(KIND_BITS[k] for k in kinds)
    return bits


@dataclass
class ExtractorTotals:
    """What one extractor's findings add up to over the documents."""

    kinds: Counter[str] = field(default_factory=Counter)
    task_kinds: Counter[tuple[str, str]] = field(default_factory=Counter)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: Wrong speakers on gold quotes whose speaker is unknown (attribution only).
    unknown_speaker: int = 0
    #: ``(errors, document id, kinds)`` of each document with an error.
    documents: list[tuple[int, str, Counter[str]]] = field(default_factory=list)

    def add(self, a: DocAnalysis) -> None:
        errors = a.errors()
        kinds: Counter[str] = Counter()
        for f in errors:
            for k in f.kinds:
                kinds[k] += 1
                self.task_kinds[(f.task, k)] += 1
            if f.unknown_speaker:
                self.unknown_speaker += 1
        self.kinds.update(kinds)
        self.confusion.update(a.confusion())
        if errors:
            self.documents.append((len(errors), a.gold.id, kinds))


@dataclass
class Totals:
    """Totals over every document, per extractor label; the metadata values seen."""

    extractors: dict[str, ExtractorTotals]
    documents: int = 0
    gold_entities: int = 0
    gold_quotes: int = 0
    meta_values: dict[str, Counter[str]] = field(default_factory=dict)

    def merge(self, other: Totals) -> None:
        """Add the totals of the documents that follow these (a part written elsewhere)."""
        for label, t in other.extractors.items():
            mine = self.extractors.setdefault(label, ExtractorTotals())
            mine.kinds.update(t.kinds)
            mine.task_kinds.update(t.task_kinds)
            mine.confusion.update(t.confusion)
            mine.unknown_speaker += t.unknown_speaker
            mine.documents.extend(t.documents)
        self.documents += other.documents
        self.gold_entities += other.gold_entities
        self.gold_quotes += other.gold_quotes
        for key, counts in other.meta_values.items():
            self.meta_values.setdefault(key, Counter()).update(counts)


def _quote(q: Quote, speaker: int | str | None) -> list[Any]:
    sp, cue = q.speaker_span, q.cue
    mention = (sp.start, sp.end) if sp else (-1, -1)
    said = (cue.start, cue.end) if cue else (-1, -1)
    return [q.start, q.end, q.type, speaker, *mention, *said]


def metadata_of(doc: Document) -> Mapping[str, Any]:
    return getattr(doc, "metadata", None) or {}


def _speaker_attributes(s: Any) -> Mapping[str, Any]:
    return getattr(s, "attributes", None) or {}


def gold_record(doc: Document, index: int, meta_keys: Sequence[str]) -> dict[str, Any]:
    """The gold part of a document's record."""
    positions = {s.id: i for i, s in enumerate(doc.speakers)}
    meta = metadata_of(doc)
    return {
        "id": doc.id,
        "t": doc.text,
        "m": [meta.get(k) for k in meta_keys],
        "e": [[e.start, e.end, e.label] for e in doc.entities],
        "q": [_quote(q, positions.get(q.speaker, -1) if q.speaker else -1) for q in doc.quotes],
        "s": [[s.id, s.name, s.type, dict(_speaker_attributes(s))] for s in doc.speakers],
    }


def _kept_entities(doc: Document, gold_map: Mapping[str, str | None]) -> list[int]:
    """Original indices of the gold entities the gold label map keeps (in order)."""
    return [i for i, e in enumerate(doc.entities) if gold_map.get(e.label, e.label) is not None]


def extractor_record(
    doc: Document, x: ExtractorView, totals: ExtractorTotals
) -> dict[str, Any] | None:
    """One extractor's part of a document's record (``None`` when it scored no task)."""
    if not x.tasks:
        return None
    a = classify_document(x.gold(doc), x.prediction(doc.id), x.tasks, x.labels)
    totals.add(a)
    kept = _kept_entities(doc, x.gold_map) if x.gold_map else None
    findings = []
    for f in a.findings:
        g = -1 if f.gold is None else f.gold
        if kept is not None and g >= 0 and f.task == "entities":
            g = kept[g]
        p = -1 if f.pred is None else f.pred
        flag = UNKNOWN_SPEAKER if f.unknown_speaker else 0
        findings.append([TASK_CODES[f.task], g, p, kind_bits(f.kinds), flag])
    rec: dict[str, Any] = {
        "e": [[e.start, e.end, e.label] for e in a.entities],
        "q": [_quote(q, q.speaker) for q in a.quotes],
        "f": findings,
    }
    if kept is not None:
        labels: list[str | None] = [None] * len(doc.entities)
        for i, e in zip(kept, a.gold.entities, strict=True):
            labels[i] = e.label
        if labels != [e.label for e in doc.entities]:
            rec["gl"] = labels
    if doc.id in x.failed:
        rec["fail"] = x.failed[doc.id]
    return rec


def document_record(
    doc: Document, index: int, views: Sequence[ExtractorView], meta_keys: Sequence[str],
    totals: Totals,
) -> dict[str, Any]:  # fmt: skip
    """The whole record of one document; ``totals`` are updated."""
    rec = gold_record(doc, index, meta_keys)
    rec["x"] = [extractor_record(doc, x, totals.extractors[x.label]) for x in views]
    totals.documents += 1
    totals.gold_entities += len(doc.entities)
    totals.gold_quotes += len(doc.quotes)
    for k, v in metadata_of(doc).items():
        totals.meta_values.setdefault(k, Counter())[str(v)] += 1
    return rec


__all__ = [
    "MISSED",
    "SPURIOUS",
    "ExtractorTotals",
    "Totals",
    "document_record",
    "gold_record",
    "metadata_of",
]
