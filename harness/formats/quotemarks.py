"""Quotation marks in running text: which characters open or close a quotation.

English news uses curly double marks (“ ”), straight double marks ("), two apostrophes for a
double mark (the New York Times archive: ''like this''), guillemets, and single marks (‘ ’ or ')
for quotes inside quotes. A single mark is also an apostrophe (don’t, O’Malley, voters’, ’90s), so
single marks count only when they pair up and are not inside a word.

:func:`scan` lists the marks of a stretch of text with what each does (open, close, or toggle for
the straight marks, whose direction depends on the marks before them). The quote-type decisions
of the conversion conventions (:mod:`harness.formats.conventions`) are built on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["open", "close"]

#: Double marks: character -> role (``None``: straight mark, direction from context).
DOUBLE: dict[str, Role | None] = {"“": "open", "„": "open", "«": "open", "”": "close", "»": "close"}
SINGLE_OPEN = "‘‹"
SINGLE_CLOSE = "’›"


@dataclass(frozen=True)
class Mark:
    """A quotation mark at ``pos`` (``length`` 2 for two apostrophes), of ``kind`` double or
    single, opening or closing a quotation."""

    pos: int
    length: int
    kind: Literal["double", "single"]
    role: Role


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _single_role(text: str, i: int, open_single: bool) -> Role | None:
    """Role of a single mark at ``i`` (``‘ ’ ‹ › '``), or ``None`` when it is an apostrophe."""
    ch = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if _is_word(before) and _is_word(after):
        return None  # don’t, O’Malley
    if ch in SINGLE_OPEN or (ch == "'" and not _is_word(before)):
        # ‘90s and '90s are elisions; an opening mark is followed by the quoted words
        if after.isdigit() or after.isspace():
            return None
        return "open"
    # ’ or ' after a word or punctuation: a closing mark only when a quotation is open,
    # otherwise a plural possessive (voters’) or an elision (goin’)
    return "close" if open_single else None


def _curly_role(text: str, i: int) -> Role | None:
    """The role of a curly double mark (``None`` for a straight one). A mark typed the wrong
    way round is read by its place: ” between a space (or the start) and a word opens, “ between
    a word and a space (or the end) closes."""
    role = DOUBLE.get(text[i])
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if role == "close" and before.isspace() and _is_word(after):
        return "open"
    if role == "open" and _is_word(before) and (after.isspace() or after in ".,;:!?"):
        return "close"
    return role


def scan(text: str, start: int = 0, end: int | None = None) -> list[Mark]:
    """The quotation marks in ``text[start:end]``, left to right, with their roles."""
    end = len(text) if end is None else end
    marks: list[Mark] = []
    open_double = open_single = False
    i = start
    while i < end:
        ch = text[i]
        if ch == "'" and i + 1 < end and text[i + 1] == "'":
            role: Role | None = "close" if open_double else "open"
            marks.append(Mark(i, 2, "double", role))
            open_double = role == "open"
            i += 2
            continue
        if ch == '"' or ch in DOUBLE:
            role = _curly_role(text, i) or ("close" if open_double else "open")
            marks.append(Mark(i, 1, "double", role))
            open_double = role == "open"
        elif ch in SINGLE_OPEN or ch in SINGLE_CLOSE or ch == "'":
            role = _single_role(text, i, open_single)
            if role is not None:
                marks.append(Mark(i, 1, "single", role))
                open_single = role == "open"
        i += 1
    return marks


def is_mark(text: str, i: int) -> bool:
    """Whether the character at ``i`` is a double quotation mark or a quote-like single mark
    (used for marks just outside a span, where context cannot pair them)."""
    return 0 <= i < len(text) and (
        text[i] in DOUBLE or text[i] in "\"'" + SINGLE_OPEN + SINGLE_CLOSE
    )


def has_quotation(marks: list[Mark]) -> bool:
    """Whether the marks hold a quotation: any double mark, or a single pair."""
    if any(m.kind == "double" for m in marks):
        return True
    roles = [m.role for m in marks if m.kind == "single"]
    return "open" in roles and "close" in roles[roles.index("open") :]


def matching_close(marks: list[Mark]) -> Mark | None:
    """The mark that closes the first mark (an opening one), or ``None`` if it stays open."""
    first = marks[0]
    depth = 0
    for m in marks:
        if m.kind != first.kind:
            continue
        depth += 1 if m.role == "open" else -1
        if depth == 0:
            return m
    return None
