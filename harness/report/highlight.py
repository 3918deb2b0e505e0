"""Render a text with overlapping, nested annotations as flat, non-overlapping HTML segments.

HTML elements must nest properly, annotations need not (a quote can start inside one entity and end
inside another; predicted spans can overlap each other). So the text is cut at every annotation
boundary, and each piece becomes one ``<span>`` carrying the classes and ids of *all* annotations
that cover it. Every piece of text is HTML-escaped; nothing from the document is ever markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise

BEGIN_CLASS = {"ent": "eb", "q": "qb"}
END_CLASS = {"ent": "ee", "q": "qe"}


@dataclass(frozen=True)
class Annotation:
    """A highlighted stretch ``[start, end)`` of the text.

    ``layer`` is ``ent`` (entity, background), ``q`` (quote, underline), ``spk`` (speaker mention)
    or ``cue``; ``classes`` are extra CSS classes (status, error kinds); ``tag`` is a small label
    shown after the span (the entity label); ``info`` is its tooltip line; ``links`` are ids of
    annotations highlighted together with it (a quote's speaker mention, its matched counterpart).
    """

    start: int
    end: int
    layer: str
    id: str
    classes: tuple[str, ...] = ()
    tag: str = ""
    info: str = ""
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    covering: tuple[Annotation, ...]


def segments(text: str, annotations: Sequence[Annotation]) -> list[Segment]:
    """Cut ``text`` at every boundary; each segment lists the annotations covering it (in input
    order). Annotations outside the text are clamped; empty ones are dropped."""
    n = len(text)
    anns = [a for a in annotations if min(a.end, n) > max(a.start, 0)]
    cuts = sorted({0, n, *(max(0, a.start) for a in anns), *(min(n, a.end) for a in anns)})
    order = {id(a): i for i, a in enumerate(anns)}
    by_start = sorted(anns, key=lambda a: a.start)
    active: list[Annotation] = []
    k = 0
    out: list[Segment] = []
    for a, b in pairwise(cuts):
        while k < len(by_start) and max(0, by_start[k].start) <= a:
            active.append(by_start[k])
            k += 1
        active = [x for x in active if x.end > a]
        covering = tuple(sorted((x for x in active if x.start < b), key=lambda x: order[id(x)]))
        out.append(Segment(a, b, covering))
    return out


def _attr(values: Sequence[str]) -> str:
    return escape(" ".join(dict.fromkeys(v for v in values if v)), quote=True)


def render(text: str, annotations: Sequence[Annotation]) -> str:
    """HTML for ``text`` with ``annotations`` highlighted (escaped; segments never nest).

    Segments carry the ids of their annotations (``data-ann``) and of the linked ones
    (``data-link``); the descriptions are written once by :func:`render_infos`, and the report's
    script turns them into the tooltip of whatever segment the pointer is on.
    """
    parts: list[str] = []
    for seg in segments(text, annotations):
        piece = escape(text[seg.start : seg.end], quote=True)
        if not seg.covering:
            parts.append(piece)
            continue
        classes = ["a"]
        for ann in seg.covering:
            classes += [ann.layer, *ann.classes]
            if ann.start == seg.start and ann.layer in BEGIN_CLASS:
                classes.append(BEGIN_CLASS[ann.layer])
            if ann.end == seg.end and ann.layer in END_CLASS:
                classes.append(END_CLASS[ann.layer])
        ids = [a.id for a in seg.covering]
        links = [link for a in seg.covering for link in a.links]
        parts.append(
            f'<span class="{_attr(classes)}" data-ann="{_attr(ids)}" '
            f'data-link="{_attr(links)}">{piece}</span>'
        )
        for ann in seg.covering:
            if ann.tag and ann.end == seg.end:
                parts.append(
                    f'<sup class="tag {_attr([ann.layer, *ann.classes])}" '
                    f'data-ann="{escape(ann.id, quote=True)}">{escape(ann.tag)}</sup>'
                )
    return "".join(parts)


def render_infos(annotations: Sequence[Annotation]) -> str:
    """A hidden element holding each annotation's description once (``data-id``/``data-info``)."""
    items = "".join(
        f'<span data-id="{escape(a.id, quote=True)}" data-info="{escape(a.info, quote=True)}">'
        "</span>"
        for a in annotations
        if a.info
    )
    return f'<div class="infos" hidden>{items}</div>'
