"""Inter-annotator agreement: two annotations of the same texts scored with the scorers of ``eval``.

Annotation B is scored as if it were a prediction against annotation A (B's speaker ids become
their registry names, as an extractor would name them), and then the other way round. The exact
scores (entity strict/exact F1, quote exact F1) are symmetric; overlap@t and the speaker scores
depend on which annotation is the reference, so both directions and their mean are reported.
Only documents with the same id and the same text in both are compared; the others are listed.

Besides the scores, every disagreement is listed: an entity or quote only one annotator marked,
the same stretch with other boundaries, another label, another quote type or another speaker.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .model import Document, Prediction, Quote
from .scoring import Counts, count_document, summarise
from .scoring.entities import match_entities
from .scoring.quotes import match_quotes, trim_span
from .scoring.speakers import speaker_is_right

TASKS = ("entities", "quotes", "speakers")
#: The scores shown per document and in the summary table.
HEADLINE = (
    "entities.strict.micro.f1",
    "entities.exact.micro.f1",
    "quotes.exact.f1",
    "quotes.overlap@0.3.f1",
    "quotes.overlap@0.8.f1",
    "speakers.accuracy",
    "attribution.f1",
)


@dataclass(frozen=True)
class Disagreement:
    """One place where the two annotations differ."""

    document: str
    task: str
    #: ``only A``, ``only B``, ``boundaries``, ``label``, ``type`` or ``speaker``.
    kind: str
    start: int
    end: int
    a: str
    b: str


@dataclass
class Agreement:
    a: str
    b: str
    documents: list[str]
    only_a: list[str]
    only_b: list[str]
    different_text: list[str]
    #: Scores with A as the reference, with B as the reference, and their mean.
    a_ref: dict[str, float] = field(default_factory=dict)
    b_ref: dict[str, float] = field(default_factory=dict)
    mean: dict[str, float] = field(default_factory=dict)
    per_document: dict[str, dict[str, float]] = field(default_factory=dict)
    disagreements: list[Disagreement] = field(default_factory=list)
    #: Per-document counts with A, and with B, as the reference (to pool several pairs).
    counts_a: list[Counts] = field(default_factory=list, repr=False)
    counts_b: list[Counts] = field(default_factory=list, repr=False)
    labels: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "a": self.a,
            "b": self.b,
            "documents": self.documents,
            "only_a": self.only_a,
            "only_b": self.only_b,
            "different_text": self.different_text,
            "scores": {"a_reference": self.a_ref, "b_reference": self.b_ref, "mean": self.mean},
            "per_document": self.per_document,
            "disagreements": [d.__dict__ for d in self.disagreements],
        }


def as_prediction_quote(doc: Document, q: Quote) -> Quote:
    """A quote of an annotation as an extractor would give it: its speaker by name."""
    s = doc.speaker(q.speaker)
    name = s.name if s is not None else q.speaker
    return Quote(q.start, q.end, q.type, name, q.speaker_span, q.cue, q.text)


def as_prediction(doc: Document) -> Prediction:
    """An annotation as a prediction: speaker ids become the names an extractor would give."""
    return Prediction(doc.id, doc.entities, tuple(as_prediction_quote(doc, q) for q in doc.quotes))


def _labels(docs: Iterable[Document]) -> list[str]:
    return sorted({e.label for d in docs for e in d.entities})


def _counts(ref: Sequence[Document], other: Sequence[Document], labels: list[str]) -> list[Counts]:
    return [
        count_document(r, as_prediction(o), TASKS, labels) for r, o in zip(ref, other, strict=True)
    ]


def _mean(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    return {k: (a[k] + b[k]) / 2 for k in a if k in b}


def agreement(
    a_name: str, a_docs: Iterable[Document], b_name: str, b_docs: Iterable[Document]
) -> Agreement:
    """Agreement of annotation B with annotation A on the documents they share."""
    a_by = {d.id: d for d in a_docs}
    b_by = {d.id: d for d in b_docs}
    shared = [i for i in a_by if i in b_by]
    same = [i for i in shared if a_by[i].text == b_by[i].text]
    result = Agreement(
        a_name, b_name, same,
        only_a=sorted(set(a_by) - set(b_by)), only_b=sorted(set(b_by) - set(a_by)),
        different_text=sorted(set(shared) - set(same)),
    )  # fmt: skip
    a_list, b_list = [a_by[i] for i in same], [b_by[i] for i in same]
    labels = result.labels = _labels(a_list + b_list)
    a_counts = result.counts_a = _counts(a_list, b_list, labels)
    b_counts = result.counts_b = _counts(b_list, a_list, labels)
    if same:
        result.a_ref = summarise(a_counts, labels)
        result.b_ref = summarise(b_counts, labels)
        result.mean = _mean(result.a_ref, result.b_ref)
    for i, ca, cb in zip(same, a_counts, b_counts, strict=True):
        mean = _mean(summarise([ca], labels), summarise([cb], labels))
        result.per_document[i] = {k: mean[k] for k in HEADLINE if k in mean}
        result.disagreements.extend(disagreements(a_by[i], b_by[i]))
    return result


# ---- the disagreement list -----------------------------------------------------------------


def _entity_disagreements(a: Document, b: Document) -> Iterable[Disagreement]:
    pairs = match_entities(a.entities, b.entities)["partial"]
    seen_a = {(e.start, e.end, e.label) for e, _, _ in pairs}
    seen_b = {(e.start, e.end, e.label) for _, e, _ in pairs}
    for ea, eb, _ in pairs:
        if (ea.start, ea.end) != (eb.start, eb.end):
            yield Disagreement(
                a.id,
                "entities",
                "boundaries",
                min(ea.start, eb.start),
                max(ea.end, eb.end),
                f"{ea.label} {ea.text!r}",
                f"{eb.label} {eb.text!r}",
            )
        elif ea.label != eb.label:
            yield Disagreement(a.id, "entities", "label", ea.start, ea.end, ea.label, eb.label)
    for e in a.entities:
        if (e.start, e.end, e.label) not in seen_a:
            yield Disagreement(
                a.id, "entities", "only A", e.start, e.end, f"{e.label} {e.text!r}", ""
            )
    for e in b.entities:
        if (e.start, e.end, e.label) not in seen_b:
            yield Disagreement(
                a.id, "entities", "only B", e.start, e.end, "", f"{e.label} {e.text!r}"
            )


def _describe(doc: Document, q: Quote) -> str:
    s = doc.speaker(q.speaker)
    who = s.name if s is not None else (q.speaker or "no speaker")
    text = q.text if len(q.text) <= 60 else q.text[:57] + "..."
    return f"{q.type} {text!r} ({who})"


def _quote_pair(a: Document, b: Document, qa: Quote, qb: Quote) -> Iterable[Disagreement]:
    lo, hi = min(qa.start, qb.start), max(qa.end, qb.end)
    if trim_span(a.text, qa.start, qa.end) != trim_span(a.text, qb.start, qb.end):
        yield Disagreement(a.id, "quotes", "boundaries", lo, hi, _describe(a, qa), _describe(b, qb))
    elif qa.type != qb.type:
        yield Disagreement(a.id, "quotes", "type", lo, hi, qa.type, qb.type)
    if qa.speaker is not None and not speaker_is_right(a, qa, as_prediction_quote(b, qb)):
        yield Disagreement(a.id, "speakers", "speaker", lo, hi, _describe(a, qa), _describe(b, qb))


def _quote_disagreements(a: Document, b: Document) -> Iterable[Disagreement]:
    pairs = match_quotes(a.text, a.quotes, b.quotes)["overlap@0.3"]
    for qa, qb in pairs:
        yield from _quote_pair(a, b, qa, qb)
    matched_a = {(q.start, q.end) for q, _ in pairs}
    matched_b = {(q.start, q.end) for _, q in pairs}
    for q in a.quotes:
        if (q.start, q.end) not in matched_a:
            yield Disagreement(a.id, "quotes", "only A", q.start, q.end, _describe(a, q), "")
    for q in b.quotes:
        if (q.start, q.end) not in matched_b:
            yield Disagreement(a.id, "quotes", "only B", q.start, q.end, "", _describe(b, q))


def disagreements(a: Document, b: Document) -> list[Disagreement]:
    """Every difference between two annotations of one text, in text order."""
    found = [*_entity_disagreements(a, b), *_quote_disagreements(a, b)]
    return sorted(found, key=lambda d: (d.start, d.end, d.task, d.kind))


def pooled(results: Sequence[Agreement]) -> dict[str, float]:
    """Agreement over several pairs at once: the counts of every pair and document summed, in
    both directions, then the mean of the two directions."""
    labels = sorted({lab for r in results for lab in r.labels})
    counts_a = [c for r in results for c in r.counts_a]
    counts_b = [c for r in results for c in r.counts_b]
    if not counts_a:
        return {}
    return _mean(summarise(counts_a, labels), summarise(counts_b, labels))
