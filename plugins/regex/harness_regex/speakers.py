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
from .entities import _alt

SubjectKind = Literal["name", "pronoun", "description", "group"]

# --- patterns (compiled once) -----------------------------------------------------------------

_TITLE_ABBR = r"(?:Mr|Mrs|Ms|Dr|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Prof|Rev|St)\."
_CAPWORD = rf"(?:{_TITLE_ABBR}|(?:[A-Z]\.){{2,}}|[A-Z][\w’'-]*)"
NAME = rf"{_CAPWORD}(?:[ \t]+{_CAPWORD}){{0,5}}"
_DET = r"(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[Oo]ne)"
DESCRIPTION = rf"{_DET}[ \t]+(?:[\w’'-]+[ \t]+){{0,3}}?[a-z][\w-]*"
_POSS_DESCRIPTION = rf"{_CAPWORD}(?:[ \t]+{_CAPWORD}){{0,3}}[’']s[ \t]+(?:[\w-]+[ \t]+){{0,2}}?[a-z][\w-]*"
PRONOUN = r"(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Ww]e|I)(?![\w’'])"
GROUP = rf"(?:{'|'.join(f'[{w[0].upper()}{w[0]}]{re.escape(w[1:])}' for w in sorted(W.GROUP_NOUNS))})"
#: Any subject, description alternatives first so "the minister" is not read as a name.
SUBJECT = (
    rf"(?<![\w’'-])(?:(?P<desc>{DESCRIPTION})|(?P<poss>{_POSS_DESCRIPTION})"
    rf"|(?P<pron>{PRONOUN})|(?P<group>{GROUP})(?![\w’'])|(?P<name>{NAME}))"
)
#: A subject after a postposed cue ("said the minister", "said Jane Doe").
SUBJECT_AFTER = rf"(?:(?P<desc>{DESCRIPTION})|(?P<name>{NAME})|(?P<pron>{PRONOUN}))"
CUE = rf"(?:{_alt(W.SPEECH_VERBS)})(?![\w’'-])"
ADVERBS = rf"(?:(?:{_alt(W.CUE_ADVERBS)})[ \t]+){{0,2}}"

_LEADING_NON_NAME = frozenset(W.TITLES | W.TITLE_MODIFIERS | W.DEMONYMS | W.NON_NAME_WORDS)


@dataclass(frozen=True, slots=True)
class Subject:
    """A subject found next to a cue: its kind and its span (the name mention for names)."""

    kind: SubjectKind
    span: Span


def subject_from_match(m: re.Match[str], text: str) -> Subject | None:
    """The :class:`Subject` of a match of :data:`SUBJECT` or :data:`SUBJECT_AFTER`."""
    groups = m.groupdict()
    for kind, group in (
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
                if text[s:e] in W.NON_NAME_WORDS or text[s:e].lower() in W.GROUP_NOUNS:
                    return (
                        Subject("group", Span(s, e, text[s:e]))
                        if text[s:e].lower() in W.GROUP_NOUNS
                        else None
                    )
            return Subject(kind, Span(s, e, text[s:e]))  # type: ignore[arg-type]
    return None


def _trim_name(text: str, s: int, e: int) -> tuple[int, int] | None:
    """Cut leading titles, nationalities and sentence-initial words from a name mention."""
    words = [(m.start() + s, m.end() + s) for m in re.finditer(r"\S+", text[s:e])]
    while len(words) > 1 and text[words[0][0] : words[0][1]] in _LEADING_NON_NAME:
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


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"\s+", name.strip()) if w]


class SpeakerResolver:
    """Turns subjects into speaker names using the document's entities and earlier speakers."""

    def __init__(self, text: str, entities: Sequence[Entity], hidden: Sequence[Span] = ()) -> None:
        self.text = text
        visible = [e for e in entities if not any(h.start <= e.start < h.end for h in hidden)]
        self.persons = [e for e in visible if e.label == "PERSON"]
        self.orgs = [e for e in visible if e.label == "ORG"]
        self._person_starts = [e.start for e in self.persons]
        self._org_starts = [e.start for e in self.orgs]
        self.names: list[str] = []  # every person name seen, in order of appearance
        for e in self.persons:
            self.names.append(text[e.start : e.end])
        #: (position, name) of named speakers already attributed, in order
        self.named_speakers: list[tuple[int, str]] = []

    def fullest(self, name: str, pos: int = -1) -> str:
        """The longest name in the document that ends with ``name``'s last word and contains it."""
        words = _words(name)
        if not words:
            return name
        best = " ".join(words)
        for cand in self.names:
            cw = _words(cand)
            if (
                len(cw) > len(_words(best))
                and cw[-1] == words[-1]
                and all(w in cw for w in words)
            ):
                best = cand
        return best

    def _recent(self, starts: list[int], ents: list[Entity], pos: int) -> Entity | None:
        i = bisect.bisect_left(starts, pos)
        return ents[i - 1] if i > 0 else None

    def recent_person(self, pos: int) -> str | None:
        """The fullest name of the most recent person mention before ``pos``."""
        ent = self._recent(self._person_starts, self.persons, pos)
        return self.fullest(self.text[ent.start : ent.end]) if ent else None

    def resolve(self, subject: Subject, resolve_references: bool = True) -> str | None:
        """The speaker text for ``subject``."""
        text, pos = subject.span.text, subject.span.start
        if subject.kind == "name":
            words = _words(text)
            if len(words) == 1 and words[0] in W.COUNTRIES | W.COUNTRY_ABBREVIATIONS:
                return text
            name = self.fullest(text, pos)
            self.named_speakers.append((pos, name))
            return name
        if subject.kind == "group":
            return text
        lowered = text.lower()
        if subject.kind == "pronoun":
            if not resolve_references:
                return None
            if lowered in W.PERSON_PRONOUNS:
                return self.recent_person(pos)
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
        if head in W.ROLE_NOUNS:
            before = [n for p, n in self.named_speakers if p < pos]
            if before:
                return before[-1]
            return self.recent_person(pos) or bare
        return bare
