"""Reading cues, reported content and sources off spaCy's dependency parse."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
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
from .rules import Quotes, RuleTable, Said

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


@dataclass(frozen=True)
class Cue:
    """A cue verb and what the complement rules look at: its lemma, children and objects."""

    verb: Token
    lemma: str
    children: list[Token]
    objects: list[Token]

    @classmethod
    def of(cls, verb: Token) -> Cue:
        children = list(verb.children)
        return cls(verb, lemma(verb), children, [c for c in children if c.dep_ == "dobj"])


#: A complement rule gives the token ranges the cue reports (maybe none: the cue has no
#: content), or None when its construction is not there.
ComplementRule = Callable[[Cue], "list[tuple[int, int]] | None"]

COMPLEMENTS: RuleTable[ComplementRule] = RuleTable(
    "complements",
    "What a cue verb reports, one token range per clause: the first family whose construction "
    "is there decides.",
    cascade=True,
)


@COMPLEMENTS.step(
    Quotes("Professor Linda Hart described the proposal as a ‘recipe for chaos’.",
           Said("mixed", "the proposal as a ‘recipe for chaos’", "Linda Hart")),
    Quotes("Mr Ivo Brandt described his rival’s claims as “absurd”.",
           Said("mixed", "his rival’s claims as “absurd”", "Ivo Brandt")),
)  # fmt: skip
def _object_and_predicate(c: Cue) -> list[tuple[int, int]] | None:
    """'described X as Y', 'called X Y', 'accused X of Y': the object and its predicate; the
    predicate hangs off the verb or, misattached, off the object ('X as Y')."""
    if c.lemma not in OBJECT_PREDICATE_VERBS or not c.objects:
        return None
    verb = c.verb
    preds = [
        t
        for t in c.children + [g for o in c.objects for g in o.rights]
        if (t.dep_ in _PREDICATE_DEPS and t.head.i == verb.i)
        or (t.dep_ == "prep" and t.lower_ in _PREDICATE_PREPS and t.i > verb.i)
    ]
    return [_extent(c.objects + preds, lo=verb.i + 1)] if preds else None


@COMPLEMENTS.step(
    Quotes("Maria Lopez said the bridge would reopen in May.",
           Said("indirect", "the bridge would reopen in May", "Maria Lopez")),
    Quotes("Prices will rise next year, the central bank warned.",
           Said("indirect", "Prices will rise next year", "the central bank")),
    Quotes("The crew filmed what the pilot said were warning lights.",
           Said("indirect", "were warning lights", "the pilot")),
)  # fmt: skip
def _clausal_complement(c: Cue) -> list[tuple[int, int]] | None:
    """'said (that) X', 'X, she said': the clausal complements (``ccomp``); those on the same
    side of the verb are one content, and a wh-word before the verb is not reported ('what
    she said were lies')."""
    clauses = [t for t in c.children if t.dep_ in CLAUSE_DEPS]
    if not clauses:
        return None
    i = c.verb.i
    before = [t for t in clauses if t.i < i]
    after = [t for t in clauses if t.i > i]
    return ([_extent(before, hi=i - 1)] if before else []) + (
        [_extent(after, lo=i + 1)] if after else []
    )


@COMPLEMENTS.step(
    Quotes("The port authority said in a statement that it “welcomes any investment”.",
           Said("mixed", "it “welcomes any investment”", "The port authority")),
)  # fmt: skip
def _that_clause_of_an_adjunct(c: Cue) -> list[tuple[int, int]] | None:
    """'said in a statement that X': the that-clause hangs off the noun of an adjunct."""
    for prep in c.children:
        if prep.dep_ == "prep" and prep.i > c.verb.i:
            for noun in prep.children:
                for clause in noun.rights:
                    if clause.dep_ in ("acl", "ccomp") and any(
                        m.dep_ == "mark" and m.lower_ == "that" for m in clause.children
                    ):
                        return [_extent([clause], lo=c.verb.i + 1)]
    return None


@COMPLEMENTS.step(
    Quotes("The coach warned his players not to “celebrate too early”.",
           Said("mixed", "not to “celebrate too early”", "The coach")),
    Quotes("The union vowed to fight the closure of the plant.",
           Said("indirect", "to fight the closure of the plant", "The union")),
)  # fmt: skip
def _infinitive(c: Cue) -> list[tuple[int, int]] | None:
    """'warned X not to Y' (the addressee left out), 'vowed to Y', 'urged X to Y': the
    infinitive complement (``xcomp``); another verb with an infinitive reports nothing."""
    xcomps = [t for t in c.children if t.dep_ == "xcomp" and t.i > c.verb.i]
    if not xcomps:
        return None
    lo = c.verb.i + 1
    if c.lemma in ADDRESSEE_VERBS:
        return [_extent(xcomps, lo=lo)]
    if c.objects or c.lemma in _INFINITIVE_CUES:
        return [_extent(c.objects + xcomps, lo=lo)]
    return []


@COMPLEMENTS.step(
    Quotes("Mayor Lisa Hunt warned of long delays on the ring road.",
           Said("indirect", "long delays on the ring road", "Lisa Hunt")),
    Quotes("The minister called for calm after the floods.",
           Said("indirect", "calm", "The minister")),
)  # fmt: skip
def _prepositional_object(c: Cue) -> list[tuple[int, int]] | None:
    """'warned of Y', 'called for Y': the object of the cue's preposition; the preposition
    hangs off the verb or, misattached, off its object."""
    preps = PREPOSITION_CUES.get(c.lemma, frozenset())
    for t in c.children + [g for o in c.objects for g in o.rights]:
        if t.dep_ == "prep" and t.lower_ in preps and t.i > c.verb.i:
            objects = [g for g in t.children if g.dep_ in ("pobj", "pcomp")]
            if objects:
                return [_extent(objects)]
    return None


@COMPLEMENTS.step(
    Quotes("The council announced the closure of two bridges.",
           Said("indirect", "the closure of two bridges", "The council")),
)  # fmt: skip
def _noun_object(c: Cue) -> list[tuple[int, int]] | None:
    """'announced the closure of the plant': announcing verbs report a noun phrase."""
    if c.lemma in NOUN_OBJECT_VERBS and c.objects:
        return [_extent(c.objects, lo=c.verb.i + 1)]
    return None


def complements(verb: Token) -> Iterator[tuple[int, int]]:
    """Token ranges (first, last; inclusive) of what ``verb`` reports, one per clause: the
    first rule of :data:`COMPLEMENTS` whose construction is there decides."""
    cue = Cue.of(verb)
    for step in COMPLEMENTS.steps:
        ranges = step(cue)
        if ranges is not None:
            yield from ranges
            return


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
