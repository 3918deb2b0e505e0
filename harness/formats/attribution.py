"""Turn labelled regions and the links between them into entities, quotes and speakers.

Shared by the span-based formats (brat, Label Studio). Regions labelled with the attribution
roles (``Content``, ``Source``, ``Cue`` by default) become quotes: a ``Content`` region is the
quote, the ``Source`` linked to it its speaker mention, the ``Cue`` linked to it its cue. Other
regions are entities. Every region and link is used or reported: a Source or Cue linked to no
Content, a link to a region that does not exist, a Content with two Sources, overlapping entities.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from ..errors import Problems
from ..model import QUOTE_TYPES, Entity, Quote, QuoteType, Span, Speaker
from .base import slug, speakers_from_mentions

OPEN_QUOTES = frozenset("\"“”„«»‘’'‹›")


@dataclass(frozen=True)
class Roles:
    """Region labels that carry attribution instead of entity types."""

    source: str = "Source"
    cue: str = "Cue"
    content: str = "Content"

    def of(self, label: str) -> str | None:
        return {self.source: "source", self.cue: "cue", self.content: "content"}.get(label)


@dataclass(frozen=True)
class Region:
    key: str
    label: str
    start: int
    end: int
    line: int | None
    #: The parts of a discontinuous Content region (empty when it is one piece): each part
    #: becomes a quote of its own with the region's Source and Cue, as a quote interrupted by its
    #: attribution is two quotes in the gold format.
    fragments: tuple[tuple[int, int], ...] = ()


@dataclass
class Links:
    """Links found in a file: ``(region key, region key, line)`` and quote types per content."""

    pairs: list[tuple[str, str, int | None]] = field(default_factory=list)
    types: dict[str, tuple[str, int | None]] = field(default_factory=dict)


def guess_quote_type(text: str, start: int, end: int) -> QuoteType:
    """``direct`` when quotation marks enclose the span, ``mixed`` when it holds some."""
    inner = text[start:end]
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if (before in OPEN_QUOTES and after in OPEN_QUOTES) or (
        len(inner) > 1 and inner[0] in OPEN_QUOTES and inner[-1] in OPEN_QUOTES
    ):
        return "direct"
    if any(c in OPEN_QUOTES - {"'", "’"} for c in inner):
        return "mixed"
    return "indirect"


def assemble(
    text: str,
    regions: Iterable[Region],
    links: Links,
    roles: Roles,
    file: str | Path,
    problems: Problems,
    default_type: str | None = None,
) -> tuple[tuple[Entity, ...], tuple[Quote, ...], tuple[Speaker, ...]]:
    """Entities, quotes and speaker registry of one document; problems go to ``problems``.

    A Content without an explicit type gets ``default_type``, or a guess from quotation marks.
    """
    by_key = {r.key: r for r in regions}
    sources: dict[str, list[Region]] = {}
    cues: dict[str, list[Region]] = {}
    linked: set[str] = set()
    for a, b, line in links.pairs:
        missing = [k for k in (a, b) if k not in by_key]
        if missing:
            problems.add(file, line, f"link {a} -> {b}: {missing[0]} is not defined")
            continue
        ra, rb = by_key[a], by_key[b]
        kinds = {roles.of(ra.label), roles.of(rb.label)}
        if "content" not in kinds or not kinds & {"source", "cue"} or len(kinds) != 2:
            problems.add(
                file,
                line,
                f"link {a} ({ra.label}) -> {b} ({rb.label}): only {roles.content}-"
                f"{roles.source} and {roles.content}-{roles.cue} links are imported",
            )
            continue
        content, other = (ra, rb) if roles.of(ra.label) == "content" else (rb, ra)
        target = sources if roles.of(other.label) == "source" else cues
        target.setdefault(content.key, []).append(other)
        linked.add(other.key)

    entities: list[tuple[Entity, Region]] = []
    contents: list[Region] = []
    for r in by_key.values():
        role = roles.of(r.label)
        if role is None:
            entities.append((Entity(r.start, r.end, r.label, text[r.start : r.end]), r))
        elif role == "content":
            contents.append(r)
        elif r.key not in linked:
            problems.add(
                file, r.line, f"{r.label} {r.key} is not linked to any {roles.content} region"
            )
    entities.sort(key=lambda x: (x[0].start, x[0].end))
    for (e1, r1), (e2, r2) in itertools.pairwise(entities):
        if e2.start < e1.end:
            if (e1.start, e1.end, e1.label) == (e2.start, e2.end, e2.label):
                problems.add(file, r2.line, f"{r2.key} duplicates {r1.key}")
            else:
                problems.add(
                    file,
                    r2.line,
                    f"entity {r2.key} {e2.label} {e2.start}..{e2.end} overlaps {r1.key} "
                    f"{e1.label} {e1.start}..{e1.end}; nested entities are not allowed",
                )
    for key, (value, line) in links.types.items():
        if key not in by_key or roles.of(by_key[key].label) != "content":
            problems.add(file, line, f"quote type given for {key}, which is not a {roles.content}")
        elif value not in QUOTE_TYPES:
            problems.add(file, line, f"quote type {value!r} is not one of {list(QUOTE_TYPES)}")

    contents.sort(key=lambda r: (r.start, r.end))
    mentions: list[tuple[str, str]] = []
    parts: list[tuple[Region, Region | None, Region | None]] = []
    for c in contents:
        srcs, cs = sources.get(c.key, []), cues.get(c.key, [])
        for kind, found in (("source", srcs), ("cue", cs)):
            if len(found) > 1:
                problems.add(
                    file,
                    c.line,
                    f"{c.key} has {len(found)} {kind}s ({', '.join(r.key for r in found)}); "
                    "a quote has at most one",
                )
        src = srcs[0] if srcs else None
        cue = cs[0] if cs else None
        if src is not None:
            etype = next(
                (e.label for e, _ in entities if (e.start, e.end) == (src.start, src.end)),
                "UNKNOWN",
            )
            mentions.append((text[src.start : src.end], etype))
        parts.append((c, src, cue))
    speakers = speakers_from_mentions(mentions)

    quotes = []
    for c, src, cue in parts:
        given = links.types.get(c.key, (None, None))[0]
        for start, end in c.fragments or ((c.start, c.end),):
            qtype = given if given in QUOTE_TYPES else default_type
            quotes.append(
                Quote(
                    start=start,
                    end=end,
                    type=cast(QuoteType, qtype or guess_quote_type(text, start, end)),
                    speaker=None if src is None else slug(text[src.start : src.end]),
                    speaker_span=None if src is None else _span(text, src),
                    cue=None if cue is None else _span(text, cue),
                    text=text[start:end],
                )
            )
    return tuple(e for e, _ in entities), tuple(quotes), tuple(speakers.values())


def _span(text: str, r: Region) -> Span:
    return Span(r.start, r.end, text[r.start : r.end])
