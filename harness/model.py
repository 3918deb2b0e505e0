"""Frozen, hashable data classes shared by gold annotations and predictions.

Offsets are Python ``str`` indices (Unicode code points) into the document text, end-exclusive.
The ``text`` field repeats the covered characters; it is informative and excluded from equality,
so a gold span and a predicted span with the same offsets compare equal.

The checks of offsets (:func:`span_problem`) and of whole documents (:func:`document_problems`)
are here too, so gold in every format and predictions are checked by the same code.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal, Protocol

Task = Literal["entities", "quotes", "speakers"]
TASKS: tuple[Task, ...] = ("entities", "quotes", "speakers")

QuoteType = Literal["direct", "indirect", "mixed"]
QUOTE_TYPES: tuple[QuoteType, ...] = ("direct", "indirect", "mixed")

ONTONOTES_LABELS: tuple[str, ...] = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
    "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
)  # fmt: skip
CONLL_LABELS: tuple[str, ...] = ("PER", "ORG", "LOC", "MISC")


@dataclass(frozen=True, slots=True)
class Span:
    """A plain stretch of text: a quote's cue or the mention of its speaker."""

    start: int
    end: int
    text: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class Entity:
    """A labelled entity mention."""

    start: int
    end: int
    label: str
    text: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class Quote:
    """A quote: its content span, type and attribution.

    In gold, ``speaker`` is a key of the document's speaker registry (or ``None`` when the source
    cannot be determined). In predictions it is the speaker's name as the extractor reports it
    (e.g. ``"Jane Smith"``), which the scorer normalises and compares with the gold aliases.
    """

    start: int
    end: int
    type: QuoteType = "direct"
    speaker: str | None = None
    speaker_span: Span | None = None
    cue: Span | None = None
    text: str = field(default="", compare=False)


#: A value of document metadata or of a speaker attribute (as written in the goldset).
MetaValue = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class Speaker:
    """An entry of a document's speaker registry.

    ``attributes`` are the goldset's declared speaker attributes (``gender``...), when it has
    any: ``{name: value}``; scores can be sliced by them (config ``slices: [speaker.gender]``).
    """

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    attributes: Mapping[str, MetaValue] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class TextDoc:
    """What an extractor sees: an id and a text, never the gold annotations."""

    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Document:
    """A gold document: its text, its annotations and its metadata.

    ``metadata`` holds the goldset's declared document metadata (``outlet``, ``date``,
    ``section``...): ``{key: value}``; scores can be sliced by it (config ``slices: [outlet]``).
    """

    id: str
    text: str
    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    text_path: str = ""
    text_sha256: str = ""
    metadata: Mapping[str, MetaValue] = field(default_factory=dict, hash=False)

    def with_texts(self) -> Document:
        """A copy whose spans' informative ``text`` fields hold the characters they cover."""
        t = self.text

        def span(s: Span | None) -> Span | None:
            return None if s is None else Span(s.start, s.end, t[s.start : s.end])

        return replace(
            self,
            entities=tuple(
                Entity(e.start, e.end, e.label, t[e.start : e.end]) for e in self.entities
            ),
            quotes=tuple(
                replace(
                    q, text=t[q.start : q.end], speaker_span=span(q.speaker_span), cue=span(q.cue)
                )
                for q in self.quotes
            ),
        )

    def speaker(self, speaker_id: str | None) -> Speaker | None:
        for s in self.speakers:
            if s.id == speaker_id:
                return s
        return None


@dataclass(frozen=True, slots=True)
class Prediction:
    """What an extractor returns for one document. Tasks it does not support stay empty.

    ``diagnostics`` are numbers the extractor reports about how it made this prediction (items it
    could not place in the text, tokens spent...): ``{name: number}``, excluded from equality.
    The runner sums them over the run and writes them to ``results.json`` (see
    :mod:`harness.diagnostics`); they are cached with the prediction and never scored.
    """

    doc_id: str
    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    diagnostics: Mapping[str, float] = field(default_factory=dict, compare=False)


class HasOffsets(Protocol):
    """Anything with offsets: :class:`Span`, :class:`Entity`, :class:`Quote`."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def span_problem(start: object, end: object, text: str, covered: str | None = None) -> str | None:
    """What is wrong with the span ``start..end`` of ``text``, or ``None`` when it is usable.

    The one check of offsets, for gold read in any format and for predictions, so a message reads
    the same wherever a span comes from: integers (not booleans), inside the text, end after
    start, and, when the record repeats the ``covered`` characters, the same characters.
    """
    if not (type(start) is int and type(end) is int):
        return f"offsets must be integers, got start={start!r} end={end!r}"
    if start < 0 or end > len(text):
        return f"offsets {start}..{end} outside the text (length {len(text)})"
    if end <= start:
        return f"end {end} is not after start {start} (empty or inverted span)"
    if covered is not None and covered != text[start:end]:
        return f"text {covered!r} differs from the covered characters {text[start:end]!r}"
    return None


def spans_fine(spans: Iterable[HasOffsets], text: str) -> bool:
    """Whether :func:`span_problem` finds nothing in any of ``spans`` (one quick sweep; call
    :func:`span_problem` on each to say what is wrong)."""
    n = len(text)
    return all(
        type(s.start) is int and type(s.end) is int and 0 <= s.start < s.end <= n for s in spans
    )


def document_problems(doc: Document, labels: set[str] | None) -> list[str]:
    """What is wrong with a document a format read: the types of its fields, spans, labels
    (when ``labels`` is given), nested entities, quote types, quote speakers missing from the
    registry."""
    wrong = list(_type_problems(doc))
    if wrong:
        return wrong
    return [*_entity_problems(doc, labels), *_quote_problems(doc)]


def _text_problem(value: object, what: str, empty: bool = True) -> str | None:
    """What is wrong with ``value`` as a string field (``what``): not a string, empty (unless
    ``empty``), or holding an unpaired surrogate (no UTF-8 text can)."""
    if not isinstance(value, str):
        return f"{what} should be a string, got {type(value).__name__} {_short(value)}"
    if not empty and not value:
        return f"{what} is empty"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"{what} holds an unpaired surrogate at character {exc.start} (not Unicode text)"
    return None


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_problems(doc: Document) -> Iterator[str]:
    """Fields of the wrong type (a format's bug, or input it did not check): a label given as a
    list, a speaker given as a number... The other checks need the right types."""
    yield from _fields(
        (doc.id, "id", False), (doc.text, "text", True), (doc.text_path, "text_path", True),
        (doc.text_sha256, "text_sha256", True),
    )  # fmt: skip
    for kind, items, cls in (
        ("entities", doc.entities, Entity),
        ("quotes", doc.quotes, Quote),
        ("speakers", doc.speakers, Speaker),
    ):
        if not isinstance(items, tuple):
            yield f"{kind} should be a tuple, got {type(items).__name__}"
            continue
        for i, item in enumerate(items):
            if not isinstance(item, cls):
                yield f"{kind}[{i}] should be a {cls.__name__}, got {type(item).__name__}"
            else:
                yield from _item_fields(item, f"{kind}[{i}]")


def _item_fields(item: Entity | Quote | Speaker, where: str) -> Iterator[str]:
    if isinstance(item, Entity):
        yield from _fields((item.label, f"{where}.label", False))
    elif isinstance(item, Quote):
        yield from _fields((item.type, f"{where}.type", False))
        if item.speaker is not None:
            yield from _fields((item.speaker, f"{where}.speaker", False))
        for part in ("speaker_span", "cue"):
            span = getattr(item, part)
            if span is not None and not isinstance(span, Span):
                yield f"{where}.{part} should be a Span or None, got {type(span).__name__}"
    else:
        yield from _fields(
            (item.id, f"{where}.id", False), (item.name, f"{where}.name", True),
            (item.type, f"{where}.type", True),
        )  # fmt: skip
        if not isinstance(item.aliases, tuple):
            yield f"{where}.aliases should be a tuple of strings"
        else:
            yield from _fields(*((a, f"{where}.aliases", True) for a in item.aliases))


def _fields(*fields: tuple[object, str, bool]) -> Iterator[str]:
    for value, what, empty in fields:
        problem = _text_problem(value, what, empty)
        if problem is not None:
            yield problem


def _entity_problems(doc: Document, labels: set[str] | None) -> Iterator[str]:
    prev: Entity | None = None
    for e in sorted(doc.entities, key=lambda e: (e.start, e.end)):
        problem = span_problem(e.start, e.end, doc.text)
        if problem is not None:
            yield f"entity {e.label}: {problem}"
            continue
        if labels is not None and e.label not in labels:
            yield f"entity {e.label} {e.start}..{e.end}: unknown label"
        if prev is not None and e.start < prev.end:
            yield (
                f"entity {e.label} {e.start}..{e.end} overlaps {prev.label} "
                f"{prev.start}..{prev.end}; nested entities are not allowed"
            )
        prev = e


def _quote_problems(doc: Document) -> Iterator[str]:
    ids = {s.id for s in doc.speakers}
    for q in doc.quotes:
        name = f"quote {q.start}..{q.end}"
        for part, span in (
            (name, q),
            (f"{name} speaker_span", q.speaker_span),
            (f"{name} cue", q.cue),
        ):
            problem = None if span is None else span_problem(span.start, span.end, doc.text)
            if problem is not None:
                yield f"{part}: {problem}"
        if q.type not in QUOTE_TYPES:
            yield f"{name}: unknown type {q.type!r}"
        if q.speaker is not None and q.speaker not in ids:
            yield f"{name}: speaker {q.speaker!r} not registered"
