"""Speakers of quotes: the subject patterns next to a cue, and how a mention becomes a name.

A *subject* is what stands next to a speech verb: a capitalised name ("Russian President Jane
Doe"), a pronoun ("she"), a description ("the minister", "a spokesman", "Doe’s spokesman") or a
plural group ("officials"). :class:`SpeakerResolver` turns a subject into the speaker text
reported with a quote: the fullest form of a name seen in the document ("Jane Doe" for "Doe"),
the most recent person for "he"/"she" and for definite person descriptions, the most recent
matching organisation for "the ministry".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from harness.model import Entity, Span

from . import wordlists as W
from .wordlists import alternation as _alt

SubjectKind = Literal["name", "pronoun", "description", "group"]

# --- patterns (compiled once) -----------------------------------------------------------------

_TITLE_ABBR = r"(?:Mr|Mrs|Ms|Dr|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Prof|Rev|St)\."
_CAPWORD_ANY = rf"(?:{_TITLE_ABBR}|(?:[A-Z]\.){{2,}}|[A-Z][\w-]*(?:[’'][A-Z][\w-]*)?)"
#: A capitalised word that is not a possessive ("Smith", not "Smith’s").
_CAPWORD = rf"{_CAPWORD_ANY}(?![’'\w])"
NAME = rf"{_CAPWORD}(?:[ \t]+{_CAPWORD}){{0,5}}"
_DET = r"(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[Oo]ne)"
_NOT_IN_DESCRIPTION = (
    r"(?!(?:that|which|who|whom|with|and|but|or|to|in|on|by|from|is|was|were|are|be|"
    r"has|had|have|will|would|can|could|as|than|into|after|before|about|also|not)(?![\w’'-]))"
)
_NOT_HEAD = r"(?!(?:of|for|at|the|a|an|its|his|her|their)(?![\w’'-]))"
#: "the minister", "a senior official", "an affiliate of the group" (no verbs, no clauses).
DESCRIPTION = (
    rf"{_DET}[ \t]+(?:{_NOT_IN_DESCRIPTION}[\w’'-]+[ \t]+){{0,5}}?"
    rf"{_NOT_IN_DESCRIPTION}{_NOT_HEAD}[a-z][\w-]*"
    rf"(?:[’']s(?:[ \t]+{_NOT_IN_DESCRIPTION}[a-z][\w-]*){{1,2}})?"
)
_POSS_DESCRIPTION = (
    rf"(?:{_CAPWORD}[ \t]+){{0,3}}{_CAPWORD_ANY}[’']s[ \t]+"
    rf"(?:{_NOT_IN_DESCRIPTION}[\w-]+[ \t]+){{0,2}}?{_NOT_IN_DESCRIPTION}[a-z][\w-]*"
)
#: ("who" only after a comma: "Jane Doe, who said", not "people who said")
PRONOUN = r"(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Ww]e|I|(?<=, )who)(?![\w’'])"
GROUP = (
    rf"(?:{'|'.join(f'[{w[0].upper()}{w[0]}]{re.escape(w[1:])}' for w in sorted(W.GROUP_NOUNS))})"
)
#: Any subject, description alternatives first so "the minister" is not read as a name.
SUBJECT = (
    rf"(?<![\w’'-])(?:(?P<desc>{DESCRIPTION})|(?P<poss>{_POSS_DESCRIPTION})"
    rf"|(?P<pron>{PRONOUN})|(?P<group>{GROUP}(?![\w’'])(?:[ \t]+(?:at|from|with)[ \t]+{NAME})?)"
    rf"|(?P<name>{NAME}))"
)
#: Words that link two names rather than modify the second ("Jane Doe of Ohio").
_NOT_LINK = rf"(?!(?:{_alt(W.LINK_PREPOSITIONS | {'and', 'to', 'on'})})(?![\w’'-]))"
#: A subject after a postposed cue ("said the minister", "said Jane Doe").
#: A description directly followed by a name is the name ("the ministry spokesman Jane Doe").
#: A document named as the source is its author's: "according to a statement from the ministry".
SUBJECT_AFTER = (
    rf"(?:(?P<desc>{DESCRIPTION})(?:[ \t]+(?P<name2>{NAME})|[ \t]+(?:from|by|of)[ \t]+"
    rf"(?P<source>(?:{_DET}[ \t]+)?{NAME}(?![’'\w])|{DESCRIPTION}))?"
    rf"|(?:(?:{NAME}[ \t]+)?(?:{_NOT_LINK}[a-z][\w-]*[ \t]+){{1,3}}?(?=[A-Z]))?(?P<name>{NAME})"
    rf"|(?P<pron>{PRONOUN}))"
)
CUE = rf"(?:{_alt(W.SPEECH_VERBS)})(?![\w’'-])"
#: Cues of reported speech, with the verbs that need a quoted fragment ("called it a ‘…’").
REPORT_CUE = rf"(?:{_alt(W.SPEECH_VERBS | W.MIXED_ONLY_VERBS)})(?![\w’'-])"
#: Adverbs and auxiliaries between a subject and its cue ("also said", "has repeatedly said").
ADVERBS = rf"(?:(?:{_alt(W.CUE_ADVERBS)}|[a-z]+ly)[ \t]+){{0,2}}"

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
    """The :class:`Subject` of a match of :data:`SUBJECT` or :data:`SUBJECT_AFTER`, with the
    name in apposition (group ``appos``) after a description: "His lawyer, Jane Doe, said",
    "The mayor of the town, Jane Doe, said" (see :meth:`SpeakerResolver.person_in_apposition`)."""
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
_PREPOSITION_BEFORE = re.compile(rf"(?<![\w’'-])(?:{_alt(W.LINK_PREPOSITIONS)})[ \t]+$")
_APPOSITIVE_NAME = re.compile(NAME)


#: Documents whose author is the source of what they say.
_DOCUMENT_NOUNS = frozenset(
    "statement report communique communiqué release filing letter memo document post tweet"
    " transcript study survey poll".split()
)
_LEADING_DET = re.compile(rf"{_DET}[ \t]+")
_POSSESSOR = re.compile(r"(.+?)[’']s[ \t]")


def _head_subject(m: re.Match[str], text: str) -> Subject | None:  # noqa: C901
    groups = m.groupdict()
    document = groups.get("desc") or groups.get("poss")
    if document and document.split()[-1].lower() in _DOCUMENT_NOUNS:
        owner = _POSSESSOR.match(document)  # "the company's annual report" is the company's
        if owner:
            s = m.start("desc" if groups.get("desc") else "poss")
            e = s + owner.end(1)
            kind = "description" if _LEADING_DET.match(text, s, e) else "name"
            return Subject(kind, Span(s, e, text[s:e]))  # type: ignore[arg-type]
    if groups.get("source") and groups["desc"].split()[-1].lower() in _DOCUMENT_NOUNS:
        s, e = m.span("source")
        det = _LEADING_DET.match(text, s, e)
        if text[det.end() if det else s].isupper():  # "… from the Defence Ministry"
            trimmed = _trim_name(text, det.end() if det else s, e)
            if trimmed:
                return Subject("name", Span(*trimmed, text[trimmed[0] : trimmed[1]]))
        else:
            return Subject("description", Span(s, e, text[s:e]))
    for kind, group in (
        ("name", "name2"),
        ("description", "desc"),
        ("description", "poss"),
        ("pronoun", "pron"),
        ("group", "group"),
        ("name", "name"),
    ):
        if groups.get(group):
            s, e = m.span(group)
            if kind == "name":
                trimmed = _trim_name(text, s, e)
                if trimmed is None:
                    return None
                s, e = trimmed
                if W.is_group_noun(text[s:e]):  # "Officials said"
                    return Subject("group", Span(s, e, text[s:e]))
                if text[s:e] in W.NON_NAME_WORDS:  # "However said" is no subject
                    return None
            return Subject(kind, Span(s, e, text[s:e]))  # type: ignore[arg-type]
    return None


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


# --- resolution -------------------------------------------------------------------------------

_ORG_HEADS = frozenset(w.lower() for w in W.ORG_KEYWORDS) | {
    "government",
    "military",
    "statement",
    "report",
    "company",
    "firm",
    "group",
    "ministry",
}


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``pos`` lies in one of the sorted, non-overlapping ``spans``."""
    i = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


_PREFIX_WORDS = re.compile(r"(?:[\w’'-]+[ \t]+){1,3}$")


def _title_words(text: str, start: int) -> set[str]:
    """The (up to three) lower-cased words just before ``start`` on the same line."""
    m = _PREFIX_WORDS.search(text, max(0, start - 50), start)
    return {w.lower() for w in m.group().split()} if m else set()


def _surname(word: str) -> str:
    """A last name without its lower-case particle ("al-Hamid" -> "Hamid")."""
    return re.sub(r"^[a-z]+-(?=[A-Z])", "", word)


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"\s+", name.strip()) if w]


class SpeakerResolver:
    """Turns subjects into speaker names, in document order.

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
        self._org_starts = [e.start for e in self.orgs]
        self._para_starts = list(para_starts) or [0]
        #: every person name of the document, for the fullest form of a name
        self.names = list(
            dict.fromkeys(
                tuple(_words(text[e.start : e.end])) for e in entities if e.label == "PERSON"
            )
        )
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
        for cw in self.names:
            if (
                len(cw) > len(best)
                and _surname(cw[-1]) == _surname(words[-1])
                and all(w in cw or w == _surname(cw[-1]) for w in words)
            ):
                best = cw
        return " ".join(best)

    @staticmethod
    def _recent(starts: list[int], ents: list[Entity], pos: int) -> Entity | None:
        i = bisect.bisect_left(starts, pos)
        return ents[i - 1] if i > 0 else None

    def _is_person_name(self, span: Span) -> bool:
        for e in self.entities:
            if e.start < span.end and span.start < e.end:
                return e.label == "PERSON"
        return not (span.text in W.COUNTRIES or span.text in W.COUNTRY_ABBREVIATIONS)

    def person_in_apposition(self, subject: Subject) -> Subject:
        """The appositive name as the subject when the entities say it is a person ("His
        lawyer, Jane Doe"), else ``subject`` ("A spokesman for the company, Acme, said")."""
        a = subject.appositive
        if a is None or not any(
            e.label == "PERSON" and e.start == a.start and e.end == a.end for e in self.persons
        ):
            return subject
        return Subject("name", a)

    def recent_person(self, pos: int) -> str | None:
        """The person "he" or "she" at ``pos`` most likely refers to."""
        mention = self._recent(self._person_starts, self.persons, pos)
        speaker = self.person_speakers[-1] if self.person_speakers else None
        if speaker and (mention is None or self._para(speaker[0]) >= self._para(mention.start)):
            return speaker[1]
        return self.fullest(self.text[mention.start : mention.end]) if mention else None

    def resolve(self, subject: Subject, resolve_references: bool = True) -> str | None:  # noqa: C901
        """The speaker text for ``subject`` (call in document order)."""
        text, pos = subject.span.text, subject.span.start
        if subject.kind == "group":
            return text
        if subject.kind == "name":
            if not self._is_person_name(subject.span):
                return text
            name = self.fullest(text)
            self.person_speakers.append((pos, name))
            return name
        lowered = text.lower()
        if subject.kind == "pronoun":
            if not resolve_references:
                return None
            if lowered == "who":  # the person just named: "Jane Doe, who said ..."
                mention = self._recent(self._person_starts, self.persons, pos)
                return self.fullest(self.text[mention.start : mention.end]) if mention else None
            if lowered in W.PERSON_PRONOUNS:
                name = self.recent_person(pos)
                if name:
                    self.person_speakers.append((pos, name))
                return name
            if lowered == "it":
                org = self._recent(self._org_starts, self.orgs, pos)
                return self.text[org.start : org.end] if org else None
            return None
        # descriptions
        head = _words(lowered)[-1]
        bare = re.sub(r"^(?:the|a|an|his|her|their|its|one)\s+", "", text, flags=re.I)
        if not resolve_references or not lowered.startswith("the "):
            return bare
        if head in _ORG_HEADS:
            org = self._recent(self._org_starts, self.orgs, pos)
            if org and head in self.text[org.start : org.end].lower():
                return self.text[org.start : org.end]
            return bare
        if head in W.ROLE_NOUNS or head.capitalize() in W.TITLES:
            described = self._described_person(_words(lowered)[1:], pos)
            if described:
                return described
            if self.person_speakers:
                return self.person_speakers[-1][1]
        return bare

    def _described_person(self, words: list[str], pos: int) -> str | None:
        """The person whose title words best fit a description ("the French leader" fits
        "French leader Jean Roe"; a nationality counts twice as much as the role)."""
        best, best_score = None, 0
        head, modifiers = words[-1], set(words[:-1])
        for e, prefix in zip(self.persons, self._prefixes, strict=True):
            if e.start >= pos:
                break
            score = 2 * len(modifiers & prefix) + (head in prefix)
            if score >= best_score and score > 0:
                best, best_score = e, score
        return self.fullest(self.text[best.start : best.end]) if best else None
