"""Conventions that turn an annotated content span into quotes of the gold format.

Corpora annotated in another tradition (PARC/PolNeAR attribution in brat, Label Studio projects)
mark a content the way their own guidelines say. ``goldsets/GUIDELINES.md``, section "Converting
other corpora" (rules C1-C9), says how such a span becomes quotes; this module implements those
rules, and every function returns what it changed so the reader can report it
(:mod:`harness.formats.conversion`).

- :func:`pieces` (C1-C3): fragments sorted; joined across gaps of whitespace and punctuation;
  split where words (the attribution) or a line break lie between them, and at line breaks.
- :func:`shape` (C4-C7): the quote type from the quotation marks; a direct quote loses its outer
  marks; an indirect or mixed one loses a leading complementiser "that" and a sentence-final
  full stop; whitespace at both ends goes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from .quotemarks import Mark, has_quotation, is_mark, matching_close, scan

Interval = tuple[int, int]

#: Words after a leading "that" which show it is a pronoun (the subject: "that is wrong",
#: "that would end ..."), not a complementiser.
VERB_AFTER_THAT = frozenset(
    "is was 's ’s are were be been being has had have does did do would will could can "
    "may might must should shall seems seemed means meant makes made".split()
)
_THAT = re.compile(r"that(?:\s*[,—–-])?\s+", re.IGNORECASE)
_NEXT_WORD = re.compile(r"[\"“”‘'«„]*([\w’']+)")
TRAILING_PUNCT = ".,;:!?"


@dataclass(frozen=True)
class Piece:
    """One quote-to-be cut from a content: its span and the changes that made it."""

    start: int
    end: int
    #: ``(action, reason)`` pairs, e.g. ``("split", "words between fragments")``.
    changes: tuple[tuple[str, str], ...] = ()


def _gap_kind(text: str, a: int, b: int) -> str | None:
    """How two fragments relate: ``None`` to join, else the reason to split."""
    gap = text[a:b]
    if "\n" in gap:
        return "line break between fragments"
    if any(ch.isalnum() for ch in gap):
        return "words between fragments (a quote interrupted by its attribution)"
    return None


def _runs(text: str, fragments: list[Interval]) -> list[tuple[list[Interval], str | None]]:
    """Consecutive fragments joined into runs; each run with the reason it was split off."""
    runs: list[tuple[list[Interval], str | None]] = [([fragments[0]], None)]
    for (_, end), frag in pairwise(fragments):
        reason = _gap_kind(text, end, frag[0]) if frag[0] > end else None
        if reason is None:
            runs[-1][0].append(frag)
        else:
            runs.append(([frag], reason))
    return runs


def _lines(text: str, start: int, end: int) -> list[Interval]:
    """``[start, end)`` cut at line breaks, whitespace trimmed, empty parts left out."""
    out = []
    for m in re.finditer(r"[^\n]+", text[start:end]):
        s, e = start + m.start(), start + m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def pieces(text: str, fragments: list[Interval]) -> list[Piece]:
    """The quotes a content with these fragments (in any order) becomes, before shaping (C1-C3)."""
    ordered = sorted(fragments)
    base: list[tuple[str, str]] = []
    if ordered != list(fragments):
        base.append(("repaired", "fragments sorted into text order"))
    out: list[Piece] = []
    for run, split_reason in _runs(text, ordered):
        changes = list(base)
        if len(run) > 1:
            changes.append(("merged", "fragments joined across whitespace or punctuation"))
        if split_reason is not None:
            changes.append(("split", split_reason))
        start, end = run[0][0], max(e for _, e in run)
        if text[start].isspace() or text[end - 1].isspace():
            changes.append(("repaired", "whitespace at the ends left out"))
        lines = _lines(text, start, end)
        for i, (s, e) in enumerate(lines):
            extra = [("split", "one quote per paragraph")] if len(lines) > 1 and i > 0 else []
            out.append(Piece(s, e, (*changes, *extra)))
    return out


@dataclass(frozen=True)
class Shaped:
    start: int
    end: int
    type: str
    changes: tuple[tuple[str, str], ...] = ()


def quote_type(text: str, start: int, end: int) -> str:
    """``direct``, ``mixed`` or ``indirect`` from the quotation marks (C4)."""
    marks = scan(text, start, end)
    if is_mark(text, start - 1) and is_mark(text, end) and all(m.kind != "double" for m in marks):
        return "direct"  # the marks are just outside the span
    if not marks:
        return "indirect"
    first = marks[0]
    if first.pos == start and first.role == "open":
        close = matching_close(marks)
        if close is None or _only_punctuation(text, close.pos + close.length, end):
            return "direct"  # closed at the end, or a paragraph that opens and does not close
    elif _opened_outside(text, start, marks) and _only_punctuation(text, first.pos + 1, end):
        return "direct"  # the opening mark just before the span, the closing one ends it
    return "mixed" if has_quotation(marks) else "indirect"


def _only_punctuation(text: str, start: int, end: int) -> bool:
    return all(ch in TRAILING_PUNCT or ch.isspace() for ch in text[start:end])


def _opened_outside(text: str, start: int, marks: list[Mark]) -> bool:
    """Whether the span starts right after an opening double mark that its first mark closes."""
    first = marks[0]
    before = scan(text, start - 1, start)
    return (
        first.kind == "double"
        and first.role == "close"
        and len(before) == 1
        and before[0].role == "open"
    )


def _trim_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """A direct quote without its outer marks (and punctuation after the closing one)."""
    marks = scan(text, start, end)
    if marks and _opened_outside(text, start, marks):
        s, e = start, marks[0].pos
    elif not marks or marks[0].pos != start:
        return start, end
    else:
        close = matching_close(marks)
        s = start + marks[0].length
        e = close.pos if close is not None else end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _drop_that(text: str, start: int, end: int) -> int:
    """Start after a leading complementiser "that" (C6), or ``start``."""
    m = _THAT.match(text, start, end)
    if m is None:
        return start
    nxt = _NEXT_WORD.match(text, m.end(), end)
    word = nxt.group(1).lower() if nxt is not None else ""
    if not word or word in VERB_AFTER_THAT:
        return start
    return m.end()


def _drop_full_stop(text: str, start: int, end: int) -> int:
    """End before a sentence-final full stop (C7); an abbreviation keeps its point."""
    if end - start < 2 or text[end - 1] != ".":
        return end
    last = text[start : end - 1].split()[-1:] or [""]
    if "." in last[0] or len(last[0]) == 1:
        return end  # U.S., a.m., an initial, an ellipsis
    e = end - 1
    while e > start and text[e - 1].isspace():
        e -= 1
    return e


def shape(text: str, start: int, end: int, given: str | None = None) -> Shaped:
    """The quote type and span of a piece under C4-C7 (``given``: a type the source states)."""
    qtype = given or quote_type(text, start, end)
    changes: list[tuple[str, str]] = []
    s, e = start, end
    if qtype == "direct":
        s, e = _trim_marks(text, s, e)
        if (s, e) != (start, end):
            changes.append(("repaired", "quotation marks of a direct quote left out"))
    else:
        s = _drop_that(text, s, e)
        if s != start:
            changes.append(("repaired", "complementiser 'that' left out"))
        e2 = _drop_full_stop(text, s, e)
        if e2 != e:
            changes.append(("repaired", "sentence-final full stop left out"))
        e = e2
    return Shaped(s, e, qtype, tuple(changes))
