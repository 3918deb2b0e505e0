"""From a model's checked JSON answers to entities and quotes with offsets, counting everything.

Every string the model generated that should be in the text (an entity, a quote, a cue, a
speaker mention) is *generated*; it is then aligned at one of the levels of
:mod:`harness_llm.align` or counted as *unaligned*. Items with a label outside the configured
set, an unknown quote type or an empty text are *rejected*. Entities and quotes of one chunk
keep the model's order (the cursor for repeated strings); chunks are merged by
:func:`harness_llm.chunking.merge_overlapping`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from harness.model import QUOTE_TYPES, Entity, Quote, Span

from .align import Aligner, Match, trim
from .chunking import Chunk, merge_overlapping

log = logging.getLogger("harness_llm")


#: The diagnostics every document reports (0 when nothing happened), in this order.
DIAGNOSTICS = (
    "chunks", "generated", "aligned_exact", "aligned_normalised", "aligned_fuzzy", "unaligned",
    "rejected", "merged", "requests", "retries", "failed_requests", "cached_responses",
    "prompt_tokens", "completion_tokens", "cached_prompt_tokens", "cached_completion_tokens",
)  # fmt: skip


class Tally(Counter[str]):
    """The diagnostics of one document as they are counted (see :data:`DIAGNOSTICS`)."""

    def __init__(self) -> None:
        super().__init__(dict.fromkeys(DIAGNOSTICS, 0))

    def as_dict(self) -> dict[str, float]:
        return {k: self[k] for k in DIAGNOSTICS}

    def aligned(self, found: Match | None, what: str, text: str) -> Match | None:
        self["generated"] += 1
        if found is None:
            self["unaligned"] += 1
            log.debug("unaligned %s: %r", what, text[:120])
        else:
            self[f"aligned_{found.level}"] += 1
        return found


def _string(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _in_order(
    items: Iterable[Mapping[str, Any]],
    valid: Callable[[Mapping[str, Any]], bool],
    aligner: Aligner,
    what: str,
    tally: Tally,
) -> Iterator[tuple[Mapping[str, Any], Match]]:
    """The items whose ``text`` is found, with where: each after the previous one (the model
    lists them in document order), never on an occurrence already taken. Invalid items are
    rejected, unfound ones counted as unaligned (:meth:`Tally.aligned`)."""
    taken: set[tuple[int, int]] = set()
    cursor = 0
    for item in items:
        text = _string(item.get("text"))
        if not text or not valid(item):
            tally["rejected"] += 1
            continue
        found = tally.aligned(aligner.find(text, after=cursor, taken=taken), what, text)
        if found is not None:
            taken.add((found.start, found.end))
            cursor = found.end
            yield item, found


def entities_of(
    answer: Mapping[str, Any], chunk: Chunk, aligner: Aligner, labels: Sequence[str], tally: Tally
) -> list[Entity]:
    """The entities of one chunk's answer, offsets in the document."""
    return [
        Entity(
            m.start + chunk.start, m.end + chunk.start, item["label"], chunk.text[m.start : m.end]
        )
        for item, m in _in_order(
            answer["entities"], lambda i: i.get("label") in labels, aligner, "entity", tally
        )
    ]


def _part(
    aligner: Aligner, text: str, near: tuple[int, int], what: str, tally: Tally
) -> Span | None:
    if not text:
        return None
    found = tally.aligned(aligner.find(text, near=near), what, text)
    if found is None:
        return None
    return Span(found.start, found.end, aligner.text[found.start : found.end])


def _shift(span: Span | None, by: int) -> Span | None:
    return None if span is None else Span(span.start + by, span.end + by, span.text)


def quotes_of(
    answer: Mapping[str, Any], chunk: Chunk, aligner: Aligner, tally: Tally
) -> list[Quote]:
    """The quotes of one chunk's answer with their cues and speaker mentions, offsets in the
    chunk (:func:`shift_quotes` moves them into the document)."""
    out: list[Quote] = []
    valid = lambda i: i.get("type") in QUOTE_TYPES  # noqa: E731
    for item, found in _in_order(answer["quotes"], valid, aligner, "quote", tally):
        s, e = trim(chunk.text, found.start, found.end)
        cue = _part(aligner, _string(item.get("cue")), (s, e), "cue", tally)
        near = (cue.start, cue.end) if cue else (s, e)
        mention = _part(aligner, _string(item.get("speaker_mention")), near, "speaker", tally)
        speaker = _string(item.get("speaker")) or None
        out.append(Quote(s, e, item["type"], speaker, mention, cue, chunk.text[s:e]))
    return out


def with_speakers(
    quotes: list[Quote], answer: Mapping[str, Any], aligner: Aligner, tally: Tally
) -> list[Quote]:
    """``quotes`` (of one chunk, numbered from 1) with the speakers of the speaker pass."""
    out = list(quotes)
    for item in answer["speakers"]:
        n = item.get("quote")
        if not isinstance(n, int) or not 1 <= n <= len(out):
            tally["rejected"] += 1
            continue
        q = out[n - 1]
        near = (q.cue.start, q.cue.end) if q.cue else (q.start, q.end)
        mention = _part(aligner, _string(item.get("speaker_mention")), near, "speaker", tally)
        out[n - 1] = replace(q, speaker=_string(item.get("speaker")) or None, speaker_span=mention)
    return out


def shift_quotes(quotes: list[Quote], chunk: Chunk) -> list[Quote]:
    by = chunk.start
    if not by:
        return quotes
    return [
        Quote(
            q.start + by,
            q.end + by,
            q.type,
            q.speaker,
            _shift(q.speaker_span, by),
            _shift(q.cue, by),
            q.text,
        )
        for q in quotes
    ]


def numbered(quotes: Sequence[Quote]) -> str:
    """The quotes as the speakers prompt lists them (``{quotes}``)."""
    return "\n".join(f"{i}. {q.text}" for i, q in enumerate(quotes, 1)) or "(none)"


def _fill(kept: Quote, other: Quote) -> Quote:
    return replace(
        kept,
        speaker=kept.speaker or other.speaker,
        speaker_span=kept.speaker_span or other.speaker_span,
        cue=kept.cue or other.cue,
    )


def merge_chunks(
    entities: Sequence[tuple[int, Entity]], quotes: Sequence[tuple[int, Quote]], tally: Tally
) -> tuple[tuple[Entity, ...], tuple[Quote, ...]]:
    """One document's entities and quotes from its chunks' (chunk index, item) pairs."""
    ents, n_e = merge_overlapping(
        entities, lambda e: (e.start, e.end), lambda a, b: a.label == b.label
    )
    quots, n_q = merge_overlapping(quotes, lambda q: (q.start, q.end), lambda a, b: True, _fill)
    if n_e + n_q:
        tally["merged"] += n_e + n_q
    return tuple(ents), tuple(quots)
