"""Conversion between the data model and plain JSON-able dicts (the gold span format)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
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
    out = {
        "doc_id": p.doc_id,
        "entities": [entity_to_dict(e) for e in p.entities],
        "quotes": [quote_to_dict(q) for q in p.quotes],
    }
    if p.diagnostics:
        out["diagnostics"] = dict(p.diagnostics)
    return out


def prediction_from_dict(d: Mapping[str, Any]) -> Prediction:
    return Prediction(
        doc_id=str(d.get("doc_id", d.get("id"))),
        entities=tuple(entity_from_dict(e) for e in d.get("entities") or ()),
        quotes=tuple(quote_from_dict(q) for q in d.get("quotes") or ()),
        diagnostics=dict(d.get("diagnostics") or {}),
    )


def read_predictions(
    path: Path, error: Callable[[str], Exception]
) -> Iterator[tuple[int, dict[str, Any], Prediction]]:
    """``(line number, record, prediction)`` for each non-blank line of a predictions JSONL file.

    A file that is not UTF-8 or a malformed line raises ``error(message)``, the message naming
    the file and the line.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not valid UTF-8 ({exc})") from exc
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            yield lineno, rec, prediction_from_dict(rec)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise error(f"{path}, line {lineno}: malformed prediction ({exc})") from exc
