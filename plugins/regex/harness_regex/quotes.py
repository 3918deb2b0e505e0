"""Direct, indirect and mixed quotes with their speakers, found with regular expressions.

The text is read paragraph by paragraph (a paragraph is a line). The rule tables, in the order
the code applies them:

1. Quotation marks are paired into segments (:mod:`.segments`): a standalone segment is a direct
   quote, a fragment may belong to a mixed quote; a paragraph whose quote is not closed continues
   into the next one that opens with a quote mark (one quote per paragraph, one speaker).
2. :data:`DIRECT_ATTRIBUTION`: each direct quote is attributed from the text right after it
   (“…,” Jane Doe said / said the minister), right before it (Jane Doe said: “…”) or at the end
   of the paragraph before; :data:`UNATTRIBUTED` drops short quotes nobody said.
3. Direct quotes are masked out and each sentence is searched for reported speech
   (:data:`SENTENCES`): "X said (that) CLAUSE", "X told Y (that) CLAUSE", "CLAUSE, X said.",
   "according to X, CLAUSE", "CLAUSE, according to X". :data:`CUE_CLAUSE` decides where the
   clause of a cue is, :data:`CLAUSE_START` where it starts after the cue, :data:`CLAUSE_TRIM`
   what is cut off it. A reported clause that contains a fragment is *mixed*.
4. :data:`HEADLINES`: a short line "Name: words" is a direct quote with the cue ":".
5. Speakers are resolved in document order (:mod:`.speakers`); :data:`INHERITANCE` gives
   unattributed quotes the speaker of their block or of the nearest quote.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from harness.model import Entity, Quote, QuoteType, Span

from . import wordlists as W
from .rules import Quotes, RuleTable, Said
from .segments import (
    Segment,
    closes_sentence,
    find_segments,
    paragraphs,
    sentences,
    strip_span,
    word_count,
)
from .speakers import NEXT, SUBJECTS, G, SpeakerResolver, Subject, _Next
from .speakers import subject_from_match as _subject
from .wordlists import alternation as _alt

MASK = "\x00"

# --- patterns (compiled once) -----------------------------------------------------------------

#: An apposition or relative clause between a subject and its cue ("Jane Doe, 54, said").
SUBJECTS.pattern(
    "parenthesis",
    r"(?:,[ \t]+(?P<appos>(?:(?:{W.APPOSITION_WORDS}|{W.DETERMINERS}|{W.ROLE_NOUNS}"
    r"|[a-z]+(?:ing|ed))(?![\w’'-])|\d|[A-Z])[^,\x00.;:!?\n]{0,80}?),|,)?",
    "An apposition or a relative clause in commas between a subject and its cue ('Oskar "
    "Lind, the owner of the farm, said', 'X, who had doubts, said'); a person named in "
    "apposition to a description is the speaker ('His lawyer, Oskar Lind, said'), an "
    "organisation is not ('A spokesman for the company, Nordlink, said').",
    Quotes("Oskar Lind, the owner of the farm, said the price was fair.",
           Said("the price was fair", "indirect", "Oskar Lind", "Oskar Lind", "said")),
    Quotes("His lawyer, Oskar Lind, said the charges were baseless.",
           Said("the charges were baseless", "indirect", "Oskar Lind", "Oskar Lind", "said")),
    Quotes("The mayor of Eastbury, Oskar Lind, said the town would rebuild.",
           Said("the town would rebuild", "indirect", "Oskar Lind", "Oskar Lind", "said")),
    Quotes("The company’s chief executive, Oskar Lind, said profits would rise.",
           Said("profits would rise", "indirect", "Oskar Lind", "Oskar Lind", "said")),
    Quotes("A spokesman for the ferry company, Nordlink, said: “All boats are safe.”",
           Said("All boats are safe.", "direct", "spokesman for the ferry company",
                "A spokesman for the ferry company", "said")),
    grammar=G,
)  # fmt: skip
#: Attribution right after a closing mark: “…,” Jane Doe said (a few lower-case words may
#: come first: “…,” council president Jane Doe said).
G.part(
    "AFTER_SUBJ_CUE",
    r"[ \t,]*(?:[a-z][\w’'-]*[ \t]+){0,3}?{SUBJECT}{PARENTHESIS}[ \t]+{ADVERBS_BEFORE_CUE}"
    r"(?P<cue>{CUE})",
)
#: “…,” said the minister / “…,” according to the minister.
G.part(
    "AFTER_CUE_SUBJ", r"[ \t,]*(?P<cue>{CUE}|[Aa]ccording[ \t]+to(?![\w’'-]))[ \t]+{SUBJECT_AFTER}"
)
#: Attribution right before an opening mark: Jane Doe said (at a news conference):
G.part(
    "BEFORE",
    r"{SUBJECT}{PARENTHESIS}[ \t]+{ADVERBS_BEFORE_CUE}(?P<cue>{CUE})"
    r"(?:[ \t]+[^\x00.!?:;,]{0,80}?)??[ \t]*[:,]?[ \t]*$",
)
G.part("BEFORE_COLON", r"[ \t]*{SUBJECT_AFTER}[ \t]*(?P<cue>:)[ \t]*$")
G.part("PHRASAL_CUE", r"(?:{W.PHRASAL_CUES})(?![\w’'-])")
#: A relative clause without commas after a description: "The company that owns the mill said".
G.part(
    "RELATIVE", r"(?:(?<=[a-z])[ \t]+(?:{W.RELATIVE_PRONOUNS})(?:[ \t]+(?!that\b)[\w’'-]+){1,6}?)?"
)
G.part("CALENDAR", r"(?:{W.WEEKDAYS}|{W.MONTHS})(?![\w’'-])")
#: "Jane Doe on Tuesday denied that ...": a day or month between a subject and its cue.
G.part(
    "TIME_BEFORE_CUE",
    r"(?:[ \t]+(?:(?:{W.CALENDAR_MODIFIERS})[ \t]+)?{CALENDAR}|[ \t]+(?:{W.DAY_WORDS}))?",
)
#: Any subject followed by a cue, for reported speech.
G.part(
    "SUBJ_CUE",
    r"{SUBJECT}{RELATIVE}{PARENTHESIS}{TIME_BEFORE_CUE}[ \t]+{ADVERBS_BEFORE_CUE}"
    r"(?:(?:{W.CUE_AUXILIARIES})[ \t]+)?(?P<cue>{PHRASAL_CUE}|{REPORT_CUE})(?:[ \t]+of\b)?",
)
#: A second cue of the same subject: "..., and warned that ...", "..., saying ...".
G.part(
    "COORD_CUE",
    r"(?:,[ \t]*(?:{W.COORDINATORS}|while)|[ \t]+(?:{W.COORDINATORS}))[ \t]+{ADVERBS_BEFORE_CUE}"
    r"(?P<cue>{REPORT_CUE})(?:[ \t]+of\b)?"
    r"|,[ \t]*(?P<part>(?P<cue2>{W.PARTICIPLE_CUES})(?![\w’'-]))",
)
G.part("SENTENCE_SUBJECT", r"[ \t]*{SUBJECT}(?=[ \t]+[a-z])")
#: "CLAUSE, said the minister."
G.part("CUE_SUBJ", r"(?<![\w’'-])(?P<cue>{CUE})[ \t]+{SUBJECT_AFTER}")
G.part("ACCORDING", r"(?<![\w’'-])[Aa]ccording[ \t]+to(?![\w’'-])")
G.part("SUBJECT_AFTER_ACCORDING", r"[ \t]+{SUBJECT_AFTER}")
#: Words that start an adjunct after a cue ("..., she said on Friday after the talks.").
G.part(
    "ADJUNCT_START",
    r"[ \t]*(?:$|[.!?,;:—–-]|(?:{W.ADJUNCT_WORDS}|{W.AFTER_ATTRIBUTION})(?![\w’'-]))",
)
#: ", as ...", ", but ...": what follows ", X said," is not the rest of the quote.
G.part("CONJUNCTION_AFTER", r"[ \t]*,[ \t]*(?:{W.CONJUNCTIONS_AFTER_ATTRIBUTION})(?![\w’'-])")
G.part(
    "ADJUNCT_THAT",
    r"(?:[ \t]+(?:{W.ADJUNCT_WORDS}|{W.REPORTING_ADVERBS})\b[^,\x00.!?;:]{0,60}?"
    r"|[ \t]+for[ \t]+(?:(?:{W.SPAN_COUNTS})[ \t]+)?(?:{W.PLURAL_DATE_UNITS}))?"
    r"[ \t]+that(?![\w’'-])",
)
G.part("CAPS", r"[A-Z][\w’'.-]*(?:[ \t]+[A-Z][\w’'.-]*)*")
#: The addressee of "told"/"warned": "reporters", "the BBC", "a news conference", "Jane Doe".
G.part(
    "ADDRESSEE",
    r"[ \t]+(?:(?:{W.DETERMINERS}|our)[ \t]+"
    r"(?:{CAPS}|[a-z][\w-]*(?:[ \t]+(?!(?:{W.ADDRESSEE_ENDS})(?![\w’'-]))[a-z][\w-]*)?)"
    r"|{CAPS}|[a-z][\w-]*)(?=[ \t,.:;]|$)",
)
#: Reported clauses do not start with these prepositions ("writes about ...", "spoke to ...").
G.part("PREPOSITION_START", r"[ \t]*(?:{W.CUE_PREPOSITIONS})(?![\w’'-])")
#: (a preposition takes its object with it: "said in a statement it ...", not "in")
G.part(
    "LEADING_ADJUNCT",
    r"[ \t]+(?:(?:{W.ADJUNCT_PREPOSITIONS}|{W.TIME_DEICTICS})(?:[ \t]+[\w’'-]+){1,4}?"
    r"|(?:{W.TIME_ADVERBS})(?:[ \t]+[\w’'-]+){0,4}?)"
    r"(?=[ \t]+(?:{W.SUBJECT_PRONOUNS}|I|{W.DETERMINERS}|(?!{CALENDAR})[A-Z][\w’'-]*)[ \t]+[a-z])",
)
G.part("ADJUNCT_ONLY", r"[ \t]+(?:{W.ADJUNCT_WORDS})(?![\w’'-])")
#: Words that open a clause without belonging to what was said: "that", "though", a sentence
#: adverb ("Separately, ...", "However, ..."), a dateline ("PARIS (AFP) - ").
G.part(
    "LEADING_WORDS",
    r"(?:(?:{W.CLAUSE_OPENERS})[ \t]+"
    r"|[A-Z][A-Z .'-]+(?:[ \t]*\([^()\n]{1,40}\))?[ \t]+[-—–][ \t]+"
    r"|(?:[A-Z][a-z]+ly|{W.SENTENCE_ADVERBS})[ \t]*,[ \t]+)+",
)
G.part("TRAILING_CONJUNCTION", r"(?:[ \t,]+(?:{W.TRAILING_CONJUNCTIONS}))+[ \t,]*$")
G.part(
    "HEADLINE",
    r"(?P<name>[A-Z][\w’'.-]*(?:[ \t]+[A-Z][\w’'.-]*){0,3})[ \t]*(?P<cue>:)"
    r"[ \t]+(?P<body>\S.*?)[ \t]*$",
)


@functools.cache
def _rx(name: str) -> re.Pattern[str]:
    """The compiled grammar part ``name``."""
    return re.compile(G.parts[name])


_AFTER_SUBJ_CUE = _rx("AFTER_SUBJ_CUE")
_AFTER_CUE_SUBJ = _rx("AFTER_CUE_SUBJ")
_BEFORE = _rx("BEFORE")
_BEFORE_COLON = _rx("BEFORE_COLON")
_SUBJ_CUE = _rx("SUBJ_CUE")
_COORD_CUE = _rx("COORD_CUE")
_SENTENCE_SUBJECT = _rx("SENTENCE_SUBJECT")
_CUE_SUBJ = _rx("CUE_SUBJ")
_ACCORDING = _rx("ACCORDING")
_SUBJECT_AFTER_ACCORDING = _rx("SUBJECT_AFTER_ACCORDING")
_ADJUNCT_START = _rx("ADJUNCT_START")
_CONJUNCTION_AFTER = _rx("CONJUNCTION_AFTER")
_ADJUNCT_THAT = _rx("ADJUNCT_THAT")
_ADDRESSEE = _rx("ADDRESSEE")
_PREPOSITION_START = _rx("PREPOSITION_START")
_LEADING_ADJUNCT = _rx("LEADING_ADJUNCT")
_ADJUNCT_ONLY = _rx("ADJUNCT_ONLY")
_LEADING_WORDS = _rx("LEADING_WORDS")
_TRAILING_CONJUNCTION = _rx("TRAILING_CONJUNCTION")
_HEADLINE = _rx("HEADLINE")

_LOWER_WORD = re.compile(r"[a-z]+")
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
_TRAILING = ".,;:!? \t—–-"


# --- the finder -------------------------------------------------------------------------------


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
        #: where the quoted fragments open, sorted (is there one in a span: a bisection)
        self._fragment_opens = sorted(s.open_at for s in self.fragments)
        chars = list(text)
        for s in self.direct:
            chars[s.open_at : s.outer_end] = MASK * (s.outer_end - s.open_at)
        self.masked = "".join(chars)
        #: ends of masked quotes that end a sentence (their full stop is masked with them)
        self.breaks = sorted(s.outer_end for s in self.direct if closes_sentence(text, s))
        #: positions of the words that can be cues: sentences without one are not searched
        self.cue_positions = _cue_positions(self.masked)
        hidden = [Span(s.start, s.end) for s in self.direct]
        self.resolver = SpeakerResolver(text, entities, hidden, self.para_starts)

    def para_of(self, pos: int) -> int:
        return bisect.bisect_right(self.para_starts, pos) - 1

    def subject(self, m: re.Match[str] | None) -> Subject | None:
        return _subject(m, self.text) if m else None

    def clause(self, s: int, e: int) -> tuple[int, int] | None:
        """A reported clause ``s..e`` trimmed by :data:`CLAUSE_TRIM`, or None (too short)."""
        span: tuple[int, int] | None = strip_span(self.masked, s, e, " \t,:;—–-")
        for step in CLAUSE_TRIM.steps:
            span = step(self, *span)
            if span is None:
                return None
        return span

    def reported(self, span: tuple[int, int] | None, subject: Subject, cue: Span) -> _Found | None:
        """The quote of a reported clause: *mixed* when it contains a quoted fragment; a verb
        that reports only around a fragment ("called") gives nothing without one."""
        if span is None:
            return None
        s, e = span
        i = bisect.bisect_left(self._fragment_opens, s)
        mixed = i < len(self._fragment_opens) and self._fragment_opens[i] < e
        if not mixed and cue.text in W.MIXED_ONLY_VERBS:
            return None
        return _Found(s, e, "mixed" if mixed else "indirect", subject, cue)

    def run(self) -> list[Quote]:
        found: list[_Found] = []
        for step in FINDERS.steps:
            found += step(self)
        found.sort(key=lambda f: (f.start, f.end))
        refs = self.settings.resolve_references
        for f in found:  # in document order, so "he" can refer to the speaker before
            if f.subject:
                f.subject = self.resolver.person_in_apposition(f.subject)
                f.speaker = self.resolver.resolve(f.subject, refs)
        for inherit in INHERITANCE.steps:
            inherit(self, found)
        return [
            Quote(f.start, f.end, f.type, f.speaker, f.subject.span if f.subject else None,
                  f.cue, self.text[f.start : f.end])
            for f in found
        ]  # fmt: skip


def _cue(m: re.Match[str]) -> Span:
    return Span(m.start("cue"), m.end("cue"), m.group("cue"))


# --- direct quotes ----------------------------------------------------------------------------

#: A step takes the finder and a quoted segment and gives the match of its attribution.
AttributionRule = Callable[[_QuoteFinder, Segment], "re.Match[str] | None"]

DIRECT_ATTRIBUTION: RuleTable[AttributionRule] = RuleTable(
    "direct_attribution",
    "Where the speaker of a direct quote is written: the first place whose pattern gives a "
    "subject wins.",
    cascade=True,
)


@DIRECT_ATTRIBUTION.step(
    Quotes("“The bridge will open in spring,” Lena Varga said.",
           Said("The bridge will open in spring,", "direct", "Lena Varga", "Lena Varga", "said")),
    Quotes("“We will not sell the farm,” said Oskar Lind.",
           Said("We will not sell the farm,", "direct", "Oskar Lind", "Oskar Lind", "said")),
    Quotes("“The bridge must close before winter,” according to Oskar Lind.",
           Said("The bridge must close before winter,", "direct", "Oskar Lind", "Oskar Lind",
                "according to")),
    Quotes('"Nobody expected the snow," Oskar Lind told reporters.',
           Said("Nobody expected the snow,", "direct", "Oskar Lind", "Oskar Lind", "told")),
    patterns=("AFTER_SUBJ_CUE", "AFTER_CUE_SUBJ"),
    grammar=G,
)  # fmt: skip
def _after_the_closing_mark(f: _QuoteFinder, seg: Segment) -> re.Match[str] | None:
    """Right after the closing mark: a subject and its cue (“…,” Jane Doe said), or a cue and
    its subject (“…,” said the minister / “…,” according to X)."""
    if seg.close_at is None:
        return None
    pe = f.paras[seg.para][1]
    return _AFTER_SUBJ_CUE.match(f.masked, seg.close_at + 1, pe) or _AFTER_CUE_SUBJ.match(
        f.masked, seg.close_at + 1, pe
    )


@DIRECT_ATTRIBUTION.step(
    Quotes("Lena Varga said: “The bridge will open in spring.”",
           Said("The bridge will open in spring.", "direct", "Lena Varga", "Lena Varga", "said")),
    Quotes("Lena Varga said at the opening on Monday: “The bridge is safe.”",
           Said("The bridge is safe.", "direct", "Lena Varga", "Lena Varga", "said")),
    Quotes("The harbour master: “The river is rising fast.”",
           Said("The river is rising fast.", "direct", "harbour master", "The harbour master",
                ":")),
    patterns=("BEFORE", "BEFORE_COLON"),
    grammar=G,
)  # fmt: skip
def _before_the_opening_mark(f: _QuoteFinder, seg: Segment) -> re.Match[str] | None:
    """Right before the opening mark, in the same paragraph: a subject and its cue, maybe with
    a short adjunct (Jane Doe said at the opening: “…”), or a subject and a colon."""
    ps = f.paras[seg.para][0]
    lo = max(ps, seg.open_at - 200, f.masked.rfind(MASK, ps, seg.open_at) + 1)
    return _BEFORE.search(f.masked, lo, seg.open_at) or _BEFORE_COLON.match(
        f.masked, ps, seg.open_at
    )


@DIRECT_ATTRIBUTION.step(
    Quotes("Harbour Minister Ada Lorn told reporters:\n\n“The port will reopen on Monday.”",
           Said("The port will reopen on Monday.", "direct", "Ada Lorn", "Ada Lorn", "told")),
    patterns=("BEFORE",),
    grammar=G,
)  # fmt: skip
def _end_of_the_paragraph_before(f: _QuoteFinder, seg: Segment) -> re.Match[str] | None:
    """At the end of the paragraph before, when it ends with a colon and the quote opens its
    own paragraph (Jane Doe told reporters:⏎“…”)."""
    ps = f.paras[seg.para][0]
    if seg.para == 0 or f.masked[ps : seg.open_at].strip():
        return None
    qs, qe = f.paras[seg.para - 1]
    if not f.masked[qs:qe].rstrip().endswith(":"):
        return None
    return _BEFORE.search(f.masked, max(qs, qe - 200), qe)


#: A step takes the finder, a segment and its subject (None when unattributed); True drops it.
DropRule = Callable[[_QuoteFinder, Segment, "Subject | None"], bool]

UNATTRIBUTED: RuleTable[DropRule] = RuleTable(
    "unattributed", "Quoted segments that are not quotes: any rule can drop one."
)


@UNATTRIBUTED.step(
    Quotes("The so-called “plan” was never written down."),
    Quotes("The word on the poster was simply: “Leave.”"),
    Quotes("“And we will stay ready for years.”",
           Said("And we will stay ready for years.", "direct", None, None, None)),
)  # fmt: skip
def _short_and_unattributed(f: _QuoteFinder, seg: Segment, subject: Subject | None) -> bool:
    """A short quoted segment (fewer than ``min_quote_words`` words) with no speaker and no
    multi-paragraph block is a title or a scare quote, not a quote."""
    return (
        subject is None
        and seg.block < 0
        and word_count(f.text[seg.start : seg.end]) < f.settings.min_quote_words
    )


def _direct(f: _QuoteFinder, seg: Segment) -> _Found | None:
    m, subject = None, None
    for place in DIRECT_ATTRIBUTION.steps:
        m = place(f, seg)
        subject = f.subject(m)
        if subject is not None:
            break
    if any(drop(f, seg, subject) for drop in UNATTRIBUTED.steps):
        return None
    cue = _cue(m) if m and subject else None
    return _Found(seg.start, seg.end, "direct", subject, cue, seg.block)


# --- reported speech: the clause of one cue ---------------------------------------------------


@dataclass
class _CueAt:
    """A cue of reported speech in a sentence, with its subject and where its clause may be."""

    m: re.Match[str]
    subject: Subject
    #: where the clause may start (the end of the previous quote of the sentence)
    floor: int
    #: where it must end (the next cue or the end of the sentence)
    limit: int
    cue: Span
    #: the text before the match (from ``floor``) and after it (to ``limit``)
    before: str
    after: str

    @property
    def after_subject(self) -> bool:
        """Whether the cue follows its subject ("X said"), not a coordinated cue."""
        return self.m.re is _SUBJ_CUE


_REJECT = None
#: A step takes the finder and a cue; it gives the quote, None (no quote) or NEXT.
ClauseRule = Callable[[_QuoteFinder, _CueAt], "_Found | _Next | None"]

CUE_CLAUSE: RuleTable[ClauseRule] = RuleTable(
    "cue_clause",
    "Where the reported clause of a cue is (or that there is none): the first rule that "
    "decides wins.",
    cascade=True,
)


@CUE_CLAUSE.step(
    Quotes("“We are ready,” Oskar Lind said on Monday after the boats were checked.",
           Said("We are ready,", "direct", "Oskar Lind", "Oskar Lind", "said")),
)  # fmt: skip
def _attribution_of_a_direct_quote(f: _QuoteFinder, c: _CueAt) -> _Found | _Next | None:
    """A cue right after a direct quote (“…,” X said) attributes that quote; it reports no
    clause of its own."""
    return _REJECT if c.before.rstrip(", \t").endswith(MASK) else NEXT


@CUE_CLAUSE.step(
    Quotes("The boats were checked by Oskar Lind, said the harbour office on Friday."),
)  # fmt: skip
def _name_between_commas(f: _QuoteFinder, c: _CueAt) -> _Found | _Next | None:
    """A subject followed by a bare comma before its cue ('..., Jane Doe, said') is a subject
    only when a comma comes before it too ('checked by Oskar Lind, said the office': Lind is
    no speaker)."""
    if not c.after_subject:  # (a coordinated cue: its subject may lie sentences before)
        return NEXT
    between = f.masked[c.subject.span.end : c.m.start("cue")]
    bare_comma = between.count(",") == 1 and not c.m.groupdict().get("appos")
    if bare_comma and not c.before.endswith(","):
        return _REJECT
    return NEXT


@CUE_CLAUSE.step(
    Quotes("Lena Varga said: “The bridge will open in spring.”",
           Said("The bridge will open in spring.", "direct", "Lena Varga", "Lena Varga", "said")),
    Quotes("Lena Varga said: the bridge will open in spring."),
)  # fmt: skip
def _a_quote_follows(f: _QuoteFinder, c: _CueAt) -> _Found | _Next | None:
    """A cue followed by a colon or a direct quote (X said: “…”) introduces that quote; it
    reports no clause of its own, not even when the words after the colon are not quoted."""
    return _REJECT if c.after.lstrip().startswith((":", MASK)) else NEXT


@CUE_CLAUSE.step(
    Quotes("The farm is not for sale, Oskar Lind said on Monday.",
           Said("The farm is not for sale", "indirect", "Oskar Lind", "Oskar Lind", "said")),
    Quotes("The ferry will sail at noon, Ada Lorn said publicly.",
           Said("The ferry will sail at noon", "indirect", "Ada Lorn", "Ada Lorn", "said")),
    Quotes("The farm, Oskar Lind said, is not for sale.",
           Said("The farm, Oskar Lind said, is not for sale", "indirect", "Oskar Lind")),
    Quotes("OSLO (Newswire) - The ferry was cancelled, officials said, as the wind grew "
           "stronger.", Said("The ferry was cancelled", "indirect", "officials")),
    patterns=("ADJUNCT_START", "CONJUNCTION_AFTER"),
    grammar=G,
)  # fmt: skip
def _clause_before_the_cue(f: _QuoteFinder, c: _CueAt) -> _Found | _Next | None:
    """'CLAUSE, X said (on Friday).': a comma before the subject and the sentence ending (or an
    adjunct) after the cue put the clause before it; 'A, X said, B' without another comma or a
    conjunction after it is one clause around the attribution."""
    if not (c.after_subject and c.before.endswith(",") and _ADJUNCT_START.match(c.after)):
        return NEXT
    m, masked = c.m, f.masked
    if (
        c.after.lstrip().startswith(",")
        and masked.find(",", m.end() + 1, c.limit) < 0
        and not _CONJUNCTION_AFTER.match(masked, m.end(), c.limit)
    ):
        return f.reported(f.clause(c.floor, c.limit), c.subject, c.cue)  # A, he said, B.
    return f.reported(f.clause(c.floor, c.floor + len(c.before) - 1), c.subject, c.cue)


@CUE_CLAUSE.step(
    Quotes("Lena Varga said that the bridge would open in spring.",
           Said("the bridge would open in spring", "indirect", "Lena Varga", "Lena Varga",
                "said")),
    Quotes("Oskar Lind said the farm was not for sale.",
           Said("the farm was not for sale", "indirect", "Oskar Lind", "Oskar Lind", "said")),
)  # fmt: skip
def _clause_after_the_cue(f: _QuoteFinder, c: _CueAt) -> _Found | _Next | None:
    """'X said (that) CLAUSE': the clause follows the cue, from where :data:`CLAUSE_START`
    puts its start, to the next cue or the end of the sentence."""
    start = c.m.end()
    for step in CLAUSE_START.steps:
        moved = step(f, c, start)
        if moved is not NEXT:
            if moved is None:
                return _REJECT
            start = moved  # type: ignore[assignment]
            break
    return f.reported(f.clause(start, c.limit), c.subject, c.cue)


#: A step takes the finder, the cue and the end of the cue; it gives where the clause starts,
#: None (there is no clause) or NEXT.
StartRule = Callable[[_QuoteFinder, _CueAt, int], "int | _Next | None"]

CLAUSE_START: RuleTable[StartRule] = RuleTable(
    "clause_start",
    "Where a reported clause starts after its cue: the first rule that decides wins; else "
    "right after the cue.",
    cascade=True,
)


@CLAUSE_START.step(
    Quotes("The ferry company said in a statement that it was checking every boat.",
           Said("it was checking every boat", "indirect", "ferry company")),
    Quotes("Oskar Lind has argued for months that the dam is unsafe.",
           Said("the dam is unsafe", "indirect", "Oskar Lind")),
    Quotes("Oskar Lind said repeatedly that the dam is unsafe.",
           Said("the dam is unsafe", "indirect", "Oskar Lind")),
    patterns=("ADJUNCT_THAT",),
    grammar=G,
)  # fmt: skip
def _that_after_an_adjunct(f: _QuoteFinder, c: _CueAt, start: int) -> int | _Next | None:
    """A 'that' after the cue, maybe after an adjunct ('said in a statement that', 'has
    argued for months that', 'said repeatedly that'): the clause starts after 'that'."""
    that = _ADJUNCT_THAT.match(f.masked, start, c.limit)
    return that.end() if that else NEXT


@CLAUSE_START.step(
    Quotes("Oskar Lind told reporters that the farm was not for sale.",
           Said("the farm was not for sale", "indirect", "Oskar Lind", "Oskar Lind", "told")),
    Quotes("Oskar Lind told reporters in Eastbury that the pumps would be replaced.",
           Said("the pumps would be replaced", "indirect", "Oskar Lind")),
    Quotes("Ada Lorn warned residents the river would rise.",
           Said("the river would rise", "indirect", "Ada Lorn", "Ada Lorn", "warned")),
    wordlists=("ADDRESSEE_VERBS",),
    patterns=("ADDRESSEE", "ADJUNCT_THAT"),
    grammar=G,
)  # fmt: skip
def _addressee(f: _QuoteFinder, c: _CueAt, start: int) -> int | _Next | None:
    """The object of 'told', 'warned', 'assured' is the addressee ('told reporters (in the
    capital) that'): the clause starts after it."""
    if c.cue.text not in W.ADDRESSEE_VERBS:
        return NEXT
    obj = _ADDRESSEE.match(f.masked, start, c.limit)
    if obj:
        start = obj.end()
        that = _ADJUNCT_THAT.match(f.masked, start, c.limit)  # told reporters in the capital that
        if that:
            start = that.end()
    return start


@CLAUSE_START.step(
    Quotes("Oskar Lind writes about farms, rivers and bridges."),
    patterns=("PREPOSITION_START",),
    grammar=G,
)  # fmt: skip
def _preposition_after_the_cue(f: _QuoteFinder, c: _CueAt, start: int) -> int | _Next | None:
    """A cue followed by a preposition ('writes about', 'spoke to') reports no clause."""
    return _REJECT if _PREPOSITION_START.match(f.masked, start, c.limit) else NEXT


@CLAUSE_START.step(
    Quotes("Lena Varga said on Monday the bridge would open in spring.",
           Said("the bridge would open in spring", "indirect", "Lena Varga")),
    Quotes("The ferry company said in a statement it was checking every boat.",
           Said("it was checking every boat", "indirect", "ferry company")),
    patterns=("LEADING_ADJUNCT",),
    grammar=G,
)  # fmt: skip
def _leading_adjunct(f: _QuoteFinder, c: _CueAt, start: int) -> int | _Next | None:
    """An adjunct of time or place right after the cue and before a subject ('said on Friday
    the plan ...', 'said in a statement it ...') is not said: the clause starts after it."""
    adjunct = _LEADING_ADJUNCT.match(f.masked, start, c.limit)
    return adjunct.end() if adjunct else NEXT


@CLAUSE_START.step(
    Quotes("Lena Varga said in a statement."),
    patterns=("ADJUNCT_ONLY",),
    grammar=G,
)  # fmt: skip
def _only_an_adjunct(f: _QuoteFinder, c: _CueAt, start: int) -> int | _Next | None:
    """A cue followed only by an adjunct ('said in a statement.') reports no clause."""
    return _REJECT if _ADJUNCT_ONLY.match(f.masked, start, c.limit) else NEXT


# --- reported speech: cleaning a clause -------------------------------------------------------

#: A step takes the finder and a clause span; it gives the trimmed span, or None (no clause).
TrimRule = Callable[[_QuoteFinder, int, int], "tuple[int, int] | None"]

CLAUSE_TRIM: RuleTable[TrimRule] = RuleTable(
    "clause_trim", "What is cut off a reported clause, in this order."
)


@CLAUSE_TRIM.step(
    Quotes("Lena Varga said that the bridge would open in spring.",
           Said("the bridge would open in spring", "indirect", "Lena Varga")),
    Quotes("OSLO (Newswire) - The ferry was cancelled, officials said.",
           Said("The ferry was cancelled", "indirect", "officials")),
    Quotes("Separately, the ferry was cancelled, officials said.",
           Said("the ferry was cancelled", "indirect", "officials")),
    patterns=("LEADING_WORDS",),
    grammar=G,
)  # fmt: skip
def _leading_words(f: _QuoteFinder, s: int, e: int) -> tuple[int, int] | None:
    """Words that open a clause without being said are cut off: 'that', 'though', a sentence
    adverb with its comma ('Separately, ...'), a dateline ('OSLO (Newswire) - ')."""
    lead = _LEADING_WORDS.match(f.masked, s, e)
    return (lead.end(), e) if lead else (s, e)


@CLAUSE_TRIM.step(
    Quotes("Oskar Lind said the vote was close, “but we won it in the end.”",
           Said("the vote was close", "indirect", "Oskar Lind", "Oskar Lind", "said"),
           Said("but we won it in the end.", "direct", "Oskar Lind", "Oskar Lind", "said")),
)  # fmt: skip
def _stop_at_a_direct_quote(f: _QuoteFinder, s: int, e: int) -> tuple[int, int] | None:
    """A reported clause ends where a direct quote begins; final punctuation is cut off."""
    cut = f.masked.find(MASK, s, e)
    if cut >= 0:
        e = cut
    return strip_span(f.masked, s, e, _TRAILING)


@CLAUSE_TRIM.step(
    Quotes("The ferry sailed, and the captain said the sea was calm and",
           Said("the sea was calm", "indirect", "captain")),
    patterns=("TRAILING_CONJUNCTION",),
    grammar=G,
)  # fmt: skip
def _trailing_conjunction(f: _QuoteFinder, s: int, e: int) -> tuple[int, int] | None:
    """A conjunction left at the end of a clause ('..., and') is cut off."""
    conj = _TRAILING_CONJUNCTION.search(f.masked, s, e)
    if conj:
        e = conj.start()
    return strip_span(f.masked, s, e, _TRAILING)


@CLAUSE_TRIM.step(
    Quotes("Lena Varga said the delay was “a small price to pay” for safety.",
           Said("the delay was “a small price to pay” for safety", "mixed", "Lena Varga")),
    Quotes("Lena Varga said the delay was “a small price to pay”.",
           Said("the delay was “a small price to pay”", "mixed", "Lena Varga")),
    Quotes("Ada Lorn said the road was open”.",
           Said("the road was open", "indirect", "Ada Lorn")),
)  # fmt: skip
def _stray_closing_marks(f: _QuoteFinder, s: int, e: int) -> tuple[int, int] | None:
    """Closing quotation marks at the end of a clause are cut off, unless they close a quoted
    fragment of it (a mixed quote)."""
    while e > s and f.masked[e - 1] in '”’"»' and e - 1 not in f.fragment_closes:
        e -= 1
    return s, e


@CLAUSE_TRIM.step(
    Quotes("Oskar Lind said no.", ),
    Quotes("Oskar Lind said the price was fair.",
           Said("the price was fair", "indirect", "Oskar Lind")),
)  # fmt: skip
def _too_short(f: _QuoteFinder, s: int, e: int) -> tuple[int, int] | None:
    """A clause shorter than ``min_quote_words`` words is no quote."""
    return (s, e) if word_count(f.masked[s:e]) >= f.settings.min_quote_words else None


# --- reported speech: the cues of a sentence --------------------------------------------------


@dataclass
class _Sentence:
    """A sentence searched for reported speech, up to ``limit`` (a trailing "according to")."""

    start: int
    end: int
    limit: int
    cue_words: list[tuple[int, int]]
    according: re.Match[str] | None


#: (start, match, subject) of a cue of a sentence.
_Cue = tuple[int, re.Match[str], "Subject | None"]
#: A step takes the finder, the sentence and the cues found so far, and adds its own.
CueRule = Callable[[_QuoteFinder, _Sentence, "list[_Cue]"], None]

CUES: RuleTable[CueRule] = RuleTable("cues", "The cues of a sentence and their subjects.")


@CUES.step(
    Quotes("Geologists warned that the slope could give way.",
           Said("the slope could give way", "indirect", "Geologists", "Geologists", "warned")),
    Quotes("The company that owns the ferry said the boats were safe.",
           Said("the boats were safe", "indirect", "company", "The company", "said")),
    Quotes("Senator Oskar Lind on Tuesday denied that he had misled the inquiry.",
           Said("he had misled the inquiry", "indirect", "Oskar Lind")),
    Quotes("Farmers, however, insisted that the drought was not over.",
           Said("the drought was not over", "indirect", "Farmers")),
    Quotes("Oskar Lind, the owner of the farm, said the price was fair.",
           Said("the price was fair", "indirect", "Oskar Lind", "Oskar Lind", "said")),
    Quotes("Ada Lorn called for an end to the strike.",
           Said("an end to the strike", "indirect", "Ada Lorn", "Ada Lorn", "called for")),
    Quotes("Oskar Lind was quoted as saying that the farm was not for sale.",
           Said("the farm was not for sale", "indirect", "Oskar Lind", "Oskar Lind",
                "quoted as saying")),
    patterns=("SUBJ_CUE",),
    grammar=G,
)  # fmt: skip
def _subject_and_cue(f: _QuoteFinder, sent: _Sentence, cues: list[_Cue]) -> None:
    """A subject ending right before each cue word, within 150 characters: 'X said', 'the
    company that owns the mill said', 'X, the owner, said', 'X on Tuesday denied', 'X was
    quoted as saying', 'X called for'."""
    done = sent.start
    for cs, ce in sent.cue_words:  # a subject ending at each cue word, searched just before it
        m = _SUBJ_CUE.search(f.masked, max(done, cs - _MAX_SUBJECT), min(sent.limit, ce + 12))
        if m and m.start("cue") == cs:
            cues.append((m.start(), m, f.subject(m)))
            done = m.end()


@CUES.step(
    Quotes("Lena Varga said the bridge was safe, and added that it would open in spring.",
           Said("the bridge was safe", "indirect", "Lena Varga"),
           Said("it would open in spring", "indirect", "Lena Varga", "Lena Varga", "added")),
    Quotes("Lena Varga opened the bridge on Monday, saying the town had waited long enough.",
           Said("the town had waited long enough", "indirect", "Lena Varga", "Lena Varga",
                "saying")),
    patterns=("COORD_CUE", "SENTENCE_SUBJECT"),
    grammar=G,
)  # fmt: skip
def _coordinated_cue(f: _QuoteFinder, sent: _Sentence, cues: list[_Cue]) -> None:
    """A second cue of the same subject ('..., and added that ...', '..., saying ...') takes
    the subject of the cue before it, else the subject of the sentence ('X opened the bridge,
    saying ...')."""
    for m in _COORD_CUE.finditer(f.masked, sent.start, sent.limit):
        if any(c[0] <= m.start() < c[1].end() for c in cues):
            continue
        earlier = [c for c in cues if c[0] < m.start() and c[2] is not None]
        if earlier:
            cues.append((m.start(), m, earlier[-1][2]))
        elif (head := _SENTENCE_SUBJECT.match(f.masked, sent.start, m.start())) and (
            subject := f.subject(head)
        ):  # "Jane Doe is ready to talk but warned that ..."
            cues.append((m.start(), m, subject))


def _cue_at(f: _QuoteFinder, m: re.Match[str], subject: Subject, floor: int, limit: int) -> _CueAt:
    group = "cue" if m.group("cue") else "cue2"
    cue = Span(m.start(group), m.end(), f.text[m.start(group) : m.end()])
    return _CueAt(m, subject, floor, limit, cue, f.masked[floor : m.start()].rstrip(),
                  f.masked[m.end() : limit])  # fmt: skip


def _clause_of(f: _QuoteFinder, c: _CueAt) -> _Found | None:
    for step in CUE_CLAUSE.steps:
        found = step(f, c)
        if found is not NEXT:
            return found  # type: ignore[return-value]
    return None


#: A step takes the finder and a sentence; it gives the sentence's quotes (the first step that
#: finds any wins).
SentenceRule = Callable[[_QuoteFinder, _Sentence], "list[_Found]"]

SENTENCES: RuleTable[SentenceRule] = RuleTable(
    "sentences",
    "The reported speech of a sentence: the first rule that finds a quote wins.",
    cascade=True,
)


@SENTENCES.step(
    Quotes("Lena Varga said the bridge was safe, and added that it would open in spring.",
           Said("the bridge was safe", "indirect", "Lena Varga"),
           Said("it would open in spring", "indirect", "Lena Varga")),
)  # fmt: skip
def _cued_clauses(f: _QuoteFinder, sent: _Sentence) -> list[_Found]:
    """Every cue of the sentence with a subject (:data:`CUES`) reports the clause that
    :data:`CUE_CLAUSE` finds, up to the next cue."""
    cues: list[_Cue] = []
    for step in CUES.steps:
        step(f, sent, cues)
    cues.sort(key=lambda c: c[0])
    out: list[_Found] = []
    floor = sent.start
    for i, (_, m, subject) in enumerate(cues):
        limit = cues[i + 1][0] if i + 1 < len(cues) else sent.limit
        found = _clause_of(f, _cue_at(f, m, subject, floor, limit)) if subject else None
        if found:
            out.append(found)
            floor = max(floor, found.end, m.end())
    return out


@SENTENCES.step(
    Quotes("The ferry will sail at noon, said the minister.",
           Said("The ferry will sail at noon", "indirect", "minister", "the minister", "said")),
    Quotes("The ferry will sail at noon, said Ada Lorn on Friday.",
           Said("The ferry will sail at noon", "indirect", "Ada Lorn", "Ada Lorn", "said")),
    patterns=("CUE_SUBJ", "ADJUNCT_START"),
    grammar=G,
)  # fmt: skip
def _postposed_subject(f: _QuoteFinder, sent: _Sentence) -> list[_Found]:
    """'CLAUSE, said the minister.': a cue and its subject after a comma, with the sentence
    ending (or an adjunct) after them, report the clause before."""
    out: list[_Found] = []
    for m in _CUE_SUBJ.finditer(f.masked, sent.start, sent.limit):
        before = f.masked[sent.start : m.start()].rstrip()
        subject = f.subject(m)
        ends = _ADJUNCT_START.match(f.masked, m.end(), sent.limit)
        if before.endswith(",") and MASK not in before and subject and ends:
            found = f.reported(f.clause(sent.start, m.start()), subject, _cue(m))
            if found:
                out.append(found)
    return out


@SENTENCES.step(
    Quotes("According to Lena Varga, the bridge will open in spring.",
           Said("the bridge will open in spring", "indirect", "Lena Varga", "Lena Varga",
                "According to")),
    Quotes("The bridge will open in spring, according to Lena Varga.",
           Said("The bridge will open in spring", "indirect", "Lena Varga", "Lena Varga",
                "according to")),
    patterns=("ACCORDING", "SUBJECT_AFTER_ACCORDING"),
    grammar=G,
)  # fmt: skip
def _according_to(f: _QuoteFinder, sent: _Sentence) -> list[_Found]:
    """'According to X, CLAUSE.' / 'CLAUSE, according to X.': X said the rest of the
    sentence."""
    masked, ss, se = f.masked, sent.start, sent.end
    acc = sent.according
    m = _SUBJECT_AFTER_ACCORDING.match(masked, acc.end(), se) if acc else None
    subject = f.subject(m)
    if not (acc and m and subject):
        return []
    cue = Span(acc.start(), acc.end(), f.text[acc.start() : acc.end()])
    if not masked[ss : acc.start()].strip():
        comma = masked.find(",", m.end(), se)
        found = f.reported(f.clause(comma + 1, se), subject, cue) if comma >= 0 else None
    else:
        found = f.reported(f.clause(ss, acc.start()), subject, cue)
    return [found] if found else []


def _sentence(f: _QuoteFinder, ss: int, se: int, cue_words: list[tuple[int, int]]) -> _Sentence:
    acc = _ACCORDING.search(f.masked, ss, se)
    limit = se
    if acc and acc.start() > cue_words[0][0]:  # "X said ..., according to the agency."
        limit = acc.start()
    return _Sentence(ss, se, limit, [c for c in cue_words if c[1] <= limit], acc)


def _reported_speech(f: _QuoteFinder) -> list[_Found]:
    out: list[_Found] = []
    for ps, pe in f.paras:
        for ss, se in sentences(f.masked, ps, pe, f.breaks):
            i = bisect.bisect_left(f.cue_positions, (ss, ss))
            j = bisect.bisect_left(f.cue_positions, (se, se))
            if i < j:
                sent = _sentence(f, ss, se, f.cue_positions[i:j])
                for step in SENTENCES.steps:
                    found = step(f, sent)
                    if found:
                        out += found
                        break
    return out


# --- the finders and what they share ----------------------------------------------------------

#: A step takes the finder and gives quotes of one kind.
FinderRule = Callable[[_QuoteFinder], "list[_Found]"]

FINDERS: RuleTable[FinderRule] = RuleTable("finders", "The kinds of quotes, all of them found.")


@FINDERS.step(
    Quotes("‘The river is rising fast,’ Oskar Lind warned.",
           Said("The river is rising fast,", "direct", "Oskar Lind", "Oskar Lind", "warned")),
    Quotes("«The river is rising fast», Oskar Lind warned.",
           Said("The river is rising fast", "direct", "Oskar Lind")),
    Quotes("“We are ready,” Lena Varga said, “but the budget is not.”",
           Said("We are ready,", "direct", "Lena Varga", "Lena Varga", "said"),
           Said("but the budget is not.", "direct", "Lena Varga", "Lena Varga", "said")),
    Quotes("Chile’s farmers don’t expect rain before the ‘90s style floods, officials’ notes say."),
)  # fmt: skip
def _direct_quotes(f: _QuoteFinder) -> list[_Found]:
    """Text between quotation marks that opens a clause (:mod:`.segments`) is a direct quote,
    attributed by :data:`DIRECT_ATTRIBUTION`; apostrophes are no quotation marks."""
    return [q for seg in f.direct if (q := _direct(f, seg)) is not None]


@FINDERS.step(
    Quotes("Varga: The bridge is finally ready\n\nMayor Lena Varga opened it on Monday.",
           Said("The bridge is finally ready", "direct", "Lena Varga", "Varga", ":")),
    Quotes("Published: Updated:\n\nUpdated: 10 minutes ago by the desk"),
    Quotes("Chile: Floods close the main road"),
    wordlists=("NON_NAME_WORDS", "NON_ACRONYMS", "COUNTRIES"),
    patterns=("HEADLINE",),
    grammar=G,
)  # fmt: skip
def _headlines(f: _QuoteFinder) -> list[_Found]:
    """A line 'Name: words' is a direct quote of Name with the cue ':' (option
    ``headline_quotes``): not when the name is a function word, an abbreviation or a country,
    or the words are a label ending with ':' or shorter than ``min_quote_words``."""
    out: list[_Found] = []
    if not f.settings.headlines:
        return out
    for ps, pe in f.paras:
        m = _HEADLINE.match(f.text, ps, pe)
        if m and MASK not in f.masked[ps:pe] and _headline_speaker(f, m):
            s, e = strip_span(f.text, m.start("body"), m.end("body"), _TRAILING)
            subject = Subject("name", Span(m.start("name"), m.end("name"), m.group("name")))
            out.append(_Found(s, e, "direct", subject, _cue(m)))
    return out


def _headline_speaker(f: _QuoteFinder, m: re.Match[str]) -> bool:
    name = m.group("name")
    first = name.split()[0]
    return not (
        first in W.NON_NAME_WORDS
        or first.capitalize() in W.NON_NAME_WORDS
        or first.upper() in W.NON_ACRONYMS
        or name in W.COUNTRIES
        or m.group("body").endswith(":")
        or word_count(m.group("body")) < f.settings.min_quote_words
    )


@FINDERS.step(
    Quotes("Lena Varga said that the bridge would open in spring.",
           Said("the bridge would open in spring", "indirect", "Lena Varga")),
)  # fmt: skip
def _reported(f: _QuoteFinder) -> list[_Found]:
    """Reported speech, sentence by sentence (:data:`SENTENCES`; option
    ``indirect_quotes``); only sentences with a word that can be a cue are searched."""
    return _reported_speech(f) if f.settings.indirect else []


#: A step takes the finder and all the quotes (in order, speakers resolved) and fills in
#: speakers.
InheritRule = Callable[[_QuoteFinder, "list[_Found]"], None]

INHERITANCE: RuleTable[InheritRule] = RuleTable(
    "inheritance", "Speakers for quotes without one, in this order."
)


@INHERITANCE.step(
    Quotes("“The first part is the road.\n\n“The second part is the bridge.\n\n"
           "“The third part is the money,” Oskar Lind said.",
           Said("The first part is the road.", "direct", "Oskar Lind", None, None),
           Said("The second part is the bridge.", "direct", "Oskar Lind", None, None),
           Said("The third part is the money,", "direct", "Oskar Lind", "Oskar Lind", "said")),
    Quotes("“The first part of the plan is the road.\n\n"
           "“The second part is the bridge,” Oskar Lind said.\n\nNothing else happened.",
           Said("The first part of the plan is the road.", "direct", "Oskar Lind", None, None),
           Said("The second part is the bridge,", "direct", "Oskar Lind", "Oskar Lind", "said")),
    Quotes("Ada Lorn said: “The first point is the harbour.\n\n“The second point is the road.\n\n"
           "“The third point is the money.”",
           Said("The first point is the harbour.", "direct", "Ada Lorn"),
           Said("The second point is the road.", "direct", "Ada Lorn"),
           Said("The third point is the money.", "direct", "Ada Lorn")),
)  # fmt: skip
def _block_speaker(f: _QuoteFinder, found: list[_Found]) -> None:
    """Every paragraph of a multi-paragraph quote gets the speaker found for the block."""
    speakers: dict[int, str] = {}
    for q in found:
        if q.block >= 0 and q.speaker and q.block not in speakers:
            speakers[q.block] = q.speaker
    for q in found:
        if q.block >= 0 and q.speaker is None:
            q.speaker = speakers.get(q.block)


@INHERITANCE.step(
    Quotes("“We are ready,” Oskar Lind said.\n\n“And we will stay ready for years.”",
           Said("We are ready,", "direct", "Oskar Lind"),
           Said("And we will stay ready for years.", "direct", "Oskar Lind", None, None)),
    Quotes("“The road is closed for the winter.”\n\n“It will reopen in May,” Ada Lorn said.",
           Said("The road is closed for the winter.", "direct", "Ada Lorn", None, None),
           Said("It will reopen in May,", "direct", "Ada Lorn", "Ada Lorn", "said")),
)  # fmt: skip
def _nearest_quote_speaker(f: _QuoteFinder, found: list[_Found]) -> None:
    """A direct quote without a speaker takes the speaker of the nearest quote: the previous
    one in the same or the two paragraphs before, else the next one in the next paragraph."""
    para = [f.para_of(q.start) for q in found]
    for i, q in enumerate(found):
        if q.speaker is not None or q.subject is not None:
            continue
        j = next((j for j in range(i - 1, -1, -1) if found[j].speaker), None)
        if j is not None and para[i] - para[j] <= 2:
            q.speaker = found[j].speaker
            continue
        j = next((j for j in range(i + 1, len(found)) if found[j].speaker), None)
        if j is not None and para[j] - para[i] <= 1:
            q.speaker = found[j].speaker


def find_quotes(
    text: str, entities: Sequence[Entity], settings: QuoteSettings | None = None
) -> list[Quote]:
    """Every quote of ``text``; ``entities`` (all labels) help to resolve speakers."""
    if not text.strip():
        return []
    return _QuoteFinder(text, entities, settings or QuoteSettings()).run()


__all__: list[Any] = ["QuoteSettings", "find_quotes"]
