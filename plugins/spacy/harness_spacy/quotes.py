"""Quotes and their speakers from a parsed spaCy ``Doc``.

1. Every speech/cognition verb outside quotation marks yields its reported clause(s) from the
   parse. A clause inside quotation marks makes the marked stretch a ``direct`` quote; a clause
   containing a marked fragment is ``mixed``; otherwise it is ``indirect``. "according to X"
   yields the rest of its sentence.
2. Marked stretches not claimed by a clause look for a cue next to them: a cue verb right after
   the closing mark ("..., she said") or right before the opening one ("she said: ...").
3. Still unattributed: a paragraph continuing an unclosed quote, or a quote paragraph following
   an attributed quote, takes the same speaker. Short unattributed fragments (scare quotes,
   titles) are not quotes.
4. A headline "Name: words" is a direct quote with the colon as cue.
5. Speakers are resolved in document order (pronouns and role descriptions to earlier names).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.model import Quote, QuoteType, Span

from .lexicon import SOURCE_LABELS
from .marks import QUOTE_CHARS, Marked, Paragraph, find_marked, paragraphs
from .names import NameBook
from .parse import (
    candidate_indices,
    complements,
    core,
    end_of_content,
    inverted_subject,
    is_according_to,
    is_cue_verb,
    subject,
    trim_tokens,
)
from .rules import Quotes, RuleTable, Said
from .speakers import Mention, SpeakerResolver, mention_for

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

#: Tokens allowed between a closing mark and its cue verb (the speaker's noun phrase).
_NOMINAL_POS = frozenset({"PROPN", "NOUN", "DET", "ADJ", "PRON", "NUM", "PART", "ADP", "CCONJ"})
_SKIP_AFTER_MARK = frozenset({",", "”", "’", '"', "'", "»", "«", "-", "–", "—", "…"})
#: Window (in tokens) searched for a cue next to a quote.
_AFTER_WINDOW = 8
_BEFORE_WINDOW = 12
#: Words an unattributed paragraph-opening quote needs to count as a quote.
_MIN_INHERIT_WORDS = 3
_MIN_UNATTRIBUTED_WORDS = 8


@dataclass
class _Found:
    start: int
    end: int
    type: QuoteType
    cue: Span | None = None
    cue_index: int | None = None
    mention: Mention | None = None
    inherit: _Found | None = None
    according: bool = False
    speaker: str | None = None


class _Context:
    """Per-document lookups: paragraphs, marks and token positions."""

    def __init__(self, doc: Doc, text: str | None = None) -> None:
        self.doc = doc
        self.text = doc.text if text is None else text
        self.paras: list[Paragraph] = paragraphs(self.text)
        self.para_starts = [p.start for p in self.paras]
        self.marks: list[Marked] = find_marked(self.text)
        self.mark_starts = [m.open_at for m in self.marks]
        self.claimed: dict[int, _Found] = {}
        self.ents = list(doc.ents)

    def paragraph_at(self, offset: int) -> Paragraph | None:
        i = bisect.bisect_right(self.para_starts, offset) - 1
        return self.paras[i] if i >= 0 else None

    def mark_at(self, offset: int) -> int | None:
        """Index of the mark whose quote (marks included) contains ``offset``."""
        i = bisect.bisect_right(self.mark_starts, offset) - 1
        if i >= 0 and offset < self.marks[i].outer_end:
            return i
        return None

    def token_at(self, offset: int) -> int | None:
        """Index of the first token starting at or after ``offset``."""
        span = self.doc.char_span(offset, offset + 1, alignment_mode="expand")
        return span.start if span is not None else None


def _cue_span(token: Token) -> Span:
    return Span(token.idx, token.idx + len(token.text), token.text)


def _source(verb: Token, allow_inverted: bool) -> Mention | None:
    subj = subject(verb)
    if subj is None and allow_inverted:
        subj = inverted_subject(verb)
    return mention_for(subj) if subj is not None else None


def _from_clauses(ctx: _Context, verb: Token, found: list[_Found]) -> None:
    """Quotes from the reported clauses of cue ``verb`` (step 1)."""
    para = ctx.paragraph_at(verb.idx)
    for first, last in complements(verb):
        if para is not None:
            # A parse that runs over a paragraph break: keep the cue's paragraph.
            first = max(first, ctx.token_at(para.start) or 0)
            last = min(last, (ctx.token_at(para.end) or len(ctx.doc)) - 1)
        span = trim_tokens(verb, first, last)
        if span is None:
            continue
        start, end = span
        c_start, c_end = core(ctx.text, start, end)
        if c_end <= c_start:
            continue
        overlapping = [
            i
            for i, m in enumerate(ctx.marks)
            if m.start < c_end and c_start < m.end and i not in ctx.claimed
        ]
        container = [
            i for i in overlapping if ctx.marks[i].start <= c_start and c_end <= ctx.marks[i].end
        ]
        if container:
            m = ctx.marks[container[0]]
            q = _Found(m.start, m.end, "direct", _cue_span(verb), verb.i)
            q.mention = _source(verb, allow_inverted=m.end <= verb.idx)
            ctx.claimed[container[0]] = q
            found.append(q)
            continue
        mention = _source(verb, allow_inverted=False)
        if mention is None:
            continue
        qtype: QuoteType = "indirect"
        if overlapping:
            qtype = "mixed"
            start = min([start] + [ctx.marks[i].open_at for i in overlapping])
            end = max([end] + [ctx.marks[i].outer_end for i in overlapping])
        q = _Found(start, end, qtype, _cue_span(verb), verb.i, mention)
        for i in overlapping:
            ctx.claimed[i] = q
        found.append(q)


def _from_according(ctx: _Context, token: Token, obj: Token, found: list[_Found]) -> None:
    """'X, according to Y' / 'According to Y, X': the rest of the sentence (step 1)."""
    phrase_first = token.i
    phrase_last = max(t.i for t in token.subtree) if token.n_rights else obj.right_edge.i
    phrase_last = max(phrase_last, obj.right_edge.i)
    sent = token.sent
    sides = [(sent.start, phrase_first - 1), (phrase_last + 1, sent.end - 1)]
    best: tuple[int, int] | None = None
    for first, last in sides:
        if last < first:
            continue
        span = trim_tokens(token, first, last)
        if span is not None and (best is None or span[1] - span[0] > best[1] - best[0]):
            best = span
    if best is None:
        return
    start, end = best
    overlapping = [i for i, m in enumerate(ctx.marks) if m.start < end and start < m.end]
    qtype: QuoteType = "mixed" if overlapping else "indirect"
    if overlapping:
        start = min([start] + [ctx.marks[i].open_at for i in overlapping])
        end = max([end] + [ctx.marks[i].outer_end for i in overlapping])
    cue_end = token.nbor(1) if token.i + 1 < len(token.doc) else token
    cue_stop = cue_end.idx + len(cue_end.text)
    cue = Span(token.idx, cue_stop, ctx.text[token.idx : cue_stop])
    found.append(_Found(start, end, qtype, cue, token.i, mention_for(obj), according=True))


def _cue_after(ctx: _Context, m: Marked) -> Token | None:
    """A cue verb right after the closing mark, past the speaker's name ("..., X said")."""
    if m.close_at is None:
        return None
    i = ctx.token_at(m.close_at + 1)
    if i is None:
        return None
    doc = ctx.doc
    para = ctx.paragraph_at(m.open_at)
    while i < len(doc) and (doc[i].text in _SKIP_AFTER_MARK or doc[i].is_space):
        if doc[i].is_space and "\n" in doc[i].text:
            return None
        i += 1
    for j in range(i, min(len(doc), i + _AFTER_WINDOW)):
        t = doc[j]
        if para is not None and t.idx >= para.end:
            return None
        if ctx.mark_at(t.idx) is not None:
            return None
        if is_cue_verb(t):
            # "“...”, and warned": a cue whose subject precedes the quote is not its attribution.
            subj = subject(t)
            return t if subj is None or subj.idx > m.open_at else None
        if t.pos_ not in _NOMINAL_POS and not (t.pos_ == "PUNCT" and t.text in ("'s", "’s")):
            return None
    return None


def _cue_before(ctx: _Context, m: Marked) -> Token | None:
    """A cue verb right before the opening mark, ended by ':' or ',' ("X said: ...")."""
    k = m.open_at - 1
    while k >= 0 and ctx.text[k] in " \t":
        k -= 1
    if k < 0 or ctx.text[k] not in ":,":
        return None
    para = ctx.paragraph_at(m.open_at)
    i = ctx.token_at(k)
    if i is None:
        return None
    doc = ctx.doc
    for j in range(i - 1, max(-1, i - 1 - _BEFORE_WINDOW), -1):
        t = doc[j]
        if para is not None and t.idx < para.start:
            return None
        if ctx.mark_at(t.idx) is not None or t.text in (".", "?", "!"):
            return None
        if is_cue_verb(t):
            return t
    return None


def _from_windows(ctx: _Context, found: list[_Found]) -> None:
    """Unclaimed marked stretches with a cue verb next to them (step 2)."""
    for i, m in enumerate(ctx.marks):
        if i in ctx.claimed:
            continue
        verb = _cue_after(ctx, m)
        inverted = True
        if verb is None:
            verb, inverted = _cue_before(ctx, m), False
        if verb is None:
            continue
        q = _Found(m.start, m.end, "direct", _cue_span(verb), verb.i)
        q.mention = _source(verb, allow_inverted=inverted)
        ctx.claimed[i] = q
        found.append(q)


def _words(text: str) -> int:
    return len(text.split())


#: A neighbour rule takes the context and the quotes found so far and adds quotes.
NeighbourRule = Callable[[_Context, "list[_Found]"], None]

NEIGHBOURS: RuleTable[NeighbourRule] = RuleTable(
    "neighbours", "Marked stretches no cue claimed, read next to the quotes around them (step 3)."
)


def _chains(ctx: _Context) -> list[list[int]]:
    """Indices of the marks, grouped into chains of paragraphs joined by an unclosed quote."""
    chains: list[list[int]] = []
    for i, m in enumerate(ctx.marks):
        prev = ctx.marks[i - 1] if i > 0 else None
        if (
            chains
            and prev is not None
            and prev.continues
            and m.opens_paragraph
            and m.paragraph == prev.paragraph + 1
        ):
            chains[-1].append(i)
        else:
            chains.append([i])
    return chains


@NEIGHBOURS.step(
    Quotes("“The first paragraph of a long statement runs here and is not closed.\n\n"
           "“The second paragraph finishes it,” said Rosa Diaz.",
           Said("direct", "The first paragraph of a long statement runs here and is not closed.",
                "Rosa Diaz"),
           Said("direct", "The second paragraph finishes it,", "Rosa Diaz")),
)  # fmt: skip
def _continued_paragraphs(ctx: _Context, found: list[_Found]) -> None:
    """A quote that runs over several paragraphs (unclosed, the next paragraph opening with a
    mark) is one quote per paragraph, all with the speaker found for any of them."""
    for chain in _chains(ctx):
        sources = [ctx.claimed[i] for i in chain if i in ctx.claimed]
        if not sources:
            continue
        for i in chain:
            if i not in ctx.claimed:
                m = ctx.marks[i]
                q = _Found(m.start, m.end, "direct", inherit=sources[-1])
                ctx.claimed[i] = q
                found.append(q)


#: An opening-quote rule takes the context, an unclaimed mark that starts a sentence, its
#: number of words and the quotes found so far; it gives a quote or None (not its case).
OpeningRule = Callable[[_Context, Marked, int, "list[_Found]"], "_Found | None"]

OPENING_QUOTES: RuleTable[OpeningRule] = RuleTable(
    "opening_quotes",
    "An unclaimed quote that starts a sentence: the first rule that gives a quote wins; "
    "else it is no quote (a title, a scare quote).",
    cascade=True,
)


@OPENING_QUOTES.step(
    Quotes("“We did our best,” said coach Ian Moore.\n\n"
           "“Next season will be different, and the players know it.”",
           Said("direct", "We did our best,", "Ian Moore"),
           Said("direct", "Next season will be different, and the players know it.",
                "Ian Moore")),
    Quotes("“It was a long night,” said Nora Quist. “Now we rest and then we rebuild.”",
           Said("direct", "It was a long night,", "Nora Quist"),
           Said("direct", "Now we rest and then we rebuild.", "Nora Quist")),
)  # fmt: skip
def _after_an_attributed_quote(
    ctx: _Context, m: Marked, words: int, found: list[_Found]
) -> _Found | None:
    """A quote of three words or more after a direct or mixed quote of the same or the
    previous paragraph has the same speaker."""
    previous = _previous_quote(ctx, m, found)
    if previous is not None and words >= _MIN_INHERIT_WORDS:
        return _Found(m.start, m.end, "direct", inherit=previous)
    return None


@OPENING_QUOTES.step(
    Quotes("“Nobody here has seen a flood like this one in forty years.”\n\n"
           "The river rose overnight.",
           Said("direct", "Nobody here has seen a flood like this one in forty years.", None)),
)  # fmt: skip
def _long_paragraph_quote(
    ctx: _Context, m: Marked, words: int, found: list[_Found]
) -> _Found | None:
    """A quote of eight words or more that opens its paragraph is a quote, even with no
    speaker."""
    if m.opens_paragraph and words >= _MIN_UNATTRIBUTED_WORDS:
        return _Found(m.start, m.end, "direct")
    return None


@NEIGHBOURS.step(
    Quotes("“We did our best,” said coach Ian Moore.\n\n"
           "“Next season will be different, and the players know it.”",
           Said("direct", "We did our best,", "Ian Moore"),
           Said("direct", "Next season will be different, and the players know it.",
                "Ian Moore")),
)  # fmt: skip
def _sentence_opening_quotes(ctx: _Context, found: list[_Found]) -> None:
    """Unclaimed quotes that start a sentence, in text order, go through
    :data:`OPENING_QUOTES`."""
    for i, m in enumerate(ctx.marks):
        if i in ctx.claimed or not _starts_sentence(ctx, m):
            continue
        words = _words(ctx.text[m.start : m.end])
        for step in OPENING_QUOTES.steps:
            q = step(ctx, m, words, found)
            if q is not None:
                ctx.claimed[i] = q
                found.append(q)
                break


def _from_neighbours(ctx: _Context, found: list[_Found]) -> None:
    """Continuation paragraphs and quote paragraphs following an attributed quote (step 3)."""
    for step in NEIGHBOURS.steps:
        step(ctx, found)


def _starts_sentence(ctx: _Context, m: Marked) -> bool:
    """The mark opens its paragraph or follows the end of a sentence."""
    if m.opens_paragraph:
        return True
    k = m.open_at - 1
    while k >= 0 and ctx.text[k].isspace():
        k -= 1
    return k >= 0 and ctx.text[k] in ".?!…" + QUOTE_CHARS


def _previous_quote(ctx: _Context, m: Marked, found: list[_Found]) -> _Found | None:
    """The last direct or mixed quote before ``m`` in its paragraph or the one before."""
    best: _Found | None = None
    for q in found:
        if q.type == "indirect" or q.according or q.start >= m.start:
            continue
        p = ctx.paragraph_at(q.start)
        if p is None or p.index not in (m.paragraph, m.paragraph - 1):
            continue
        if best is None or q.start > best.start:
            best = q
    return best


def _headline_source(ctx: _Context, para: Paragraph, colon: int) -> Mention | None:
    """The name before the colon of "Name: words": an entity, or 1-4 proper nouns."""
    for ent in ctx.ents:
        if ent.start_char == para.start and ent.label_ in SOURCE_LABELS:
            if not ctx.text[ent.end_char : colon].strip():
                return Mention(ent.start_char, ent.end_char, ent.text, "name", ent.label_)
            break
    first, stop = ctx.token_at(para.start), ctx.token_at(colon)
    if first is None or stop is None or not 0 < stop - first <= 4:
        return None
    tokens = ctx.doc[first:stop]
    if all(t.pos_ == "PROPN" for t in tokens):
        return Mention(tokens.start_char, tokens.end_char, tokens.text, "name", None)
    return None


def _from_headlines(ctx: _Context, found: list[_Found]) -> None:
    """A paragraph "Name: words" is a direct quote of Name with cue ':' (step 4)."""
    covered = [(q.start, q.end) for q in found]
    for para in ctx.paras:
        colon = ctx.text.find(":", para.start, min(para.end, para.start + 60))
        if colon < 0:
            continue
        start, end = colon + 1, para.end
        while start < end and ctx.text[start].isspace():
            start += 1
        if _words(ctx.text[start:end]) < 2 or any(s < end and start < e for s, e in covered):
            continue
        mention = _headline_source(ctx, para, colon)
        if mention is not None:
            found.append(_Found(start, end, "direct", Span(colon, colon + 1, ":"), None, mention))


def _drop_nested(ctx: _Context, found: list[_Found]) -> list[_Found]:
    """Settle quotes whose cue lies inside another quote's content (reported reporting).

    When the inner cue's clause ends the outer content ("A said X, although B insists Y"), the
    outer content stops before it and both are kept; otherwise the inner quote is dropped. An
    "according to" that repeats another quote and repeated spans are dropped too.
    """
    doc = ctx.doc
    keep: list[_Found] = []
    for q in sorted(found, key=lambda q: (q.start, -q.end)):
        if q.according and any(
            o is not q and not o.according and o.start < q.end and q.start < o.end for o in found
        ):
            continue
        outer = [
            o
            for o in found
            if o is not q
            and not o.according
            and q.cue is not None
            and o.start <= q.cue.start
            and q.cue.end <= o.end
        ]
        if outer and q.cue_index is not None:
            left = doc[q.cue_index].left_edge
            for o in outer:
                if o.start < left.idx and o.type != "direct":
                    last = end_of_content(doc, 0, left.i - 1)
                    if last >= 0 and doc[last].idx + len(doc[last].text) > o.start:
                        o.end = min(o.end, doc[last].idx + len(doc[last].text))
                else:
                    break
            else:
                outer = []
        if outer:
            continue
        keep.append(q)
    seen: set[tuple[int, int]] = set()
    out = []
    for q in keep:
        if (q.start, q.end) not in seen and q.end > q.start:
            seen.add((q.start, q.end))
            out.append(q)
    return out


def _resolve(ctx: _Context, found: list[_Found], book: NameBook) -> None:
    persons = [
        (e.start_char, book.canonical(e.text, "PERSON")) for e in ctx.ents if e.label_ == "PERSON"
    ]
    groups = [
        (e.start_char, book.canonical(e.text, e.label_))
        for e in ctx.ents
        if e.label_ in ("ORG", "GPE")
    ]
    resolver = SpeakerResolver(book, persons, groups)

    def position(q: _Found) -> int:
        return min(q.start, q.mention.start) if q.mention is not None else q.start

    for q in sorted(found, key=position):
        if q.mention is not None:
            q.speaker = resolver.resolve(q.mention, position(q))
    for q in found:
        source, hops = q.inherit, 0
        while source is not None and source.inherit is not None and hops < 50:
            source, hops = source.inherit, hops + 1
        if source is not None:
            q.speaker = source.speaker


def find_quotes(doc: Doc, text: str | None = None) -> list[Quote]:
    """Every quote of ``doc`` (parsed and tagged by spaCy), in text order.

    ``text`` is ``doc.text`` when the caller has it (rebuilding it from the tokens is slow).
    """
    ctx = _Context(doc, text)
    found: list[_Found] = []
    for i in candidate_indices(doc):
        token = doc[i]
        if ctx.mark_at(token.idx) is not None:
            continue
        if is_cue_verb(token):
            _from_clauses(ctx, token, found)
        else:
            obj = is_according_to(token)
            if obj is not None:
                _from_according(ctx, token, obj, found)
    _from_windows(ctx, found)
    _from_neighbours(ctx, found)
    _from_headlines(ctx, found)
    found = _drop_nested(ctx, found)
    _resolve(ctx, found, NameBook.from_doc(doc, ctx.ents))
    out = []
    for q in sorted(found, key=lambda q: (q.start, q.end)):
        m = q.mention
        speaker_span = Span(m.start, m.end, m.text) if m is not None else None
        out.append(
            Quote(q.start, q.end, q.type, q.speaker, speaker_span, q.cue, ctx.text[q.start : q.end])
        )
    return out
