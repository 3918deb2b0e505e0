"""Per-document files of a run: predictions and counts in Arrow IPC files, read memory-mapped.

A run writes, for each extractor, two files a batch of documents at a time, so that memory is
bounded by the batch and not by the goldset (``results.json`` keeps the summary and names them):

``<id>.predictions.arrow`` (schema ``harness.predictions/1``), one row per document in goldset
order, written by the run's process::

    doc_id: string
    error: string | null               the failure's class (Timeout, RuntimeError...), if any
    message: string | null             and its message
    entities: list<struct<start: int32, end: int32, label: string, text: string>>
    quotes: list<struct<start: int32, end: int32, type: string, speaker: string | null,
                        speaker_span: struct<start: int32, end: int32, text: string> | null,
                        cue: struct<start: int32, end: int32, text: string> | null,
                        text: string>>
    diagnostics: map<string, double> | null   the extractor's diagnostics of the document

The predictions are the scored ones (label maps applied, only the scored labels and tasks), as
in ``predictions.jsonl``.

``<id>.counts.arrow`` (schema ``harness.counts/1``), one row per document in goldset order,
written by whoever counts (the run's process or the scoring worker)::

    doc_id: string
    counts: list<struct<key: dictionary<int32, string>, matched: double, n_pred: double,
                        n_gold: double>>
    findings: list<struct<task: int8, gold: int32, pred: int32, kinds: int8, flags: int8>>
              | null                    what each gold and predicted item came to
                                        (:mod:`harness.scoring.findings`), for the report;
                                        older files lack the column

``counts`` are the additive counts of :func:`harness.scoring.document.count_document` (a key
missing from a document counts as zero); the key strings are stored once, as an Arrow
dictionary that grows by deltas. :class:`CountsFile` reads them back as dense
``(documents, keys, 3)`` chunks for the bootstrap (:class:`harness.scoring.CountSource`) or as
per-document dicts.

Both files are ordinary Arrow IPC files: ``pyarrow.ipc.open_file(path).read_all()`` (or
``pyarrow.dataset``, polars, DuckDB) reads them without the harness.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import shutil
import tempfile
import time
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import chain, pairwise
from pathlib import Path
from typing import Any, overload

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc

from .model import Entity, Prediction, Quote, Span

PREDICTIONS_SCHEMA = "harness.predictions/1"
COUNTS_SCHEMA = "harness.counts/1"

_SPAN = pa.struct([("start", pa.int32()), ("end", pa.int32()), ("text", pa.string())])
_ENTITY = pa.struct(
    [("start", pa.int32()), ("end", pa.int32()), ("label", pa.string()), ("text", pa.string())]
)
_QUOTE = pa.struct(
    [
        ("start", pa.int32()), ("end", pa.int32()), ("type", pa.string()),
        ("speaker", pa.string()), ("speaker_span", _SPAN), ("cue", _SPAN), ("text", pa.string()),
    ]
)  # fmt: skip
PREDICTIONS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("error", pa.string()),
        ("message", pa.string()),
        ("entities", pa.list_(_ENTITY)),
        ("quotes", pa.list_(_QUOTE)),
        ("diagnostics", pa.map_(pa.string(), pa.float64())),
    ],
    metadata={"schema": PREDICTIONS_SCHEMA},
)
_COUNT = pa.struct(
    [
        ("key", pa.dictionary(pa.int32(), pa.string())),
        ("matched", pa.float64()), ("n_pred", pa.float64()), ("n_gold", pa.float64()),
    ]
)  # fmt: skip
#: A finding of :mod:`harness.scoring.findings` (``-1``: no gold / no predicted item).
FINDING = pa.struct(
    [
        ("task", pa.int8()), ("gold", pa.int32()), ("pred", pa.int32()),
        ("kinds", pa.int8()), ("flags", pa.int8()),
    ]
)  # fmt: skip
COUNTS = pa.schema(
    [("doc_id", pa.string()), ("counts", pa.list_(_COUNT)), ("findings", pa.list_(FINDING))],
    metadata={"schema": COUNTS_SCHEMA},
)
#: Largest dense chunk of counts handed to the bootstrap (bytes of float64).
CHUNK_BYTES = 32 * 2**20

Counts = dict[str, tuple[float, float, float]]


#: The private folders of runs in the making: ``harness-run-<pid>-<random>`` in ``TMPDIR``.
RUN_FOLDER_PREFIX = "harness-run-"
#: A run folder left by a process that is gone (killed) is removed after this many seconds.
STALE_SECONDS = 3600.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def _last_change(folder: Path) -> float:
    times = [folder.stat().st_mtime] + [f.stat().st_mtime for f in folder.iterdir()]
    return max(times)


def remove_stale_run_folders(root: Path | None = None) -> None:
    """Remove the run folders of processes that died without cleaning up (``kill -9``), once
    nothing was written to them for :data:`STALE_SECONDS`."""
    root = Path(root or tempfile.gettempdir())
    for folder in root.glob(RUN_FOLDER_PREFIX + "*"):
        pid = folder.name[len(RUN_FOLDER_PREFIX) :].split("-")[0]
        try:
            stale = time.time() - _last_change(folder) > STALE_SECONDS
        except OSError:
            continue
        if pid.isdigit() and stale and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


class RunFiles:
    """A private folder for a run's per-document files while the run is made; the results
    writer moves them beside ``results.json``. The folder (in the system's temporary folder,
    ``TMPDIR``) is removed by :meth:`cleanup`, or when this object is garbage-collected, or at
    exit; one left by a killed process is removed by a later run
    (:func:`remove_stale_run_folders`)."""

    def __init__(self) -> None:
        remove_stale_run_folders()
        prefix = f"{RUN_FOLDER_PREFIX}{os.getpid()}-"
        self.folder = Path(tempfile.mkdtemp(prefix=prefix))
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(self.folder), True)
        self._ids: dict[str, int] = {}

    def path(self, label: str, kind: str) -> Path:
        """The file of ``kind`` (``predictions``, ``counts``: Arrow; ``jsonl``: the extractor's
        lines of ``predictions.jsonl``, :func:`write_jsonl_lines`) of the extractor ``label``."""
        n = self._ids.setdefault(label, len(self._ids))
        return self.folder / f"{n}.{kind}.{'jsonl' if kind == 'jsonl' else 'arrow'}"

    def cleanup(self) -> None:
        self._finalizer()


class _Writer:
    """An Arrow IPC file written a record batch at a time (``close`` finishes it)."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = Path(path)
        self.rows = 0
        options = ipc.IpcWriteOptions(emit_dictionary_deltas=True)
        with self._naming():
            self._sink = pa.OSFile(str(self.path), "wb")
            self._writer = ipc.new_file(self._sink, schema, options=options)

    def _write(self, batch: pa.RecordBatch) -> None:
        if batch.num_rows:
            with self._naming():
                self._writer.write_batch(batch)
            self.rows += batch.num_rows

    def close(self) -> None:
        if self._writer is not None:
            with self._naming():
                self._writer.close()
                self._sink.close()
            self._writer = None  # type: ignore[assignment]

    @contextlib.contextmanager
    def _naming(self) -> Iterator[None]:
        """Arrow's OS errors (a full disk, ``ulimit -f``) name no file: name this one."""
        try:
            yield
        except OSError as exc:
            if exc.filename is None:
                exc.filename = str(self.path)
            raise

    def __getstate__(self) -> Any:
        raise TypeError(f"{type(self).__name__} cannot be pickled (it holds an open file)")


# ---- predictions ------------------------------------------------------------------------------


def _offsets(lengths: Sequence[int]) -> pa.Array:
    return pa.array(np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]), pa.int32())


def _span_array(spans: Sequence[Span | None]) -> pa.Array:
    mask = pa.array([s is None for s in spans], pa.bool_())
    return pa.StructArray.from_arrays(
        [
            pa.array([0 if s is None else s.start for s in spans], pa.int32()),
            pa.array([0 if s is None else s.end for s in spans], pa.int32()),
            pa.array(["" if s is None else s.text for s in spans], pa.string()),
        ],
        fields=list(_SPAN),
        mask=mask,
    )


def _entities_array(preds: Sequence[Prediction]) -> pa.Array:
    ents = [e for p in preds for e in p.entities]
    values = pa.StructArray.from_arrays(
        [
            pa.array([e.start for e in ents], pa.int32()),
            pa.array([e.end for e in ents], pa.int32()),
            pa.array([e.label for e in ents], pa.string()),
            pa.array([e.text for e in ents], pa.string()),
        ],
        fields=list(_ENTITY),
    )
    return pa.ListArray.from_arrays(_offsets([len(p.entities) for p in preds]), values)


def _quotes_array(preds: Sequence[Prediction]) -> pa.Array:
    qs = [q for p in preds for q in p.quotes]
    values = pa.StructArray.from_arrays(
        [
            pa.array([q.start for q in qs], pa.int32()),
            pa.array([q.end for q in qs], pa.int32()),
            pa.array([q.type for q in qs], pa.string()),
            pa.array([q.speaker for q in qs], pa.string()),
            _span_array([q.speaker_span for q in qs]),
            _span_array([q.cue for q in qs]),
            pa.array([q.text for q in qs], pa.string()),
        ],
        fields=list(_QUOTE),
    )
    return pa.ListArray.from_arrays(_offsets([len(p.quotes) for p in preds]), values)


def _diagnostics_array(diagnostics: Sequence[Mapping[str, float] | None]) -> pa.Array:
    return pa.array(
        [None if not d else list(d.items()) for d in diagnostics],
        pa.map_(pa.string(), pa.float64()),
    )


class PredictionsWriter(_Writer):
    """Writes the predictions of a run's documents, a batch at a time, in goldset order."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, PREDICTIONS)

    def write(
        self,
        preds: Sequence[Prediction],
        errors: Mapping[str, tuple[str, str]] | None = None,
        diagnostics: Sequence[Mapping[str, float] | None] | None = None,
    ) -> None:
        """Append ``preds``; ``errors``: ``{doc_id: (error, message)}`` of those that failed;
        ``diagnostics``: each document's diagnostics (same order)."""
        errors = errors or {}
        failed = [errors.get(p.doc_id) for p in preds]
        batch = pa.record_batch(
            [
                pa.array([p.doc_id for p in preds], pa.string()),
                pa.array([None if f is None else f[0] for f in failed], pa.string()),
                pa.array([None if f is None else f[1] for f in failed], pa.string()),
                _entities_array(preds),
                _quotes_array(preds),
                _diagnostics_array(diagnostics or [None] * len(preds)),
            ],
            schema=PREDICTIONS,
        )
        self._write(batch)


class MappedFile:
    """A file memory-mapped read-only (:mod:`mmap`), whose resident pages can be given back:
    after a pass over a large file they stay in the system's page cache, not in the process's
    resident memory."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as f:
            self.map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        self.buffer = pa.py_buffer(self.map)

    def release(self) -> None:
        if hasattr(mmap, "MADV_DONTNEED") and len(self.map):
            self.map.madvise(mmap.MADV_DONTNEED)


def _open(path: Path, schema: str, memory_map: bool = True) -> ipc.RecordBatchFileReader:
    if memory_map:
        mapped = MappedFile(path)
        reader = ipc.open_file(pa.BufferReader(mapped.buffer))
        reader.mapped = mapped  # type: ignore[attr-defined]
    else:
        reader = ipc.open_file(pa.OSFile(str(path)))
    found = (reader.schema.metadata or {}).get(b"schema", b"").decode()
    if found != schema:
        raise ValueError(f"{path}: schema {found!r}, expected {schema!r}")
    return reader


def _numbers(array: pa.Array) -> np.ndarray:
    """The values of a primitive Arrow array without nulls, as a numpy view (no copy; unlike
    ``to_numpy``, which makes pyarrow import pandas)."""
    if array.null_count:
        raise ValueError(f"unexpected nulls in a {array.type} column")
    dtype = np.dtype(array.type.to_pandas_dtype())
    return np.frombuffer(
        array.buffers()[1], dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize
    )


def _spans(struct: pa.StructArray) -> list[Span | None]:
    valid = struct.is_valid().to_pylist()
    f = {name: struct.field(name).to_pylist() for name in ("start", "end", "text")}
    return [
        Span(s, e, t or "") if ok else None
        for ok, s, e, t in zip(valid, f["start"], f["end"], f["text"], strict=True)
    ]


def _flat(lists: pa.ListArray) -> tuple[list[int], pa.StructArray]:
    offsets = _numbers(lists.offsets)
    return (offsets - offsets[0]).tolist(), lists.flatten()


def predictions_of(batch: pa.RecordBatch) -> list[Prediction]:
    """The predictions of a record batch of a predictions file (diagnostics not included)."""
    e_off, e = _flat(batch.column("entities"))
    entities = list(
        map(
            Entity,
            e.field("start").to_pylist(), e.field("end").to_pylist(),
            e.field("label").to_pylist(), e.field("text").to_pylist(),
        )
    )  # fmt: skip
    q_off, q = _flat(batch.column("quotes"))
    quotes = list(
        map(
            Quote,
            q.field("start").to_pylist(), q.field("end").to_pylist(), q.field("type").to_pylist(),
            q.field("speaker").to_pylist(), _spans(q.field("speaker_span")), _spans(q.field("cue")),
            q.field("text").to_pylist(),
        )
    )  # fmt: skip
    return [
        Prediction(doc_id, tuple(entities[a:b]), tuple(quotes[c:d]))
        for doc_id, (a, b), (c, d) in zip(
            batch.column("doc_id").to_pylist(), pairwise(e_off), pairwise(q_off), strict=True
        )
    ]


class PredictionsFile(Sequence[Prediction]):
    """A predictions file read back (memory-mapped): ``len``, iteration in goldset order,
    :meth:`batches` of predictions, :meth:`table`, the failures and the diagnostics.
    ``owner``: an object kept alive as long as this one (the :class:`RunFiles` of a run)."""

    def __init__(self, path: Path, owner: Any = None) -> None:
        self.path = Path(path)
        self._reader: ipc.RecordBatchFileReader | None = None
        self._owner = owner

    @property
    def reader(self) -> ipc.RecordBatchFileReader:
        if self._reader is None:
            self._reader = _open(self.path, PREDICTIONS_SCHEMA)
        return self._reader

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "_reader": None, "_owner": None}

    def __len__(self) -> int:
        r = self.reader
        return sum(r.get_batch(i).num_rows for i in range(r.num_record_batches))

    def table(self) -> pa.Table:
        """Every row as a ``pyarrow.Table`` (zero-copy: the file is memory-mapped)."""
        return self.reader.read_all()

    def record_batches(self) -> Iterator[pa.RecordBatch]:
        r = self.reader
        for i in range(r.num_record_batches):
            yield r.get_batch(i)
            if i % 16 == 15:
                _release(r)
        _release(r)

    def batches(self) -> Iterator[list[Prediction]]:
        """The predictions, a record batch (as written: one run batch) at a time."""
        for batch in self.record_batches():
            yield predictions_of(batch)

    def __iter__(self) -> Iterator[Prediction]:
        for preds in self.batches():
            yield from preds

    @overload
    def __getitem__(self, i: int) -> Prediction: ...
    @overload
    def __getitem__(self, i: slice) -> list[Prediction]: ...
    def __getitem__(self, i: int | slice) -> Prediction | list[Prediction]:
        table = self.table()
        if isinstance(i, slice):
            idx = range(*i.indices(table.num_rows))
            return [predictions_of(table.slice(j, 1).to_batches()[0])[0] for j in idx]
        if i < 0:
            i += table.num_rows
        if not 0 <= i < table.num_rows:
            raise IndexError(i)
        return predictions_of(table.slice(i, 1).combine_chunks().to_batches()[0])[0]

    def errors(self) -> dict[str, tuple[str, str]]:
        """``{doc_id: (error, message)}`` of the documents that failed."""
        out: dict[str, tuple[str, str]] = {}
        for batch in self.record_batches():
            errs = batch.column("error")
            if errs.null_count == len(errs):
                continue
            for d, e, m in zip(
                batch.column("doc_id").to_pylist(), errs.to_pylist(),
                batch.column("message").to_pylist(), strict=True,
            ):  # fmt: skip
                if e is not None:
                    out[d] = (e, m or "")
        return out

    def diagnostics(self) -> dict[str, dict[str, float]]:
        """``{doc_id: {name: value}}`` of the documents with diagnostics."""
        out: dict[str, dict[str, float]] = {}
        for batch in self.record_batches():
            col = batch.column("diagnostics")
            if col.null_count == len(col):
                continue
            for d, items in zip(batch.column("doc_id").to_pylist(), col.to_pylist(), strict=True):
                if items:
                    out[d] = dict(items)
        return out


def write_jsonl_lines(predictions: PredictionsFile, path: Path) -> None:
    """The extractor's lines of ``predictions.jsonl`` without their ``extractor`` key (it is
    added when the lines are copied into the run's file: :func:`jsonl_with_label`), read from
    its predictions file a record batch at a time (straight from Arrow)."""
    with path.open("w", encoding="utf-8") as f:
        for batch in predictions.record_batches():
            for row in batch.to_pylist():
                record = {
                    "doc_id": row["doc_id"], "entities": row["entities"],
                    "quotes": row["quotes"], "error": row["message"],
                }  # fmt: skip
                f.write(json.dumps(record, ensure_ascii=False) + "\n")


def jsonl_with_label(path: Path, label: str) -> Iterator[str]:
    """The lines of :func:`write_jsonl_lines` with ``"extractor": label`` first."""
    prefix = '{"extractor": ' + json.dumps(label, ensure_ascii=False) + ", "
    with path.open(encoding="utf-8") as f:
        for line in f:
            yield prefix + line[1:]


# ---- counts -----------------------------------------------------------------------------------


class CountsWriter(_Writer):
    """Writes documents' counts a batch at a time (a :class:`harness.scoring.CountSink`), and
    their findings (:mod:`harness.scoring.findings`) when given."""

    records_findings = True

    def __init__(self, path: Path) -> None:
        super().__init__(path, COUNTS)
        self._index: dict[str, int] = {}
        self._keys: list[str] = []

    def _key(self, key: str) -> int:
        i = self._index.get(key)
        if i is None:
            i = self._index[key] = len(self._keys)
            self._keys.append(key)
        return i

    def add(
        self, doc_ids: Sequence[str], per_doc: Sequence[Mapping[str, Any]],
        findings: Sequence[Sequence[Sequence[int]]] | None = None,
    ) -> None:  # fmt: skip
        """Append the counts (and findings) of documents ``doc_ids`` (same order)."""
        keys = np.fromiter(
            (self._key(k) for c in per_doc for k in c), np.int32, count=sum(map(len, per_doc))
        )
        flat = np.fromiter(
            chain.from_iterable(chain.from_iterable(c.values() for c in per_doc)),
            np.float64, count=3 * len(keys),
        ).reshape(-1, 3)  # fmt: skip
        values = pa.StructArray.from_arrays(
            [
                pa.DictionaryArray.from_arrays(pa.array(keys), pa.array(self._keys, pa.string())),
                pa.array(flat[:, 0]), pa.array(flat[:, 1]), pa.array(flat[:, 2]),
            ],
            fields=list(_COUNT),
        )  # fmt: skip
        lists = pa.ListArray.from_arrays(_offsets([len(c) for c in per_doc]), values)
        ids = pa.array(list(doc_ids), pa.string())
        self._write(pa.record_batch([ids, lists, _findings_array(findings, len(ids))], COUNTS))

    def finish(self) -> CountsFile:
        self.close()
        return CountsFile(self.path)


def _findings_array(findings: Sequence[Sequence[Sequence[int]]] | None, n: int) -> pa.Array:
    if findings is None:
        return pa.nulls(n, pa.list_(FINDING))
    lengths = [len(f) for f in findings]
    flat = np.fromiter(
        chain.from_iterable(chain.from_iterable(findings)), np.int32, count=5 * sum(lengths)
    ).reshape(-1, 5)
    types = [f.type for f in FINDING]
    values = pa.StructArray.from_arrays(
        [pa.array(flat[:, i]).cast(t) for i, t in enumerate(types)], fields=list(FINDING)
    )
    return pa.ListArray.from_arrays(_offsets(lengths), values)


class CountsFile(Sequence[Counts]):
    """A counts file read back: a :class:`harness.scoring.CountSource` (dense chunks for the
    bootstrap) and a sequence of per-document ``{key: (matched, n_pred, n_gold)}``.
    ``owner``: an object kept alive as long as this one (the :class:`RunFiles` of a run)."""

    def __init__(self, path: Path, memory_map: bool = True, owner: Any = None) -> None:
        self.path = Path(path)
        self.memory_map = memory_map
        self._reader: ipc.RecordBatchFileReader | None = None
        self._n: int | None = None
        self._owner = owner

    @property
    def reader(self) -> ipc.RecordBatchFileReader:
        if self._reader is None:
            self._reader = _open(self.path, COUNTS_SCHEMA, self.memory_map)
        return self._reader

    def __getstate__(self) -> dict[str, Any]:
        state = {"path": self.path, "memory_map": self.memory_map, "_reader": None}
        return {**state, "_n": self._n, "_owner": None}

    def _batches(self) -> Iterator[pa.RecordBatch]:
        r = self.reader
        for i in range(r.num_record_batches):
            yield r.get_batch(i)
            if i % 16 == 15:
                _release(r)
        _release(r)

    @property
    def n_docs(self) -> int:
        if self._n is None:
            self._n = sum(b.num_rows for b in self._batches())
        return self._n

    def __len__(self) -> int:
        return self.n_docs

    def _dictionary(self) -> list[str]:
        r = self.reader
        if not r.num_record_batches:
            return []
        last = r.get_batch(r.num_record_batches - 1).column("counts")
        return list(last.values.field("key").dictionary.to_pylist())

    def keys(self) -> list[str]:
        """Every count key of the file, sorted."""
        return sorted(self._dictionary())

    def doc_ids(self) -> list[str]:
        return [d for b in self._batches() for d in b.column("doc_id").to_pylist()]

    def _dense(self, batch: pa.RecordBatch, lookup: np.ndarray, width: int) -> np.ndarray:
        lists = batch.column("counts")
        offsets = _numbers(lists.offsets)
        values = lists.flatten()
        n = batch.num_rows
        docs = np.repeat(np.arange(n), np.diff(offsets))
        cols = lookup[_numbers(values.field("key").indices)]
        out = np.zeros((n, width, 3))
        for j, name in enumerate(("matched", "n_pred", "n_gold")):
            out[docs, cols, j] = _numbers(values.field(name))
        return out

    def chunks(self, keys: Sequence[str], max_docs: int | None = None) -> Iterator[np.ndarray]:
        """``(documents, len(keys), 3)`` float64 arrays of consecutive documents, in order,
        each of at most ``max_docs`` documents (default: :data:`CHUNK_BYTES` of them); a key of
        ``keys`` a document lacks is 0, and every key of the file must be in ``keys``."""
        position = {k: i for i, k in enumerate(keys)}
        names = self._dictionary()
        missing = [k for k in names if k not in position]
        if missing:
            raise KeyError(f"{self.path}: count keys {missing[:5]} not among the keys asked for")
        lookup = np.array([position[k] for k in names] or [0], dtype=np.intp)
        limit = max_docs or max(1, CHUNK_BYTES // (24 * max(len(keys), 1)))
        pending: list[np.ndarray] = []
        size = 0
        for batch in self._batches():
            pending.append(self._dense(batch, lookup, len(keys)))
            size += batch.num_rows
            if size >= limit:
                dense = np.concatenate(pending)
                full = len(dense) - len(dense) % limit
                yield from _split(dense[:full], limit)
                pending = [dense[full:]] if full < len(dense) else []
                size = len(dense) - full
        if size:
            yield np.concatenate(pending)

    def spilled(self, keys: Sequence[str]) -> Callable[[], Iterator[np.ndarray]]:
        """A reader of :meth:`chunks` for a caller that reads them many times (the bootstrap,
        once per chunk of replicates): the dense counts are written once to a temporary file
        (``TMPDIR``, removed when the reader is dropped) and read back memory-mapped, a chunk at
        a time, each chunk's pages given back after use. Memory stays bounded by a chunk; each
        pass costs a read of the file instead of rebuilding the dense counts."""
        width = len(keys)
        limit = max(1, CHUNK_BYTES // (24 * max(width, 1)))
        spill = tempfile.TemporaryFile(prefix="harness-counts-", suffix=".f64")
        for chunk in self.chunks(keys, limit):
            spill.write(np.ascontiguousarray(chunk, dtype=np.float64).tobytes())
        spill.flush()
        n = self.n_docs
        dense = np.memmap(spill, dtype=np.float64, mode="r", shape=(n, width, 3)) if n else None

        def read() -> Iterator[np.ndarray]:
            if dense is None:
                return
            for a in range(0, n, limit):
                yield dense[a : a + limit]
                _give_back(dense)

        read.spill = spill  # type: ignore[attr-defined]  # closed (removed) with the reader
        return read

    def __iter__(self) -> Iterator[Counts]:
        for batch in self._batches():
            yield from _counts_of(batch)

    @overload
    def __getitem__(self, i: int) -> Counts: ...
    @overload
    def __getitem__(self, i: slice) -> list[Counts]: ...
    def __getitem__(self, i: int | slice) -> Counts | list[Counts]:
        if isinstance(i, slice):
            return list(self)[i]
        n = self.n_docs
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        for batch in self._batches():
            if i < batch.num_rows:
                return _counts_of(batch.slice(i, 1))[0]
            i -= batch.num_rows
        raise IndexError(i)

    def by_document(self) -> dict[str, Counts]:
        """``{doc_id: counts}`` of every document (the ``per_document`` of results files of
        schema 1; holds everything in memory)."""
        out: dict[str, Counts] = {}
        for batch in self._batches():
            out.update(zip(batch.column("doc_id").to_pylist(), _counts_of(batch), strict=True))
        return out


def _give_back(dense: np.memmap) -> None:
    """Give back the resident pages of a memory-mapped array (they stay in the page cache)."""
    mapped = getattr(dense, "_mmap", None)
    if mapped is not None and hasattr(mmap, "MADV_DONTNEED"):
        mapped.madvise(mmap.MADV_DONTNEED)


def _release(reader: ipc.RecordBatchFileReader) -> None:
    mapped = getattr(reader, "mapped", None)
    if mapped is not None:
        mapped.release()


def _split(dense: np.ndarray, limit: int) -> Iterator[np.ndarray]:
    for a in range(0, len(dense), limit):
        yield dense[a : a + limit]


def _counts_of(batch: pa.RecordBatch) -> list[Counts]:
    lists = batch.column("counts")
    offsets, values = _flat(lists)
    keys = values.field("key").to_pylist() if len(values) else []
    cols = [values.field(n).to_pylist() for n in ("matched", "n_pred", "n_gold")]
    triples = list(zip(*cols, strict=True))
    return [dict(zip(keys[a:b], triples[a:b], strict=True)) for a, b in pairwise(offsets)]
