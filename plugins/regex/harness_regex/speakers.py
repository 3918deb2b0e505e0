"""Speakers of quotes: the subjects that can stand next to a cue, and how a subject becomes the
speaker reported with a quote. Three rule tables:

- :data:`SUBJECTS` (patterns): what a subject is - a capitalised name ("Chilean President Jane
  Doe"), a description ("the minister", "a spokesman for the ferry company"), a possessive
  description ("Acme’s spokesman"), a pronoun ("she") or a group ("officials", "analysts at
  Grell Bank") - and the cues and adverbs around it;
- :data:`SUBJECT_KINDS` (cascade): which part of a match is the subject and of what kind;
- :data:`RESOLUTION` (cascade): the speaker text of a subject - the fullest form of a name
  seen in the document ("Jane Doe" for "Doe"), the most recent person for "he"/"she" and for
  definite person descriptions, the most recent matching organisation for "the ministry".
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from harness.model import Entity, Span

from . import wordlists as W
from .rules import Grammar, Quotes, RuleTable, Said

SubjectKind = Literal["name", "pronoun", "description", "group"]

# --- patterns (compiled once) -----------------------------------------------------------------

#: The parts of the quote patterns (a space inside a phrase of a word list: spaces or tabs).
G = Grammar(space=r"[ \t]+")
G.part("TITLE_ABBR", r"(?:{W.ABBREVIATED_TITLES})\.")
G.part("CAPWORD_ANY", r"(?:{TITLE_ABBR}|(?:[A-Z]\.){2,}|[A-Z][\w-]*(?:[’'][A-Z][\w-]*)?)")
#: A capitalised word that is not a possessive ("Smith", not "Smith’s").
G.part("CAPWORD", r"{CAPWORD_ANY}(?![’'\w])")
G.part("DET", r"(?:{W.DETERMINERS+Cap}|[Oo]ne)")
G.part("NOT_IN_DESCRIPTION", r"(?!(?:{W.NOT_IN_DESCRIPTIONS})(?![\w’'-]))")
G.part("NOT_HEAD", r"(?!(?:{W.DESCRIPTION_PREPOSITIONS}|{W.DETERMINERS})(?![\w’'-]))")
G.part("NOT_LINK", r"(?!(?:{W.NAME_LINKS})(?![\w’'-]))")

SUBJECTS: RuleTable[Callable[..., object]] = RuleTable(
    "subjects",
    "What can be the subject of a cue, and the cue itself (parts of the quote patterns).",
    live=False,
)

NAME = SUBJECTS.pattern(
    "name",
    r"{CAPWORD}(?:[ \t]+{CAPWORD}){0,5}",
    "A name: one to six capitalised words, abbreviated titles included ('Mr. Lind').",
    Quotes("Lena Varga said that the bridge would open in spring.",
           Said("the bridge would open in spring", "indirect", "Lena Varga", "Lena Varga",
                "said")),
    grammar=G,
).pattern  # fmt: skip
DESCRIPTION = SUBJECTS.pattern(
    "description",
    r"{DET}[ \t]+(?:{NOT_IN_DESCRIPTION}[\w’'-]+[ \t]+){0,5}?"
    r"{NOT_IN_DESCRIPTION}{NOT_HEAD}[a-z][\w-]*"
    r"(?:[’']s(?:[ \t]+{NOT_IN_DESCRIPTION}[a-z][\w-]*){1,2})?",
    "A description: a determiner and up to six words without a verb, a clause or a "
    "conjunction ('the minister', 'a senior official', 'the party’s leader').",
    Quotes("The mayor, who had doubts, said she would sign the budget.",
           Said("she would sign the budget", "indirect", "mayor", "The mayor", "said")),
    grammar=G,
).pattern  # fmt: skip
POSSESSIVE_DESCRIPTION = SUBJECTS.pattern(
    "possessive_description",
    r"(?:{CAPWORD}[ \t]+){0,3}{CAPWORD_ANY}[’']s[ \t]+"
    r"(?:{NOT_IN_DESCRIPTION}[\w-]+[ \t]+){0,2}?{NOT_IN_DESCRIPTION}[a-z][\w-]*",
    "A name’s description ('Acme’s spokesman', 'Lind’s lawyer').",
    Quotes("Acme’s spokesman said the factory would close next year.",
           Said("the factory would close next year", "indirect", "Acme’s spokesman",
                "Acme’s spokesman", "said")),
    grammar=G,
).pattern  # fmt: skip
PRONOUN = SUBJECTS.pattern(
    "pronoun",
    r"(?:{W.SUBJECT_PRONOUNS+Cap}|I|(?<=, )who)(?![\w’'])",
    "A subject pronoun; 'who' only after a comma ('Jane Doe, who said', not 'people who "
    "said').",
    Quotes("Oskar Lind bought the farm.\n\nHe said the price was fair.",
           Said("the price was fair", "indirect", "Oskar Lind", "He", "said")),
    grammar=G,
).pattern  # fmt: skip
GROUP = SUBJECTS.pattern(
    "group",
    r"{W.GROUP_NOUNS+Cap}(?![\w’'])(?:[ \t]+(?:{W.GROUP_LINKS})[ \t]+{NAME})?",
    "A plural noun for a group of people, with the organisation it belongs to ('officials', "
    "'analysts at Grell Bank').",
    Quotes("Analysts at Grell Bank said the cut was deeper than expected.",
           Said("the cut was deeper than expected", "indirect", "Analysts at Grell Bank")),
    Quotes("“The road will reopen soon,” officials said.",
           Said("The road will reopen soon,", "direct", "officials", "officials", "said")),
    grammar=G,
).pattern  # fmt: skip
#: Any subject, description alternatives first so "the minister" is not read as a name.
SUBJECT = G.part(
    "SUBJECT",
    r"(?<![\w’'-])(?:(?P<desc>{DESCRIPTION})|(?P<poss>{POSSESSIVE_DESCRIPTION})"
    r"|(?P<pron>{PRONOUN})|(?P<group>{GROUP})|(?P<name>{NAME}))",
)
POSTPOSED_DESCRIPTION = SUBJECTS.pattern(
    "postposed_description",
    r"(?P<desc>{DESCRIPTION})(?:[ \t]+(?P<name2>{NAME})|[ \t]+(?:{W.AUTHOR_LINKS})[ \t]+"
    r"(?P<source>(?:{DET}[ \t]+)?{NAME}(?![’'\w])|{DESCRIPTION}))?",
    "A description after a postposed cue ('said the minister'); a name right after it is the "
    "subject ('said the ministry spokesman Jane Doe'), and a document named as the source is "
    "its author’s ('according to a statement from the Water Board').",
    Quotes("According to a statement from the Water Board, two pumps have failed.",
           Said("two pumps have failed", "indirect", "Water Board", "Water Board",
                "According to")),
    grammar=G,
).pattern  # fmt: skip
POSTPOSED_NAME = SUBJECTS.pattern(
    "postposed_name",
    r"(?:(?:{NAME}[ \t]+)?(?:{NOT_LINK}[a-z][\w-]*[ \t]+){1,3}?(?=[A-Z]))?(?P<name>{NAME})",
    "A name after a postposed cue, maybe after lower-case words of its title ('said harbour "
    "master Ada Lorn', 'said Oskar Lind').",
    Quotes("“The river is rising,” said harbour master Ada Lorn.",
           Said("The river is rising,", "direct", "Ada Lorn", "Ada Lorn", "said")),
    Quotes("“We will not sell the farm,” said Oskar Lind.",
           Said("We will not sell the farm,", "direct", "Oskar Lind", "Oskar Lind", "said")),
    Quotes("“Nobody is above the law,” tweeted Representative Lena Varga of Eastshire.",
           Said("Nobody is above the law,", "direct", "Lena Varga")),
    grammar=G,
).pattern  # fmt: skip
#: A subject after a postposed cue ("said the minister", "said Jane Doe").
SUBJECT_AFTER = G.part(
    "SUBJECT_AFTER",
    r"(?:{POSTPOSED_DESCRIPTION}|{POSTPOSED_NAME}|(?P<pron>{PRONOUN}))",
)
CUE = SUBJECTS.pattern(
    "cue",
    r"(?:{W.SPEECH_VERBS})(?![\w’'-])",
    "A speech or cognition verb in a reporting form ('said', 'warns', 'believed').",
    Quotes("“The bridge will open in spring,” Lena Varga said.",
           Said("The bridge will open in spring,", "direct", "Lena Varga", "Lena Varga",
                "said")),
    grammar=G,
).pattern  # fmt: skip
#: Cues of reported speech, with the verbs that need a quoted fragment ("called it a ‘…’").
REPORT_CUE = SUBJECTS.pattern(
    "report_cue",
    r"(?:{W.SPEECH_VERBS}|{W.MIXED_ONLY_VERBS})(?![\w’'-])",
    "A cue of reported speech; 'called', 'dubbed', 'branded' report only around a quoted "
    "fragment ('called the delay “a disgrace”').",
    Quotes("Lena Varga called the delay “a total disgrace to the town”.",
           Said("the delay “a total disgrace to the town”", "mixed", "Lena Varga", "Lena Varga",
                "called")),
    Quotes("Lena Varga called the committee to order at noon."),
    grammar=G,
).pattern  # fmt: skip
ADVERBS = SUBJECTS.pattern(
    "adverbs_before_cue",
    r"(?:(?:{W.CUE_ADVERBS}|[a-z]+ly)[ \t]+){0,2}",
    "Up to two adverbs or auxiliaries between a subject and its cue ('also said', 'has "
    "repeatedly argued').",
    Quotes("The party’s leader has repeatedly argued that taxes must fall.",
           Said("taxes must fall", "indirect", "party’s leader", "The party’s leader",
                "argued")),
    grammar=G,
).pattern  # fmt: skip

_NONSPACE = re.compile(r"\S+")
_LEADING_NON_NAME = frozenset(W.TITLES | W.TITLE_MODIFIERS | W.DEMONYMS | W.NON_NAME_WORDS)


@dataclass(frozen=True, slots=True)
class Subject:
    """A subject found next to a cue: its kind and its span (the name mention for names)."""

    kind: SubjectKind
    span: Span
    #: a name in apposition that may be the speaker ("the company's lawyer, Jane Doe, said")
    appositive: Span | None = None


def subject_from_match(m: re.Match[str], text: str) -> Subject | None:
    """The :class:`Subject` of a match of :data:`SUBJECT` or :data:`SUBJECT_AFTER` (decided
    by :data:`SUBJECT_KINDS`), with the name in apposition (group ``appos``) after a
    description: "His lawyer, Jane Doe, said", "The mayor of the town, Jane Doe, said" (see
    :meth:`SpeakerResolver.person_in_apposition`)."""
    head = _head_subject(m, text)
    if head is None or not m.groupdict().get("appos"):
        return head
    before = max(0, head.span.start - 8)
    if head.kind == "name" and not _PREPOSITION_BEFORE.search(text, before, head.span.start):
        return head  # "Jane Doe, Acme Corp, said": the first name is the subject
    if head.kind not in ("name", "description"):
        return head
    s, e = m.span("appos")
    trimmed = _trim_name(text, s, e) if _APPOSITIVE_NAME.fullmatch(text, s, e) else None
    if trimmed is None:
        return head
    s, e = trimmed
    return Subject(head.kind, head.span, Span(s, e, text[s:e]))


#: A name preceded by a preposition is part of a description ("the mayor of Springfield").
_PREPOSITION_BEFORE = re.compile(rf"(?<![\w’'-])(?:{W.alternation(W.LINK_PREPOSITIONS)})[ \t]+$")
_APPOSITIVE_NAME = re.compile(NAME)
_LEADING_DET = re.compile(G.expand(r"{DET}[ \t]+")[0])
_POSSESSOR = re.compile(r"(.+?)[’']s[ \t]")


def _trim_name(text: str, s: int, e: int) -> tuple[int, int] | None:
    """Cut leading titles, nationalities and sentence-initial words from a name mention."""
    words = [m.span() for m in _NONSPACE.finditer(text, s, e)]
    # an organisation's name keeps its titles and modifiers ("Interior Ministry")
    organisation = bool(words) and text[words[-1][0] : words[-1][1]] in W.ORG_KEYWORDS
    leading = W.NON_NAME_WORDS if organisation else _LEADING_NON_NAME
    titles = [i for i, (a, b) in enumerate(words[:-1]) if text[a:b] in W.TITLES]
    if titles and not organisation:  # "Emergency Management Minister Jane Doe" -> "Jane Doe"
        words = words[titles[-1] + 1 :]
    while len(words) > 1 and text[words[0][0] : words[0][1]] in leading:
        words.pop(0)
    if not words:
        return None
    s, e = words[0][0], words[-1][1]
    while e > s and text[e - 1] in "’'":
        e -= 1
    return (s, e) if e > s else None


# --- which part of a match is the subject -----------------------------------------------------


class _Next:
    """A step's answer: not my case, ask the next rule."""

    def __repr__(self) -> str:
        return "NEXT"


NEXT = _Next()

#: A subject rule takes the match, its named groups and the text; it gives the subject, None
#: (no subject at all) or :data:`NEXT`.
SubjectRule = Callable[[re.Match[str], dict[str, str | None], str], "Subject | _Next | None"]

SUBJECT_KINDS: RuleTable[SubjectRule] = RuleTable(
    "subject_kinds",
    "Which group of a subject match is the subject, and of what kind: the first rule that "
    "decides wins.",
    cascade=True,
)


def _is_document(phrase: str | None) -> bool:
    return bool(phrase) and phrase.split()[-1].lower() in W.DOCUMENT_NOUNS  # type: ignore[union-attr]


@SUBJECT_KINDS.step(
    Quotes("According to the company’s annual report, the mill employs 900 people.",
           Said("the mill employs 900 people", "indirect", "company", "the company",
                "According to")),
    wordlists=("DOCUMENT_NOUNS",),
)  # fmt: skip
def _document_owner(m: re.Match[str], groups: dict[str, str | None], text: str) -> Subject | _Next:
    """A possessed document is its owner’s: 'according to the company’s annual report' is the
    company’s."""
    document = groups.get("desc") or groups.get("poss")
    owner = _POSSESSOR.match(document) if _is_document(document) else None
    if document is None or owner is None:
        return NEXT
    s = m.start("desc" if groups.get("desc") else "poss")
    e = s + owner.end(1)
    kind: SubjectKind = "description" if _LEADING_DET.match(text, s, e) else "name"
    return Subject(kind, Span(s, e, text[s:e]))


@SUBJECT_KINDS.step(
    Quotes("According to a statement from the Water Board, two pumps have failed.",
           Said("two pumps have failed", "indirect", "Water Board", "Water Board")),
    Quotes("Two pumps have failed, according to a report by Oskar Lind.",
           Said("Two pumps have failed", "indirect", "Oskar Lind", "Oskar Lind")),
    Quotes("According to a statement from the ministry, two pumps have failed.",
           Said("two pumps have failed", "indirect", "ministry", "the ministry")),
    wordlists=("DOCUMENT_NOUNS",),
)  # fmt: skip
def _document_author(m: re.Match[str], groups: dict[str, str | None], text: str) -> Subject | _Next:
    """A document named as the source is its author’s: 'a statement from the Water Board' is
    the Water Board’s (a name), 'a report by the ministry' the ministry’s (a description)."""
    if not groups.get("source") or not _is_document(groups["desc"]):
        return NEXT
    s, e = m.span("source")
    det = _LEADING_DET.match(text, s, e)
    if not text[det.end() if det else s].isupper():
        return Subject("description", Span(s, e, text[s:e]))
    trimmed = _trim_name(text, det.end() if det else s, e)
    if trimmed is None:
        return NEXT
    return Subject("name", Span(*trimmed, text[trimmed[0] : trimmed[1]]))


def _name_subject(text: str, s: int, e: int) -> Subject | None:
    """A name without its titles; a group noun ('Officials') is a group, a function word
    ('However') no subject at all."""
    trimmed = _trim_name(text, s, e)
    if trimmed is None:
        return None
    s, e = trimmed
    if W.is_group_noun(text[s:e]):  # "Officials said"
        return Subject("group", Span(s, e, text[s:e]))
    if text[s:e] in W.NON_NAME_WORDS:  # "However said" is no subject
        return None
    return Subject("name", Span(s, e, text[s:e]))


@SUBJECT_KINDS.step(
    Quotes("“The river is rising,” said the spokesman Ada Lorn.",
           Said("The river is rising,", "direct", "Ada Lorn", "Ada Lorn", "said")),
    wordlists=("TITLES", "TITLE_MODIFIERS", "DEMONYMS", "NON_NAME_WORDS", "ORG_KEYWORDS",
               "GROUP_NOUNS"),
)  # fmt: skip
def _description_with_name(
    m: re.Match[str], groups: dict[str, str | None], text: str
) -> Subject | _Next | None:
    """A description directly followed by a name is the name ('said the spokesman Ada
    Lorn')."""
    return _name_subject(text, *m.span("name2")) if groups.get("name2") else NEXT


def _kind_rule(name: str, kind: SubjectKind, group: str, doc: str, *examples: Quotes) -> None:
    def step(m: re.Match[str], groups: dict[str, str | None], text: str) -> Subject | _Next:
        if not groups.get(group):
            return NEXT
        s, e = m.span(group)
        return Subject(kind, Span(s, e, text[s:e]))

    step.__doc__ = doc
    SUBJECT_KINDS.step(*examples, name=name)(step)


_kind_rule(
    "description",
    "description",
    "desc",
    "A description is the subject ('the mayor said').",
    Quotes("The mayor, who had doubts, said she would sign the budget.",
           Said("she would sign the budget", "indirect", "mayor", "The mayor", "said")),
)  # fmt: skip
_kind_rule(
    "possessive_description",
    "description",
    "poss",
    "A possessive description is the subject ('Acme’s spokesman said').",
    Quotes("Acme’s spokesman said the factory would close next year.",
           Said("the factory would close next year", "indirect", "Acme’s spokesman",
                "Acme’s spokesman", "said")),
)  # fmt: skip
_kind_rule(
    "pronoun",
    "pronoun",
    "pron",
    "A pronoun is the subject ('she said').",
    Quotes("Oskar Lind bought the farm.\n\nHe said the price was fair.",
           Said("the price was fair", "indirect", "Oskar Lind", "He", "said")),
)  # fmt: skip
_kind_rule(
    "group",
    "group",
    "group",
    "A group is the subject ('officials said', 'analysts at Grell Bank said').",
    Quotes("Officials said the road would reopen.",
           Said("the road would reopen", "indirect", "Officials", "Officials", "said")),
)  # fmt: skip


@SUBJECT_KINDS.step(
    Quotes("Lena Varga said that the bridge would open in spring.",
           Said("the bridge would open in spring", "indirect", "Lena Varga", "Lena Varga")),
    Quotes("Emergency Minister Lena Varga said the dam held.",
           Said("the dam held", "indirect", "Lena Varga", "Lena Varga", "said")),
    Quotes("Geologists warned that the slope could give way.",
           Said("the slope could give way", "indirect", "Geologists", "Geologists", "warned")),
    Quotes("However said the road would reopen."),
    Quotes("According to the Interior Ministry, two pumps have failed.",
           Said("two pumps have failed", "indirect", "Interior Ministry", "Interior Ministry")),
    Quotes("The Interior Ministry said two pumps had failed.",
           Said("two pumps had failed", "indirect", "Interior Ministry", "Interior Ministry")),
    wordlists=("TITLES", "TITLE_MODIFIERS", "DEMONYMS", "NON_NAME_WORDS", "ORG_KEYWORDS",
               "GROUP_NOUNS"),
)  # fmt: skip
def _name(m: re.Match[str], groups: dict[str, str | None], text: str) -> Subject | _Next | None:
    """A name is the subject without its titles and nationality ('Emergency Minister Lena
    Varga' -> 'Lena Varga'); a capitalised plural noun for people is a group ('Geologists');
    a capitalised function word ('However') is no subject."""
    return _name_subject(text, *m.span("name")) if groups.get("name") else NEXT


def _head_subject(m: re.Match[str], text: str) -> Subject | None:
    groups = m.groupdict()
    for step in SUBJECT_KINDS.steps:
        subject = step(m, groups, text)
        if subject is not NEXT:
            return subject  # type: ignore[return-value]
    return None


# --- resolution -------------------------------------------------------------------------------

_ORG_HEADS = frozenset(w.lower() for w in W.ORG_KEYWORDS) | W.ORGANISATION_NOUNS


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``pos`` lies in one of the sorted, non-overlapping ``spans``."""
    i = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


_PREFIX_WORDS = re.compile(r"(?:[\w’'-]+[ \t]+){1,3}$")
_BARE = re.compile(rf"^(?:{W.alternation(W.DETERMINERS)}|one)\s+", re.IGNORECASE)


def _title_words(text: str, start: int) -> set[str]:
    """The (up to three) lower-cased words just before ``start`` on the same line."""
    m = _PREFIX_WORDS.search(text, max(0, start - 50), start)
    return {w.lower() for w in m.group().split()} if m else set()


_PARTICLE = re.compile(r"^[a-z]+-(?=[A-Z])")


def _surname(word: str) -> str:
    """A last name without its lower-case particle ("al-Hamid" -> "Hamid")."""
    return _PARTICLE.sub("", word)


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"\s+", name.strip()) if w]


def _subsets(words: set[str]) -> Iterator[frozenset[str]]:
    """The non-empty sets of at most three of ``words`` (title words are at most three)."""
    for n in range(1, min(3, len(words)) + 1):
        for combo in itertools.combinations(sorted(words), n):
            yield frozenset(combo)


class SpeakerResolver:
    """Turns subjects into speaker names, in document order, with :data:`RESOLUTION`.

    Names become the fullest form of the name in the document. "he"/"she" become the most
    recent person: the last person who spoke, unless a person was mentioned in a later
    paragraph than that speaker. Definite person descriptions ("the minister") become the last
    person who spoke; organisation descriptions ("the ministry") the last matching organisation.
    """

    def __init__(
        self,
        text: str,
        entities: Sequence[Entity],
        hidden: Sequence[Span] = (),
        para_starts: Sequence[int] = (0,),
    ) -> None:
        self.text = text
        self.entities = list(entities)
        hidden_at = sorted((h.start, h.end) for h in hidden)
        visible = [e for e in entities if not _inside(e.start, hidden_at)]
        self.persons = [e for e in visible if e.label == "PERSON"]
        self.orgs = [e for e in visible if e.label == "ORG"]
        self._person_starts = [e.start for e in self.persons]
        #: lower-case words right before each person mention ("french", "leader")
        self._prefixes = [_title_words(text, e.start) for e in self.persons]
        #: for each set of title words, the persons (indices, in order) whose words contain
        #: it: ``described_person`` looks up its few candidates instead of every person
        self._by_title_words: dict[frozenset[str], list[int]] = {}
        for i, prefix in enumerate(self._prefixes):
            for words in _subsets(prefix):
                self._by_title_words.setdefault(words, []).append(i)
        #: the persons' offsets, for ``person_in_apposition``
        self._person_spans = {(e.start, e.end) for e in self.persons}
        self._org_starts = [e.start for e in self.orgs]
        self._para_starts = list(para_starts) or [0]
        #: every person name of the document, for the fullest form of a name
        self.names = list(
            dict.fromkeys(
                tuple(_words(text[e.start : e.end])) for e in entities if e.label == "PERSON"
            )
        )
        #: the names by the surname they end with, in document order (``fullest`` looks only
        #: at the names of one surname: linear time in the length of the document)
        self._names_by_surname: dict[str, list[tuple[str, ...]]] = {}
        for cw in self.names:
            if cw:
                self._names_by_surname.setdefault(_surname(cw[-1]), []).append(cw)
        #: the entities by start (with their place in ``entities``) and the longest one, for
        #: ``is_person_name``'s overlap query
        self._by_start = sorted((e.start, i) for i, e in enumerate(self.entities))
        self._longest = max((e.end - e.start for e in self.entities), default=0)
        #: (position, name) of the people already resolved as speakers, in document order
        self.person_speakers: list[tuple[int, str]] = []

    def _para(self, pos: int) -> int:
        return bisect.bisect_right(self._para_starts, pos) - 1

    def fullest(self, name: str) -> str:
        """The longest person name of the document that ends like ``name`` and contains it."""
        words = _words(name)
        if not words:
            return name
        best: Sequence[str] = words
        surname = _surname(words[-1])
        for cw in self._names_by_surname.get(surname, ()):
            if len(cw) > len(best) and all(w in cw or w == surname for w in words):
                best = cw
        return " ".join(best)

    def recent(self, kind: Literal["person", "org"], pos: int) -> Entity | None:
        """The last person or organisation mentioned before ``pos`` (outside direct quotes)."""
        starts, ents = (
            (self._person_starts, self.persons)
            if kind == "person"
            else (self._org_starts, self.orgs)
        )
        i = bisect.bisect_left(starts, pos)
        return ents[i - 1] if i > 0 else None

    def mention(self, e: Entity) -> str:
        return self.text[e.start : e.end]

    def is_person_name(self, span: Span) -> bool:
        """Whether the first entity (in ``entities`` order) that overlaps ``span`` is a person;
        with none, whether ``span`` is not a country."""
        first = self._first_overlap(span)
        if first is not None:
            return first.label == "PERSON"
        return not (span.text in W.COUNTRIES or span.text in W.COUNTRY_ABBREVIATIONS)

    def _first_overlap(self, span: Span) -> Entity | None:
        """The entity of smallest index in ``entities`` that overlaps ``span``: only those that
        start less than the longest entity before ``span`` ends are looked at."""
        lo = bisect.bisect_left(self._by_start, (span.start - self._longest, -1))
        hi = bisect.bisect_left(self._by_start, (span.end, -1))
        overlapping = [i for _, i in self._by_start[lo:hi] if span.start < self.entities[i].end]
        return self.entities[min(overlapping)] if overlapping else None

    def person_in_apposition(self, subject: Subject) -> Subject:
        """The appositive name as the subject when the entities say it is a person ("His
        lawyer, Jane Doe"), else ``subject`` ("A spokesman for the company, Acme, said")."""
        a = subject.appositive
        if a is None or (a.start, a.end) not in self._person_spans:
            return subject
        return Subject("name", a)

    def recent_person(self, pos: int) -> str | None:
        """The person "he" or "she" at ``pos`` most likely refers to."""
        mention = self.recent("person", pos)
        speaker = self.person_speakers[-1] if self.person_speakers else None
        if speaker and (mention is None or self._para(speaker[0]) >= self._para(mention.start)):
            return speaker[1]
        return self.fullest(self.mention(mention)) if mention else None

    def resolve(self, subject: Subject, resolve_references: bool = True) -> str | None:
        """The speaker text for ``subject`` (call in document order): the first rule of
        :data:`RESOLUTION` that decides wins."""
        for step in RESOLUTION.steps:
            speaker = step(self, subject, resolve_references)
            if speaker is not NEXT:
                return speaker  # type: ignore[return-value]
        return None

    def described_person(self, words: list[str], pos: int) -> str | None:
        """The person whose title words best fit a description ("the Kenyan minister" fits
        "Kenyan minister Jean Roe"; a nationality counts twice as much as the role)."""
        head, modifiers = words[-1], set(words[:-1])
        before = bisect.bisect_left(self._person_starts, pos)  # persons mentioned before pos

        def score(i: int) -> tuple[int, int]:  # the best: highest score, then the latest
            return 2 * len(modifiers & self._prefixes[i]) + (head in self._prefixes[i]), i

        # the latest person before pos whose title words contain each combination of the
        # description's words (the best person is among these: a later person with the same
        # score would be the latest of its own combination)
        latest = []
        for words_ in _subsets(modifiers | {head}):
            found = self._by_title_words.get(words_, [])
            k = bisect.bisect_left(found, before)
            if k:
                latest.append(found[k - 1])
        if not latest:
            return None
        best = max(latest, key=score)
        return self.fullest(self.mention(self.persons[best]))


#: A resolution rule takes the resolver, the subject and whether references are resolved; it
#: gives the speaker (None: unknown) or :data:`NEXT`.
ResolutionRule = Callable[[SpeakerResolver, Subject, bool], "str | _Next | None"]

RESOLUTION: RuleTable[ResolutionRule] = RuleTable(
    "resolution",
    "The speaker text of a subject, in document order: the first rule that decides wins; a "
    "subject no rule decides ('they', 'we', any pronoun when references are not resolved) "
    "names no speaker.",
    cascade=True,
)


@RESOLUTION.step(
    Quotes("Analysts at Grell Bank said the cut was deeper than expected.",
           Said("the cut was deeper than expected", "indirect", "Analysts at Grell Bank")),
)  # fmt: skip
def _group_as_written(r: SpeakerResolver, subject: Subject, refs: bool) -> str | _Next | None:
    """A group is reported as written ('Analysts at Grell Bank')."""
    return subject.span.text if subject.kind == "group" else NEXT


@RESOLUTION.step(
    Quotes("Lena Varga opened the bridge.\n\n“It took ten years to build,” Varga said.",
           Said("It took ten years to build,", "direct", "Lena Varga", "Varga", "said")),
    Quotes("Chile said the border would stay open.",
           Said("the border would stay open", "indirect", "Chile", "Chile", "said")),
    wordlists=("COUNTRIES", "COUNTRY_ABBREVIATIONS"),
)  # fmt: skip
def _named(r: SpeakerResolver, subject: Subject, refs: bool) -> str | _Next | None:
    """A person’s name becomes the fullest form of it in the document ('Varga' -> 'Lena
    Varga') and the latest person speaker; another name (an organisation, a country) is
    reported as written."""
    if subject.kind != "name":
        return NEXT
    if not r.is_person_name(subject.span):
        return subject.span.text
    name = r.fullest(subject.span.text)
    r.person_speakers.append((subject.span.start, name))
    return name


@RESOLUTION.step(
    Quotes("The plan was opposed by Oskar Lind, who said the price was far too high.",
           Said("the price was far too high", "indirect", "Oskar Lind", "who", "said")),
)  # fmt: skip
def _relative_who(r: SpeakerResolver, subject: Subject, refs: bool) -> str | _Next | None:
    """'who' after a comma is the person named just before ('Oskar Lind, who said')."""
    if subject.kind != "pronoun" or not refs or subject.span.text.lower() != "who":
        return NEXT
    mention = r.recent("person", subject.span.start)
    return r.fullest(r.mention(mention)) if mention else None


@RESOLUTION.step(
    Quotes("Oskar Lind bought the farm.\n\nHe said the price was fair.",
           Said("the price was fair", "indirect", "Oskar Lind", "He", "said")),
    Quotes("Lena Varga opened the bridge.\n\n“It took ten years to build,” Varga said. "
           "“We waited,” she added.",
           Said("It took ten years to build,", "direct", "Lena Varga", "Varga", "said"),
           Said("We waited,", "direct", "Lena Varga", "she", "added")),
    wordlists=("PERSON_PRONOUNS",),
)  # fmt: skip
def _person_pronoun(r: SpeakerResolver, subject: Subject, refs: bool) -> str | _Next | None:
    """'he'/'she' is the last person who spoke, unless a person was named in a later paragraph
    than that speaker; it then becomes the latest person speaker."""
    if subject.kind != "pronoun" or not refs:
        return NEXT
    if subject.span.text.lower() not in W.PERSON_PRONOUNS:
        return NEXT
    name = r.recent_person(subject.span.start)
    if name:
        r.person_speakers.append((subject.span.start, name))
    return name


@RESOLUTION.step(
    Quotes("The Water Board said two pumps had failed. It said repairs would take a week.",
           Said("two pumps had failed", "indirect", "Water Board", "Water Board"),
           Said("repairs would take a week", "indirect", "Water Board", "It")),
)  # fmt: skip
def _it_organisation(r: SpeakerResolver, subject: Subject, refs: bool) -> str | _Next | None:
    """'it' is the last organisation named."""
    if subject.kind != "pronoun" or not refs or subject.span.text.lower() != "it":
        return NEXT
    org = r.recent("org", subject.span.start)
    return r.mention(org) if org else None


def _bare(text: str) -> str:
    return _BARE.sub("", text)


@RESOLUTION.step(
    Quotes("A spokesman for the ferry company, Nordlink, said: “All boats are safe.”",
           Said("All boats are safe.", "direct", "spokesman for the ferry company",
                "A spokesman for the ferry company", "said")),
    Quotes("Oskar Lind said the farm was sold. A spokesman said the price was fair.",
           Said("the farm was sold", "indirect", "Oskar Lind"),
           Said("the price was fair", "indirect", "spokesman", "A spokesman", "said")),
    wordlists=("DETERMINERS",),
)  # fmt: skip
def _indefinite_description(r: SpeakerResolver, subject: Subject, refs: bool) -> str | _Next | None:
    """A description that is not definite ('a spokesman for the ferry company', 'her lawyer')
    names nobody known: it is reported without its determiner."""
    if subject.kind != "description" or (refs and subject.span.text.lower().startswith("the ")):
        return NEXT
    return _bare(subject.span.text)


@RESOLUTION.step(
    Quotes("The Interior Ministry said two pumps had failed.\n\n"
           "The ministry said repairs would take a week.",
           Said("two pumps had failed", "indirect", "Interior Ministry", "Interior Ministry"),
           Said("repairs would take a week", "indirect", "Interior Ministry", "The ministry")),
    Quotes("The ministry said two pumps had failed.",
           Said("two pumps had failed", "indirect", "ministry", "The ministry", "said")),
    wordlists=("ORG_KEYWORDS", "ORGANISATION_NOUNS"),
)  # fmt: skip
def _organisation_description(
    r: SpeakerResolver, subject: Subject, refs: bool
) -> str | _Next | None:
    """'the ministry', 'the company' is the last organisation named with that word ('Interior
    Ministry'), else the description without its determiner."""
    head = _words(subject.span.text.lower())[-1]
    if subject.kind != "description" or head not in _ORG_HEADS:
        return NEXT
    org = r.recent("org", subject.span.start)
    if org and head in r.mention(org).lower():
        return r.mention(org)
    return _bare(subject.span.text)


@RESOLUTION.step(
    Quotes("Mayor Lena Varga said the bridge would open in spring.\n\n"
           "“It is a great day for the town,” the mayor said.",
           Said("the bridge would open in spring", "indirect", "Lena Varga"),
           Said("It is a great day for the town,", "direct", "Lena Varga", "the mayor", "said")),
    Quotes("Chilean Mayor Ada Lorn met Danish envoy Oskar Lind on Monday.\n\n"
           "“The talks went well,” Lind said.\n\n"
           "The Chilean mayor said the visit had been useful.",
           Said("The talks went well,", "direct", "Oskar Lind"),
           Said("the visit had been useful", "indirect", "Ada Lorn", "The Chilean mayor")),
    wordlists=("ROLE_NOUNS", "TITLES"),
)  # fmt: skip
def _role_description(r: SpeakerResolver, subject: Subject, refs: bool) -> str | _Next | None:
    """'the minister', 'the Chilean mayor' is the person whose title words fit it best
    (a nationality counts twice), else the last person who spoke."""
    words = _words(subject.span.text.lower())
    head = words[-1]
    if subject.kind != "description" or (
        head not in W.ROLE_NOUNS and head.capitalize() not in W.TITLES
    ):
        return NEXT
    described = r.described_person(words[1:], subject.span.start)
    if described:
        return described
    return r.person_speakers[-1][1] if r.person_speakers else NEXT


@RESOLUTION.step(
    Quotes("“The river is rising,” said the harbour master.",
           Said("The river is rising,", "direct", "harbour", "the harbour", "said")),
)  # fmt: skip
def _other_description(r: SpeakerResolver, subject: Subject, refs: bool) -> str | _Next | None:
    """Any other description is reported without its determiner ('the harbour')."""
    return _bare(subject.span.text) if subject.kind == "description" else NEXT
