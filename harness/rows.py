"""The row layout of a goldset dataset, and the conversions between rows and documents.

A goldset is stored as a Hugging Face ``datasets.Dataset`` whose rows follow
:func:`dataset_features`. Validated JSON records become documents with :func:`row_to_document`
and rows with :func:`document_to_row`; stored rows come back as documents with
:func:`documents_from_arrow`, which reads the Arrow columns directly (each span field is converted
as one flat column), several times faster than going through per-row Python dicts.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import pairwise
from typing import Any

from .codec import entity_from_dict, entity_to_dict, quote_from_dict, quote_to_dict
from .model import Document, Entity, Quote, Span, Speaker

#: Rows converted to documents at a time while iterating.
ITER_BATCH = 256


def dataset_features() -> Any:
    """The declared ``datasets.Features`` of a goldset row."""
    from datasets import Features, List, Value

    span = {"start": Value("int32"), "end": Value("int32"), "text": Value("string")}
    return Features(
        {
            "id": Value("string"),
            "text": Value("string"),
            "text_path": Value("string"),
            "text_sha256": Value("string"),
            "entities": List(
                {
                    "start": Value("int32"),
                    "end": Value("int32"),
                    "label": Value("string"),
                    "text": Value("string"),
                }
            ),
            "quotes": List(
                {
                    "start": Value("int32"),
                    "end": Value("int32"),
                    "text": Value("string"),
                    "type": Value("string"),
                    "speaker": Value("string"),
                    "speaker_span": span,
                    "cue": span,
                }
            ),
            "speakers": List(
                {
                    "id": Value("string"),
                    "name": Value("string"),
                    "type": Value("string"),
                    "aliases": List(Value("string")),
                }
            ),
        }
    )


def row_to_document(row: Mapping[str, Any]) -> Document:
    """Turn a validated JSON record plus its text into a :class:`Document`."""
    speakers = row["speakers"]
    if isinstance(speakers, Mapping):  # JSON form: {id: {...}}
        speakers = [{"id": k, **v} for k, v in speakers.items()]
    return Document(
        id=row["id"],
        text=row["text"],
        entities=tuple(entity_from_dict(e) for e in row["entities"]),
        quotes=tuple(quote_from_dict(q) for q in row["quotes"]),
        speakers=tuple(
            Speaker(s["id"], s["name"], s["type"], tuple(s["aliases"] or ())) for s in speakers
        ),
        text_path=row.get("text_path", ""),
        text_sha256=row.get("text_sha256", ""),
    )


def document_to_row(doc: Document) -> dict[str, Any]:
    """The dataset row of a document (the inverse of :func:`row_to_document`)."""
    return {
        "id": doc.id,
        "text": doc.text,
        "text_path": doc.text_path,
        "text_sha256": doc.text_sha256,
        "entities": [entity_to_dict(e) for e in doc.entities],
        "quotes": [quote_to_dict(q) for q in doc.quotes],
        "speakers": [
            {"id": s.id, "name": s.name, "type": s.type, "aliases": list(s.aliases)}
            for s in doc.speakers
        ],
    }


def _items(table: Any, column: str) -> tuple[list[int], dict[str, Any]]:
    """Offsets (rebased to 0) and child arrays of a ``list<struct>`` column of ``table``.

    Struct children come from ``StructArray.flatten``, which applies the parent's null mask, so
    a null nested struct reads as nulls in every field.
    """
    lists = table.column(column).combine_chunks()
    offsets = lists.offsets.to_pylist()
    base = offsets[0]
    structs = lists.flatten()
    fields = dict(zip((f.name for f in structs.type), structs.flatten(), strict=True))
    return [o - base for o in offsets], fields


def _texts(array: Any) -> list[str]:
    return [t or "" for t in array.to_pylist()]


def _spans(struct: Any) -> list[Span | None]:
    f = dict(zip((x.name for x in struct.type), struct.flatten(), strict=True))
    return [
        None if s is None else Span(s, e, t or "")
        for s, e, t in zip(
            f["start"].to_pylist(), f["end"].to_pylist(), f["text"].to_pylist(), strict=True
        )
    ]


def _per_row(items: list[Any], offsets: list[int]) -> Iterator[tuple[Any, ...]]:
    for a, b in pairwise(offsets):
        yield tuple(items[a:b])


def documents_from_arrow(table: Any) -> list[Document]:
    """The documents of a ``pyarrow.Table`` of goldset rows (:func:`dataset_features`)."""
    if table.num_rows == 0:
        return []
    e_off, e = _items(table, "entities")
    entities = list(
        map(
            Entity,
            e["start"].to_pylist(),
            e["end"].to_pylist(),
            e["label"].to_pylist(),
            _texts(e["text"]),
        )
    )
    q_off, q = _items(table, "quotes")
    quotes = list(
        map(
            Quote,
            q["start"].to_pylist(),
            q["end"].to_pylist(),
            [t or "direct" for t in q["type"].to_pylist()],
            q["speaker"].to_pylist(),
            _spans(q["speaker_span"]),
            _spans(q["cue"]),
            _texts(q["text"]),
        )
    )
    s_off, s = _items(table, "speakers")
    speakers = list(
        map(
            Speaker,
            s["id"].to_pylist(),
            s["name"].to_pylist(),
            s["type"].to_pylist(),
            [tuple(a or ()) for a in s["aliases"].to_pylist()],
        )
    )
    return list(
        map(
            Document,
            table.column("id").to_pylist(),
            table.column("text").to_pylist(),
            _per_row(entities, e_off),
            _per_row(quotes, q_off),
            _per_row(speakers, s_off),
            _texts(table.column("text_path")),
            _texts(table.column("text_sha256")),
        )
    )


def iter_documents(dataset: Any, batch_size: int = ITER_BATCH) -> Iterator[Document]:
    """Documents of a goldset dataset, converted from Arrow ``batch_size`` rows at a time."""
    for table in dataset.with_format("arrow").iter(batch_size=batch_size):
        yield from documents_from_arrow(table)
