"""Direct, indirect and mixed quotes with their speakers, found with regular expressions.

The text is read paragraph by paragraph (a paragraph is a line):

1. Quotation marks are paired into *segments* (“ ” « » „ and straight double quotes; ‘ ’ and
   straight single quotes when they are not apostrophes). A segment that opens a clause is a
   *direct quote*; one that starts inside a clause ("an act of ‘betrayal’") is a *fragment*.
   A paragraph whose quote is not closed runs to its end; the following paragraphs that open with
   a quote mark continue it (one quote per paragraph, all with the block's speaker).
2. Each direct quote is attributed from the text right after it (“…,” Jane Doe said / said the
   minister) or right before it (Jane Doe said: “…”), else from its block, else from the quote
   just before it.
3. Direct quotes are masked out and each sentence is searched for reported speech: "X said
   (that) CLAUSE", "X told Y (that) CLAUSE", "CLAUSE, X said.", "according to X, CLAUSE" and
   "CLAUSE, according to X". A reported clause that contains a fragment is *mixed*.
4. A short line "Name: words" is a direct quote with the cue ":".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from harness.model import Entity, Quote, Span

from . import wordlists as W
from .speakers import ADVERBS, CUE, SUBJECT, SUBJECT_AFTER, Subject, SpeakerResolver
from .speakers import subject_from_match as _subject

MASK = "\x00"

# --- patterns (compiled once) -----------------------------------------------------------------

_PARAGRAPH = re.compile(r"[^\n]+")
_DOUBLE_MARK = re.compile(r"[“”«»„\"]")
_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–\-:;,“\"]))[‘'](?=[^\W\d_]|\d(?!0s\b))")
_SINGLE_CLOSE = re.compile(r"(?<=[^\s‘'])[’'](?![^\W_])")
_WORD = re.compile(r"[^\W_]+(?:[’'-][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?]+[”’\"»)\]]*(?=[ \t]+[“‘\"«(\[]?[A-Z0-9\x00]|[ \t]*$)")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Prof|Rev|Jr|Sr|Inc|Corp|Ltd|Co|"
    r"No|vs|Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec|U\.S|U\.K|U\.N|E\.U)|\b[A-Z])$"
)
_OPEN_CONTEXT = re.compile(r"(?:^|[:,.!?;—–\-(]|" + CUE + r")[ \t]*$")

#: Attribution right after a closing mark: “…,” Jane Doe said / “…,” said the minister.
_AFTER_SUBJ_CUE = re.compile(rf"[ \t,]*{SUBJECT}[ \t]+{ADVERBS}(?P<cue>{CUE})")
_AFTER_CUE_SUBJ = re.compile(rf"[ \t,]*(?P<cue>{CUE})[ \t]+{SUBJECT_AFTER}")
#: Attribution right before an opening mark: Jane Doe said (at a news conference):
_BEFORE = re.compile(
    rf"{SUBJECT}[ \t]+{ADVERBS}(?P<cue>{CUE})(?:[ \t]+[^\x00.!?:;,]{{0,80}}?)??[ \t]*[:,]?[ \t]*$"
)
_BEFORE_COLON = re.compile(rf"[ \t]*{SUBJECT_AFTER}[ \t]*(?P<cue>:)[ \t]*$")
#: Any subject followed by a cue, for reported speech.
_SUBJ_CUE = re.compile(rf"{SUBJECT}[ \t]+{ADVERBS}(?P<cue>{CUE})")
_CUE_SUBJ = re.compile(rf"(?<![\w’'-])(?P<cue>{CUE})[ \t]+{SUBJECT_AFTER}")
_ACCORDING = re.compile(r"(?<![\w’'-])[Aa]ccording[ \t]+to(?![\w’'-])")
_ADJUNCT_THAT = re.compile(
    r"(?:[ \t]+(?:on|in|at|during|after|before|last|this|yesterday|today|earlier|later|late|"
    r"early|publicly|repeatedly|again|also|then|separately|recently|previously)\b"
    r"[^,\x00.!?;:]{0,60}?)?[ \t]+that(?![\w’'-])"
)
_ADDRESSEE = re.compile(
    r"[ \t]+(?:(?:the|a|an|his|her|their|its|our|local|state|foreign|[A-Z][\w’'.-]*)[ \t]+){0,4}?"
    r"(?:(?:[A-Z][\w’'.-]*)|[a-z]+)(?=[ \t,.:;]|$)"
)
_HEADLINE = re.compile(
    r"^(?P<name>[A-Z][\w’'.-]*(?:[ \t]+[A-Z][\w’'.-]*){0,3})[ \t]*(?P<cue>:)[ \t]+(?P<body>\S.*?)[ \t]*$"
)
_TRAILING = ".,;:!? \t—–-"


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
    subject: Subject | None = None
    cue: Span | None = None
    speaker: str | None = None
    inherited: bool = field(default=False)

    @property
    def outer_end(self) -> int:
        return self.close_at + 1 if self.close_at is not None else self.end


# --- quotation marks --------------------------------------------------------------------------


def _strip(text: str, s: int, e: int, chars: str = " \t") -> tuple[int, int]:
    while s < e and text[s] in chars:
        s += 1
    while e > s and text[e - 1] in chars:
        e -= 1
    return s, e


def _double_segments(text: str, ps: int, pe: int, para: int) -> list[Segment]:
    out: list[Segment] = []
    open_at: int | None = None
    for m in _DOUBLE_MARK.finditer(text, ps, pe):
        ch, pos = m.group(), m.start()
        opening = ch in "“«„" or (ch == '"' and open_at is None)
        if opening:
            open_at = pos  # an unclosed earlier opener is dropped
        elif open_at is not None:
            s, e = _strip(text, open_at + 1, pos)
            if e > s:
                out.append(Segment(s, e, open_at, pos, para))
            open_at = None
    if open_at is not None:
        s, e = _strip(text, open_at + 1, pe)
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
        if not c or any(t.open_at <= c.start() < t.outer_end for t in taken):
            pos = o + 1
            continue
        s, e = _strip(text, o + 1, c.start())
        if e > s:
            out.append(Segment(s, e, o, c.start(), para))
        pos = c.start() + 1


def find_segments(text: str) -> list[Segment]:
    """Quoted segments of every paragraph, with direct/fragment and block decided."""
    segs: list[Segment] = []
    paras = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]
    for i, (ps, pe) in enumerate(paras):
        double = _double_segments(text, ps, pe, i)
        single = _single_segments(text, ps, pe, i, double)
        for seg in sorted([*double, *single], key=lambda s: s.start):
            before = text[max(ps, seg.open_at - 60) : seg.open_at]
            seg.standalone = bool(_OPEN_CONTEXT.search(before))
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
        if nxt and nxt[0].open_at == _strip(text, *paras[i + 1])[0] and nxt[0].standalone:
            nxt[0].block = last.block


# --- sentences --------------------------------------------------------------------------------


def _sentences(masked: str, ps: int, pe: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = ps
    for m in _SENTENCE_END.finditer(masked, ps, pe):
        if _ABBREVIATION.search(masked, max(ps, m.start() - 6), m.start()):
            continue
        out.append((start, m.end()))
        start = m.end()
    if start < pe:
        out.append((start, pe))
    return [_strip(masked, s, e) for s, e in out if masked[s:e].strip()]


def _word_count(text: str) -> int:
    return len(_WORD.findall(text))


# --- the extractor's entry point --------------------------------------------------------------


@dataclass(frozen=True)
class QuoteSettings:
    """What :func:`find_quotes` looks for (a subset of the extractor's options)."""

    min_quote_words: int = 3
    indirect: bool = True
    headlines: bool = True
    resolve_references: bool = True


class _QuoteFinder:
    def __init__(self, text: str, entities: Sequence[Entity], settings: QuoteSettings) -> None:
        self.text = text
        self.settings = settings
        self.segments = find_segments(text)
        self.direct = [s for s in self.segments if s.standalone]
        self.fragments = [s for s in self.segments if not s.standalone]
        chars = list(text)
        for s in self.direct:
            for k in range(s.open_at, s.outer_end):
                chars[k] = MASK
        self.masked = "".join(chars)
        hidden = [Span(s.start, s.end) for s in self.direct]
        self.resolver = SpeakerResolver(text, entities, hidden)
        self.paras = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]

    # direct quotes -----------------------------------------------------------------------

    def attribute_direct(self) -> None:
        """Find the subject and cue of each direct quote: after it, else before it."""
        t, masked = self.text, self.masked
        for seg in self.direct:
            ps, pe = self.paras[seg.para]
            m = None
            if seg.close_at is not None:
                m = _AFTER_SUBJ_CUE.match(masked, seg.close_at + 1, pe) or _AFTER_CUE_SUBJ.match(
                    masked, seg.close_at + 1, pe
                )
            subject = _subject(m, t) if m else None
            if subject is None:
                lo = max(ps, seg.open_at - 200, masked.rfind(MASK, ps, seg.open_at) + 1)
                m = _BEFORE.search(masked, lo, seg.open_at) or _BEFORE_COLON.match(
                    masked, ps, seg.open_at
                )
                subject = _subject(m, t) if m else None
            if m and subject:
                seg.subject = subject
                seg.cue = Span(m.start("cue"), m.end("cue"), m.group("cue"))

    def share_blocks(self) -> None:
        blocks: dict[int, list[Segment]] = {}
        for seg in self.direct:
            if seg.block >= 0:
                blocks.setdefault(seg.block, []).append(seg)
        for members in blocks.values():
            source = next((s for s in members if s.subject), None)
            for s in members:
                if source and not s.subject:
                    s.speaker, s.inherited = source.speaker, True

    # reported speech ---------------------------------------------------------------------

    def reported(self) -> list[Quote]:
        out: list[Quote] = []
        for ps, pe in self.paras:
            for ss, se in _sentences(self.masked, ps, pe):
                q = self._reported_in_sentence(ss, se)
                if q:
                    out.append(q)
        return out

    def _clause(self, s: int, e: int) -> tuple[int, int] | None:
        """Trim a reported clause: no leading "that", no direct quote, no final punctuation."""
        masked = self.masked
        s, e = _strip(masked, s, e, " \t,:;—–-")
        if masked.startswith("that ", s):
            s += 5
        cut = masked.find(MASK, s, e)
        if cut >= 0:
            e = cut
        s, e = _strip(masked, s, e, _TRAILING)
        while e > s and masked[e - 1] in "”’\"»" and not self._closes_fragment(e - 1):
            e -= 1
        if _word_count(masked[s:e]) < self.settings.min_quote_words:
            return None
        return s, e

    def _closes_fragment(self, pos: int) -> bool:
        return any(f.close_at == pos for f in self.fragments)

    def _make(
        self, s: int, e: int, subject: Subject | None, cue: Span, speaker: str | None
    ) -> Quote:
        mixed = any(s <= f.open_at and f.start < e for f in self.fragments)
        return Quote(
            s,
            e,
            "mixed" if mixed else "indirect",
            speaker,
            subject.span if subject else None,
            cue,
            self.text[s:e],
        )

    def _reported_in_sentence(self, ss: int, se: int) -> Quote | None:
        masked, text = self.masked, self.text
        # according to X, CLAUSE  /  CLAUSE, according to X
        acc = _ACCORDING.search(masked, ss, se)
        if acc:
            m = _CUE_SUBJ_AFTER_ACCORDING.match(masked, acc.end(), se)
            if m:
                subject = _subject(m, text)
                cue = Span(acc.start(), acc.end(), text[acc.start() : acc.end()])
                if _strip(masked, ss, acc.start())[1] == _strip(masked, ss, acc.start())[0]:
                    comma = masked.find(",", m.end(), se)
                    span = self._clause(comma + 1, se) if comma >= 0 else None
                else:
                    span = self._clause(ss, acc.start())
                if span and subject:
                    return self._make(*span, subject, cue, self.resolver.resolve(subject))
        for m in _SUBJ_CUE.finditer(masked, ss, se):
            q = self._from_subject_cue(m, ss, se)
            if q:
                return q
        for m in _CUE_SUBJ.finditer(masked, ss, se):  # CLAUSE, said the minister.
            if masked[ss : m.start()].rstrip().endswith(",") and MASK not in masked[ss : m.start()]:
                span = self._clause(ss, m.start())
                subject = _subject(m, text)
                if span and subject:
                    cue = Span(m.start("cue"), m.end("cue"), m.group("cue"))
                    return self._make(*span, subject, cue, self.resolver.resolve(subject))
        return None

    def _from_subject_cue(self, m: re.Match[str], ss: int, se: int) -> Quote | None:
        masked, text = self.masked, self.text
        subject = _subject(m, text)
        if subject is None:
            return None
        cue = Span(m.start("cue"), m.end("cue"), m.group("cue"))
        before = masked[ss : m.start()].rstrip()
        if before.endswith(MASK) or before.rstrip(", \t").endswith(MASK):
            return None  # “…,” X said: attribution of a direct quote
        after = masked[m.end() : se]
        if before.endswith(","):
            rest = after.lstrip()
            if rest.startswith(",") and len(before) > 1:  # The plan, he said, would fail.
                span = self._clause(ss, se)
            else:  # CLAUSE, X said (on Friday).
                span = self._clause(ss, ss + len(before) - 1)
        else:
            if after.lstrip().startswith((":", MASK)) or not after.strip(_TRAILING):
                return None
            start = m.end()
            that = _ADJUNCT_THAT.match(masked, start, se)
            if that:
                start = that.end()
            elif cue.text in W.ADDRESSEE_VERBS:
                obj = _ADDRESSEE.match(masked, start, se)
                if obj:
                    start = obj.end()
            span = self._clause(start, se)
        if not span:
            return None
        return self._make(*span, subject, cue, self.resolver.resolve(subject, self._refs))

    @property
    def _refs(self) -> bool:
        return self.settings.resolve_references

    # headlines -----------------------------------------------------------------------------

    def headlines(self) -> list[Quote]:
        out: list[Quote] = []
        for ps, pe in self.paras:
            m = _HEADLINE.match(self.text, ps, pe)
            if not m or MASK in self.masked[ps:pe]:
                continue
            name = m.group("name")
            first = name.split()[0]
            if (
                first in W.NON_NAME_WORDS
                or first.capitalize() in W.NON_NAME_WORDS
                or first.upper() in W.NON_ACRONYMS
                or name in W.COUNTRIES
                or m.group("body").endswith(":")
                or _word_count(m.group("body")) < self.settings.min_quote_words
            ):
                continue
            s, e = _strip(self.text, m.start("body"), m.end("body"), _TRAILING)
            subject = Subject("name", Span(m.start("name"), m.end("name"), name))
            speaker = self.resolver.resolve(subject, self._refs)
            cue = Span(m.start("cue"), m.end("cue"), ":")
            out.append(Quote(s, e, "direct", speaker, subject.span, cue, self.text[s:e]))
        return out

    # all together --------------------------------------------------------------------------

    def run(self) -> list[Quote]:
        self.attribute_direct()
        for seg in self.direct:
            if seg.subject:
                seg.speaker = self.resolver.resolve(seg.subject, self._refs)
        self.share_blocks()
        quotes = self.headlines() if self.settings.headlines else []
        if self.settings.indirect:
            quotes += self.reported()
        for seg in self.direct:
            if seg.subject is None and not seg.inherited:
                if _word_count(self.text[seg.start : seg.end]) < self.settings.min_quote_words:
                    continue
            quotes.append(
                Quote(
                    seg.start,
                    seg.end,
                    "direct",
                    seg.speaker,
                    seg.subject.span if seg.subject else None,
                    seg.cue if seg.subject else None,
                    self.text[seg.start : seg.end],
                )
            )
        quotes.sort(key=lambda q: (q.start, q.end))
        return self._inherit_speakers(quotes)

    def _inherit_speakers(self, quotes: list[Quote]) -> list[Quote]:
        """A quote without a speaker takes the one of the nearest quote around it: the previous
        one in the same or the two paragraphs before, else the next one in the next paragraph."""
        starts = [p[0] for p in self.paras]
        para = [bisect.bisect_right(starts, q.start) - 1 for q in quotes]
        out = list(quotes)
        for i, q in enumerate(quotes):
            if q.speaker is not None or q.speaker_span is not None:
                continue
            prev = [j for j in range(i - 1, -1, -1) if out[j].speaker and para[i] - para[j] <= 2]
            nxt = [j for j in range(i + 1, len(out)) if out[j].speaker and para[j] - para[i] <= 1]
            if prev:
                out[i] = replace(q, speaker=out[prev[0]].speaker)
            elif nxt:
                out[i] = replace(q, speaker=out[nxt[0]].speaker)
        return out


_CUE_SUBJ_AFTER_ACCORDING.match(masked, acc.end(), se)
            if m:
                subject = _subject(m, text)
                cue = Span(acc.start(), acc.end(), text[acc.start() : acc.end()])
                if _strip(masked, ss, acc.start())[1] == _strip(masked, ss, acc.start())[0]:
                    comma = masked.find(",", m.end(), se)
                    span = self._clause(comma + 1, se) if comma >= 0 else None
                else:
                    span = self._clause(ss, acc.start())
                if span and subject:
                    return self._make(*span, subject, cue, self.resolver.resolve(subject))
        for m in _SUBJ_CUE.finditer(masked, ss, se):
            q = self._from_subject_cue(m, ss, se)
            if q:
                return q
        for m in _CUE_SUBJ.finditer(masked, ss, se):  # CLAUSE, said the minister.
            if masked[ss : m.start()].rstrip().endswith(",") and MASK not in masked[ss : m.start()]:
                span = self._clause(ss, m.start())
                subject = _subject(m, text)
                if span and subject:
                    cue = Span(m.start("cue"), m.end("cue"), m.group("cue"))
                    return self._make(*span, subject, cue, self.resolver.resolve(subject))
        return None

    def _from_subject_cue(self, m: re.Match[str], ss: int, se: int) -> Quote | None:
        masked, text = self.masked, self.text
        subject = _subject(m, text)
        if subject is None:
            return None
        cue = Span(m.start("cue"), m.end("cue"), m.group("cue"))
        before = masked[ss : m.start()].rstrip()
        if before.endswith(MASK) or before.rstrip(", \t").endswith(MASK):
            return None  # “…,” X said: attribution of a direct quote
        after = masked[m.end() : se]
        if before.endswith(","):
            rest = after.lstrip()
            if rest.startswith(",") and len(before) > 1:  # The plan, he said, would fail.
                span = self._clause(ss, se)
            else:  # CLAUSE, X said (on Friday).
                span = self._clause(ss, ss + len(before) - 1)
        else:
            if after.lstrip().startswith((":", MASK)) or not after.strip(_TRAILING):
                return None
            start = m.end()
            that = _ADJUNCT_THAT.match(masked, start, se)
            if that:
                start = that.end()
            elif cue.text in W.ADDRESSEE_VERBS:
                obj = _ADDRESSEE.match(masked, start, se)
                if obj:
                    start = obj.end()
            span = self._clause(start, se)
        if not span:
            return None
        return self._make(*span, subject, cue, self.resolver.resolve(subject, self._refs))

    @property
    def _refs(self) -> bool:
        return self.settings.resolve_references

    # headlines -----------------------------------------------------------------------------

    def headlines(self) -> list[Quote]:
        out: list[Quote] = []
        for ps, pe in self.paras:
            m = _HEADLINE.match(self.text, ps, pe)
            if not m or MASK in self.masked[ps:pe]:
                continue
            name = m.group("name")
            first = name.split()[0]
            if (
                first in W.NON_NAME_WORDS
                or first.capitalize() in W.NON_NAME_WORDS
                or first.upper() in W.NON_ACRONYMS
                or name in W.COUNTRIES
                or m.group("body").endswith(":")
                or _word_count(m.group("body")) < self.settings.min_quote_words
            ):
                continue
            s, e = _strip(self.text, m.start("body"), m.end("body"), _TRAILING)
            subject = Subject("name", Span(m.start("name"), m.end("name"), name))
            speaker = self.resolver.resolve(subject, self._refs)
            cue = Span(m.start("cue"), m.end("cue"), ":")
            out.append(Quote(s, e, "direct", speaker, subject.span, cue, self.text[s:e]))
        return out

    # all together --------------------------------------------------------------------------

    def run(self) -> list[Quote]:
        self.attribute_direct()
        for seg in self.direct:
            if seg.subject:
                seg.speaker = self.resolver.resolve(seg.subject, self._refs)
        self.share_blocks()
        quotes = [*self.headlines()] if self.settings.headlines else []
        if self.settings.indirect:
            quotes += self.reported()
        direct = self._direct_quotes(quotes)
        out = sorted([*direct, *quotes], key=lambda q: (q.start, q.end))
        return out

    def _direct_quotes(self, reported: list[Quote]) -> list[Quote]:
        out: list[Quote] = []
        previous: list[tuple[int, str | None]] = [(self._para_of(q.start), q.speaker) for q in reported]
        for seg in self.direct:
            if not seg.subject and not seg.inherited:
                if _word_count(self.text[seg.start : seg.end]) < self.settings.min_quote_words:
                    continue
                earlier = [sp for p, sp in previous if seg.para - 2 <= p <= seg.para and sp]
                if earlier:
                    seg.speaker = earlier[-1]
            previous.append((seg.para, seg.speaker))
            previous.sort(key=lambda x: x[0])
            out.append(
                Quote(
                    seg.start,
                    seg.end,
                    "direct",
                    seg.speaker,
                    seg.subject.span if seg.subject else None,
                    seg.cue if seg.subject else None,
                    self.text[seg.start : seg.end],
                )
            )
        return out

    def _para_of(self, pos: int) -> int:
        for i, (ps, pe) in enumerate(self.paras):
            if ps <= pos <= pe:
                return i
        return -1


_CUE_SUBJ_AFTER_ACCORDING = re.compile(rf"[ \t]+{SUBJECT_AFTER}")


def find_quotes(
    text: str, entities: Sequence[Entity], settings: QuoteSettings | None = None
) -> list[Quote]:
    """Every quote of ``text``; ``entities`` (all labels) help to resolve speakers."""
    if not text.strip():
        return []
    return _QuoteFinder(text, entities, settings or QuoteSettings()).run()
