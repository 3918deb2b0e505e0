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


_MISSING: Any = object()


def _field(
    d: Mapping[str, Any],
    key: str,
    where: str,
    kind: type | tuple[type, ...],
    default: Any = _MISSING,
) -> Any:
    """``d[key]`` checked to be a ``kind`` (an ``int`` is never a ``bool``); a missing or null
    field is ``default`` when one is given. A problem is a ``ValueError`` naming the field."""
    value = d.get(key)
    if value is None and default is not _MISSING:
        return default
    if key not in d:
        raise ValueError(f"{where}{key}: missing")
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        expected = " or ".join(k.__name__ for k in kinds)
        raise ValueError(
            f"{where}{key}: expected {expected}, got {type(value).__name__} {value!r:.60}"
        )
    return value


def _object(d: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(d, Mapping):
        raise ValueError(f"{where or 'the line'}: expected a JSON object, got {type(d).__name__}")
    return d


def span_from_dict(d: Mapping[str, Any] | None, where: str = "") -> Span | None:
    if d is None:
        return None
    d = _object(d, where.rstrip("."))
    return Span(_field(d, "start", where, int), _field(d, "end", where, int),
                _field(d, "text", where, str, ""))  # fmt: skip


def entity_from_dict(d: Mapping[str, Any], where: str = "") -> Entity:
    d = _object(d, where.rstrip("."))
    return Entity(_field(d, "start", where, int), _field(d, "end", where, int),
                  _field(d, "label", where, str), _field(d, "text", where, str, ""))  # fmt: skip


def quote_from_dict(d: Mapping[str, Any], where: str = "") -> Quote:
    d = _object(d, where.rstrip("."))
    return Quote(
        start=_field(d, "start", where, int),
        end=_field(d, "end", where, int),
        type=_field(d, "type", where, str, "direct"),
        speaker=_field(d, "speaker", where, str, None),
        speaker_span=span_from_dict(_field(d, "speaker_span", where, dict, None),
                                    f"{where}speaker_span."),
        cue=span_from_dict(_field(d, "cue", where, dict, None), f"{where}cue."),
        text=_field(d, "text", where, str, ""),
    )  # fmt: skip


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
    """A prediction from its dict, every field's type checked: a ``ValueError`` names the first
    field that is wrong (``entities[2].label: expected str, got list ['PER']``)."""
    d = _object(d, "")
    key = "doc_id" if "doc_id" in d or "id" not in d else "id"
    entities = _field(d, "entities", "", list, [])
    quotes = _field(d, "quotes", "", list, [])
    return Prediction(
        doc_id=_field(d, key, "", str),
        entities=tuple(entity_from_dict(e, f"entities[{i}].") for i, e in enumerate(entities)),
        quotes=tuple(quote_from_dict(q, f"quotes[{i}].") for i, q in enumerate(quotes)),
        diagnostics=dict(_field(d, "diagnostics", "", dict, {})),
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
