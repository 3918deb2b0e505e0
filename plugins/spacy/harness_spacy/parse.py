"""Reading cues, reported content and sources off spaCy's dependency parse."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .lexicon import (
    CLAUSE_DEPS,
    OBJECT_PREDICATE_VERBS,
    PARTICLE_REQUIRED,
    RELATIVE_PRONOUNS,
    SPEECH_VERBS,
)
from .marks import QUOTE_CHARS

if TYPE_CHECKING:
    from spacy.tokens import Token

#: Verbs reporting a promise or threat, whose infinitive complement is the content ("vowed to ...").
_INFINITIVE_CUES = frozenset({"promise", "vow", "pledge", "threaten"})
_PREDICATE_DEPS = frozenset({"oprd", "xcomp", "attr", "ccomp", "acomp"})
_PREDICATE_PREPS = frozenset({"as", "of"})
_TRIM_CHARS = " \t\n\r,;:.!?-–—" + QUOTE_CHARS


def lemma(token: Token) -> str:
    return (token.lemma_ or token.text).lower()


def is_cue_verb(token: Token) -> bool:
    """A speech or cognition verb (``point`` only with ``out``)."""
    if token.pos_ != "VERB":
        return False
    lem = lemma(token)
    if lem not in SPEECH_VERBS:
        return False
    particle = PARTICLE_REQUIRED.get(lem)
    return particle is None or any(
        c.dep_ == "prt" and c.lower_ == particle for c in token.children
    )


def is_according_to(token: Token) -> Token | None:
    """For the ``according`` of "according to X", the object X; otherwise ``None``."""
    if token.lower_ != "according":
        return None
    for child in token.children:
        if child.lower_ == "to":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return obj
    nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if nxt is not None and nxt.lower_ == "to":
        for obj in nxt.children:
            if obj.dep_ == "pobj":
                return obj
    return None


def _extent(tokens: list[Token]) -> tuple[int, int]:
    """First and last token index of the subtrees of ``tokens``."""
    first = min(t.left_edge.i for t in tokens)
    last = max(t.right_edge.i for t in tokens)
    return first, last


def complements(verb: Token) -> Iterator[tuple[int, int]]:
    """Token ranges (first, last; inclusive) of what ``verb`` reports, one per clause."""
    lem = lemma(verb)
    children = list(verb.children)
    if lem in OBJECT_PREDICATE_VERBS:
        objs = [c for c in children if c.dep_ == "dobj"]
        preds = [
            c
            for c in children
            if c.dep_ in _PREDICATE_DEPS
            or (c.dep_ == "prep" and c.lower_ in _PREDICATE_PREPS and c.i > verb.i)
        ]
        if objs and preds:
            yield _extent(objs + preds)
            return
        if lem == "call":
            return
    clauses = [c for c in children if c.dep_ in CLAUSE_DEPS and not _is_wh_clause(verb, c)]
    if clauses:
        # Clauses on the same side of the verb form one content ("said A and B").
        before = [c for c in clauses if c.i < verb.i]
        after = [c for c in clauses if c.i > verb.i]
        for side in (before, after):
            if side:
                yield _extent(side)
        return
    xcomps = [c for c in children if c.dep_ == "xcomp" and c.i > verb.i]
    if xcomps:
        objs = [c for c in children if c.dep_ == "dobj" and c.i < xcomps[0].i]
        if objs or lem in _INFINITIVE_CUES:
            yield _extent(objs + xcomps)


def _is_wh_clause(verb: Token, clause: Token) -> bool:
    """"what she said were lies": the clause's wh-word sits before the verb, no reported clause."""
    for t in (*clause.children, *verb.children):
        if t.tag_ in ("WP", "WDT") and t.i < verb.i:
            return True
    return False


def trim_tokens(verb: Token, first: int, last: int) -> tuple[int, int] | None:
    """Character span of tokens ``first..last`` without a leading "that" and edge punctuation."""
    doc = verb.doc
    while first <= last and (
        doc[first].is_space
        or (doc[first].is_punct and doc[first].text not in QUOTE_CHARS)
        or (doc[first].lower_ == "that" and (doc[first].dep_ == "mark" or doc[first].tag_ == "IN"))
    ):
        first += 1
    while last >= first and (doc[last].is_space or doc[last].text in ",;:-–—"):
        last -= 1
    if last < first:
        return None
    return doc[first].idx, doc[last].idx + len(doc[last].text)


def core(text: str, start: int, end: int) -> tuple[int, int]:
    """``start..end`` without edge whitespace, punctuation and quote marks (for comparisons)."""
    while start < end and text[start] in _TRIM_CHARS:
        start += 1
    while end > start and text[end - 1] in _TRIM_CHARS:
        end -= 1
    return start, end


def subject(verb: Token, depth: int = 0) -> Token | None:
    """The source of ``verb``: its nominal subject, shared or inherited when it has none.

    Conjoined verbs ("said ... and added that") share their head's subject; participles
    ("..., stating that") take the subject of the verb they modify; a relative pronoun stands for
    the noun its clause modifies.
    """
    for child in verb.children:
        if child.dep_ == "nsubj":
            if child.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                return verb.head
            return child
    if depth > 3 or verb.head is verb:
        return None
    if verb.dep_ == "conj":
        return subject(verb.head, depth + 1)
    if verb.dep_ in ("advcl", "xcomp") and verb.tag_ == "VBG":
        return subject(verb.head, depth + 1)
    if verb.dep_ in ("relcl", "acl") and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head
    return None


def inverted_subject(verb: Token) -> Token | None:
    """A source the parser attached after the verb as an object ("..., said spokesman X")."""
    for child in verb.rights:
        if child.dep_ in ("dobj", "attr", "npadvmod", "nsubjpass", "appos") and child.pos_ in (
            "PROPN",
            "NOUN",
        ):
            return child
    return None
