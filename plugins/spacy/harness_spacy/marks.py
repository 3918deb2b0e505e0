"""Find stretches of text inside quotation marks, paragraph by paragraph (no spaCy needed).

Handles curly and straight double and single marks, guillemets and low-9 marks. Apostrophes
(``don’t``, ``the countries’ plans``, ``’90s``) are not taken for quote marks; a single mark opens a
quote only when a matching closing mark follows in the same paragraph. A double mark that is not
closed before the end of its paragraph runs to the end of the paragraph; when the next paragraph
opens with a quote mark, the two are linked (``continues``), the convention for quotes that run
over several paragraphs. Unbalanced marks never raise.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

#: Opening mark -> closing marks it accepts.
DOUBLE_PAIRS: dict[str, tuple[str, ...]] = {
    "“": ("”",),
    "„": ("“", "”"),
    "«": ("»",),
    "»": ("«",),
    '"': ('"', "”"),
}
SINGLE_PAIRS: dict[str, tuple[str, ...]] = {"‘": ("’",), "'": ("'",), "‚": ("‘", "’")}
OPENING_MARKS = frozenset(DOUBLE_PAIRS) | frozenset(SINGLE_PAIRS)
QUOTE_CHARS = "\"'“”„«»‘’‚‹›"
#: Characters after which a mark may open a quote.
_OPEN_CONTEXT = " \t([{—–-/:;,"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A non-empty line of the text, with its index and character range."""

    index: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Marked:
    """Text inside quotation marks.

    ``start``/``end`` delimit the content (marks excluded, whitespace trimmed); ``open_at`` is the
    offset of the opening mark and ``close_at`` of the closing mark (``None`` when unclosed).
    """

    start: int
    end: int
    open_at: int
    close_at: int | None
    paragraph: int
    #: The opening mark is the first non-space character of its paragraph.
    opens_paragraph: bool
    #: The quote is not closed and the next paragraph opens with a mark: it continues there.
    continues: bool = False

    @property
    def outer_end(self) -> int:
        """End of the quote including its closing mark (or the content end when unclosed)."""
        return self.close_at + 1 if self.close_at is not None else self.end


def paragraphs(text: str) -> list[Paragraph]:
    """Non-empty lines of ``text`` (a paragraph per line; blank lines are separators)."""
    out: list[Paragraph] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            start = pos + lead
            out.append(Paragraph(len(out), start, start + len(stripped)))
        pos += len(line) + 1
    return out


def _is_word_char(c: str) -> bool:
    return c.isalnum()


def _can_open(text: str, i: int, para_start: int) -> bool:
    """Whether the mark at ``i`` is in a position where a quote may open."""
    prev = text[i - 1] if i > para_start else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if nxt.isspace():
        return False
    return prev in _OPEN_CONTEXT or prev in QUOTE_CHARS or prev.isspace()


def _is_apostrophe(text: str, i: int, para_start: int) -> bool:
    """A single mark between two letters/digits (``don’t``) or eliding a year (``’90s``)."""
    prev = text[i - 1] if i > para_start else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if _is_word_char(prev) and _is_word_char(nxt):
        return True
    return nxt.isdigit()


def _find_close(text: str, i: int, end: int, closers: tuple[str, ...], single: bool) -> int | None:
    """Offset of the mark closing the quote opened at ``i`` (before ``end``), or ``None``."""
    j = i + 1
    while j < end:
        c = text[j]
        if c in closers:
            if not single:
                return j
            nxt = text[j + 1] if j + 1 < end else " "
            prev = text[j - 1]
            if not (_is_word_char(prev) and _is_word_char(nxt)) and not _is_word_char(nxt):
                if not prev.isspace():
                    return j
        j += 1
    return None


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _scan_paragraph(text: str, para: Paragraph) -> Iterator[Marked]:
    i = para.start
    while i < para.end:
        c = text[i]
        if c in OPENING_MARKS and _can_open(text, i, para.start):
            single = c in SINGLE_PAIRS
            if single and _is_apostrophe(text, i, para.start):
                i += 1
                continue
            closers = SINGLE_PAIRS[c] if single else DOUBLE_PAIRS[c]
            close = _find_close(text, i, para.end, closers, single)
            if close is None and single:
                i += 1
                continue
            start, end = _trimmed(text, i + 1, close if close is not None else para.end)
            if end > start:
                yield Marked(start, end, i, close, para.index, i == para.start)
            if close is None:
                return
            i = close + 1
            continue
        i += 1


def find_marked(text: str) -> list[Marked]:
    """Every quoted stretch of ``text``, in order, with multi-paragraph continuations linked."""
    paras = paragraphs(text)
    found: list[Marked] = []
    for para in paras:
        found.extend(_scan_paragraph(text, para))
    opening_paras = {m.paragraph for m in found if m.opens_paragraph}
    out: list[Marked] = []
    for m in found:
        if m.close_at is None and m.paragraph + 1 in opening_paras:
            m = Marked(m.start, m.end, m.open_at, None, m.paragraph, m.opens_paragraph, True)
        out.append(m)
    return out
