"""Turn labelled regions and the links between them into entities, quotes and speakers.

Shared by the span-based formats (brat, Label Studio). Regions labelled with the attribution
roles (``Content``, ``Source``, ``Cue`` by default) become quotes: a ``Content`` region is the
quote, the ``Source`` linked to it its speaker mention, the ``Cue`` linked to it its cue. Other
regions are entities.

Two modes:

- **conventions** (gold made elsewhere): each content is cut and shaped by the conversion rules
  of ``goldsets/GUIDELINES.md`` (:mod:`.conventions`), quotes that would overlap are resolved,
  and the speaker registry is built from the Source mentions (:mod:`.mentions`). Every change is
  recorded in the conversion report (:mod:`.conversion`);
- **exact** (files the harness wrote, which carry their speaker registry): spans, types and
  speaker ids are taken as they are, so native -> brat/Label Studio -> native is lossless.

Every region and link is used, reported as a problem (file and line) or recorded as dropped.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import cast

from ..errors import Problems
from ..model import QUOTE_TYPES, Entity, Quote, QuoteType, Span, Speaker
from . import conversion
from .conventions import pieces, quote_type, shape
from .mentions import Mention, registry


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
    #: The parts of a discontinuous region, sorted (empty when it is one piece).
    fragments: tuple[tuple[int, int], ...] = ()
    #: The parts as the file lists them (to report fragments given out of order).
    given_order: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class EventLink:
    """One attribution stated at once (a brat event): a Content with its Source and Cue."""

    content: str
    source: str | None
    cue: str | None
    line: int | None


@dataclass
class Links:
    """What links the regions of one document."""

    #: ``(region key, region key, line)``: relations Content-Source and Content-Cue.
    pairs: list[tuple[str, str, int | None]] = field(default_factory=list)
    #: Attributions stated as events.
    events: list[EventLink] = field(default_factory=list)
    #: Quote type given for a Content: ``key -> (value, line)``.
    types: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    #: Speaker id given for a Content (files the harness wrote): ``key -> (id, line)``.
    speakers: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    #: The speaker registry stored in the file, when the harness wrote it (exact mode).
    registry: dict[str, Speaker] | None = None
    #: Classes of regions that mention the same entity (brat equivalence lines).
    classes: list[list[str]] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """The document being assembled, where to report, and how."""

    text: str
    file: str | Path
    problems: Problems
    doc_id: str = ""
    #: Apply the conversion conventions (else exact mode).
    conventions: bool = True
    default_type: str | None = None
    #: Keep attributions without a Source as quotes with no speaker (else dropped, C8).
    keep_sourceless: bool = False

    def note(self, action: str, reason: str, line: int | None, detail: str = "") -> None:
        conversion.note(action, reason, self.file, line, self.doc_id, detail)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Attribution:
    content: Region
    source: Region | None
    cue: Region | None
    line: int | None


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    type: str
    attribution: Attribution
    #: Whether this quote carries the attribution's speaker span and cue (R-Q3).
    spans: bool
    order: int


def assemble(
    text: str,
    regions: Iterable[Region],
    links: Links,
    roles: Roles,
    file: str | Path,
    problems: Problems,
    default_type: str | None = None,
    *,
    doc_id: str = "",
    conventions: bool = True,
    keep_sourceless: bool = False,
) -> tuple[tuple[Entity, ...], tuple[Quote, ...], tuple[Speaker, ...]]:
    """Entities, quotes and speaker registry of one document; problems go to ``problems``.

    A Content without an explicit type gets ``default_type``, or the type its quotation marks
    give. With a registry in ``links`` (a file the harness wrote) nothing is converted.
    """
    exact = links.registry is not None
    ctx = Context(
        text, file, problems, doc_id, conventions and not exact, default_type, keep_sourceless
    )
    by_key = {r.key: r for r in regions}
    attributions, used = _attributions(by_key, links, roles, ctx)
    entities = _entities(by_key, roles, used, ctx)
    _check_types(by_key, links, roles, ctx)
    candidates = _candidates(attributions, links, ctx)
    if ctx.conventions:
        candidates = _resolve_overlaps(candidates, ctx)
    quotes, speakers = _with_speakers(candidates, links, entities, ctx)
    return entities, quotes, speakers


# ---- links -> attributions -----------------------------------------------------------------


def _relation_pairs(
    by_key: Mapping[str, Region], links: Links, roles: Roles, ctx: Context
) -> dict[str, dict[str, list[Region]]]:
    """Content key -> {"source": [...], "cue": [...]} from relation lines."""
    found: dict[str, dict[str, list[Region]]] = {}
    for a, b, line in links.pairs:
        missing = [k for k in (a, b) if k not in by_key]
        if missing:
            ctx.problems.add(ctx.file, line, f"link {a} -> {b}: {missing[0]} is not defined")
            continue
        ra, rb = by_key[a], by_key[b]
        kinds = {roles.of(ra.label), roles.of(rb.label)}
        if "content" not in kinds or not kinds & {"source", "cue"} or len(kinds) != 2:
            ctx.problems.add(
                ctx.file,
                line,
                f"link {a} ({ra.label}) -> {b} ({rb.label}): only {roles.content}-"
                f"{roles.source} and {roles.content}-{roles.cue} links are imported",
            )
            continue
        content, other = (ra, rb) if roles.of(ra.label) == "content" else (rb, ra)
        slot = found.setdefault(content.key, {"source": [], "cue": []})
        slot[cast(str, roles.of(other.label))].append(other)
    return found


def _one(content: Region, kind: str, found: list[Region], ctx: Context) -> Region | None:
    if len(found) > 1:
        ctx.problems.add(
            ctx.file,
            content.line,
            f"{content.key} has {len(found)} {kind}s ({', '.join(r.key for r in found)}); "
            "a quote has at most one",
        )
    return found[0] if found else None


def _event_attributions(
    by_key: Mapping[str, Region], links: Links, ctx: Context
) -> list[Attribution]:
    out = []
    for ev in links.events:
        refs = [k for k in (ev.content, ev.source, ev.cue) if k is not None]
        missing = [k for k in refs if k not in by_key]
        if missing:
            ctx.problems.add(ctx.file, ev.line, f"event argument {missing[0]} is not defined")
            continue
        src = by_key[ev.source] if ev.source else None
        cue = by_key[ev.cue] if ev.cue else None
        out.append(Attribution(by_key[ev.content], src, cue, ev.line))
    return out


def _attributions(
    by_key: Mapping[str, Region], links: Links, roles: Roles, ctx: Context
) -> tuple[list[Attribution], set[str]]:
    """Every attribution, and the keys of the regions they use."""
    out = _event_attributions(by_key, links, ctx)
    found = _relation_pairs(by_key, links, roles, ctx)
    for key, slot in found.items():
        c = by_key[key]
        src, cue = _one(c, "source", slot["source"], ctx), _one(c, "cue", slot["cue"], ctx)
        out.append(Attribution(c, src, cue, c.line))
    used = {r.key for a in out for r in (a.content, a.source, a.cue) if r is not None}
    for r in by_key.values():
        if roles.of(r.label) == "content" and r.key not in used:
            out.append(Attribution(r, None, None, r.line))  # a content on its own
            used.add(r.key)
    return out, used


# ---- entities ------------------------------------------------------------------------------


def _entities(
    by_key: Mapping[str, Region], roles: Roles, used: set[str], ctx: Context
) -> tuple[Entity, ...]:
    entities: list[tuple[Entity, Region]] = []
    for r in by_key.values():
        role = roles.of(r.label)
        if role is None:
            entities.append((Entity(r.start, r.end, r.label, ctx.text[r.start : r.end]), r))
        elif r.key not in used:
            ctx.note(
                "dropped",
                f"{r.label} linked to no {roles.content}",
                r.line,
                f"{r.key} {r.label} {r.start}..{r.end} {ctx.text[r.start : r.end][:60]!r}",
            )
    entities.sort(key=lambda x: (x[0].start, x[0].end))
    for (e1, r1), (e2, r2) in itertools.pairwise(entities):
        if e2.start >= e1.end:
            continue
        if (e1.start, e1.end, e1.label) == (e2.start, e2.end, e2.label):
            ctx.problems.add(ctx.file, r2.line, f"{r2.key} duplicates {r1.key}")
        else:
            ctx.problems.add(
                ctx.file,
                r2.line,
                f"entity {r2.key} {e2.label} {e2.start}..{e2.end} overlaps {r1.key} "
                f"{e1.label} {e1.start}..{e1.end}; nested entities are not allowed",
            )
    return tuple(e for e, _ in entities)


def _check_types(by_key: Mapping[str, Region], links: Links, roles: Roles, ctx: Context) -> None:
    for key, (value, line) in links.types.items():
        if key not in by_key or roles.of(by_key[key].label) != "content":
            ctx.problems.add(
                ctx.file, line, f"quote type given for {key}, which is not a {roles.content}"
            )
        elif value not in QUOTE_TYPES:
            ctx.problems.add(
                ctx.file, line, f"quote type {value!r} is not one of {list(QUOTE_TYPES)}"
            )


# ---- contents -> quotes --------------------------------------------------------------------


def _given_type(links: Links, key: str, ctx: Context) -> str | None:
    given = links.types.get(key, (None, None))[0]
    return given if given in QUOTE_TYPES else ctx.default_type


def _exact(a: Attribution, given: str | None, ctx: Context, order: int) -> list[_Candidate]:
    """Exact mode: one quote per fragment, as written."""
    c = a.content
    qtype = given or quote_type(ctx.text, c.start, c.end)
    return [
        _Candidate(
            s, e, given or quote_type(ctx.text, s, e) if c.fragments else qtype, a, True, order
        )
        for s, e in (c.fragments or ((c.start, c.end),))
    ]


class _Lines:
    """Line numbers of text offsets (paragraphs are lines)."""

    def __init__(self, text: str) -> None:
        self.breaks = [i for i, ch in enumerate(text) if ch == "\n"]

    def of(self, pos: int) -> int:
        return bisect.bisect_right(self.breaks, pos)


def _carries_spans(a: Attribution, found: Sequence[tuple[int, int]], lines: _Lines) -> list[bool]:
    """Which pieces keep the speaker span and cue: those in the paragraph of the cue (or of the
    source), else the piece nearest to it; the others continue a quotation (R-Q3)."""
    anchor = a.cue or a.source
    if anchor is None or len({lines.of(s) for s, _ in found}) <= 1:
        return [True] * len(found)
    home = lines.of(anchor.start)
    keep = [lines.of(s) == home for s, _ in found]
    if not any(keep):
        nearest = min(range(len(found)), key=lambda i: abs(found[i][0] - anchor.start))
        keep[nearest] = True
    return keep


def _converted(
    a: Attribution, given: str | None, ctx: Context, lines: _Lines, order: int
) -> list[_Candidate]:
    """Conventions mode: the content cut into pieces (C1-C3), each shaped (C4-C7)."""
    c = a.content
    if a.source is None and not ctx.keep_sourceless:
        reason = "attribution without a Source is not a quote (sourceless report, R-Q8)"
        ctx.note("dropped", reason, c.line, f"{c.key} {c.label} {_where(c)}")
        return []
    fragments = list(c.given_order or c.fragments or ((c.start, c.end),))
    changes: dict[tuple[str, str], None] = {}
    shaped = []
    for p in pieces(ctx.text, fragments):
        changes.update(dict.fromkeys(p.changes))
        s = shape(ctx.text, p.start, p.end, given)
        changes.update(dict.fromkeys(s.changes))
        if s.end > s.start:
            shaped.append(s)
        else:
            changes[("dropped", "nothing left after the conventions")] = None
    spans = _carries_spans(a, [(s.start, s.end) for s in shaped], lines)
    if changes:
        result = ", ".join(f"{s.start}..{s.end} {s.type}" for s in shaped) or "no quote"
        detail = f"{c.key} {c.label} {_where(c)} -> {result}"
        for action, reason in changes:
            ctx.note(action, reason, c.line, detail)
    return [
        _Candidate(s.start, s.end, s.type, a, keep, order)
        for s, keep in zip(shaped, spans, strict=True)
    ]


def _where(r: Region) -> str:
    return ";".join(f"{s}..{e}" for s, e in (r.given_order or r.fragments or ((r.start, r.end),)))


def _candidates(attributions: list[Attribution], links: Links, ctx: Context) -> list[_Candidate]:
    lines = _Lines(ctx.text) if ctx.conventions else None
    out: list[_Candidate] = []
    for order, a in enumerate(sorted(attributions, key=lambda a: (a.line or 0, a.content.start))):
        given = _given_type(links, a.content.key, ctx)
        if lines is None:
            out.extend(_exact(a, given, ctx, order))
        else:
            out.extend(_converted(a, given, ctx, lines, order))
    return out


def _trim_start(text: str, start: int, end: int) -> int:
    while start < end and not text[start].isalnum():
        start += 1
    return start


def _resolve_overlaps(candidates: list[_Candidate], ctx: Context) -> list[_Candidate]:
    """Quotes never overlap (C8): of two identical spans the first attribution stays; a quote
    inside another is dropped (R-Q5); a quote that overlaps the end of the previous one starts
    after it."""
    kept: list[_Candidate] = []
    for c in sorted(candidates, key=lambda c: (c.start, -c.end, c.order)):
        prev = kept[-1] if kept else None
        if prev is None or c.start >= prev.end:
            kept.append(c)
            continue
        key, line = c.attribution.content.key, c.attribution.line
        detail = (
            f"{key} {c.start}..{c.end} vs {prev.attribution.content.key} {prev.start}..{prev.end}"
        )
        if (c.start, c.end) == (prev.start, prev.end):
            ctx.note(
                "dropped",
                "same content attributed twice (the first attribution stays)",
                line,
                detail,
            )
        elif c.end <= prev.end:
            ctx.note("dropped", "quote inside another quote (nested attribution)", line, detail)
        else:
            start = _trim_start(ctx.text, prev.end, c.end)
            if start >= c.end:
                ctx.note("dropped", "quote overlapping the previous one", line, detail)
                continue
            ctx.note("repaired", "quote overlapping the previous one starts after it", line, detail)
            kept.append(replace(c, start=start))
    return kept


# ---- speakers ------------------------------------------------------------------------------


def _span(text: str, r: Region | None) -> Span | None:
    return None if r is None else Span(r.start, r.end, text[r.start : r.end])


def _mention_ids(
    candidates: list[_Candidate], links: Links, entities: tuple[Entity, ...], ctx: Context
) -> tuple[dict[str, str], tuple[Speaker, ...]]:
    labels = {(e.start, e.end): e.label for e in entities}
    mentions: dict[str, Mention] = {}
    for c in candidates:
        src = c.attribution.source
        if src is not None and src.key not in mentions:
            label = labels.get((src.start, src.end), "UNKNOWN")
            mentions[src.key] = Mention(
                src.key, src.start, src.end, ctx.text[src.start : src.end], label
            )
    ordered = sorted(mentions.values(), key=lambda m: (m.start, m.end))
    return registry(ordered, links.classes)


def _with_speakers(
    candidates: list[_Candidate], links: Links, entities: tuple[Entity, ...], ctx: Context
) -> tuple[tuple[Quote, ...], tuple[Speaker, ...]]:
    if links.registry is not None:
        given = {k: v for k, (v, _) in links.speakers.items()}
        speakers = tuple(links.registry.values())

        def speaker(c: _Candidate) -> str | None:
            return given.get(c.attribution.content.key)

    else:
        by_mention, speakers = _mention_ids(candidates, links, entities, ctx)

        def speaker(c: _Candidate) -> str | None:
            src = c.attribution.source
            return None if src is None else by_mention.get(src.key)

    t = ctx.text
    quotes = tuple(
        Quote(
            start=c.start,
            end=c.end,
            type=cast(QuoteType, c.type),
            speaker=speaker(c),
            speaker_span=_span(t, c.attribution.source) if c.spans else None,
            cue=_span(t, c.attribution.cue) if c.spans else None,
            text=t[c.start : c.end],
        )
        for c in sorted(candidates, key=lambda c: (c.start, c.end))
    )
    return quotes, speakers
