"""Long texts in pieces, so that the ``spacy`` extractor takes time and memory in proportion to
a document's length.

spaCy refuses a text longer than ``nlp.max_length`` (1,000,000 characters by default) because its
memory grows with the text, and the quote rules of :mod:`harness_spacy.quotes` compare the quotes
of a document with each other. A text longer than :data:`CHUNK_CHARS` is therefore parsed and
read in pieces of at most that many characters, cut at a paragraph (line) break, else at a
sentence end, else at a space, never before half of the piece; the predictions of each piece are
moved to the offsets of the whole text, so they are exact. Pieces are parsed a few at a time
(:func:`batches`: at most :data:`BATCH_CHARS` characters per ``nlp.pipe`` batch), so memory stays
bounded too. A pronoun or a description at the
start of a piece is resolved among the names of its own piece.

Texts up to :data:`CHUNK_CHARS` are read whole: every document of the seeds, CoNLL++ and PolNeAR
is (34,000 characters at most), so pieces change no score there.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from harness.model import Entity, Quote, Span

#: The longest text read in one piece (characters).
CHUNK_CHARS = 100_000
#: The most characters parsed in one ``nlp.pipe`` batch (spaCy's memory grows with them: about
#: 250 MB per 100,000 characters with ``en_core_web_sm``): a batch of ``batch_size`` documents
#: is cut short when it would exceed this (a batch of ordinary news documents never does).
BATCH_CHARS = 200_000

#: Where a piece may end, best first: after a line break, after a sentence end, after a space.
_CUTS: tuple[tuple[str, ...], ...] = (("\n",), (". ", "? ", "! ", ".” ", "?” ", "!” "), (" ", "\t"))


def pieces(text: str, size: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of the pieces of ``text``: one piece when it is at most ``size``
    (default :data:`CHUNK_CHARS`) characters long, else pieces of ``size // 2`` to ``size``
    characters (the last one shorter) that cover it exactly, in order."""
    size = size or CHUNK_CHARS
    out: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while n - start > size:
        end = _cut(text, start, start + size)
        out.append((start, end))
        start = end
    out.append((start, n))
    return out


def batches(lengths: Sequence[int], size: int, chars: int | None = None) -> Iterator[range]:
    """Consecutive index ranges of at most ``size`` texts and at most ``chars`` characters
    (default :data:`BATCH_CHARS`; a text longer than that is a batch of its own)."""
    chars = chars or BATCH_CHARS
    start, total = 0, 0
    for i, n in enumerate(lengths):
        if i > start and (i - start >= size or total + n > chars):
            yield range(start, i)
            start, total = i, 0
        total += n
    if start < len(lengths):
        yield range(start, len(lengths))


def _cut(text: str, start: int, limit: int) -> int:
    """The end of the piece that starts at ``start``: right after the last separator of the
    best kind in the second half of ``text[start:limit]``, else at ``limit``."""
    half = start + (limit - start) // 2
    for separators in _CUTS:
        found = max(text.rfind(sep, half, limit) for sep in separators)
        if found >= 0:
            sep = max((s for s in separators if text.startswith(s, found)), key=len, default=" ")
            return min(found + len(sep), limit)
    return limit


def shifted_entities(entities: Iterable[Entity], offset: int) -> list[Entity]:
    """``entities`` of a piece at the offsets of the whole text."""
    return [Entity(e.start + offset, e.end + offset, e.label, e.text) for e in entities]


def shifted_quotes(quotes: Iterable[Quote], offset: int) -> list[Quote]:
    """``quotes`` of a piece (their speaker mentions and cues too) at the whole text's offsets."""
    return [_shifted_quote(q, offset) for q in quotes]


def _shifted_quote(q: Quote, offset: int) -> Quote:
    speaker_span, cue = _shifted(q.speaker_span, offset), _shifted(q.cue, offset)
    return Quote(q.start + offset, q.end + offset, q.type, q.speaker, speaker_span, cue, q.text)


def _shifted(span: Span | None, offset: int) -> Span | None:
    return None if span is None else Span(span.start + offset, span.end + offset, span.text)
