"""An append-only sequence of predictions kept in a temporary file instead of in memory.

A run over thousands of documents would otherwise hold every prediction until the results are
written; the spool keeps each prediction on disk (pickled as plain tuples, which is several times
faster than JSON) and reads them back, in order, when iterated (the results writer streams them
into ``predictions.jsonl``). The file is private to the process and removed when closed.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any

from .model import Entity, Prediction, Quote, Span


def _unspan(t: tuple[int, int, str] | None) -> Span | None:
    return None if t is None else Span(*t)


def pack(p: Prediction) -> tuple[Any, ...]:
    """A prediction as plain tuples and lists (pickled several times faster than dataclasses)."""
    return (
        p.doc_id,
        [(e.start, e.end, e.label, e.text) for e in p.entities],
        [
            (
                q.start,
                q.end,
                q.type,
                q.speaker,
                None if (s := q.speaker_span) is None else (s.start, s.end, s.text),
                None if (c := q.cue) is None else (c.start, c.end, c.text),
                q.text,
            )
            for q in p.quotes
        ],
    )


def unpack(t: tuple[Any, ...]) -> Prediction:
    """The prediction packed by :func:`pack`."""
    doc_id, entities, quotes = t
    return Prediction(
        doc_id,
        tuple(Entity(*e) for e in entities),
        tuple(
            Quote(s, e, ty, sp, _unspan(ss), _unspan(cue), tx)
            for s, e, ty, sp, ss, cue, tx in quotes
        ),
    )


def pack_record(preds: Sequence[Prediction]) -> bytes:
    """Predictions as one pickled list of :func:`pack` tuples (:func:`unpack_record` reads it)."""
    return pickle.dumps([pack(p) for p in preds], protocol=pickle.HIGHEST_PROTOCOL)


def unpack_record(record: bytes) -> list[Prediction]:
    return [unpack(t) for t in pickle.loads(record)]


class PredictionSpool:
    """Predictions in the order they were appended; iterate as often as needed."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile("w+b")
        self._n = 0

    def append(self, pred: Prediction) -> None:
        self.extend([pred])

    def extend(self, preds: Sequence[Prediction]) -> bytes:
        """Append ``preds`` in order, as one record (cheaper than one each); return the record
        (:func:`pack_record`), for a caller that also sends the predictions elsewhere."""
        record = pack_record(preds)
        if preds:
            self._file.seek(0, 2)
            self._file.write(record)
            self._n += len(preds)
        return record

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[Prediction]:
        self._file.flush()
        pos, i = 0, 0
        while i < self._n:  # own position: iterations may interleave with appends
            self._file.seek(pos)
            record = pickle.load(self._file)
            pos = self._file.tell()
            for item in record:
                i += 1
                yield unpack(item)

    def close(self) -> None:
        self._file.close()
