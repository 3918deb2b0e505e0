"""Direct, indirect and mixed quotes with their speakers, found with regular expressions.

The text is read paragraph by paragraph (a paragraph is a line):

1. Quotation marks are paired into segments (:mod:`.segments`): a standalone segment is a direct
   quote, a fragment may belong to a mixed quote; a paragraph whose quote is not closed continues
   into the next one that opens with a quote mark (one quote per paragraph, one speaker).
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
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from harness.model import Entity, Quote, QuoteType, Span

from . import wordlists as W
from .segments import (
    closes_sentence,
    find_segments,
    paragraphs,
    sentences,
    strip_span,
    word_count,
)
from .speakers import (
    ADVERBS,
    CUE,
    REPORT_CUE,
    SUBJECT,
    SUBJECT_AFTER,
    SpeakerResolver,
    Subject,
)
from .speakers import subject_from_match as _subject
from .wordlists import alternation as _alt

MASK = "\x00"

# --- patterns (compiled once) -----------------------------------------------------------------

#: An apposition or relative clause between a subject and its cue ("Jane Doe, 54, said").
_PARENTHESIS = (
    rf"(?:,[ \t]+(?P<appos>(?:(?:who|whose|which|the|a|an|his|her|its|their|former|deputy|senior"
    rf"|acting|however|meanwhile|though|too|also|instead|nevertheless|nonetheless"
    rf"|{_alt(W.ROLE_NOUNS)}|[a-z]+(?:ing|ed))(?![\w’'-])|\d|[A-Z])"
    rf"[^,\x00.;:!?\n]{{0,80}}?),|,)?"
)

#: Attribution right after a closing mark: “…,” Jane Doe said / “…,” said the minister /
#: “…,” according to the minister.
#: (a few lower-case words may come first: “…,” council president Jane Doe said)
_AFTER_SUBJ_CUE = re.compile(
    rf"[ \t,]*(?:[a-z][\w’'-]*[ \t]+){{0,3}}?{SUBJECT}{_PARENTHESIS}[ \t]+{ADVERBS}(?P<cue>{CUE})"
)
_AFTER_CUE_SUBJ = re.compile(
    rf"[ \t,]*(?P<cue>{CUE}|[Aa]ccording[ \t]+to(?![\w’'-]))[ \t]+{SUBJECT_AFTER}"
)
#: Attribution right before an opening mark: Jane Doe said (at a news conference):
_BEFORE = re.compile(
    rf"{SUBJECT}{_PARENTHESIS}[ \t]+{ADVERBS}(?P<cue>{CUE})(?:[ \t]+[^\x00.!?:;,]{{0,80}}?)??"
    r"[ \t]*[:,]?[ \t]*$"
)
_BEFORE_COLON = re.compile(rf"[ \t]*{SUBJECT_AFTER}[ \t]*(?P<cue>:)[ \t]*$")
_PHRASAL_CUE = "|".join(
    re.escape(p).replace(r"\ ", r"[ \t]+") + r"(?![\w’'-])"
    for p in sorted(W.PHRASAL_CUES, key=len, reverse=True)
)
#: A relative clause without commas after a description: "The company that owns the mill said".
_RELATIVE = r"(?:(?<=[a-z])[ \t]+(?:that|which|who)(?:[ \t]+(?!that\b)[\w’'-]+){1,6}?)?"
#: "Jane Doe on Tuesday denied that ...": a day or month between a subject and its cue.
_TIME_BEFORE_CUE = (
    rf"(?:[ \t]+(?:(?:on|last|this|early|late|in)[ \t]+)?{_alt(W.WEEKDAYS | W.MONTHS)}"
    r"(?![\w’'-])|[ \t]+(?:yesterday|today))?"
)
#: Any subject followed by a cue, for reported speech.
_SUBJ_CUE = re.compile(
    rf"{SUBJECT}{_RELATIVE}{_PARENTHESIS}{_TIME_BEFORE_CUE}[ \t]+{ADVERBS}"
    rf"(?:(?:was|were|is|are|has[ \t]+been)[ \t]+)?"
    rf"(?P<cue>{_PHRASAL_CUE}|{REPORT_CUE})(?:[ \t]+of\b)?"
)
#: A second cue of the same subject: "..., and warned that ...", "..., saying ...".
_COORD_CUE = re.compile(
    rf"(?:,[ \t]*(?:and|but|while)|[ \t]+(?:and|but))[ \t]+{ADVERBS}(?P<cue>{REPORT_CUE})"
    rf"(?:[ \t]+of\b)?|,[ \t]*(?P<part>(?P<cue2>{_alt(W.PARTICIPLE_CUES)})(?![\w’'-]))"
)
_LOWER_WORD = re.compile(r"[a-z]+")
_CALENDAR = rf"(?:{_alt(W.WEEKDAYS | W.MONTHS)})(?![\w’'-])"
_ADJUNCT_WORDS = (
    r"(?:on|in|at|during|after|before|late|early|last|this|yesterday|today|earlier|later)"
)
#: (a preposition takes its object with it: "said in a statement it ...", not "in")
_LEADING_ADJUNCT = re.compile(
    r"[ \t]+(?:(?:on|in|at|during|after|before|last|this)(?:[ \t]+[\w’'-]+){1,4}?"
    r"|(?:yesterday|today|earlier|later|late|early)(?:[ \t]+[\w’'-]+){0,4}?)"
    rf"(?=[ \t]+(?:he|she|they|it|we|I|the|a|an|his|her|their|its|(?!{_CALENDAR})[A-Z][\w’'-]*)"
    r"[ \t]+[a-z])"
)
_ADJUNCT_ONLY = re.compile(rf"[ \t]+{_ADJUNCT_WORDS}(?![\w’'-])")
_SENTENCE_SUBJECT = re.compile(rf"[ \t]*{SUBJECT}(?=[ \t]+[a-z])")
#: Reported clauses do not start with these prepositions ("writes about ...", "spoke to ...").
_PREPOSITION_START = re.compile(
    r"[ \t]*(?:about|with|for|to|from|by|against|into|of|over|toward|towards|up|out|off)(?![\w’'-])"
)
_CUE_WORDS = (
    W.SPEECH_VERBS
    | W.MIXED_ONLY_VERBS
    | W.PARTICIPLE_CUES
    | {p.split()[0] for p in W.PHRASAL_CUES}
    | {"according"}
)


@functools.lru_cache(maxsize=4096)
def _word_finder(words: frozenset[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z])(?:{_alt(words)})(?![A-Za-z])", re.IGNORECASE)


def _cue_positions(text: str) -> list[tuple[int, int]]:
    """Spans of the words of ``text`` that can be cues, in order."""
    present = frozenset(_LOWER_WORD.findall(text.lower())) & _CUE_WORDS
    return [m.span() for m in _word_finder(present).finditer(text)] if present else []


#: How far before its cue a subject can start (characters).
_MAX_SUBJECT = 150
#: ", as ...", ", but ...": what follows ", X said," is not the rest of the quote.
_CONJUNCTION_AFTER = re.compile(
    r"[ \t]*,[ \t]*(?:as|while|after|before|because|but|and|although|though|when|adding|with)"
    r"(?![\w’'-])"
)
#: Words that open a clause without belonging to what was said: "that", "though",
#: a sentence adverb ("Separately, ...", "However, ..."), a dateline ("PARIS (AFP) - ").
_LEADING_WORDS = re.compile(
    r"(?:(?:that|though|although|while|whereas)[ \t]+"
    r"|[A-Z][A-Z .'-]+(?:[ \t]*\([^()\n]{1,40}\))?[ \t]+[-—–][ \t]+"
    r"|(?:[A-Z][a-z]+ly|However|Meanwhile|Still|Instead|Now|Moreover|Furthermore|Nevertheless"
    r"|Nonetheless|Indeed|Also|Yet|Then)[ \t]*,[ \t]+)+"
)
_TRAILING_CONJUNCTION = re.compile(
    r"(?:[ \t,]+(?:and|but|although|though|while|whereas|as|because|so|or))+[ \t,]*$"
)
_CUE_SUBJ = re.compile(rf"(?<![\w’'-])(?P<cue>{CUE})[ \t]+{SUBJECT_AFTER}")
_ACCORDING = re.compile(r"(?<![\w’'-])[Aa]ccording[ \t]+to(?![\w’'-])")
_ADJUNCT_THAT = re.compile(
    r"(?:[ \t]+(?:on|in|at|during|after|before|last|this|yesterday|today|earlier|later|late|"
    r"early|publicly|repeatedly|again|also|then|separately|recently|previously)\b"
    r"[^,\x00.!?;:]{0,60}?"
    r"|[ \t]+for[ \t]+(?:(?:several|many|some|a[ \t]+few|two|three)[ \t]+)?"
    r"(?:days|weeks|months|years|decades))?[ \t]+that(?![\w’'-])"
)
_PREPOSITIONS = (
    r"(?:about|against|at|by|for|from|in|into|of|on|over|to|toward|towards|with|that|not)"
    r"(?![\w’'-])"
)
_CAPS = r"[A-Z][\w’'.-]*(?:[ \t]+[A-Z][\w’'.-]*)*"
#: The addressee of "told"/"warned": "reporters", "the BBC", "a news conference", "Jane Doe".
_ADDRESSEE = re.compile(
    rf"[ \t]+(?:(?:the|a|an|his|her|their|its|our)[ \t]+"
    rf"(?:{_CAPS}|[a-z][\w-]*(?:[ \t]+(?!{_PREPOSITIONS})[a-z][\w-]*)?)|{_CAPS}|[a-z][\w-]*)"
    r"(?=[ \t,.:;]|$)"
)
_HEADLINE = re.compile(
    r"(?P<name>[A-Z][\w’'.-]*(?:[ \t]+[A-Z][\w’'.-]*){0,3})[ \t]*(?P<cue>:)"
    r"[ \t]+(?P<body>\S.*?)[ \t]*$"
)
_TRAILING = ".,;:!? \t—–-"


# --- the extractor's entry point --------------------------------------------------------------


@dataclass(frozen=True)
class QuoteSettings:
    """What :func:`find_quotes` looks for (a subset of the extractor's options)."""

    min_quote_words: int = 3
    indirect: bool = True
    headlines: bool = True
    resolve_references: bool = True


@dataclass
class _Found:
    """A quote before its speaker is resolved."""

    start: int
    end: int
    type: QuoteType
    subject: Subject | None = None
    cue: Span | None = None
    block: int = -1
    speaker: str | None = None


#: Words that start an adjunct after a cue ("..., she said on Friday after the talks.").
_ADJUNCT_START = re.compile(
    r"[ \t]*(?:$|[.!?,;:—–-]|(?:on|in|at|during|after|before|while|when|as|to|from|with|without|"
    r"yesterday|today|tonight|last|this|earlier|later|late|early|recently|previously|again|"
    r"also|then|afterwards|adding|according|standing|speaking|citing|referring)(?![\w’'-]))"
)


class _QuoteFinder:
    """Finds the quotes of one document (see the module docstring for the steps)."""

    def __init__(self, text: str, entities: Sequence[Entity], settings: QuoteSettings) -> None:
        self.text = text
        self.settings = settings
        self.paras = paragraphs(text)
        self.para_starts = [p[0] for p in self.paras]
        segments = find_segments(text)
        self.direct = [s for s in segments if s.standalone]
        self.fragments = [s for s in segments if not s.standalone]
        self.fragment_closes = {s.close_at for s in self.fragments if s.close_at is not None}
        chars = list(text)
        for s in self.direct:
            chars[s.open_at : s.outer_end] = MASK * (s.outer_end - s.open_at)
        self.masked = "".join(chars)
        #: ends of masked quotes that end a sentence (their full stop is masked with them)
        self.breaks = [s.outer_end for s in self.direct if closes_sentence(text, s)]
        #: positions of the words that can be cues: sentences without one are not searched
        self.cue_positions = _cue_positions(self.masked)
        hidden = [Span(s.start, s.end) for s in self.direct]
        self.resolver = SpeakerResolver(text, entities, hidden, self.para_starts)

    def para_of(self, pos: int) -> int:
        return bisect.bisect_right(self.para_starts, pos) - 1

    # direct quotes -----------------------------------------------------------------------

    def direct_quotes(self) -> list[_Found]:
        """Direct quotes with the subject and cue after them, else before them."""
        t, masked = self.text, self.masked
        out: list[_Found] = []
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
            if subject is None and seg.para > 0 and not masked[ps : seg.open_at].strip():
                # "Jane Doe told reporters:" closing the paragraph before the quote
                qs, qe = self.paras[seg.para - 1]
                if masked[qs:qe].rstrip().endswith(":"):
                    m = _BEFORE.search(masked, max(qs, qe - 200), qe)
                    subject = _subject(m, t) if m else None
            cue = Span(m.start("cue"), m.end("cue"), m.group("cue")) if m and subject else None
            if subject is None and seg.block < 0:
                if word_count(t[seg.start : seg.end]) < self.settings.min_quote_words:
                    continue  # a short unattributed segment: a title or a scare quote
            out.append(_Found(seg.start, seg.end, "direct", subject, cue, seg.block))
        return out

    # reported speech ---------------------------------------------------------------------

    def reported(self) -> list[_Found]:
        out: list[_Found] = []
        for ps, pe in self.paras:
            for ss, se in sentences(self.masked, ps, pe, self.breaks):
                i = bisect.bisect_left(self.cue_positions, (ss, ss))
                j = bisect.bisect_left(self.cue_positions, (se, se))
                if i < j:
                    out += self._reported_in_sentence(ss, se, self.cue_positions[i:j])
        return out

    def _clause(self, s: int, e: int) -> tuple[int, int] | None:
        """Trim a reported clause: no leading "that", no direct quote, no final punctuation."""
        masked = self.masked
        s, e = strip_span(masked, s, e, " \t,:;—–-")
        lead = _LEADING_WORDS.match(masked, s, e)
        if lead:
            s = lead.end()
        cut = masked.find(MASK, s, e)
        if cut >= 0:
            e = cut
        s, e = strip_span(masked, s, e, _TRAILING)
        conj = _TRAILING_CONJUNCTION.search(masked, s, e)
        if conj:
            e = conj.start()
        s, e = strip_span(masked, s, e, _TRAILING)
        while e > s and masked[e - 1] in '”’"»' and e - 1 not in self.fragment_closes:
            e -= 1
        if word_count(masked[s:e]) < self.settings.min_quote_words:
            return None
        return s, e

    def _reported(self, span: tuple[int, int] | None, subject: Subject, cue: Span) -> _Found | None:
        if span is None:
            return None
        s, e = span
        mixed = any(s <= f.open_at < e for f in self.fragments)
        if not mixed and cue.text in W.MIXED_ONLY_VERBS:
            return None
        return _Found(s, e, "mixed" if mixed else "indirect", subject, cue)

    def _reported_in_sentence(
        self, ss: int, se: int, cue_words: list[tuple[int, int]]
    ) -> list[_Found]:
        """The reported speech of one sentence: one or more cues, else "according to X"."""
        acc = _ACCORDING.search(self.masked, ss, se)
        limit = se
        if acc and acc.start() > cue_words[0][0]:  # "X said ..., according to the agency."
            limit = acc.start()
        out = self._cued(ss, limit, [c for c in cue_words if c[1] <= limit])
        if not out and acc:
            according = self._according(ss, se)
            return [according] if according else []
        return out

    def _cued(self, ss: int, se: int, cue_words: list[tuple[int, int]]) -> list[_Found]:  # noqa: C901
        """Quotes of the cue words of a sentence, each with its subject."""
        cues: list[tuple[int, re.Match[str], Subject | None]] = []  # (start, match, subject)
        done = ss
        for cs, ce in cue_words:  # a subject ending at each cue word, searched just before it
            m = _SUBJ_CUE.search(self.masked, max(done, cs - _MAX_SUBJECT), min(se, ce + 12))
            if m and m.start("cue") == cs:
                cues.append((m.start(), m, _subject(m, self.text)))
                done = m.end()
        for m in _COORD_CUE.finditer(self.masked, ss, se):
            if any(c[0] <= m.start() < c[1].end() for c in cues):
                continue
            earlier = [c for c in cues if c[0] < m.start() and c[2] is not None]
            if earlier:
                cues.append((m.start(), m, earlier[-1][2]))
            elif (head := _SENTENCE_SUBJECT.match(self.masked, ss, m.start())) and (
                subject := _subject(head, self.text)
            ):  # "Jane Doe is ready to talk but warned that ..."
                cues.append((m.start(), m, subject))
        cues.sort(key=lambda c: c[0])
        out: list[_Found] = []
        floor = ss
        for i, (_, m, subject) in enumerate(cues):
            limit = cues[i + 1][0] if i + 1 < len(cues) else se
            found = self._from_cue(m, subject, floor, limit) if subject else None
            if found:
                out.append(found)
                floor = max(floor, found.end, m.end())
        if not out:
            for m in _CUE_SUBJ.finditer(self.masked, ss, se):  # CLAUSE, said the minister.
                before = self.masked[ss : m.start()].rstrip()
                subject = _subject(m, self.text)
                ends = _ADJUNCT_START.match(self.masked, m.end(), se)
                if before.endswith(",") and MASK not in before and subject and ends:
                    found = self._reported(self._clause(ss, m.start()), subject, _cue(m))
                    if found:
                        out.append(found)
        return out

    def _according(self, ss: int, se: int) -> _Found | None:
        """According to X, CLAUSE. / CLAUSE, according to X."""
        masked = self.masked
        acc = _ACCORDING.search(masked, ss, se)
        m = _SUBJECT_AFTER_ACCORDING.match(masked, acc.end(), se) if acc else None
        subject = _subject(m, self.text) if m else None
        if not (acc and m and subject):
            return None
        cue = Span(acc.start(), acc.end(), self.text[acc.start() : acc.end()])
        if not masked[ss : acc.start()].strip():
            comma = masked.find(",", m.end(), se)
            return self._reported(self._clause(comma + 1, se), subject, cue) if comma >= 0 else None
        return self._reported(self._clause(ss, acc.start()), subject, cue)

    def _from_cue(  # noqa: C901
        self, m: re.Match[str], subject: Subject, floor: int, limit: int
    ) -> _Found | None:
        """The reported clause of one cue: after it ("X said (that) ..."), or before it
        ("..., X said (on Friday).")."""
        masked = self.masked
        cue_group = "cue" if m.group("cue") else "cue2"
        cue = Span(m.start(cue_group), m.end(), self.text[m.start(cue_group) : m.end()])
        before = masked[floor : m.start()].rstrip()
        if before.rstrip(", \t").endswith(MASK):
            return None  # “…,” X said: the attribution of a direct quote
        between = masked[subject.span.end : m.start("cue")]
        bare_comma = between.count(",") == 1 and not m.groupdict().get("appos")
        if m.re is _SUBJ_CUE and bare_comma and not before.endswith(","):
            return None  # "..., Jane Doe, said" needs the comma before the name too
        after = masked[m.end() : limit]
        if after.lstrip().startswith((":", MASK)):
            return None  # X said: “…”
        if m.re is _SUBJ_CUE and before.endswith(",") and _ADJUNCT_START.match(after):
            if (
                after.lstrip().startswith(",")
                and masked.find(",", m.end() + 1, limit) < 0
                and not _CONJUNCTION_AFTER.match(masked, m.end(), limit)
            ):
                return self._reported(self._clause(floor, limit), subject, cue)  # A, he said, B.
            return self._reported(self._clause(floor, floor + len(before) - 1), subject, cue)
        start = m.end()
        that = _ADJUNCT_THAT.match(masked, start, limit)
        if that:
            start = that.end()
        elif cue.text in W.ADDRESSEE_VERBS:
            obj = _ADDRESSEE.match(masked, start, limit)
            if obj:
                start = obj.end()
                # told reporters in the capital that ...
                that = _ADJUNCT_THAT.match(masked, start, limit)
                if that:
                    start = that.end()
        elif _PREPOSITION_START.match(masked, start, limit):
            return None
        elif adjunct := _LEADING_ADJUNCT.match(masked, start, limit):
            start = adjunct.end()  # said on Friday (that) the plan ...
        elif _ADJUNCT_ONLY.match(masked, start, limit):
            return None  # said in a statement.
        return self._reported(self._clause(start, limit), subject, cue)

    # headlines -----------------------------------------------------------------------------

    def headlines(self) -> list[_Found]:
        """Lines "Name: words" (the name looks like a name, the words are not a label)."""
        out: list[_Found] = []
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
                or word_count(m.group("body")) < self.settings.min_quote_words
            ):
                continue
            s, e = strip_span(self.text, m.start("body"), m.end("body"), _TRAILING)
            subject = Subject("name", Span(m.start("name"), m.end("name"), name))
            out.append(_Found(s, e, "direct", subject, _cue(m)))
        return out

    # all together --------------------------------------------------------------------------

    def run(self) -> list[Quote]:
        found = self.direct_quotes()
        if self.settings.headlines:
            found += self.headlines()
        if self.settings.indirect:
            found += self.reported()
        found.sort(key=lambda f: (f.start, f.end))
        refs = self.settings.resolve_references
        for f in found:  # in document order, so "he" can refer to the speaker before
            if f.subject:
                f.subject = self.resolver.person_in_apposition(f.subject)
                f.speaker = self.resolver.resolve(f.subject, refs)
        self._share_blocks(found)
        self._inherit(found)
        return [
            Quote(f.start, f.end, f.type, f.speaker, f.subject.span if f.subject else None,
                  f.cue, self.text[f.start : f.end])
            for f in found
        ]  # fmt: skip

    @staticmethod
    def _share_blocks(found: list[_Found]) -> None:
        """Every paragraph of a multi-paragraph quote gets the speaker found for the block."""
        speakers: dict[int, str] = {}
        for f in found:
            if f.block >= 0 and f.speaker and f.block not in speakers:
                speakers[f.block] = f.speaker
        for f in found:
            if f.block >= 0 and f.speaker is None:
                f.speaker = speakers.get(f.block)

    def _inherit(self, found: list[_Found]) -> None:
        """A direct quote without a speaker takes the speaker of the nearest quote: the previous
        one in the same or the two paragraphs before, else the next one in the next paragraph."""
        para = [self.para_of(f.start) for f in found]
        for i, f in enumerate(found):
            if f.speaker is not None or f.subject is not None:
                continue
            prev = (j for j in range(i - 1, -1, -1) if found[j].speaker)
            j = next(prev, None)
            if j is not None and para[i] - para[j] <= 2:
                f.speaker = found[j].speaker
                continue
            nxt = (j for j in range(i + 1, len(found)) if found[j].speaker)
            j = next(nxt, None)
            if j is not None and para[j] - para[i] <= 1:
                f.speaker = found[j].speaker


def _cue(m: re.Match[str]) -> Span:
    return Span(m.start("cue"), m.end("cue"), m.group("cue"))


_SUBJECT_AFTER_ACCORDING = re.compile(rf"[ \t]+{SUBJECT_AFTER}")


def find_quotes(
    text: str, entities: Sequence[Entity], settings: QuoteSettings | None = None
) -> list[Quote]:
    """Every quote of ``text``; ``entities`` (all labels) help to resolve speakers."""
    if not text.strip():
        return []
    return _QuoteFinder(text, entities, settings or QuoteSettings()).run()
