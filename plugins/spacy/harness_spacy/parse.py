"""Reading cues, reported content and sources off spaCy's dependency parse."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .lexicon import (
    ADDRESSEE_VERBS,
    CLAUSE_DEPS,
    NOUN_OBJECT_VERBS,
    OBJECT_PREDICATE_VERBS,
    PARTICLE_REQUIRED,
    PREPOSITION_CUES,
    RELATIVE_PRONOUNS,
    SPEECH_VERBS,
)
from .marks import QUOTE_CHARS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

#: Verbs reporting a promise or threat, whose infinitive complement is the content ("vowed to ...").
_INFINITIVE_CUES = frozenset({"promise", "vow", "pledge", "threaten"})
_PREDICATE_DEPS = frozenset({"oprd", "xcomp", "attr", "ccomp", "acomp"})
_PREDICATE_PREPS = frozenset({"as", "of"})
_NOMINAL_DEPS = frozenset({"dobj", "nsubj", "nsubjpass", "pobj", "attr"})
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
    return particle is None or any(c.dep_ == "prt" and c.lower_ == particle for c in token.children)


def candidate_indices(doc: Doc) -> list[int]:
    """Indices of the tokens that may be cues (a cue lemma or "according"), found on the token
    arrays without creating a Python object per token."""
    strings = doc.vocab.strings
    wanted = {strings.add(w) for w in SPEECH_VERBS}
    lower_according = strings.add("according")
    arr = doc.to_array(["LEMMA", "LOWER"])
    return [
        i for i, (lem, low) in enumerate(arr.tolist()) if lem in wanted or low == lower_according
    ]


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


def _extent(tokens: list[Token], lo: int = 0, hi: int | None = None) -> tuple[int, int]:
    """First and last token index of the subtrees of ``tokens``, kept within ``lo..hi``."""
    first = max(lo, min(t.left_edge.i for t in tokens))
    last = max(t.right_edge.i for t in tokens)
    return first, last if hi is None else min(hi, last)


def complements(verb: Token) -> Iterator[tuple[int, int]]:  # noqa: C901
    """Token ranges (first, last; inclusive) of what ``verb`` reports, one per clause.

    In order of preference: "object + predicate" ("described X as Y"), clausal complements
    (``ccomp``; clauses on the same side of the verb are one content), a that-clause of an
    adjunct's noun ("said in a statement that ..."), infinitive complements
    ("warned X not to Y": the addressee is left out), prepositional objects of cues that take
    them ("warned of Y", "called for Y"), and nominal objects of announcing verbs.
    """
    lem = lemma(verb)
    children = list(verb.children)
    objs = [c for c in children if c.dep_ == "dobj"]
    if lem in OBJECT_PREDICATE_VERBS:
        # The predicate hangs off the verb or, misattached, off the object ("X as Y").
        preds = [
            c
            for c in children + [g for o in objs for g in o.rights]
            if (c.dep_ in _PREDICATE_DEPS and c.head.i == verb.i)
            or (c.dep_ == "prep" and c.lower_ in _PREDICATE_PREPS and c.i > verb.i)
        ]
        if objs and preds:
            yield _extent(objs + preds, lo=verb.i + 1)
            return
    clauses = [c for c in children if c.dep_ in CLAUSE_DEPS]
    if clauses:
        before = [c for c in clauses if c.i < verb.i]
        after = [c for c in clauses if c.i > verb.i]
        if before:
            yield _extent(before, hi=verb.i - 1)
        if after:
            # "what she said were lies": the wh-word before the verb is not reported.
            yield _extent(after, lo=verb.i + 1)
        return
    # "said in a statement that X": the clause hangs off the noun of an adjunct.
    for c in children:
        if c.dep_ == "prep" and c.i > verb.i:
            for noun in c.children:
                for clause in noun.rights:
                    if clause.dep_ in ("acl", "ccomp") and any(
                        m.dep_ == "mark" and m.lower_ == "that" for m in clause.children
                    ):
                        yield _extent([clause], lo=verb.i + 1)
                        return
    xcomps = [c for c in children if c.dep_ == "xcomp" and c.i > verb.i]
    if xcomps:
        if lem in ADDRESSEE_VERBS:
            yield _extent(xcomps, lo=verb.i + 1)
        elif objs or lem in _INFINITIVE_CUES:
            yield _extent(objs + xcomps, lo=verb.i + 1)
        return
    preps = PREPOSITION_CUES.get(lem, frozenset())
    # The preposition hangs off the verb or, misattached, off its object.
    for c in children + [g for o in objs for g in o.rights]:
        if c.dep_ == "prep" and c.lower_ in preps and c.i > verb.i:
            objects = [g for g in c.children if g.dep_ in ("pobj", "pcomp")]
            if objects:
                yield _extent(objects)
                return
    if lem in NOUN_OBJECT_VERBS and objs:
        yield _extent(objs, lo=verb.i + 1)


def trim_tokens(verb: Token, first: int, last: int) -> tuple[int, int] | None:
    """Character span of tokens ``first..last`` as reported content.

    Leaves out a leading complementizer "that", a leading sentence adverb ("Separately, ...")
    and edge punctuation.
    """
    doc = verb.doc
    while first <= last:
        t = doc[first]
        if t.is_space or (t.is_punct and t.text not in QUOTE_CHARS):
            first += 1
        elif t.lower_ == "that" and (
            t.dep_ in ("mark", "det") or (t.tag_ == "IN" and t.dep_ not in _NOMINAL_DEPS)
        ):
            first += 1
        elif t.pos_ == "ADV" and first + 1 <= last and doc[first + 1].text == ",":
            first += 2
        else:
            break
    last = end_of_content(doc, first, last)
    if last < first:
        return None
    return doc[first].idx, doc[last].idx + len(doc[last].text)


def end_of_content(doc: Doc, first: int, last: int) -> int:
    """``last`` moved back over trailing spaces, punctuation and dangling conjunctions."""
    while last >= first and (
        doc[last].is_space
        or doc[last].text in ",;:-–—"
        or doc[last].pos_ == "CCONJ"
        or doc[last].dep_ in ("cc", "mark")
    ):
        last -= 1
    return last


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
    if depth > 3 or verb.head.i == verb.i:
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
