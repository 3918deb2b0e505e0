"""From word tags to quotes: role spans, links, speaker names and quote types.

Before linking, content spans separated only by whitespace and punctuation are joined (M1,
:func:`.tags.merge_contents`), and content spans the tagger is unsure of are dropped (M2: mean
content probability of their words below ``min_confidence``; the training recipe chooses the
threshold on dev with the epoch and stores it in the model's config).

The type comes from the quotation marks by the rule the goldset conversion uses (C4 of
goldsets/GUIDELINES.md, :func:`harness.formats.conventions.quote_type`), so a predicted quote is
typed exactly as a gold quote with the same span.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from harness.formats.conventions import quote_type
from harness.model import Entity, Quote, QuoteType, Span
from harness_transformers.attribution.linking import link
from harness_transformers.attribution.speakers import resolve_speaker
from harness_transformers.attribution.tags import (
    ATTRIBUTION_TAGS,
    RoleSpan,
    decode_role_spans,
    merge_contents,
)


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
    """Quotes of a document from its word tags (``None`` = O), contents joined by M1."""
    spans = merge_contents(text, decode_role_spans(text, words, tags))
    return quotes_from_spans(text, spans, persons)


def quotes_from_probs(
    text: str,
    words: Sequence[tuple[int, int]],
    word_probs: Any,
    persons: Sequence[Entity] | None = None,
    min_confidence: float = 0.0,
) -> tuple[Quote, ...]:
    """Quotes from word class probabilities (``(n_words, len(ATTRIBUTION_TAGS))``): tags by
    argmax, contents joined (M1) and the unsure ones dropped (M2)."""
    names = [None if t == "O" else t for t in ATTRIBUTION_TAGS]
    tags = [
        names[int(c)] if row.any() else None
        for c, row in zip(word_probs.argmax(axis=1), word_probs, strict=True)
    ]
    spans = merge_contents(text, decode_role_spans(text, words, tags, word_probs))
    kept = [s for s in spans if s.role != "CONTENT" or s.score >= min_confidence]
    return quotes_from_spans(text, kept, persons)
