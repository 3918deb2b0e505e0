"""Conversion between the data model and plain JSON-able dicts (the gold span format)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .model import Entity, Prediction, Quote, Span


def span_to_dict(s: Span | None) -> dict[str, Any] | None:
    return None if s is None else {"start": s.start, "end": s.end, "text": s.text}


def entity_to_dict(e: Entity) -> dict[str, Any]:
    return {"start": e.start, "end": e.end, "label": e.label, "text": e.text}


def quote_to_dict(q: Quote) -> dict[str, Any]:
    return {
        "start": q.start,
        "end": q.end,
        "text": q.text,
        "type": q.type,
        "speaker": q.speaker,
        "speaker_span": span_to_dict(q.speaker_span),
        "cue": span_to_dict(q.cue),
    }


def span_from_dict(d: Mapping[str, Any] | None) -> Span | None:
    if d is None:
        return None
    return Span(int(d["start"]), int(d["end"]), str(d.get("text") or ""))


def entity_from_dict(d: Mapping[str, Any]) -> Entity:
    return Entity(int(d["start"]), int(d["end"]), str(d["label"]), str(d.get("text") or ""))


def quote_from_dict(d: Mapping[str, Any]) -> Quote:
    return Quote(
        start=int(d["start"]),
        end=int(d["end"]),
        type=d.get("type") or "direct",
        speaker=d.get("speaker"),
        speaker_span=span_from_dict(d.get("speaker_span")),
        cue=span_from_dict(d.get("cue")),
        text=str(d.get("text") or ""),
    )


def prediction_to_dict(p: Prediction) -> dict[str, Any]:
    return {
        "doc_id": p.doc_id,
        "entities": [entity_to_dict(e) for e in p.entities],
        "quotes": [quote_to_dict(q) for q in p.quotes],
    }


def prediction_from_dict(d: Mapping[str, Any]) -> Prediction:
    return Prediction(
        doc_id=str(d.get("doc_id", d.get("id"))),
        entities=tuple(entity_from_dict(e) for e in d.get("entities") or ()),
        quotes=tuple(quote_from_dict(q) for q in d.get("quotes") or ()),
    )
