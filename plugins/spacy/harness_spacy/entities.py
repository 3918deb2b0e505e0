"""Entities from the pipeline's NER, brought in line with the OntoNotes span conventions.

The statistical NER already uses OntoNotes labels. With ``fix`` on, generic repairs are applied:

- spans: an entity is cut at a line break and at an unbalanced "("; a leading lower-case article
  ("the", "a", "an") is left out of names (not of dates and numbers: "the first week"), and so are
  surrounding quote marks, honorifics before a PERSON ("Mrs [Jane Doe]") and a possessive "’s";
- one sense per document: a surname of a multi-word PERSON in the document is a PERSON wherever
  it occurs, also where the NER gave it another label or missed it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from harness.model import Entity

from .marks import QUOTE_CHARS
from .names import prefix_length
from .rules import RuleTable, Trimmed

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


#: A repair takes (text, start, end, label) and gives the repaired (start, end).
Repair = Callable[[str, int, int, str], "tuple[int, int]"]

SPAN_REPAIRS: RuleTable[Repair] = RuleTable(
    "span_repairs", "Repairs of an entity span of the NER, in this order."
)


@SPAN_REPAIRS.step(Trimmed("Harbour News\n\nThe", "ORG", "Harbour News"))
def _cut_at_a_line_break(text: str, start: int, end: int, label: str) -> tuple[int, int]:
    """An entity ends at a line break (a headline and the next line are not one name)."""
    nl = text.find("\n", start, end)
    return (start, nl) if nl >= 0 else (start, end)


@SPAN_REPAIRS.step(Trimmed("Blue Party (Greens", "ORG", "Blue Party"))
def _cut_at_an_unbalanced_bracket(text: str, start: int, end: int, label: str) -> tuple[int, int]:
    """An entity ends before a '(' that it does not close ('Blue Party (Greens')."""
    span = text[start:end]
    if "(" in span and ")" not in span[span.index("(") :]:
        return start, start + span.index("(")
    return start, end


@SPAN_REPAIRS.step(
    Trimmed("the Red Cross", "ORG", "Red Cross"),
    Trimmed("a Western Alliance", "ORG", "Western Alliance"),
    Trimmed("the first week", "DATE", "the first week"),
    Trimmed("‘The Daily Lantern’", "ORG", "The Daily Lantern"),
    Trimmed("Acme’s", "ORG", "Acme"),
    Trimmed("“the Acme’s”", "ORG", "Acme"),
)
def _edges(text: str, start: int, end: int, label: str) -> tuple[int, int]:
    """Repeatedly, until nothing changes: a leading lower-case article leaves a name (not a
    date or a number: 'the first week'); then a quote mark or a space at either edge, or else
    a possessive "’s", leaves any entity."""
    changed = True
    while changed and end > start:
        span = text[start:end]
        start, end, changed = _edge_pass(text, start, end, label, span)
    return start, end


def _edge_pass(text: str, start: int, end: int, label: str, span: str) -> tuple[int, int, bool]:
    changed = False
    if label not in _ARTICLE_LABELS:
        article = next((a for a in _ARTICLES if span.startswith(a) and len(span) > len(a)), None)
        if article:
            start += len(article)
            changed = True
    if text[start] in QUOTE_CHARS or text[start].isspace():
        return start + 1, end, True
    if text[end - 1] in QUOTE_CHARS or text[end - 1].isspace():
        return start, end - 1, True
    if span.endswith(_POSSESSIVES) and len(span) > 2:
        return start, end - 2, True
    return start, end, changed


@SPAN_REPAIRS.step(Trimmed("Mrs Jane Doe", "PERSON", "Jane Doe"))
def _honorific(text: str, start: int, end: int, label: str) -> tuple[int, int]:
    """An honorific before a PERSON is no part of the name ('Mrs [Jane Doe]')."""
    return (start + prefix_length(text[start:end]), end) if label == "PERSON" else (start, end)


def _trim(text: str, start: int, end: int, label: str) -> tuple[int, int]:
    """``start..end`` with the repairs of :data:`SPAN_REPAIRS` applied."""
    for repair in SPAN_REPAIRS.steps:
        start, end = repair(text, start, end, label)
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
