"""Entities from the pipeline's NER, brought in line with the OntoNotes span conventions.

The statistical NER already uses OntoNotes labels. With ``fix`` on, generic repairs are applied:

- spans: an entity is cut at a line break and at an unbalanced "("; a leading lower-case article
  ("the", "a", "an") is left out of names (not of dates and numbers: "the first week"), and so are
  surrounding quote marks, honorifics before a PERSON ("Mrs [Jane Doe]") and a possessive "’s";
- one sense per document: a surname of a multi-word PERSON in the document is a PERSON wherever
  it occurs, also where the NER gave it another label or missed it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.model import Entity

from .marks import QUOTE_CHARS
from .names import prefix_length

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: Labels whose spans may start with an article ("the first nine months").
_ARTICLE_LABELS = frozenset(
    {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "WORK_OF_ART", "LAW"}
)
_ARTICLES = ("the ", "a ", "an ")
_POSSESSIVES = ("’s", "'s")
#: Labels a surname may wrongly receive.
_RELABEL_FROM = frozenset({"ORG", "GPE", "FAC", "NORP", "PRODUCT", "LOC", "WORK_OF_ART"})


def _trim(text: str, start: int, end: int, label: str) -> tuple[int, int]:  # noqa: C901
    """``start..end`` with the span repairs applied."""
    span = text[start:end]
    if "\n" in span:
        end = start + span.index("\n")
    span = text[start:end]
    if "(" in span and ")" not in span[span.index("(") :]:
        end = start + span.index("(")
    changed = True
    while changed and end > start:
        changed = False
        span = text[start:end]
        if label not in _ARTICLE_LABELS:
            for article in _ARTICLES:
                if span.startswith(article) and len(span) > len(article):
                    start += len(article)
                    changed = True
                    break
        if text[start] in QUOTE_CHARS or text[start].isspace():
            start += 1
            changed = True
        elif text[end - 1] in QUOTE_CHARS or text[end - 1].isspace():
            end -= 1
            changed = True
        elif span.endswith(_POSSESSIVES) and len(span) > 2:
            end -= 2
            changed = True
    if label == "PERSON":
        start += prefix_length(text[start:end])
    return start, end


def _surnames(doc: Doc) -> set[str]:
    """Last words of the multi-word PERSON names of ``doc``."""
    out = set()
    for e in doc.ents:
        words = [t for t in e if t.is_alpha]
        if e.label_ == "PERSON" and len(words) >= 2 and words[-1].text[:1].isupper():
            out.add(words[-1].text)
    return out


def entities_of(doc: Doc, text: str, fix: bool = True) -> tuple[Entity, ...]:
    """The NER's entities of ``doc`` (whose text is ``text``) with character offsets."""
    if not fix:
        return tuple(Entity(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents)
    surnames = _surnames(doc)
    found: list[Entity] = []
    covered: set[int] = set()
    for e in doc.ents:
        label = e.label_
        if label in _RELABEL_FROM and e.text in surnames:
            label = "PERSON"
        start, end = _trim(text, e.start_char, e.end_char, label)
        covered.update(range(e.start, e.end))
        if end > start:
            found.append(Entity(start, end, label, text[start:end]))
    if surnames:
        for t in doc:
            if t.i not in covered and t.pos_ == "PROPN" and t.text in surnames:
                found.append(Entity(t.idx, t.idx + len(t.text), "PERSON", t.text))
    return tuple(sorted(found, key=lambda e: (e.start, e.end)))
