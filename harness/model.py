"""Frozen, hashable data classes shared by gold annotations and predictions.

Offsets are Python ``str`` indices (Unicode code points) into the document text, end-exclusive.
The ``text`` field repeats the covered characters; it is informative and excluded from equality,
so a gold span and a predicted span with the same offsets compare equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
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


@dataclass(frozen=True, slots=True)
class Speaker:
    """An entry of a document's speaker registry."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TextDoc:
    """What an extractor sees: an id and a text, never the gold annotations."""

    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Document:
    """A gold document: its text and its annotations."""

    id: str
    text: str
    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    text_path: str = ""
    text_sha256: str = ""

    def speaker(self, speaker_id: str | None) -> Speaker | None:
        for s in self.speakers:
            if s.id == speaker_id:
                return s
        return None


@dataclass(frozen=True, slots=True)
class Prediction:
    """What an extractor returns for one document. Tasks it does not support stay empty."""

    doc_id: str
    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()


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
