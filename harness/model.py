"""Frozen, hashable data classes shared by gold annotations and predictions.

Offsets are Python ``str`` indices (Unicode code points) into the document text, end-exclusive.
The ``text`` field repeats the covered characters; it is informative and excluded from equality,
so a gold span and a predicted span with the same offsets compare equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

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

    def as_text_doc(self) -> TextDoc:
        return TextDoc(self.id, self.text)

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
