"""Speaker mentions from the parse, and their resolution to the document's named speakers.

A mention is the word grammatically tied to a cue (its subject, or the object of "according to"),
expanded to the whole name (the enclosing entity, or the noun with its compound/flat/modifier
children). Pronouns ("she") and definite role descriptions ("the minister") are resolved to the
most plausible earlier named speaker: the most recent one, preferring a matching gender and,
for descriptions, a person whose titles share a word with the description.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from .lexicon import (
    DEFINITE_DETERMINERS,
    FEMALE_PRONOUNS,
    GROUP_PRONOUNS,
    MALE_PRONOUNS,
    ROLE_NOUNS,
    SOURCE_LABELS,
)
from .names import NameBook, display_name, fold, name_key, prefix_length

if TYPE_CHECKING:
    from spacy.tokens import Token

MentionKind = Literal["name", "pronoun", "description"]
_NP_LEFT_DEPS = frozenset({"det", "amod", "compound", "poss", "nummod", "nmod", "quantmod", "case"})
_NP_RIGHT_DEPS = frozenset({"compound", "flat", "case"})


@dataclass(frozen=True, slots=True)
class Mention:
    """A speaker mention: its character span and what kind of expression it is."""

    start: int
    end: int
    text: str
    kind: MentionKind
    label: str | None = None
    head: str = ""
    modifiers: frozenset[str] = frozenset()
    definite: bool = False
    plural: bool = False
    #: Nationality words of a description ("the Dutch minister").
    nationalities: frozenset[str] = frozenset()
    #: A name given in apposition to a description ("the agency, Newswire, said").
    name: str | None = None


def _entity_of(token: Token) -> tuple[int, int, str, str] | None:
    """Character span, text and label of the source entity containing ``token``."""
    if token.ent_type_ not in SOURCE_LABELS:
        return None
    doc = token.doc
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I" and "\n" not in doc[start - 1].text:
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I" and "\n" not in doc[end].text:
        end += 1
    span = doc[start:end]
    return span.start_char, span.end_char, span.text, token.ent_type_


def mention_for(token: Token) -> Mention:
    """The mention headed by ``token`` (a subject or the object of "according to")."""
    ent = _entity_of(token)
    if ent is None:
        # "spokesman Jane Doe": the head may sit outside the entity its compounds form.
        for child in token.children:
            if child.dep_ in ("compound", "flat", "appos") and child.ent_type_ == "PERSON":
                ent = _entity_of(child)
                break
    if ent is not None:
        start, end, text, label = ent
        if label == "PERSON":  # "Mrs [Jane Doe]", as for entities
            cut = prefix_length(text)
            start, text = start + cut, text[cut:]
        return Mention(start, end, text, "name", label, fold(token.text))
    if token.pos_ == "PRON" or token.tag_ in ("PRP", "WP"):
        return Mention(
            token.idx, token.idx + len(token.text), token.text, "pronoun", head=fold(token.text)
        )
    left = [c for c in token.lefts if c.dep_ in _NP_LEFT_DEPS]
    right = [c for c in token.rights if c.dep_ in _NP_RIGHT_DEPS]
    first = min([token.i] + [min(t.i for t in c.subtree) for c in left])
    last = max([token.i] + [max(t.i for t in c.subtree) for c in right])
    span = token.doc[first : last + 1]
    modifiers = frozenset(
        fold(t.text) for c in left for t in c.subtree if t.pos_ in ("ADJ", "PROPN", "NOUN")
    )
    nationalities = frozenset(
        fold(t.text) for c in left for t in c.subtree if t.ent_type_ == "NORP"
    )
    # "the minister" may be a named person; "the party's leader" is someone else than the party.
    definite = any(c.dep_ == "det" and c.lower_ in DEFINITE_DETERMINERS for c in left) and not any(
        c.dep_ == "poss" for c in left
    )
    if token.pos_ == "PROPN":
        # A name the NER missed ("Mr Smith"): its canonical form is looked up by its words.
        return Mention(span.start_char, span.end_char, span.text, "name", None, fold(token.text))
    label, name = None, None
    for child in token.rights:
        appositive = _entity_of(child) if child.dep_ == "appos" else None
        if appositive is not None:
            name, label = appositive[2], appositive[3]
            break
    return Mention(
        span.start_char,
        span.end_char,
        span.text,
        "description",
        label,
        fold(token.lemma_ or token.text),
        modifiers,
        definite,
        token.tag_ in ("NNS", "NNPS"),
        nationalities,
        name,
    )


@dataclass
class _Seen:
    name: str
    label: str
    position: int
    gender: str | None
    titles: set[str] = field(default_factory=set)
    nationalities: set[str] = field(default_factory=set)


class SpeakerResolver:
    """Resolves mentions, in document order, to canonical speaker names."""

    def __init__(
        self,
        book: NameBook,
        persons: list[tuple[int, str]] | None = None,
        groups: list[tuple[int, str]] | None = None,
    ) -> None:
        """``persons`` and ``groups``: (offset, canonical name) of every PERSON and ORG/GPE
        mention, the fallback antecedents of pronouns when no speaker fits."""
        self.book = book
        self.speakers: dict[str, _Seen] = {}
        self.persons: list[tuple[int, str]] = list(persons or [])
        self.groups: list[tuple[int, str]] = list(groups or [])

    def resolve(self, mention: Mention, position: int) -> str | None:
        """Canonical name of the speaker ``mention`` stands for (``None`` when unknown)."""
        if mention.kind == "name" or mention.name is not None:
            return self._remember(mention.name or mention.text, mention.label, position)
        if mention.kind == "pronoun":
            return self._resolve_pronoun(mention, position)
        if mention.definite and not mention.plural and mention.head in ROLE_NOUNS:
            found = self._best_person(
                position, None, mention.modifiers | {mention.head}, mention.nationalities
            )
            if found is not None:
                return found
        return mention.text

    def _remember(self, text: str, label: str | None, position: int) -> str:
        """Record a named speaker; return its canonical name."""
        info = self.book.lookup(name_key(text), label)
        name = info.name if info is not None else display_name(text)
        seen = self.speakers.get(name)
        if seen is None:
            self.speakers[name] = _Seen(
                name,
                info.label if info is not None else (label or "PERSON"),
                position,
                info.gender if info is not None else None,
                set(info.titles) if info is not None else set(),
                set(info.nationalities) if info is not None else set(),
            )
        else:
            seen.position = max(seen.position, position)
        return name

    def _resolve_pronoun(self, mention: Mention, position: int) -> str | None:
        word = mention.head
        if word in MALE_PRONOUNS or word in FEMALE_PRONOUNS:
            gender = "m" if word in MALE_PRONOUNS else "f"
            found = self._best_person(position, gender)
            if found is not None and self.speakers.get(found) is not None:
                if self.speakers[found].gender is None:
                    self.speakers[found].gender = gender
            return found
        if word in GROUP_PRONOUNS:
            groups = [s for s in self.speakers.values() if s.label != "PERSON"]
            groups = [s for s in groups if s.position <= position] or groups
            if groups:
                return max(groups, key=lambda s: s.position).name
            earlier = [g for g in self.groups if g[0] <= position]
            if earlier:
                return max(earlier)[1]
        return None

    def _best_person(
        self,
        position: int,
        gender: str | None,
        words: frozenset[str] | set[str] = frozenset(),
        nationalities: frozenset[str] = frozenset(),
    ) -> str | None:
        """Most recent named PERSON speaker; matching gender, shared title words and nationality
        win, a different gender or nationality loses."""
        people = [s for s in self.speakers.values() if s.label == "PERSON"]
        if people:

            def score(s: _Seen) -> tuple[int, int, int]:
                bonus = len(words & s.titles)
                if gender is not None and s.gender is not None:
                    bonus += 1 if s.gender == gender else -2
                if nationalities and s.nationalities and not nationalities & s.nationalities:
                    bonus -= 2
                return (bonus, s.position <= position, s.position)

            best = max(people, key=score)
            if gender is None or best.gender is None or best.gender == gender:
                return best.name
        # No fitting speaker yet: the most recent earlier PERSON mention of a fitting gender.
        for _, name in sorted((p for p in self.persons if p[0] <= position), reverse=True):
            info = self.book.lookup(name_key(name), "PERSON")
            if gender is None or info is None or info.gender in (None, gender):
                return name
        return None
