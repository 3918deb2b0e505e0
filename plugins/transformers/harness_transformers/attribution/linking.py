"""Link each content span to its cue, and each cue to its source: distance rules over role spans.

The tagger (:mod:`.tags`) finds the spans; these rules decide which belong together. They are
named constructions with the sentences that motivate them; their accuracy on gold spans is
measured by ``python -m harness_transformers.attribution.measure_linking`` (numbers in the
plugin README).

**L1 nearest cue.** A content takes the cue nearest to it in characters (0 when the cue lies
inside the content's extent), preferring a cue before the content on a tie:
"Trump said [that the wall will be built]" / "[The wall will be built], Trump said".
A line break between them costs :data:`CUE_PARAGRAPH`, a sentence end :data:`CUE_SENTENCE` and
another content :data:`CUE_OTHER_CONTENT`, so a quote is not linked across a paragraph, a
sentence or another quote when a cue of its own is nearer in that sense: "“[A],” he said.
“[B],” she added." ("B" is 4 characters from "said" but in another sentence).

**L2 cue to nearest source.** A cue tagged ``CUE`` takes the source nearest to it, preferring a
source before the cue on a tie. A cue between them costs :data:`OTHER_CUE` (the source belongs to
that cue: "Smith said A, and Jones added B"), a sentence end :data:`SENTENCE`, a line break
:data:`PARAGRAPH`, another content :data:`OTHER_CONTENT`. A source after its cue is never in a
later sentence ("“A,” said Smith. He had ..." does not give "A" to "He"). A source is shared by
several cues when it is the nearest for each ("Smith said A and added B"). No source at
:data:`NO_SOURCE` or beyond: the quote has none.

**L3 cues without a source.** A cue tagged ``NSCUE`` takes no source ("It was reported that A";
"Asked whether A, ..."): the tagger decides this from the context, which distance cannot.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from harness_transformers.attribution.tags import RoleSpan

PARAGRAPH = 2000
OTHER_CUE = 1000
OTHER_CONTENT = 300
SENTENCE = 400
NO_SOURCE = 2000
#: Content-to-cue: a paragraph break and another content in between.
CUE_PARAGRAPH = 1000
CUE_OTHER_CONTENT = 500
CUE_SENTENCE = 400

_SENTENCE_END = re.compile(r"[.!?][\"”’'»)]*\s")


@dataclass(frozen=True)
class Link:
    """A content span with its cue and source (either may be ``None``)."""

    content: RoleSpan
    cue: RoleSpan | None
    source: RoleSpan | None


def gap(a: RoleSpan, b: RoleSpan) -> int:
    """Characters between two spans (0 when they overlap or one lies inside the other's extent)."""
    if a.end <= b.start:
        return b.start - a.end
    if b.end <= a.start:
        return a.start - b.end
    return 0


def _between(a: RoleSpan, b: RoleSpan) -> tuple[int, int]:
    if a.end <= b.start:
        return a.end, b.start
    if b.end <= a.start:
        return b.end, a.start
    return 0, 0


class _Index:
    """Spans of one role sorted by start, to ask whether one lies inside a character range."""

    def __init__(self, spans: Sequence[RoleSpan]) -> None:
        self.spans = sorted(spans, key=lambda s: (s.start, s.end))
        self.starts = [s.start for s in self.spans]

    def any_inside(self, lo: int, hi: int) -> bool:
        i = bisect.bisect_left(self.starts, lo)
        while i < len(self.spans) and self.spans[i].start < hi:
            if self.spans[i].end <= hi:
                return True
            i += 1
        return False


def _cue_cost(text: str, content: RoleSpan, cue: RoleSpan, contents: _Index) -> int:
    lo, hi = _between(content, cue)
    cost = gap(content, cue)
    if "\n" in text[lo:hi]:
        cost += CUE_PARAGRAPH
    if _SENTENCE_END.search(text[lo:hi]):
        cost += CUE_SENTENCE
    if hi > lo and contents.any_inside(lo, hi):
        cost += CUE_OTHER_CONTENT
    return cost


def _source_cost(text: str, source: RoleSpan, cue: RoleSpan, cues: _Index, contents: _Index) -> int:
    lo, hi = _between(source, cue)
    cost = gap(source, cue)
    between = text[lo:hi]
    if hi > lo and cues.any_inside(lo, hi):
        cost += OTHER_CUE
    if "\n" in between:
        cost += PARAGRAPH
    if _SENTENCE_END.search(between):
        cost += SENTENCE if source.start < cue.start else NO_SOURCE
    if hi > lo and contents.any_inside(lo, hi):
        cost += OTHER_CONTENT
    return cost


def link(text: str, spans: Sequence[RoleSpan]) -> list[Link]:
    """One :class:`Link` per content span of ``spans``, in text order."""
    contents = sorted((s for s in spans if s.role == "CONTENT"), key=lambda s: (s.start, s.end))
    cues = [s for s in spans if s.role in ("CUE", "NSCUE")]
    sources = [s for s in spans if s.role == "SOURCE"]
    content_index, cue_index = _Index(contents), _Index(cues)
    source_of: dict[RoleSpan, RoleSpan | None] = {}
    for cue in cues:
        best: tuple[int, bool, RoleSpan] | None = None
        if cue.role == "CUE":
            for s in sources:
                key = (_source_cost(text, s, cue, cue_index, content_index), s.start > cue.start, s)
                if best is None or key[:2] < best[:2]:
                    best = key
        source_of[cue] = best[2] if best is not None and best[0] < NO_SOURCE else None
    links: list[Link] = []
    for c in contents:
        best_cue: tuple[int, bool, RoleSpan] | None = None
        for q in cues:
            key = (_cue_cost(text, c, q, content_index), q.start > c.start, q)
            if best_cue is None or key[:2] < best_cue[:2]:
                best_cue = key
        cue = best_cue[2] if best_cue is not None else None
        links.append(Link(c, cue, source_of.get(cue) if cue is not None else None))
    return links
