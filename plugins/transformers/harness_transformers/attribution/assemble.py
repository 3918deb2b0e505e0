"""From word tags to quotes: role spans, links, speaker names and quote types.

The type comes from the quotation marks by the rule the goldset conversion uses (C4 of
goldsets/GUIDELINES.md, :func:`harness.formats.conventions.quote_type`), so a predicted quote is
typed exactly as a gold quote with the same span.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from harness.formats.conventions import quote_type
from harness.model import Entity, Quote, QuoteType, Span
from harness_transformers.attribution.linking import link
from harness_transformers.attribution.speakers import resolve_speaker
from harness_transformers.attribution.tags import RoleSpan, decode_role_spans


def quotes_from_spans(
    text: str, spans: Sequence[RoleSpan], persons: Sequence[Entity] | None = None
) -> tuple[Quote, ...]:
    """One quote per content span, linked to its cue and source (:mod:`.linking`).

    The speaker is the source resolved to a name with ``persons`` (:mod:`.speakers`), or the
    source's own words when ``persons`` is ``None``; a quote without a source has no speaker.
    """
    links = link(text, spans)
    contents = [(k.content.start, k.content.end) for k in links]
    quotes: list[Quote] = []
    for k in links:
        c, cue, src = k.content, k.cue, k.source
        speaker = None
        if src is not None:
            if persons is None:
                speaker = " ".join(text[src.start : src.end].split())
            else:
                speaker = resolve_speaker(text, src.start, src.end, persons, contents)
        quotes.append(
            Quote(
                start=c.start,
                end=c.end,
                type=cast(QuoteType, quote_type(text, c.start, c.end)),
                speaker=speaker,
                speaker_span=None
                if src is None
                else Span(src.start, src.end, text[src.start : src.end]),
                cue=None if cue is None else Span(cue.start, cue.end, text[cue.start : cue.end]),
                text=text[c.start : c.end],
            )
        )
    return tuple(quotes)


def _span(text: str, r: RoleSpan | None) -> Span | None:
    return None if r is None else Span(r.start, r.end, text[r.start : r.end])


def quotes_from_tags(
    text: str,
    words: Sequence[tuple[int, int]],
    tags: Sequence[str | None],
    persons: Sequence[Entity] | None = None,
) -> tuple[Quote, ...]:
    """Quotes of a document from its word tags (``None`` = O)."""
    return quotes_from_spans(text, decode_role_spans(text, words, tags), persons)
