"""Names in a document: normalisation, canonical (fullest) names, titles and gender hints.

Built from the pipeline's named entities. ``"Mr Smith"``, ``"Smith"`` and ``"Jane Smith"`` fall
under one canonical name, the fullest form seen in the document.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from .lexicon import HONORIFICS, NAME_PREFIXES, SOURCE_LABELS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

_POSSESSIVE = ("'s", "’s", "'", "’")
_TITLE_POS = frozenset({"PROPN", "NOUN", "ADJ"})


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower-case, accent-free form of a word for comparisons."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def strip_possessive(text: str) -> str:
    for p in _POSSESSIVE:
        if text.endswith(p) and len(text) > len(p):
            return text[: -len(p)]
    return text


@lru_cache(maxsize=65536)
def name_key(text: str) -> tuple[str, ...]:
    """Comparable tokens of a name: folded, without honorifics, leading "the" or possessive."""
    words = [fold(w.strip(".,")) for w in strip_possessive(text.strip()).split()]
    words = [w for w in words if w]
    while words and (words[0] == "the" or words[0] in HONORIFICS):
        words = words[1:]
    return tuple(words)


def prefix_length(text: str) -> int:
    """Length of the honorifics ("Mrs ", "Dr. ") at the start of a name (0 when none)."""
    pos = 0
    while True:
        rest = text[pos:]
        word = rest.split(" ", 1)[0]
        if " " not in rest or word.lower() not in NAME_PREFIXES:
            return pos
        pos += len(word) + 1
        while pos < len(text) and text[pos] == " ":
            pos += 1


def display_name(text: str) -> str:
    """A name as reported: without a leading "the", honorifics or a possessive ending."""
    text = strip_possessive(text.strip())
    if text.lower().startswith("the "):
        text = text[4:]
    return text[prefix_length(text) :]


@dataclass
class NameInfo:
    """What the document says about one canonical name."""

    name: str
    label: str
    key: tuple[str, ...]
    count: int = 0
    gender: str | None = None
    titles: set[str] = field(default_factory=set)
    nationalities: set[str] = field(default_factory=set)


class NameBook:
    """Canonical names of a document's PERSON/ORG/GPE/NORP entities."""

    def __init__(self) -> None:
        self._infos: list[NameInfo] = []
        self._by_word: dict[str, list[NameInfo]] = {}

    @property
    def infos(self) -> list[NameInfo]:
        return self._infos

    @infos.setter
    def infos(self, infos: list[NameInfo]) -> None:
        self._infos = []
        self._by_word = {}
        for info in infos:
            self.add(info)

    def add(self, info: NameInfo) -> None:
        self._infos.append(info)
        for word in set(info.key):
            self._by_word.setdefault(word, []).append(info)

    @classmethod
    def from_doc(cls, doc: Doc, ents: list[Span] | None = None) -> NameBook:
        """The names of ``doc``'s entities (``ents``: ``doc.ents`` when already at hand)."""
        book = cls()
        ents = [e for e in (doc.ents if ents is None else ents) if e.label_ in SOURCE_LABELS]
        counts = Counter((name_key(e.text), e.label_) for e in ents)
        # Longest names first, so that shorter forms attach to them.
        for e in sorted(ents, key=lambda e: (-len(name_key(e.text)), e.start)):
            key = name_key(e.text)
            if not key:
                continue
            info = book.lookup(key, e.label_)
            if info is None:
                info = NameInfo(display_name(e.text), e.label_, key)
                book.add(info)
            info.count += counts[(key, e.label_)]
            book._learn_context(info, e)
        return book

    def _learn_context(self, info: NameInfo, ent: Span) -> None:
        """Titles ("Foreign Minister", "Dutch") and honorific gender just before a mention."""
        doc = ent.doc
        i = ent.start - 1
        while i >= 0 and doc[i].pos_ in _TITLE_POS and doc[i].ent_type_ in ("", "NORP"):
            word = fold(doc[i].text.strip("."))
            if word in HONORIFICS and HONORIFICS[word] and info.gender is None:
                info.gender = HONORIFICS[word]
            info.titles.add(word)
            if doc[i].ent_type_ == "NORP":
                info.nationalities.add(word)
            i -= 1
        for t in ent:
            word = fold(t.text.strip("."))
            if word in HONORIFICS and HONORIFICS[word] and info.gender is None:
                info.gender = HONORIFICS[word]

    def lookup(self, key: tuple[str, ...], label: str | None) -> NameInfo | None:
        """The canonical entry whose key ends with (or equals) ``key``; the fullest wins.

        PERSON names match PERSON names, organisations and places match each other; a name the
        NER called ORG may also match a PERSON (a frequent confusion for surnames).
        """
        if not key:
            return None
        best: NameInfo | None = None
        for info in self._by_word.get(key[-1], ()):
            if not _compatible(label, info.label):
                continue
            if info.key[-len(key) :] == key or (len(key) > 1 and _is_subsequence(key, info.key)):
                rank = (len(info.key), info.label == label, info.count)
                if best is None or rank > (len(best.key), best.label == label, best.count):
                    best = info
        return best

    def canonical(self, text: str, label: str | None) -> str:
        """The fullest name in the document for ``text`` (``text`` itself when unknown)."""
        info = self.lookup(name_key(text), label)
        return info.name if info is not None else display_name(text)


def _compatible(query: str | None, label: str) -> bool:
    if query is None or _label_group(query) == _label_group(label):
        return True
    return query == "ORG" and label == "PERSON"


def _label_group(label: str) -> str:
    """PERSON names only match PERSON names; organisations and places match each other."""
    return "PERSON" if label == "PERSON" else "OTHER"


def _is_subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    it = iter(long)
    return all(w in it for w in short)
