"""Paragraphs, sentences and quotation-mark segments of a text.

A *segment* is the text between a pair of quotation marks within one paragraph (“ ” « » „ and
straight double quotes; ‘ ’ and straight single quotes when they are not apostrophes, as in
"don’t", "Smith’s" or "the ‘90s"). A segment that opens a clause is *standalone* (a direct
quote); one that starts inside a clause ("an act of ‘folly’") is a *fragment*. A paragraph
whose last quote is not closed runs to its end and forms a *block* with the next paragraph when
that one opens with a quote mark.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .rules import Quotes, RuleTable, Said
from .speakers import G

SEGMENTS: RuleTable[Callable[..., object]] = RuleTable(
    "segments", "Quotation marks and sentence ends (patterns).", live=False
)

_PARAGRAPH = re.compile(r"[^\r\n]+")
_DOUBLE_MARK = re.compile(r"[“”«»„\"]")
_SINGLE_OPEN = re.compile(
    SEGMENTS.pattern(
        "single_opening_mark",
        r"(?:(?<=^)|(?<=[\s(\[—–\-:;,“\"]))[‘'](?=[^\W\d_]|\d(?!0s\b))",
        "A single mark opens a quote only at the start of a word after a space, a bracket, a "
        "dash or a colon, and not before a decade ('the ‘90s').",
        Quotes(
            "‘The river is rising fast,’ Oskar Lind warned.",
            Said("The river is rising fast,", "direct", "Oskar Lind", "Oskar Lind", "warned"),
        ),
        Quotes("Floods were worse in the ‘90s, said the minister of water."),
        grammar=G,
    ).pattern
)
_SINGLE_CLOSE = re.compile(
    SEGMENTS.pattern(
        "single_closing_mark",
        r"(?<=[^\s‘'])[’'](?![^\W_])",
        "A single mark closes a quote only at the end of a word and not before a letter, so "
        "that apostrophes ('don’t', 'Smith’s', 'officials’') are no quotation marks.",
        Quotes(
            "Chile’s farmers don’t expect rain before the ‘90s style floods, officials’ notes say."
        ),
        grammar=G,
    ).pattern
)
_WORD = re.compile(r"[^\W_]+(?:[’'-][^\W_]+)*")
_SENTENCE_END = re.compile(
    SEGMENTS.pattern(
        "sentence_end",
        r"[.!?]+[”’\"»)\]]*(?=[ \t]+[“‘\"«(\[]?[A-Z0-9\x00]|[ \t]*$)",
        "A sentence ends with '.', '!' or '?' (and closing marks) before a capital, a digit, "
        "a quote or the end of the paragraph.",
        Quotes(
            "The farm was sold. Oskar Lind said the price was fair.",
            Said("the price was fair", "indirect", "Oskar Lind"),
        ),
        Quotes(
            "Lena Varga said: “The bridge is safe.” She added that two lanes would stay shut.",
            Said("The bridge is safe.", "direct", "Lena Varga"),
            Said("two lanes would stay shut", "indirect", "Lena Varga"),
        ),
        Quotes(
            "“The bridge is safe,” Lena Varga said.",
            Said("The bridge is safe,", "direct", "Lena Varga", "Lena Varga", "said"),
        ),
        grammar=G,
    ).pattern
)
#: A word before a full stop that does not end a sentence: an abbreviation or an initial.
_ABBREVIATION = re.compile(
    SEGMENTS.pattern(
        "abbreviation",
        r"(?:\b(?:{W.ABBREVIATED_TITLES}|{W.ABBREVIATIONS}|{W.MONTH_ABBREVIATIONS})|\b[A-Z])$",
        "A full stop after an abbreviation ('Mr.', 'Inc.', 'U.S.'), a month ('Nov.', 'Mar.') or "
        "an initial ends no sentence.",
        Quotes(
            "Oskar Lind said the talks with Acme Inc. would resume on Monday.",
            Said("the talks with Acme Inc. would resume on Monday", "indirect", "Oskar Lind"),
        ),
        Quotes(
            "Oskar Lind said the vote on Mar. 15 would decide the matter.",
            Said("the vote on Mar. 15 would decide the matter", "indirect", "Oskar Lind"),
        ),
        grammar=G,
    ).pattern
)
_OPEN_CONTEXT = re.compile(
    SEGMENTS.pattern(
        "quote_opens_a_clause",
        r"(?:^|[:,.!?;—–\-(]|(?<![\w’'-])(?P<cue>{CUE}))[ \t]*$",
        "A quote that opens its paragraph or follows punctuation or a cue is a direct quote; "
        "one inside a clause ('an act of “folly”') is a fragment of a mixed quote.",
        Quotes(
            "Lena Varga said the delay was “a small price to pay” for safety.",
            Said("the delay was “a small price to pay” for safety", "mixed", "Lena Varga"),
        ),
        Quotes(
            "Lena Varga said “a new bridge” would be built by the river.",
            Said("“a new bridge” would be built by the river", "mixed", "Lena Varga"),
        ),
        grammar=G,
    ).pattern
)
_CLAUSE_GOES_ON = re.compile(r"[ \t]+[a-z]")
_NEXT_SENTENCE = re.compile(r"[ \t]+[(\[]?[A-Z0-9]")


@dataclass
class Segment:
    """Text between quotation marks, within one paragraph."""

    start: int  # content start (after the opening mark)
    end: int  # content end (before the closing mark, or the paragraph end)
    open_at: int  # position of the opening mark
    close_at: int | None  # position of the closing mark; None when the paragraph ends first
    para: int  # index of the paragraph
    standalone: bool = False  # a direct quote (vs a fragment inside a clause)
    block: int = -1  # index of the multi-paragraph block, -1 when alone

    @property
    def outer_end(self) -> int:
        return self.close_at + 1 if self.close_at is not None else self.end


# --- quotation marks --------------------------------------------------------------------------


def strip_span(text: str, s: int, e: int, chars: str = " \t") -> tuple[int, int]:
    """``(s, e)`` without the ``chars`` at either end."""
    while s < e and text[s] in chars:
        s += 1
    while e > s and text[e - 1] in chars:
        e -= 1
    return s, e


def _double_segments(text: str, ps: int, pe: int, para: int) -> list[Segment]:
    """Double-quoted segments of one paragraph; an unclosed one runs to the paragraph end."""
    out: list[Segment] = []
    open_at: int | None = None
    for m in _DOUBLE_MARK.finditer(text, ps, pe):
        ch, pos = m.group(), m.start()
        opening = ch in "“«„" or (ch == '"' and open_at is None)
        if opening:
            open_at = pos  # an unclosed earlier opener is dropped
        elif open_at is not None:
            s, e = strip_span(text, open_at + 1, pos)
            if e > s:
                out.append(Segment(s, e, open_at, pos, para))
            open_at = None
    if open_at is not None:
        s, e = strip_span(text, open_at + 1, pe)
        if e > s:
            out.append(Segment(s, e, open_at, None, para))
    return out


def _single_segments(text: str, ps: int, pe: int, para: int, taken: list[Segment]) -> list[Segment]:
    """Single-quoted segments outside double-quoted ones; apostrophes are not quote marks."""
    out: list[Segment] = []
    pos = ps
    while True:
        m = _SINGLE_OPEN.search(text, pos, pe)
        if not m:
            return out
        o = m.start()
        if any(t.open_at <= o < t.outer_end for t in taken):
            pos = o + 1
            continue
        c = _SINGLE_CLOSE.search(text, o + 2, pe)
        if not c:
            return out  # no closing mark after this opener, so none after a later one
        if any(t.open_at <= c.start() < t.outer_end for t in taken):
            pos = o + 1
            continue
        s, e = strip_span(text, o + 1, c.start())
        if e > s:
            out.append(Segment(s, e, o, c.start(), para))
        pos = c.start() + 1


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the non-empty lines of ``text``."""
    return [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]


def find_segments(text: str) -> list[Segment]:
    """Quoted segments of every paragraph, with direct/fragment and block decided."""
    segs: list[Segment] = []
    paras = paragraphs(text)
    for i, (ps, pe) in enumerate(paras):
        double = _double_segments(text, ps, pe, i)
        single = _single_segments(text, ps, pe, i, double)
        for seg in sorted([*double, *single], key=lambda s: s.start):
            before = text[max(ps, seg.open_at - 60) : seg.open_at]
            opener = _OPEN_CONTEXT.search(before)
            seg.standalone = bool(opener)
            if opener and opener.group("cue") and seg.close_at is not None:
                # 'said “We won.”' is a direct quote; in 'said “a win” was near' the quoted
                # words are a fragment of the reported clause
                seg.standalone = not _CLAUSE_GOES_ON.match(text, seg.close_at + 1, pe)
            segs.append(seg)
    _link_blocks(text, segs, paras)
    return segs


def _link_blocks(text: str, segs: list[Segment], paras: list[tuple[int, int]]) -> None:
    """Group unclosed paragraph quotes with the next paragraphs that open with a quote mark."""
    by_para: dict[int, list[Segment]] = {}
    for s in segs:
        by_para.setdefault(s.para, []).append(s)
    block = 0
    for i in range(len(paras)):
        here = by_para.get(i, [])
        if not here or here[-1].close_at is not None or not here[-1].standalone:
            continue
        last = here[-1]
        if last.block < 0:
            last.block = block
            block += 1
        nxt = by_para.get(i + 1, [])
        if nxt and nxt[0].open_at == strip_span(text, *paras[i + 1])[0] and nxt[0].standalone:
            nxt[0].block = last.block


# --- sentences --------------------------------------------------------------------------------


def sentences(masked: str, ps: int, pe: int, breaks: Sequence[int] = ()) -> list[tuple[int, int]]:
    """Sentence spans of the paragraph ``masked[ps:pe]`` (direct quotes are masked out, so the
    caller gives the ends of the masked quotes that close a sentence as ``breaks``, sorted: the
    document's, of which those inside the paragraph are found by bisection)."""
    ends = [
        m.end()
        for m in _SENTENCE_END.finditer(masked, ps, pe)
        if not _ABBREVIATION.search(masked, max(ps, m.start() - 6), m.start())
    ]
    inside = breaks[bisect.bisect_right(breaks, ps) : bisect.bisect_left(breaks, pe)]
    if inside:
        ends = sorted({*ends, *inside})
    out: list[tuple[int, int]] = []
    start = ps
    for end in ends:
        out.append((start, end))
        start = end
    if start < pe:
        out.append((start, pe))
    return [strip_span(masked, s, e) for s, e in out if masked[s:e].strip()]


def closes_sentence(text: str, seg: Segment) -> bool:
    """Whether a closed quote ends its sentence: its words end with a full stop and the next
    word starts a new sentence (“We won.” The team ... - not “We won,” she said)."""
    if seg.close_at is None or text[seg.end - 1] != ".":
        return False
    return bool(_NEXT_SENTENCE.match(text, seg.close_at + 1))


def word_count(text: str) -> int:
    """Number of words of ``text``."""
    return len(_WORD.findall(text))
