"""Long documents in overlapping chunks, and the merging of what the chunks found.

A document longer than ``max_chars`` is cut into windows of at most ``max_chars`` characters
that overlap by about ``overlap`` characters. Each cut is moved back to the last paragraph break,
else the last sentence end, else the last space in the final fifth of the window, so a chunk
rarely splits a sentence; the next chunk starts ``overlap`` characters before the cut, moved
forward to the start of a sentence or word. Strings are aligned within their chunk and offsets
shifted by the chunk's start; items found twice in the overlap are merged afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

_PARAGRAPH = re.compile(r"\n\s*")
_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*\s+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Chunk:
    start: int
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def _last_break(text: str, lo: int, hi: int) -> int | None:
    """The end of the last paragraph break, sentence end or space in ``text[lo:hi]``."""
    for pattern in (_PARAGRAPH, _SENTENCE, _SPACE):
        ends = [m.end() for m in pattern.finditer(text, lo, hi)]
        if ends:
            return ends[-1]
    return None


def _next_start(text: str, lo: int, hi: int) -> int:
    """The first sentence or word start in ``text[lo:hi]`` (``lo`` when there is none)."""
    for pattern in (_SENTENCE, _SPACE):
        m = pattern.search(text, lo, hi)
        if m:
            return m.end()
    return lo


def split(text: str, max_chars: int, overlap: int) -> list[Chunk]:
    """``text`` as chunks of at most ``max_chars`` characters overlapping by about ``overlap``."""
    if len(text) <= max_chars:
        return [Chunk(0, text)]
    chunks: list[Chunk] = []
    start = 0
    while True:
        hard = start + max_chars
        if hard >= len(text):
            chunks.append(Chunk(start, text[start:]))
            return chunks
        cut = _last_break(text, start + max_chars * 4 // 5, hard) or hard
        chunks.append(Chunk(start, text[start:cut]))
        lo = max(start + 1, cut - overlap)
        start = _next_start(text, lo, cut) if lo < cut else cut
        start = min(max(start, lo), cut)


T = TypeVar("T")


def merge_overlapping(
    items: Sequence[tuple[int, T]],
    span: Callable[[T], tuple[int, int]],
    same_kind: Callable[[T, T], bool],
    combine: Callable[[T, T], T] = lambda a, b: a,
) -> tuple[list[T], int]:
    """Merge items found by different chunks that overlap and are of the same kind (the longer
    one is kept, ``combine(kept, other)`` may take details from the other), and identical
    spans of the same kind wherever they come from; other overlaps within one chunk are kept.
    ``items`` are ``(chunk index, item)``; returns the items in text order and how many were
    merged away. ``combine`` keeps the span of its first argument (the longer item)."""
    # (start, end, chunk, item), each span computed once
    ordered = sorted(
        ((*span(item), chunk, item) for chunk, item in items), key=lambda t: (t[0], -t[1], t[2])
    )
    kept: list[tuple[int, int, int, T]] = []  # a merged item keeps the longer one's span
    active: list[int] = []  # indexes into ``kept`` of items that may still overlap (sweep)
    merged = 0
    for s, e, chunk, item in ordered:
        active = [k for k in active if kept[k][1] > s]
        for k in active:
            os_, oe, other_chunk, other = kept[k]
            overlapping = other_chunk != chunk and min(e, oe) > max(s, os_)
            if (overlapping or (s, e) == (os_, oe)) and same_kind(item, other):
                if e - s > oe - os_:
                    kept[k] = (s, e, chunk, combine(item, other))
                else:
                    kept[k] = (os_, oe, other_chunk, combine(other, item))
                merged += 1
                break
        else:
            active.append(len(kept))
            kept.append((s, e, chunk, item))
    kept.sort(key=lambda t: (t[0], t[1], t[2]))
    return [t[3] for t in kept], merged
